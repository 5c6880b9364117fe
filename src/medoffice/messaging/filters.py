"""The delivery log's filter: the one definition its page and CSV filter by
(``core/filtersets.py``)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from medoffice.core.filtersets import FilterSet
from medoffice.messaging.choices import MessageChannel, MessageKind, MessageStatus
from medoffice.messaging.models import Message

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MessageFilter(FilterSet):
    """The kind, channel and status of a message; due to go out on or after a day."""

    kind = django_filters.ChoiceFilter(label="Kind", choices=MessageKind.choices, empty_label="Any")
    channel = django_filters.ChoiceFilter(
        label="Channel", choices=MessageChannel.choices, empty_label="Any"
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=MessageStatus.choices, empty_label="Any"
    )
    since = django_filters.DateFilter(label="Due from", method="filter_since", widget=DATE)

    class Meta(FilterSet.Meta):
        model = Message
        fields: list[str] = []

    def filter_since(self, qs: QuerySet, name: str, value: dt.date) -> QuerySet:
        start = dt.datetime.combine(value, dt.time.min, tzinfo=timezone.get_current_timezone())
        return qs.filter(scheduled_for__gte=start)
