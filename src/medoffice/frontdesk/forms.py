"""The front desk's forms: check-in (the patient's details and the copay) and a recall
set at check-out."""

from __future__ import annotations

from typing import Any

from django import forms

from medoffice.billing.forms import PaymentForm
from medoffice.core.forms import BootstrapMixin, model_choice_field
from medoffice.core.models import User
from medoffice.scheduling.models import AppointmentType


class CheckInForm(PaymentForm):
    demographics_confirmed = forms.BooleanField(
        label="I checked the patient's name, date of birth, address, phone and insurance card",
        required=True,
        error_messages={"required": "Confirm the patient's details before checking in."},
        widget=forms.CheckboxInput(attrs={"data-testid": "confirm-demographics"}),
    )
    field_order = ["demographics_confirmed", "amount", "method", "reference"]


class RecallForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="Due for", max_length=120, help_text="e.g. annual physical")
    due_date = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date"}))
    appointment_type = forms.ModelChoiceField(
        label="Visit type", queryset=AppointmentType.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "appointment_type").queryset = AppointmentType.objects.restrict(
            user, "view"
        ).filter(is_active=True)
