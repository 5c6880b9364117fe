"""The payments list's filter: the one definition its page and CSV filter by
(``core/filtersets.py``)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from medoffice.billing.choices import PaymentMethod
from medoffice.billing.models import PatientPayment
from medoffice.billing.services import PAYMENT_KINDS
from medoffice.core.filtersets import FilterSet

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PaymentFilter(FilterSet):
    """Received on one day (the practice's day); paid by one method; a copay or not."""

    date = django_filters.DateFilter(label="Day", method="filter_day", widget=DATE)
    method = django_filters.ChoiceFilter(
        label="Paid by", choices=PaymentMethod.choices, empty_label="Any"
    )
    kind = django_filters.ChoiceFilter(
        label="For", choices=list(PAYMENT_KINDS.items()), empty_label="Any"
    )

    class Meta(FilterSet.Meta):
        model = PatientPayment
        fields: list[str] = []

    def filter_day(self, qs: QuerySet, name: str, value: dt.date) -> QuerySet:
        start = dt.datetime.combine(value, dt.time.min, tzinfo=timezone.get_current_timezone())
        return qs.filter(received_at__gte=start, received_at__lt=start + dt.timedelta(days=1))
