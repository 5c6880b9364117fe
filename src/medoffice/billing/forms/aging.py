"""The A/R aging's parameters, for the page, its CSV and the API alike: the view (by payer,
by patient, or one payer's claims), the day (default today in the practice's time zone),
the location (of those the user works at), the sort and the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from medoffice.billing.selectors.aging import DEFAULT_SORT, SORTS, today
from medoffice.core.bounds import MAX_ID
from medoffice.core.forms import BootstrapMixin, typed_date_field
from medoffice.core.models import Location, User

VIEWS = [("payer", "By payer"), ("patient", "By patient")]
PATIENTS_PAYER = "patients"  # the ``payer`` value of the patients' share's row


class AgingForm(BootstrapMixin, forms.Form):
    by = forms.ChoiceField(label="View", choices=VIEWS, required=False)
    as_of = typed_date_field("As of", required=False, help_text="Today when left empty.")
    location = forms.ModelChoiceField(
        label="Location", queryset=Location.objects.none(), required=False, empty_label="All"
    )
    payer = forms.CharField(
        label="Payer",
        required=False,
        max_length=20,
        widget=forms.HiddenInput,
        help_text=f"A payer's id for its claims, or “{PATIENTS_PAYER}” for the patients' share.",
    )
    sort = forms.ChoiceField(
        choices=[(s, s) for s in SORTS] + [("-" + s, s) for s in SORTS],
        required=False,
        widget=forms.HiddenInput,
    )
    page = forms.IntegerField(
        min_value=1, max_value=10**9, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        location = self.fields["location"]
        assert isinstance(location, forms.ModelChoiceField)
        location.queryset = Location.objects.used_by(user).filter(is_active=True)

    def clean_by(self) -> str:
        return self.cleaned_data.get("by") or "payer"

    def clean_as_of(self) -> dt.date:
        return self.cleaned_data.get("as_of") or today()

    def clean_payer(self) -> int | str | None:
        value = (self.cleaned_data.get("payer") or "").strip()
        if not value:
            return None
        if value == PATIENTS_PAYER:
            return PATIENTS_PAYER
        if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID:
            return int(value)
        raise forms.ValidationError(
            f"Choose a payer by its id (a whole number from 1) or “{PATIENTS_PAYER}”.",
            code="invalid",
        )

    def clean_sort(self) -> str:
        return self.cleaned_data.get("sort") or DEFAULT_SORT

    def clean_page(self) -> int:
        return self.cleaned_data.get("page") or 1
