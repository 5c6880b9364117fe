from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q, QuerySet

from medoffice.core.forms import BootstrapMixin
from medoffice.core.models import Location


class PatientFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label="Name, MRN or date of birth",
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "smi jo · M0100123 · 1970-04-02"}
        ),
    )
    location = forms.ModelChoiceField(
        label="Location", required=False, queryset=Location.objects.all(), empty_label="Any"
    )

    def filter(self, qs: QuerySet) -> QuerySet:
        data = self.cleaned_data
        for word in (data.get("q") or "").split():
            try:
                born = dt.date.fromisoformat(word)
            except ValueError:
                born = None
            if born:
                qs = qs.filter(date_of_birth=born)
            elif word.upper().startswith("M") and word[1:].isdigit():
                qs = qs.filter(mrn__startswith=word.upper())
            else:
                qs = qs.filter(Q(last_name__istartswith=word) | Q(first_name__istartswith=word))
        if data.get("location"):
            qs = qs.filter(home_location=data["location"])
        return qs


class EmergencyAccessForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label="Why do you need this record now?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the audit log and shown to the office manager.",
    )


class ReviewForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label="Review note", required=False, widget=forms.TextInput())
