"""The credit-balance report's filter: which side is in credit, the patient's name, the
location (``core/filtersets.py``)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from medoffice.billing.models import ChargeLine
from medoffice.core.filtersets import FilterSet

SIDES = [("insurance", "Insurance credit"), ("patient", "Patient credit")]


class CreditFilter(FilterSet):
    side = django_filters.ChoiceFilter(
        label="Credit of", choices=SIDES, empty_label="Either", method="filter_side"
    )
    patient = django_filters.CharFilter(
        label="Patient's last name", method="filter_patient", max_length=60
    )

    class Meta(FilterSet.Meta):
        model = ChargeLine
        fields: list[str] = []

    def filter_side(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(**{f"{value}_balance__lt": 0})

    def filter_patient(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(encounter__patient__last_name__istartswith=value.strip())
