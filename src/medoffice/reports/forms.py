"""The filters every report shares: period, location, provider (and visit type for access)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from medoffice.core.forms import BootstrapMixin, DateRangeMixin, model_choice_field
from medoffice.core.models import Location, User
from medoffice.reports import selectors
from medoffice.scheduling.models import Provider
from medoffice.scheduling.selectors import providers_for

MAX_DAYS = 731


class ReportFilterForm(BootstrapMixin, DateRangeMixin):
    location: forms.ModelChoiceField[Location] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All locations"
    )
    provider: forms.ModelChoiceField[Provider] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All providers"
    )

    def __init__(self, *args: Any, user: User, with_type: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "location").queryset = selectors.locations_for(user)
        model_choice_field(self, "provider").queryset = providers_for(user)
        if with_type:
            # Third-next-available looks forward from today: a period would do nothing.
            del self.fields["date_from"], self.fields["date_to"]
            self.fields["appointment_type"] = forms.ModelChoiceField(
                label="Visit type",
                queryset=selectors.appointment_types_for(user),
                required=False,
                empty_label="Most booked type",
            )
            self.fields["appointment_type"].widget.attrs["class"] = "form-select form-select-sm"
        for name, field in self.fields.items():
            field.widget.attrs["data-testid"] = f"filter-{name}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and (end - start).days > MAX_DAYS:
            self.add_error("date_to", "The period can be at most two years long.")
        return data

    def filters(self, today: dt.date | None = None) -> selectors.Filters:
        """The chosen filters; a missing or wrong period falls back to the last 90 days."""
        default = selectors.Filters.default(today)
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        if "date_from" in self.errors or "date_to" in self.errors:
            data.pop("date_from", None)
            data.pop("date_to", None)
        end = data.get("date_to") or default.end_date
        start = data.get("date_from") or end - dt.timedelta(days=selectors.DEFAULT_DAYS)
        location = data.get("location")
        provider = data.get("provider")
        kind = data.get("appointment_type")
        return selectors.Filters(
            start_date=start,
            end_date=end,
            location_id=location.pk if location else None,
            provider_id=provider.pk if provider else None,
            appointment_type_id=kind.pk if kind else None,
        )
