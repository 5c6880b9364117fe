from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from medoffice.core import bounds, inputs
from medoffice.core.models import (
    Location,
    Practice,
    TokenAccess,
    User,
)
from medoffice.core.money import MoneyError, format_amount, parse_money
from medoffice.core.phones import national, to_e164
from medoffice.core.roles import Role


def within_date_bounds(value: dt.date) -> None:
    """A form validator: the date (or the datetime's date) lies in 1900–2100."""
    problem = bounds.date_problem(value)
    if problem:
        raise ValidationError(problem, code="date_out_of_range")


# What app.js sends for a date picker whose day the month lacks (the browser sends nothing).
BROWSER_BAD_DATE = "not-a-date"
PICKED_BAD_DATE = "This is not a date: check the day and the month (30 February, 31 April…)."


class TypedDateField(forms.DateField):
    """A date typed as MM/DD/YYYY (or sent as YYYY-MM-DD by a date picker): a day the month
    does not have is named ("30 February 2026 is not a date …"), never "required"."""

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if value == BROWSER_BAD_DATE:
            raise ValidationError(PICKED_BAD_DATE, code="invalid")
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return inputs.parse_date(str(value), today=timezone.localdate())
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from None


def typed_date_field(
    label: str, *, required: bool = True, help_text: str = "", picker: bool = True
) -> TypedDateField:
    """A date field; ``picker=False`` for dates typed from a card or an ID (birth dates), a
    text box taking MM/DD/YYYY, where the browser's picker would hide a mistyped day."""
    if picker:
        widget: forms.Widget = forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
        )
    else:
        widget = forms.DateInput(
            attrs={
                "class": "form-control form-control-sm",
                "placeholder": "MM/DD/YYYY",
                "inputmode": "numeric",
                "autocomplete": "off",
            },
            format="%m/%d/%Y",
        )
    return TypedDateField(
        label=label,
        required=required,
        widget=widget,
        help_text=help_text,
        validators=[within_date_bounds],
    )


def birth_date_field(label: str, *, required: bool = True, whose: str = "The") -> TypedDateField:
    """A birth date, typed: not in the future and within ``inputs.BIRTH_YEARS`` years."""

    def plausible(value: dt.date) -> None:
        problem = inputs.birth_date_problem(value, timezone.localdate(), whose=whose)
        if problem:
            raise ValidationError(problem, code="implausible_birth_date")

    field = typed_date_field(label, required=required, picker=False)
    # Replaces the 1900–2100 bounds: 130 years back from today is the tighter check.
    field.validators = [plausible]
    return field


class StateField(forms.ChoiceField):
    """A US state or territory from the list (``inputs.US_STATES``); "ma" is taken as MA."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).strip().upper()


def state_field(*, required: bool = False) -> StateField:
    return StateField(
        label="State",
        required=required,
        choices=[("", "—"), *inputs.STATE_CHOICES],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        error_messages={"invalid_choice": inputs.STATE_MESSAGE},
    )


def clean_zip(value: str) -> str:
    """A form's ZIP code normalised (12345 or 12345-6789); the error names the field's rule."""
    if not value:
        return ""
    try:
        return inputs.normalize_zip(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_zip_code") from None


def clean_phone(value: str) -> str:
    """A form's telephone number in E.164, or the sentence saying why it is not one."""
    try:
        return to_e164(value or "")
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_phone") from None


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's field ``name``, known to be a model choice (``form.fields`` holds plain Fields)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field ``name``, known to be a choice field."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class BootstrapMixin:
    """The base of every form: Bootstrap's classes on the widgets, so templates render
    fields plainly, and every date and date-time field held to ``core.bounds``."""

    fields: dict[str, forms.Field]  # the form's, set by BaseForm.__init__

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if (
                isinstance(field, forms.DateField | forms.DateTimeField)
                and within_date_bounds not in field.validators
            ):
                field.validators = [*field.validators, within_date_bounds]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")


class LoginForm(BootstrapMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "The user name or password is not right. Both are case-sensitive.",
        "inactive": "This account is deactivated. Ask the office manager.",
    }


class CodeForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        # A recovery code is 16 letters and digits in groups of four (core/models/mfa.py).
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


class DateRangeMixin(forms.Form):
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "“To” must be on or after “From”.")
        return data


class UserForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label="User name", max_length=150)
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField()
    title = forms.CharField(label="Job title", max_length=80, required=False)
    roles = forms.MultipleChoiceField(
        choices=[(r.value, r.label) for r in Role], widget=forms.CheckboxSelectMultiple
    )
    locations = forms.ModelMultipleChoiceField(
        queryset=Location.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to give access to every location.",
    )
    is_active = forms.BooleanField(label="Account active", required=False, initial=True)
    password = forms.CharField(
        label="Initial password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        help_text="At least 12 characters; the user can change it after logging in.",
    )
    must_change_password = forms.BooleanField(
        label="Ask for a new password at first log-in",
        required=False,
        initial=True,
        help_text="The user chooses their own password before anything else.",
    )

    def __init__(self, *args: Any, instance: User | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "username": instance.username,
                    "first_name": instance.first_name,
                    "last_name": instance.last_name,
                    "email": instance.email,
                    "title": instance.title,
                    "roles": [r.value for r in instance.role_set],
                    "locations": list(instance.locations.all()),
                    "is_active": instance.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["username"].disabled = True
            del self.fields["password"]
            del self.fields["must_change_password"]
        else:
            self.fields["password"].required = True
            del self.fields["is_active"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if self.instance is None and User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That user name is taken.")
        return username

    def clean(self) -> dict[str, Any]:
        """The password rules too (the service checks them again), so that a bad e-mail
        and a short password are named in one go."""
        data = super().clean() or {}
        password = data.get("password")
        if self.instance is None and password:
            from django.contrib.auth.password_validation import validate_password

            candidate = User(
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
            try:
                validate_password(password, candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class PracticeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Practice
        fields = [
            "legal_name",
            "display_name",
            "tax_id",
            "group_npi",
            "time_zone",
            "phone",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
            "require_mfa_for_everyone",
            "idle_timeout_minutes",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update({"type": "tel", "autocomplete": "tel"})
        self.fields["postal_code"].widget.attrs["inputmode"] = "numeric"
        if self.instance.pk and self.instance.phone:
            self.initial["phone"] = national(self.instance.phone)

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_postal_code(self) -> str:
        return clean_zip(self.cleaned_data.get("postal_code", ""))


class TokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(max_length=80, label="What is it for?")
    expires_in_days = forms.IntegerField(
        label="Expires after (days)", min_value=1, max_value=365, initial=90
    )
    access = forms.ChoiceField(
        choices=TokenAccess.choices,
        initial=TokenAccess.READ,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    areas = forms.MultipleChoiceField(
        label="Areas it may use", choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from medoffice.api.base import token_areas

        choice_field(self, "areas").choices = token_areas()


class PasswordChangeForm(BootstrapMixin, forms.Form):
    """A user's own password change: the current one, and the new one twice."""

    old_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label="New password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters, not only digits, not like your name or user name.",
    )
    new_password2 = forms.CharField(
        label="New password again",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    # The checks (current password, the two new ones alike, the password rules) are the
    # service's, made together so that every error of the form shows at once.


class MoneyField(forms.Field):
    """The one form field for an amount of money (``core.money.parse_money``).

    Digits with an optional decimal point and at most two decimals, thousands separators
    and a leading ``$`` allowed; never exponents, ``NaN`` or ``Infinity``. Each use names
    its upper bound (``maximum``) and whether zero is an amount (``allow_zero``). Cleans
    to a ``Decimal`` with cents, or ``None`` when the field is not required and empty.
    """

    widget = forms.TextInput
    default_error_messages = {"required": "Enter the amount."}

    def __init__(self, *, maximum: Decimal, allow_zero: bool = False, **kwargs: Any) -> None:
        self.maximum = maximum
        self.allow_zero = allow_zero
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal) and value.is_finite():
            return format_amount(value)
        return value

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            text: str | Decimal = value
        else:
            text = str(value)
        try:
            return parse_money(text, maximum=self.maximum, allow_zero=self.allow_zero)
        except MoneyError as exc:
            raise ValidationError(str(exc), code="invalid_amount") from exc
