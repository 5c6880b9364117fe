from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from medoffice.core import bounds
from medoffice.core.models import (
    Location,
    Practice,
    TokenAccess,
    User,
)
from medoffice.core.money import MoneyError, format_amount, parse_money
from medoffice.core.roles import Role


def within_date_bounds(value: dt.date) -> None:
    """A form validator: the date (or the datetime's date) lies in 1900–2100."""
    problem = bounds.date_problem(value)
    if problem:
        raise ValidationError(problem, code="date_out_of_range")


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
            if isinstance(field, forms.DateField | forms.DateTimeField):
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
