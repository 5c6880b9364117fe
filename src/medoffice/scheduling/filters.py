"""The appointment book's list filters: appointments, recalls and the waitlist. Each is the one
definition its list page, CSV export and API operation filter by
(``core/filtersets.py``)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from medoffice.core.filtersets import FilterSet
from medoffice.core.models import Location
from medoffice.scheduling.choices import AppointmentStatus, RecallStatus, WaitlistStatus
from medoffice.scheduling.forms import DATE
from medoffice.scheduling.models import (
    Appointment,
    AppointmentType,
    Provider,
    Recall,
    WaitlistEntry,
)

BOOKED = "booked"  # the status filter's "every visit not cancelled"
WAITING = "waiting"  # and "arrived or roomed, not yet with the provider"
OPEN_RECALLS = [RecallStatus.DUE, RecallStatus.CONTACTED]


class AppointmentFilter(FilterSet):
    """The visits of one day (the practice's day), one status, arrived or not, one
    location: the lists the home page's figures open (today's no-shows, arrivals)."""

    date = django_filters.DateFilter(label="Day", method="filter_day", widget=DATE)
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[
            (BOOKED, "Booked (not cancelled)"),
            (WAITING, "Waiting (arrived or roomed)"),
            *AppointmentStatus.choices,
        ],
        empty_label="Any",
        method="filter_status",
    )
    arrived = django_filters.BooleanFilter(
        label="Arrived",
        field_name="arrived_at",
        lookup_expr="isnull",
        exclude=True,
        widget=forms.Select(choices=[("", "Either"), ("true", "Arrived"), ("false", "Not yet")]),
    )
    location = django_filters.ModelChoiceFilter(
        label="Location", queryset=Location.objects.filter(is_active=True), empty_label="Any"
    )
    provider = django_filters.ModelChoiceFilter(
        label="Provider", queryset=Provider.objects.filter(is_active=True), empty_label="Any"
    )

    class Meta(FilterSet.Meta):
        model = Appointment
        fields: list[str] = []

    def filter_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == BOOKED:
            return qs.exclude(status=AppointmentStatus.CANCELLED)
        if value == WAITING:
            return qs.filter(status__in=[AppointmentStatus.ARRIVED, AppointmentStatus.ROOMED])
        return qs.filter(status=value)

    def filter_day(self, qs: QuerySet, name: str, value: dt.date) -> QuerySet:
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(value, dt.time.min, tzinfo=tz)
        return qs.filter(start__gte=start, start__lt=start + dt.timedelta(days=1))


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
