"""The list pages' filters of core: the audit report and the users list. Each has a
``filter(queryset)`` method the list pattern (``core/listing.py``) calls."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q, QuerySet

from medoffice.core.forms import BootstrapMixin, DateRangeMixin, FilterForm
from medoffice.core.models import AuditAction, AuditOutcome, concerning_patient, practice_zone
from medoffice.core.roles import Role


class AuditFilterForm(BootstrapMixin, DateRangeMixin, FilterForm):
    user = forms.CharField(
        label="User", required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    patient = forms.IntegerField(label="Patient ID", required=False, min_value=1)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any")] + AuditAction.choices
    )
    object_type = forms.CharField(
        label="Object type", required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Any")] + AuditOutcome.choices
    )

    def filter(self, qs: QuerySet) -> QuerySet:
        data = self.cleaned_data
        tz = practice_zone()
        if data.get("date_from"):
            qs = qs.filter(occurred_at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tz))
        if data.get("date_to"):
            qs = qs.filter(
                occurred_at__lt=dt.datetime.combine(
                    data["date_to"] + dt.timedelta(days=1), dt.time.min, tz
                )
            )
        if data.get("user"):
            qs = qs.filter(username__icontains=data["user"])
        if data.get("patient"):
            qs = qs.filter(concerning_patient(data["patient"]))
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("object_type"):
            qs = qs.filter(object_type__icontains=data["object_type"])
        if data.get("outcome"):
            qs = qs.filter(outcome=data["outcome"])
        return qs


class UserFilterForm(BootstrapMixin, FilterForm):
    q = forms.CharField(
        label="Name or user name", required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "Any")] + [(r.value, r.label) for r in Role]
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any"), ("active", "Active"), ("inactive", "Deactivated")],
    )

    def filter(self, qs: QuerySet) -> QuerySet:
        data = self.cleaned_data
        if data.get("q"):
            for word in data["q"].split():
                qs = qs.filter(
                    Q(username__icontains=word)
                    | Q(first_name__icontains=word)
                    | Q(last_name__icontains=word)
                )
        if data.get("role"):
            qs = qs.filter(role_assignments__role=data["role"])
        if data.get("status") == "active":
            qs = qs.filter(is_active=True)
        elif data.get("status") == "inactive":
            qs = qs.filter(is_active=False)
        return qs.distinct()
