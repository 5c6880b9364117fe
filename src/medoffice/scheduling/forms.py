"""Forms of the appointment book's set-up, booking, series, waitlist and recalls pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.html import format_html

from medoffice.core.formats import as_time
from medoffice.core.forms import BootstrapMixin, model_choice_field
from medoffice.core.models import Location, User
from medoffice.patients.forms import PatientField
from medoffice.scheduling import selectors
from medoffice.scheduling.choices import RecallStatus
from medoffice.scheduling.models import (
    AppointmentType,
    OverbookRule,
    Provider,
    Resource,
    ScheduleException,
    TemplateBlock,
    WaitlistEntry,
)
from medoffice.scheduling.services import OUTREACH_METHODS, practice_zone

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
COLOR = forms.TextInput(attrs={"type": "color"})


def offer_patients(form: forms.BaseForm, patients: list[Any], query: str) -> None:
    """The patients the form's picker may choose from (``views.common.patients_for_picker``)."""
    field = form.fields["patient"]
    assert isinstance(field, PatientField)
    field.offer(patients, query)


class ProviderForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Provider
        fields = [
            "first_name",
            "last_name",
            "credentials",
            "npi",
            "taxonomy_code",
            "specialty",
            "color",
            "user",
            "locations",
            "is_active",
        ]
        widgets = {"color": COLOR, "locations": forms.CheckboxSelectMultiple}


class ResourceForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["location", "name", "kind", "is_active"]


class AppointmentTypeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = AppointmentType
        fields = [
            "name",
            "code",
            "duration",
            "color",
            "patient_kind",
            "providers",
            "is_telehealth",
            "preparation",
            "buffer_before",
            "buffer_after",
            "min_notice",
            "max_per_day",
            "is_active",
        ]
        widgets = {
            "color": COLOR,
            "providers": forms.CheckboxSelectMultiple,
            "preparation": forms.Textarea(attrs={"rows": 3}),
        }


class TemplateBlockForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = TemplateBlock
        fields = [
            "provider",
            "location",
            "weekday",
            "start",
            "end",
            "appointment_types",
            "effective_from",
            "effective_to",
        ]
        widgets = {
            "start": TIME,
            "end": TIME,
            "effective_from": DATE,
            "effective_to": DATE,
            "appointment_types": forms.CheckboxSelectMultiple,
        }


class ScheduleExceptionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ScheduleException
        fields = ["kind", "provider", "location", "start", "end", "reason"]
        widgets = {"start": DATETIME, "end": DATETIME}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "The end must be after the start.")
        return data


class OverbookRuleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = OverbookRule
        fields = ["provider", "max_per_day", "appointment_types", "is_active"]
        widgets = {"appointment_types": forms.CheckboxSelectMultiple}


# --- booking ---------------------------------------------------------------------------


class FindSlotForm(BootstrapMixin, forms.Form):
    appointment_type = forms.ModelChoiceField(
        label="Type of visit", queryset=AppointmentType.objects.none()
    )
    providers = forms.ModelMultipleChoiceField(
        label="Providers (none = any)",
        queryset=Provider.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    locations = forms.ModelMultipleChoiceField(
        label="Locations (none = any)",
        queryset=Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    from_date = forms.DateField(label="From", widget=DATE, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "appointment_type").queryset = AppointmentType.objects.restrict(
            user, "view"
        ).filter(is_active=True)
        model_choice_field(self, "providers").queryset = Provider.objects.restrict(
            user, "view"
        ).filter(is_active=True)
        locations = Location.objects.used_by(user).filter(is_active=True)
        model_choice_field(self, "locations").queryset = locations


class TypeSelect(forms.Select):
    """A select of visit types whose options carry their length (``data-minutes``), so the
    booking page's script can show the visit's end as the type changes."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        instance = getattr(option["value"], "instance", None)
        if isinstance(instance, AppointmentType):
            option["attrs"]["data-minutes"] = instance.duration
        return option


class VisitTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.duration} min)"


def _as_pk(value: Any) -> int | None:
    """An id from the address, or None: ASCII digits only ("²" is a digit to Python but
    not to ``int()``), short enough for a 64-bit key."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


class BookingForm(BootstrapMixin, forms.Form):
    """The slot (provider, location, time) comes from "Find a slot" or the day view as hidden
    fields; the type of visit is chosen (the provider's most booked type first) and the
    page shows when the visit ends; the patient is picked."""

    appointment_type = VisitTypeField(
        label="Type of visit", queryset=AppointmentType.objects.none(), widget=TypeSelect
    )
    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), widget=forms.HiddenInput)
    location = forms.ModelChoiceField(queryset=Location.objects.none(), widget=forms.HiddenInput)
    start = forms.DateTimeField(widget=forms.HiddenInput)
    patient = PatientField()
    reason = forms.CharField(label="Reason for visit", max_length=200, required=False)
    note = forms.CharField(
        label="Front-desk note", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    overbook = forms.BooleanField(
        label="Overbook (only where an overbooking rule allows it)", required=False
    )

    def __init__(
        self, *args: Any, user: User, patients: list[Any], query: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else self.initial
        provider_id = _as_pk(source.get("provider"))
        asked = _as_pk(source.get("appointment_type"))
        offered = selectors.types_for_booking(user, provider_id, also=asked)
        model_choice_field(self, "appointment_type").queryset = offered
        if asked is None and provider_id is not None and not self.is_bound:
            self.initial["appointment_type"] = selectors.most_booked_type(provider_id, offered)
        self._set_visit_end(source, offered)
        model_choice_field(self, "provider").queryset = Provider.objects.restrict(user, "view")
        locations = Location.objects.used_by(user)
        model_choice_field(self, "location").queryset = locations
        offer_patients(self, patients, query)

    def _set_visit_end(self, source: Any, offered: Any) -> None:
        """Say under the type when the visit ends (the page's script keeps it current)."""
        try:
            start = dt.datetime.fromisoformat(str(source.get("start") or ""))
            if start.tzinfo is None:
                start = start.replace(tzinfo=practice_zone())
            local = start.astimezone(practice_zone())
        except (ValueError, OverflowError):  # no time, or one at the calendar's very ends
            return
        chosen = _as_pk(source.get("appointment_type") or self.initial.get("appointment_type"))
        kind = next((t for t in offered if t.pk == chosen), None)
        try:
            end = as_time((local + dt.timedelta(minutes=kind.duration)).time()) if kind else "—"
        except OverflowError:
            end = "—"
        minutes = local.hour * 60 + local.minute
        field = self.fields["appointment_type"]
        field.widget.attrs["data-visit-type"] = ""
        field.help_text = format_html(
            'From {} to <strong data-visit-end data-start-minutes="{}" '
            'data-testid="visit-end">{}</strong>',
            as_time(local.time()),
            minutes,
            end,
        )

    def clean_start(self) -> dt.datetime:
        start = self.cleaned_data["start"]
        return start.astimezone(practice_zone())


class CancelForm(BootstrapMixin, forms.Form):
    cancel_reason = forms.CharField(label="Reason for cancelling", max_length=200)
    by_patient = forms.BooleanField(
        label="The patient cancelled (counts toward late cancellations)",
        required=False,
        initial=True,
    )


class RescheduleForm(BootstrapMixin, forms.Form):
    start = forms.DateTimeField(widget=forms.HiddenInput)
    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), widget=forms.HiddenInput)
    location = forms.ModelChoiceField(queryset=Location.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "provider").queryset = Provider.objects.restrict(user, "view")
        locations = Location.objects.used_by(user)
        model_choice_field(self, "location").queryset = locations


class SeriesForm(BootstrapMixin, forms.Form):
    patient = PatientField()
    appointment_type = forms.ModelChoiceField(
        label="Type of visit", queryset=AppointmentType.objects.none()
    )
    provider = forms.ModelChoiceField(label="Provider", queryset=Provider.objects.none())
    location = forms.ModelChoiceField(label="Location", queryset=Location.objects.none())
    first_start = forms.DateTimeField(label="First visit (date and time)", widget=DATETIME)
    interval_weeks = forms.IntegerField(label="Every N weeks", min_value=1, max_value=12, initial=1)
    count = forms.IntegerField(label="Number of visits", min_value=2, max_value=52, initial=6)
    reason = forms.CharField(label="Reason for visit", max_length=200, required=False)

    def __init__(
        self, *args: Any, user: User, patients: list[Any], query: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "appointment_type").queryset = AppointmentType.objects.restrict(
            user, "view"
        ).filter(is_active=True)
        model_choice_field(self, "provider").queryset = Provider.objects.restrict(
            user, "view"
        ).filter(is_active=True)
        locations = Location.objects.used_by(user).filter(is_active=True)
        model_choice_field(self, "location").queryset = locations
        offer_patients(self, patients, query)


# --- waitlist and recalls ----------------------------------------------------------------

PART_OF_DAY = [("any", "Any time"), ("mornings", "Mornings only"), ("afternoons", "Afternoons")]


class WaitlistForm(BootstrapMixin, forms.ModelForm):
    patient = PatientField()
    part_of_day = forms.ChoiceField(label="When", choices=PART_OF_DAY, initial="any")

    class Meta:
        model = WaitlistEntry
        fields = ["appointment_type", "provider", "location", "earliest", "latest", "note"]
        widgets = {"earliest": DATE, "latest": DATE}

    def __init__(
        self, *args: Any, user: User, patients: list[Any], query: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        offer_patients(self, patients, query)
        model_choice_field(self, "appointment_type").queryset = AppointmentType.objects.restrict(
            user, "view"
        ).filter(is_active=True)
        model_choice_field(self, "provider").queryset = Provider.objects.restrict(
            user, "view"
        ).filter(is_active=True)
        self.fields["provider"].required = False
        self.order_fields(["patient"])


class RecallForm(BootstrapMixin, forms.Form):
    patient = PatientField()
    reason = forms.CharField(label="Due for", max_length=120)
    due_date = forms.DateField(label="Due date", widget=DATE)
    appointment_type = forms.ModelChoiceField(
        label="Type of visit", queryset=AppointmentType.objects.none(), required=False
    )
    provider = forms.ModelChoiceField(
        label="Provider", queryset=Provider.objects.none(), required=False
    )

    def __init__(
        self, *args: Any, user: User, patients: list[Any], query: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        offer_patients(self, patients, query)
        model_choice_field(self, "appointment_type").queryset = AppointmentType.objects.restrict(
            user, "view"
        )
        model_choice_field(self, "provider").queryset = Provider.objects.restrict(user, "view")


class OutreachForm(BootstrapMixin, forms.Form):
    method = forms.ChoiceField(label="How", choices=list(OUTREACH_METHODS.items()))
    outcome = forms.CharField(label="Outcome", max_length=120)


class RecallStatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=[
            (RecallStatus.SCHEDULED, "Scheduled"),
            (RecallStatus.DONE, "Done"),
            (RecallStatus.DECLINED, "Declined"),
            (RecallStatus.DUE, "Due again"),
        ],
    )
