"""The appointment book's list filters: recalls and the waitlist. Each is the one
definition its list page, CSV export and API operation filter by
(``core/filtersets.py``)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from medoffice.core.filtersets import FilterSet
from medoffice.scheduling.choices import RecallStatus, WaitlistStatus
from medoffice.scheduling.forms import DATE
from medoffice.scheduling.models import AppointmentType, Recall, WaitlistEntry

OPEN_RECALLS = [RecallStatus.DUE, RecallStatus.CONTACTED]


class RecallFilter(FilterSet):
    """Due on or before a day; one status, or without one the open recalls (due or
    contacted)."""

    due_by = django_filters.DateFilter(
        label="Due by", field_name="due_date", lookup_expr="lte", widget=DATE
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=RecallStatus.choices, empty_label="Open (due or contacted)"
    )

    class Meta(FilterSet.Meta):
        model = Recall
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=OPEN_RECALLS)
        return queryset


class WaitlistFilter(FilterSet):
    """The appointment type; the status (not offered on the page), without one the
    patients still waiting."""

    appointment_type = django_filters.ModelChoiceFilter(
        label="Type", queryset=AppointmentType.objects.all(), empty_label="Any"
    )
    status = django_filters.ChoiceFilter(choices=WaitlistStatus.choices, widget=forms.HiddenInput)

    class Meta(FilterSet.Meta):
        model = WaitlistEntry
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status=WaitlistStatus.WAITING)
        return queryset
