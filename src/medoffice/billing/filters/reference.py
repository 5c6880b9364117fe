"""The reference lists' filters: codes, NCCI edits, payers, fee schedule entries
(``core/filtersets.py``: the page, its CSV and the API filter by the same definition)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from medoffice.billing.adjustments import GROUPS
from medoffice.billing.choices import CodeSet, ModifierIndicator, MueAdjudication, NcciTable
from medoffice.billing.models import (
    AddOnCode,
    FeeScheduleEntry,
    MueLimit,
    PostingRule,
    ProcedureCode,
    PtpEdit,
)
from medoffice.core.filtersets import FilterSet
from medoffice.patients.models import Payer

YES_NO = forms.Select(choices=[("", "Either"), ("true", "Yes"), ("false", "No")])


def _search(placeholder: str, testid: str) -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "type": "search",
            "placeholder": placeholder,
            "data-testid": testid,
            "autofocus": True,
            "accesskey": "s",
        }
    )


def _code(value: str) -> str:
    return value.strip().upper()


class ProcedureCodeFilter(FilterSet):
    """A code (its first characters) or words of its description; set; active; synthetic."""

    q = django_filters.CharFilter(
        label="Code or words",
        method="filter_search",
        max_length=100,
        widget=_search("99213 · office visit", "code-search"),
    )
    code_set = django_filters.ChoiceFilter(label="Set", choices=CodeSet.choices, empty_label="Any")
    active = django_filters.BooleanFilter(label="Active", field_name="is_active", widget=YES_NO)
    synthetic = django_filters.BooleanFilter(
        label="Synthetic", field_name="is_synthetic", widget=YES_NO
    )

    class Meta(FilterSet.Meta):
        model = ProcedureCode
        fields: list[str] = []

    def filter_search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        words = value.replace("\x00", "").split()
        if not words:
            return qs
        if len(words) == 1:
            word = words[0]
            return qs.filter(
                Q(code__startswith=word.upper())
                | Q(short_description__icontains=word)
                | Q(description__icontains=word)
            )
        for word in words:
            qs = qs.filter(Q(short_description__icontains=word) | Q(description__icontains=word))
        return qs


class _CodeFilter(FilterSet):
    code = django_filters.CharFilter(
        label="Code", method="filter_code", max_length=5, widget=_search("99213", "edit-code")
    )
    code_fields: tuple[str, ...] = ("code",)

    def filter_code(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        code = _code(value)
        if not code:
            return qs
        condition = Q()
        for field in self.code_fields:
            condition |= Q(**{field: code})
        return qs.filter(condition)


class PtpEditFilter(_CodeFilter):
    code_fields = ("column1", "column2")
    table = django_filters.ChoiceFilter(label="Table", choices=NcciTable.choices, empty_label="Any")
    modifier_indicator = django_filters.ChoiceFilter(
        label="Modifier indicator", choices=ModifierIndicator.choices, empty_label="Any"
    )

    class Meta(FilterSet.Meta):
        model = PtpEdit
        fields: list[str] = []


class MueLimitFilter(_CodeFilter):
    table = django_filters.ChoiceFilter(label="Table", choices=NcciTable.choices, empty_label="Any")
    adjudication = django_filters.ChoiceFilter(
        label="Adjudication", choices=MueAdjudication.choices, empty_label="Any"
    )

    class Meta(FilterSet.Meta):
        model = MueLimit
        fields: list[str] = []


class AddOnCodeFilter(_CodeFilter):
    code_fields = ("addon", "primary")

    class Meta(FilterSet.Meta):
        model = AddOnCode
        fields: list[str] = []


class FeeEntryFilter(_CodeFilter):
    class Meta(FilterSet.Meta):
        model = FeeScheduleEntry
        fields: list[str] = []


class PayerFilter(FilterSet):
    q = django_filters.CharFilter(
        label="Name or payer ID",
        method="filter_search",
        max_length=100,
        widget=_search("Medicare · 12345", "payer-search"),
    )

    class Meta(FilterSet.Meta):
        model = Payer
        fields: list[str] = []

    def filter_search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        text = value.replace("\x00", "").strip()
        if not text:
            return qs
        return qs.filter(Q(name__icontains=text) | Q(payer_id__iexact=text))


class PostingRuleFilter(FilterSet):
    """The posting rules of a payer (or those for all payers), of a group code."""

    payer = django_filters.ChoiceFilter(
        label="Payer", method="filter_payer", empty_label="Any", choices=[]
    )
    group = django_filters.ChoiceFilter(
        label="Group", field_name="group_code", empty_label="Any", choices=[]
    )

    class Meta(FilterSet.Meta):
        model = PostingRule
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["payer"].extra["choices"] = [("all", "All payers' rules")] + [
            (str(pk), name) for pk, name in Payer.objects.order_by("name").values_list("pk", "name")
        ]
        self.filters["group"].extra["choices"] = [(code, code) for code in GROUPS]

    def filter_payer(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "all":
            return qs.filter(payer__isnull=True)
        return qs.filter(payer_id=int(value))
