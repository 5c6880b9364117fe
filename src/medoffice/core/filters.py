"""Core's list filters: the audit log and the users. Each is the one definition its list
page, CSV export and API operation filter by (``core/filtersets.py``)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.text import capfirst

from medoffice.core.error_codes import CoreErrorCode
from medoffice.core.filtersets import FilterFormBase, FilterSet, IdFilter
from medoffice.core.models import (
    AuditAction,
    AuditEvent,
    AuditOutcome,
    Practice,
    User,
    concerning_patient,
    practice_zone,
)
from medoffice.core.roles import MFA_REQUIRED_ROLES, Role

# What the audit log records that is not a table: the database itself (the chain's
# check), the reports, the API's schema, the free times searched.
OTHER_OBJECT_TYPES = {
    "api.openapi": "API schema",
    "database": "Database",
    "report": "Report",
    "reports.report": "Report (reports)",
    "scheduling.slot": "Free times",
}


@functools.cache
def object_type_names() -> dict[str, str]:
    """Each kind of object the audit log names, in words: "Appointment", "Report"."""
    found = {
        model._meta.label_lower: capfirst(str(model._meta.verbose_name))
        for model in apps.get_models()
        if model.__module__.startswith("medoffice.")
    }
    return found | OTHER_OBJECT_TYPES


def object_type_name(code: str) -> str:
    """An audit entry's object type in words; a code the product no longer has, as it is."""
    return object_type_names().get(code, code)


def role_names(codes: str) -> str:
    """An audit entry's roles ("office_manager,biller") in words ("Office manager, Biller / coder")."""
    labels = {role.value: role.label for role in Role}
    return ", ".join(labels.get(code, code) for code in codes.split(",") if code)


def user_choices() -> list[tuple[str, str]]:
    """The audit report's user filter: everyone who has an account, by name."""
    users = User.objects.order_by("last_name", "first_name", "username")
    return [("", "Anyone")] + [
        (u.username, f"{u.get_full_name()} ({u.username})" if u.get_full_name() else u.username)
        for u in users.only("username", "first_name", "last_name")
    ]


def object_type_choices() -> list[tuple[str, str]]:
    """Every kind of object the audit log names: the product's tables and the few others."""
    found = {
        model._meta.label_lower: f"{model._meta.verbose_name} ({model._meta.label_lower})"
        for model in apps.get_models()
        if model.__module__.startswith("medoffice.")
    }
    found.update({key: f"{label} ({key})" for key, label in OTHER_OBJECT_TYPES.items()})
    return sorted(found.items())


class AuditFilterForm(FilterFormBase):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A choice of the practice's users on the page; the filter itself still takes any
        # user name (any case), as the API's ``user`` does.
        self.fields["user"].widget = forms.Select(
            choices=user_choices(), attrs={"class": "form-select form-select-sm"}
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "“To” must be on or after “From”.")
        if data.get("since") and data.get("until") and data["until"] <= data["since"]:
            self.add_error(
                "until",
                ValidationError(
                    "“until” must be later than “since”.", code=CoreErrorCode.INVALID_PERIOD
                ),
            )
        return data


def _search(attrs: dict[str, Any] | None = None) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search", **(attrs or {})})


class AuditFilter(FilterSet):
    """ONC 170.315(d)(3): a period (days on the page, instants in the API), the user by
    exact user name (any case), the patient, the action, the object type, the outcome."""

    date_from = django_filters.DateFilter(
        label="From", method="filter_date_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label="To", method="filter_date_to", widget=forms.DateInput(attrs={"type": "date"})
    )
    since = django_filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", widget=forms.HiddenInput
    )
    until = django_filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="lt", widget=forms.HiddenInput
    )
    user = django_filters.CharFilter(
        label="User",
        field_name="username",
        lookup_expr="iexact",
        max_length=150,
        widget=_search(),
    )
    patient = IdFilter(label="Patient ID", method="filter_patient")
    action = django_filters.ChoiceFilter(
        label="Action", choices=AuditAction.choices, empty_label="Any"
    )
    object_type = django_filters.ChoiceFilter(
        label="Object type", choices=object_type_choices, empty_label="Any"
    )
    outcome = django_filters.ChoiceFilter(
        label="Outcome", choices=AuditOutcome.choices, empty_label="Any"
    )

    class Meta(FilterSet.Meta):
        model = AuditEvent
        fields: list[str] = []
        form = AuditFilterForm

    def filter_date_from(self, qs: QuerySet, name: str, value: dt.date) -> QuerySet:
        return qs.filter(occurred_at__gte=dt.datetime.combine(value, dt.time.min, practice_zone()))

    def filter_patient(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        """Entries about the patient, and the searches and lists that showed them."""
        return qs.filter(concerning_patient(value))

    def filter_date_to(self, qs: QuerySet, name: str, value: dt.date) -> QuerySet:
        next_day = dt.datetime.combine(value + dt.timedelta(days=1), dt.time.min, practice_zone())
        return qs.filter(occurred_at__lt=next_day)


class UserFilter(FilterSet):
    """Words each found in the user name, first or last name; a role; active or not."""

    q = django_filters.CharFilter(
        label="Name or user name", method="filter_words", max_length=150, widget=_search()
    )
    role = django_filters.ChoiceFilter(
        label="Role",
        choices=[(r.value, r.label) for r in Role],
        empty_label="Any",
        method="filter_role",
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[
            ("active", "Active"),
            ("inactive", "Deactivated"),
            ("locked", "Locked out"),
            ("mfa_pending", "Two-step log-in not set up"),
        ],
        empty_label="Any",
        method="filter_status",
    )
    active = django_filters.BooleanFilter(field_name="is_active", widget=forms.HiddenInput)

    class Meta(FilterSet.Meta):
        model = User
        fields: list[str] = []

    def filter_words(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split():
            qs = qs.filter(
                Q(username__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
            )
        return qs

    def filter_role(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        # A subquery, not a join: a user with two roles stays one row.
        return qs.filter(pk__in=User.objects.filter(role_assignments__role=value).values("pk"))

    def filter_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "locked":
            return locked_users(qs)
        if value == "mfa_pending":
            return mfa_pending_users(qs)
        return qs.filter(is_active=value == "active")


def locked_users(qs: QuerySet) -> QuerySet:
    """The accounts django-axes has locked out (the rows Users shows as locked)."""
    from axes.models import AccessAttempt
    from django.conf import settings

    locked = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).values("username")
    return qs.filter(username__in=locked)


def mfa_pending_users(qs: QuerySet) -> QuerySet:
    """Active accounts that must use two-step log-in and have not set it up yet: a role
    that always needs it, or any role when the practice requires it of everyone."""
    from medoffice.core.models.mfa import AuthenticatorApp

    enrolled = AuthenticatorApp.objects.filter(confirmed=True).values("user_id")
    qs = qs.filter(is_active=True).exclude(pk__in=enrolled)
    practice = Practice.current()
    if practice is None or not practice.require_mfa_for_everyone:
        needing = User.objects.filter(role_assignments__role__in=list(MFA_REQUIRED_ROLES))
        qs = qs.filter(pk__in=needing.values("pk"))
    return qs
