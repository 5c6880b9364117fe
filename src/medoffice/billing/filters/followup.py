"""The follow-up list's filters (the page, its CSV and the API read the same ones): how long
the claims have waited, their payer, and what the last answer said."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from medoffice.billing.models import Claim
from medoffice.billing.selectors.followup import DEFAULT_DAYS, MAX_DAYS
from medoffice.core.filtersets import FilterSet
from medoffice.patients.models import Payer

NEVER = "none"
ANSWER_KINDS = [
    (NEVER, "No answer yet"),
    ("paid", "Paid"),
    ("denied", "Denied"),
    ("finalized", "Finalized"),
    ("pending", "Pending"),
    ("information wanted", "Information wanted"),
    ("acknowledged", "Acknowledged"),
    ("rejected", "Rejected"),
    ("not found", "The payer cannot find it"),
    ("error", "Error in the request"),
]


class FollowUpFilter(FilterSet):
    days = django_filters.NumberFilter(
        label="Waiting at least (days)",
        method="waiting_at_least",
        min_value=0,
        max_value=MAX_DAYS,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_DAYS, "placeholder": DEFAULT_DAYS}),
    )
    payer = django_filters.ModelChoiceFilter(
        label="Payer", queryset=Payer.objects.order_by("name"), empty_label="Any"
    )
    last_kind = django_filters.ChoiceFilter(
        label="Last answer", choices=ANSWER_KINDS, empty_label="Any", method="answered"
    )

    class Meta(FilterSet.Meta):
        model = Claim
        fields: list[str] = []

    def waiting_at_least(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset  # applied in filter_queryset, with its default

    def answered(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == NEVER:
            return queryset.filter(last_answer_kind__isnull=True)
        return queryset.filter(last_answer_kind=value)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        days = self.form.cleaned_data.get("days")
        days = DEFAULT_DAYS if days is None else int(days)
        cutoff = timezone.now() - dt.timedelta(days=days)
        return super().filter_queryset(queryset.filter(first_submitted_at__lte=cutoff))
