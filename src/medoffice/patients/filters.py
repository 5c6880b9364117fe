"""The patient list's filter: one search box (name, date of birth, phone, MRN, member
ID) and the home location; ``filter(queryset)`` is called by the list pattern."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from medoffice.core.forms import BootstrapMixin, FilterForm
from medoffice.core.models import Location
from medoffice.patients.search import parse


class PatientFilterForm(BootstrapMixin, FilterForm):
    q = forms.CharField(
        label="Name, date of birth, phone, MRN or member ID",
        required=False,
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "smi jo · 04/02/1970 · 413 555 0123 · M0100123",
                "data-testid": "patient-search",
            }
        ),
    )
    location = forms.ModelChoiceField(
        label="Location", required=False, queryset=Location.objects.all(), empty_label="Any"
    )

    def filter(self, qs: QuerySet) -> QuerySet:
        from medoffice.patients.selectors import search_condition

        data = self.cleaned_data
        terms = parse(data.get("q") or "")
        if not terms.is_empty:
            qs = qs.filter(search_condition(terms))
        if data.get("location"):
            qs = qs.filter(home_location=data["location"])
        return qs
