"""The denial queue's filters (the page, its CSV and the API read the same ones): payer,
category, code (a CARC, a group and CARC like CO-16, or a RARC), status, age, assignee."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils import timezone

from medoffice.billing.choices import DenialStatus
from medoffice.billing.models import Denial
from medoffice.billing.models.denials import CATEGORY_CHOICES, WORKING
from medoffice.core.filtersets import FilterSet
from medoffice.patients.models import Payer

MAX_AGE = 3650
STATUS_CHOICES = [("working", "Being worked (open, appealed, corrected)"), *DenialStatus.choices]
_CODE = RegexValidator(
    r"^[A-Za-z0-9]{1,5}(-[A-Za-z0-9]{1,5})?$",
    "Enter a code: a CARC (16), a group and CARC (CO-16) or a RARC (N290).",
)
_ASSIGNED = RegexValidator(
    r"^(me|nobody|[1-9][0-9]{0,17})$", "Choose me, nobody, or a user's number."
)


class DenialFilter(FilterSet):
    payer = django_filters.ModelChoiceFilter(
        label="Payer", queryset=Payer.objects.order_by("name"), empty_label="Any"
    )
    category = django_filters.ChoiceFilter(
        label="Category", choices=CATEGORY_CHOICES, empty_label="Any"
    )
    code = django_filters.CharFilter(
        label="Code",
        method="with_code",
        max_length=11,
        validators=[_CODE],
        widget=forms.TextInput(attrs={"placeholder": "CO-16, 29, N290", "size": 10}),
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUS_CHOICES, empty_label="Any", method="in_status"
    )
    age = django_filters.NumberFilter(
        label="At least (days old)",
        method="older_than",
        min_value=0,
        max_value=MAX_AGE,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_AGE}),
    )
    assigned = django_filters.CharFilter(
        label="Assigned to",
        method="assigned_to",
        max_length=20,
        validators=[_ASSIGNED],
        widget=forms.Select(choices=[("", "Anyone"), ("me", "Me"), ("nobody", "Nobody")]),
    )

    class Meta(FilterSet.Meta):
        model = Denial
        fields: list[str] = []

    def with_code(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        plain = value.strip().upper()
        if "-" in plain:
            group, reason = plain.split("-", 1)
            return queryset.filter(group_code=group, reason_code=reason.lstrip("0") or "0")
        if (plain[:1] in {"M", "N"} and plain[1:2].isdigit()) or plain.startswith("MA"):
            return queryset.filter(
                Q(remark_codes=plain)
                | Q(remark_codes__startswith=plain + ",")
                | Q(remark_codes__endswith="," + plain)
                | Q(remark_codes__contains="," + plain + ",")
            )
        return queryset.filter(reason_code=plain.lstrip("0") if plain.isdigit() else plain)

    def in_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "working":
            return queryset.filter(status__in=WORKING)
        return queryset.filter(status=value)

    def older_than(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        cutoff = timezone.localdate() - dt.timedelta(days=int(value))
        return queryset.filter(denied_on__lte=cutoff)

    def assigned_to(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        if value == "me":
            user = getattr(self.request, "user", None)
            return queryset.filter(assigned_to_id=getattr(user, "pk", None))
        return queryset.filter(assigned_to_id=int(value))
