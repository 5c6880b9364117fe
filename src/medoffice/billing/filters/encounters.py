"""The coder queue's filter (its page, CSV and API read the same one)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from medoffice.billing.choices import EncounterStatus
from medoffice.billing.models import Encounter
from medoffice.core.filtersets import FilterSet
from medoffice.core.models import Location
from medoffice.scheduling.models import Provider

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


ANY = "any"


class CodingQueueFilter(FilterSet):
    """One status, or without one the charges waiting for review; location, provider, dates."""

    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[(ANY, "Any status"), *EncounterStatus.choices],
        empty_label="Waiting for review",
        method="filter_status",
    )
    location = django_filters.ModelChoiceFilter(
        label="Location", queryset=Location.objects.filter(is_active=True), empty_label="Any"
    )
    provider = django_filters.ModelChoiceFilter(
        field_name="rendering_provider",
        label="Provider",
        queryset=Provider.objects.filter(is_active=True),
        empty_label="Any",
    )
    date_from = django_filters.DateFilter(
        field_name="date_of_service", lookup_expr="gte", label="From", widget=DATE
    )
    date_to = django_filters.DateFilter(
        field_name="date_of_service", lookup_expr="lte", label="To", widget=DATE
    )

    default_status: str = EncounterStatus.REVIEW

    class Meta(FilterSet.Meta):
        model = Encounter
        fields: list[str] = []

    def filter_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs if value == ANY else qs.filter(status=value)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status") and self.default_status:
            queryset = queryset.filter(status=self.default_status)
        return queryset


class EncounterFilter(CodingQueueFilter):
    """The API's encounters: every status unless one is asked for."""

    default_status = ""
