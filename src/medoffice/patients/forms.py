from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from medoffice.core.formats import as_date
from medoffice.core.forms import (
    BootstrapMixin,
    MoneyField,
    birth_date_field,
    clean_phone,
    clean_zip,
    model_choice_field,
    state_field,
    typed_date_field,
)
from medoffice.core.inputs import STATE_CHOICES, US_STATES
from medoffice.core.models import Location, User
from medoffice.patients import files
from medoffice.patients.choices import MAX_COPAY
from medoffice.patients.models import (
    AlertKind,
    ConsentKind,
    Coverage,
    DocumentKind,
    Patient,
    Payer,
)
from medoffice.patients.phones import national
from medoffice.patients.services import PHONE_FIELDS, clean_demographics


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    """A date with the browser's picker; a posted day the month lacks is named as such."""
    return typed_date_field(label, required=required, help_text=help_text)


# Dates typed from an ID or a card: a text box (MM/DD/YYYY), checked for plausibility.
BIRTH_DATE_FIELDS = {
    "date_of_birth": ("Date of birth", "The"),
    "guarantor_date_of_birth": ("Guarantor's date of birth", "The guarantor's"),
}


class PatientForm(BootstrapMixin, forms.ModelForm):
    """Registration and change of demographics; the service validates again and saves."""

    class Meta:
        model = Patient
        fields = [
            "first_name",
            "middle_name",
            "last_name",
            "suffix",
            "preferred_name",
            "date_of_birth",
            "sex",
            "gender_identity",
            "home_location",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
            "phone",
            "phone_home",
            "phone_work",
            "email",
            "preferred_contact",
            "preferred_language",
            "guarantor_relationship",
            "guarantor_first_name",
            "guarantor_last_name",
            "guarantor_date_of_birth",
            "guarantor_phone",
            "guarantor_address",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
        ]
        labels = {"guarantor_relationship": "Guarantor (who pays)"}

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, whose) in BIRTH_DATE_FIELDS.items():
            required = self.fields[name].required
            self.fields[name] = birth_date_field(label, required=required, whose=whose)
        if "deceased_date" in self.fields:
            self.fields["deceased_date"] = typed_date_field(
                "Date of death", required=False, picker=False
            )
        state = state_field()
        stored = self.instance.state if self.instance.pk else ""
        if stored and stored not in US_STATES:
            # Kept so that saving shows it refused rather than silently dropping it.
            state.choices = [("", "—"), *STATE_CHOICES, (stored, stored)]
        self.fields["state"] = state
        for name in PHONE_FIELDS:
            self.fields[name].widget.attrs.update({"type": "tel", "autocomplete": "tel"})
            if self.instance.pk and getattr(self.instance, name):
                self.initial[name] = national(getattr(self.instance, name))
        self.fields["postal_code"].widget.attrs["inputmode"] = "numeric"
        locations = Location.objects.filter(is_active=True)
        scope = user.location_ids() if user is not None else None
        if scope is not None:
            locations = locations.filter(pk__in=scope)
            self.fields["home_location"].required = True
            if not self.instance.pk and len(scope) == 1:
                self.initial["home_location"] = next(iter(scope))
        model_choice_field(self, "home_location").queryset = locations

    def _clean_phone(self, name: str) -> str:
        return clean_phone(self.cleaned_data.get(name) or "")

    def clean_postal_code(self) -> str:
        return clean_zip((self.cleaned_data.get("postal_code") or "").strip())

    def clean_phone(self) -> str:
        return self._clean_phone("phone")

    def clean_phone_home(self) -> str:
        return self._clean_phone("phone_home")

    def clean_phone_work(self) -> str:
        return self._clean_phone("phone_work")

    def clean_guarantor_phone(self) -> str:
        return self._clean_phone("guarantor_phone")

    def clean_emergency_contact_phone(self) -> str:
        return self._clean_phone("emergency_contact_phone")

    def clean(self) -> dict[str, Any]:
        """The service's own checks too (SSN, guarantor, dates against each other), so
        every error of the form shows at once: a field the form refused keeps its message."""
        data = super().clean() or {}
        try:
            clean_demographics(self.service_fields())
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, errors)
        return data

    def _post_clean(self) -> None:
        # The service validates the model and saves; the form only parses the fields.
        pass

    def service_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data
        }


class RegistrationForm(PatientForm):
    ssn = forms.CharField(
        label="Social security number",
        required=False,
        help_text="Optional. Stored encrypted; shown masked.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    member_id = forms.CharField(
        label="Insurance member ID (for the duplicate check)",
        required=False,
        max_length=40,
        help_text="Optional here; add the coverage itself on the patient's page.",
    )
    confirm_duplicate = forms.BooleanField(
        label="These are different people: create the new record anyway", required=False
    )

    def service_fields(self) -> dict[str, Any]:
        fields = super().service_fields()
        fields["ssn"] = self.cleaned_data.get("ssn", "")
        return fields


class PatientEditForm(PatientForm):
    class Meta(PatientForm.Meta):
        fields = [*PatientForm.Meta.fields, "is_active", "deceased_date"]
        labels = {**PatientForm.Meta.labels, "is_active": "Active patient"}


class AlertForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="Alert", choices=AlertKind.choices)
    text = forms.CharField(label="Note", required=False, max_length=200)


class CoverageForm(BootstrapMixin, forms.ModelForm):
    card_front = forms.FileField(label="Card, front (image)", required=False)
    card_back = forms.FileField(label="Card, back (image)", required=False)
    copay = MoneyField(
        label="Office-visit copay ($)",
        maximum=MAX_COPAY,
        allow_zero=True,
        required=False,
        help_text="Leave empty when the plan has no copay.",
    )

    class Meta:
        model = Coverage
        fields = [
            "payer",
            "plan_name",
            "member_id",
            "group_number",
            "order",
            "relationship",
            "subscriber_first_name",
            "subscriber_last_name",
            "subscriber_date_of_birth",
            "subscriber_sex",
            "effective_from",
            "effective_to",
            "copay",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "payer").queryset = Payer.objects.filter(is_active=True)
        self.fields["subscriber_date_of_birth"] = birth_date_field(
            "Subscriber's date of birth", required=False, whose="The subscriber's"
        )
        for name, label, required in (
            ("effective_from", "Effective from", True),
            ("effective_to", "Effective to", False),
        ):
            self.fields[name] = date_field(label, required=required)
        accept = ",".join(files.IMAGE_TYPES + ("application/pdf",))
        self.fields["card_front"].widget.attrs["accept"] = accept
        self.fields["card_back"].widget.attrs["accept"] = accept

    def _post_clean(self) -> None:
        pass

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class EndCoverageForm(BootstrapMixin, forms.Form):
    end_date = date_field("Last day covered")


class ConsentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="Consent", choices=ConsentKind.choices)
    given_on = date_field("Given on")


class RevokeConsentForm(BootstrapMixin, forms.Form):
    revoked_on = date_field("Revoked on")


class DocumentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="Type", choices=DocumentKind.choices)
    title = forms.CharField(label="Title", max_length=120)
    file = forms.FileField(
        label="File",
        help_text="PDF, PNG, JPEG, HEIC or TIFF; at most "
        f"{files.max_upload_bytes() // 1048576} MB.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(files.DOCUMENT_TYPES)


class MergeForm(BootstrapMixin, forms.Form):
    duplicate = forms.CharField(
        label="MRN of the duplicate record (it will be folded into this one)", max_length=12
    )
    confirm = forms.BooleanField(
        label="I checked the preview: merge the duplicate into this record", required=False
    )


class EmergencyAccessForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label="Why do you need this record now?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the audit log and shown to the office manager.",
    )


class ReviewForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label="Review note", required=False, widget=forms.TextInput())


# --- the patient picker ----------------------------------------------------------------------


def picker_label(patient: Patient) -> str:
    """How the picker names a patient: name, date of birth and MRN, enough to tell two apart."""
    return f"{patient.display_name} · born {as_date(patient.date_of_birth)} · {patient.mrn}"


class PatientPicker(forms.Widget):
    """A type-ahead over the patient search (the navbar's, ``patients:quick-search``).

    The page's script (``core/static/core/app.js``, ``data-combobox``) turns it into an ARIA
    combobox writing the chosen patient's id into a hidden input. Without the script it is
    a search box, a "Search patients" button (``action=search``) and the patients found as
    radio buttons. ``patients`` (set by ``PatientField.offer``) are the ones the server may
    offer: the chosen one first, then those a search without the script found.
    """

    template_name = "patients/widgets/patient_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.patients: list[Patient] = []
        self.query = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        chosen = next((p for p in self.patients if str(p.pk) == str(value)), None)
        context["widget"].update(
            {
                "chosen": chosen,
                "chosen_label": picker_label(chosen) if chosen else "",
                "options": [(p.pk, picker_label(p), p is chosen) for p in self.patients],
                "query": self.query,
                "search_url": reverse("patients:quick-search"),
            }
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def id_for_label(self, id_: str) -> str:
        return id_  # the search box carries the field's id: the label names the combobox


class PatientField(forms.TypedChoiceField):
    """A patient picked with ``PatientPicker``; only patients the server offered validate.

    ``offer(patients, query)`` gives the patients the user may pick (scoped by the view:
    the one chosen, when the user may see them, and a search's results), so an id outside
    the user's locations is refused like one that does not exist.
    """

    widget = PatientPicker

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Patient")
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Choose the patient: type two letters of the name, the date of birth or the MRN and pick them from the list.",
                "invalid_choice": "Choose the patient again: that one is not among the patients you may see.",
            },
        )
        super().__init__(coerce=int, choices=[], **kwargs)

    def offer(self, patients: list[Patient], query: str = "") -> None:
        self.choices = [(p.pk, picker_label(p)) for p in patients]
        assert isinstance(self.widget, PatientPicker)
        self.widget.patients = list(patients)
        self.widget.query = query
