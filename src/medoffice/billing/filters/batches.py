"""The claim batches' and acknowledgements' filters (the pages and the API read the same
ones, ``core/filtersets.py``)."""

from __future__ import annotations

import django_filters

from medoffice.billing.choices import AckKind
from medoffice.billing.filters.payments import DATE
from medoffice.billing.models import Acknowledgement, ClaimBatch, Clearinghouse
from medoffice.core.filtersets import FilterSet
from medoffice.patients.models import Payer


class BatchFilter(FilterSet):
    """Where the batch went (a clearinghouse, or a payer billed directly) and when."""

    clearinghouse = django_filters.ModelChoiceFilter(
        label="Clearinghouse", queryset=Clearinghouse.objects.order_by("name"), empty_label="Any"
    )
    payer = django_filters.ModelChoiceFilter(
        label="Payer billed directly", queryset=Payer.objects.order_by("name"), empty_label="Any"
    )
    made_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="Made from", widget=DATE
    )
    made_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label="Made to", widget=DATE
    )

    class Meta(FilterSet.Meta):
        model = ClaimBatch
        fields: list[str] = []


class AcknowledgementFilter(FilterSet):
    """The kind of file (999, 277CA) and when it came."""

    kind = django_filters.ChoiceFilter(label="Kind", choices=AckKind.choices, empty_label="Any")
    received_from = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label="Received from", widget=DATE
    )
    received_to = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label="Received to", widget=DATE
    )

    class Meta(FilterSet.Meta):
        model = Acknowledgement
        fields: list[str] = []
