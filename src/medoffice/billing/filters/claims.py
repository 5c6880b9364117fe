"""The claims list's filter (its page, CSV and API read the same one)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from medoffice.billing.choices import ClaimStatus
from medoffice.billing.models import Claim
from medoffice.core.filtersets import FilterSet, IdFilter
from medoffice.core.models import Location
from medoffice.patients.models import Payer
from medoffice.scheduling.models import Provider

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClaimFilter(FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", choices=ClaimStatus.choices, empty_label="Any"
    )
    payer = django_filters.ModelChoiceFilter(
        label="Payer", queryset=Payer.objects.order_by("name"), empty_label="Any"
    )
    location = django_filters.ModelChoiceFilter(
        field_name="encounter__location",
        label="Location",
        queryset=Location.objects.filter(is_active=True),
        empty_label="Any",
    )
    provider = django_filters.ModelChoiceFilter(
        field_name="encounter__rendering_provider",
        label="Provider",
        queryset=Provider.objects.filter(is_active=True),
        empty_label="Any",
    )
    date_from = django_filters.DateFilter(
        field_name="date_of_service", lookup_expr="gte", label="Service from", widget=DATE
    )
    date_to = django_filters.DateFilter(
        field_name="date_of_service", lookup_expr="lte", label="Service to", widget=DATE
    )
    patient = django_filters.CharFilter(
        label="Patient",
        method="filter_patient",
        max_length=80,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Last name or MRN"}),
    )
    patient_id = IdFilter(field_name="patient_id", widget=forms.HiddenInput)

    class Meta(FilterSet.Meta):
        model = Claim
        fields: list[str] = []

    def filter_patient(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(patient__last_name__istartswith=value) | Q(patient__mrn__iexact=value))


class RejectedClaimFilter(ClaimFilter):
    """The rejection queue's filters: every claim in it is rejected, so no status to choose."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters.pop("status", None)
