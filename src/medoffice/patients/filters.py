"""The patient list's filter: one search box (name, date of birth, phone, MRN, member
ID) and the home location. The one definition the list page, its CSV export and the
API's patient search filter by (``core/filtersets.py``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest

from medoffice.core.filtersets import FilterSet
from medoffice.core.models import Location
from medoffice.patients.models import Patient
from medoffice.patients.search import parse


def _locations(request: HttpRequest | None) -> QuerySet[Location]:
    """The locations a user may pick: those they work at (every one without a request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Location.objects.all()
    return Location.objects.used_by(user)


class PatientFilter(FilterSet):
    q = django_filters.CharFilter(
        label="Name, date of birth, phone, MRN or member ID",
        method="filter_search",
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "smi jo · 04/02/1970 · 413 555 0123 · M0100123",
                "data-testid": "patient-search",
            }
        ),
    )
    location = django_filters.ModelChoiceFilter(
        label="Location",
        field_name="home_location",
        queryset=Location.objects.all(),
        empty_label="Any",
    )

    class Meta(FilterSet.Meta):
        model = Patient
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        location = self.filters["location"]
        assert isinstance(location, django_filters.ModelChoiceFilter)
        location.queryset = _locations(self.request)

    def filter_search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        from medoffice.patients.selectors import search_condition

        terms = parse(value)
        if terms.is_empty:
            return qs
        return qs.filter(search_condition(terms))
