"""The appointment book's list filters: recalls and the waitlist; ``filter(queryset)``
is called by the list pattern."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from medoffice.core.forms import BootstrapMixin, FilterForm
from medoffice.scheduling.choices import RecallStatus
from medoffice.scheduling.forms import DATE
from medoffice.scheduling.models import AppointmentType


class RecallFilterForm(BootstrapMixin, FilterForm):
    due_by = forms.DateField(label="Due by", required=False, widget=DATE)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Open (due or contacted)")] + RecallStatus.choices,
    )

    def filter(self, qs: QuerySet) -> QuerySet:
        data = self.cleaned_data
        if data.get("due_by"):
            qs = qs.filter(due_date__lte=data["due_by"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        else:
            qs = qs.filter(status__in=[RecallStatus.DUE, RecallStatus.CONTACTED])
        return qs


class WaitlistFilterForm(BootstrapMixin, FilterForm):
    appointment_type = forms.ModelChoiceField(
        label="Type", queryset=AppointmentType.objects.all(), required=False
    )

    def filter(self, qs: QuerySet) -> QuerySet:
        if self.cleaned_data.get("appointment_type"):
            qs = qs.filter(appointment_type=self.cleaned_data["appointment_type"])
        return qs
