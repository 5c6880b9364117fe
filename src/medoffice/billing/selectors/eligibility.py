"""Reads of eligibility checks: the worklist of checks that need someone, the API's list,
and the latest answer about a visit's coverage that check-in shows.

Every read starts from ``EligibilityCheck.objects.restrict(user, "view")``: a user limited
to some locations reaches only their locations' checks (a check without a location, one
imported for a coverage without a visit, only users of every location).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from medoffice.billing.choices import EligibilityStatus as Status
from medoffice.billing.models import EligibilityCheck
from medoffice.billing.services.eligibility import NO_ANSWER_AFTER, OPEN
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor

FAILED = (Status.REJECTED, Status.INACTIVE, Status.FAILED)
NO_ANSWER = "no_answer"  # the worklist's own status: sent a day ago, never answered


def visible_checks(user: Actor) -> QuerySet[EligibilityCheck]:
    return EligibilityCheck.objects.restrict(user, "view").select_related(
        "coverage__patient", "coverage__payer", "location", "appointment"
    )


def latest_only(qs: QuerySet[EligibilityCheck]) -> QuerySet[EligibilityCheck]:
    """Only the newest check of each coverage and date (a check asked again is superseded)."""
    newer = EligibilityCheck.objects.filter(
        coverage_id=OuterRef("coverage_id"),
        service_date=OuterRef("service_date"),
        pk__gt=OuterRef("pk"),
    )
    return qs.filter(~Exists(newer))


def needs_attention(now: dt.datetime | None = None) -> Q:
    """Rejected, inactive, not checkable, or sent more than a day ago without an answer."""
    now = now or timezone.now()
    return Q(status__in=FAILED) | Q(status__in=OPEN, requested_at__lt=now - NO_ANSWER_AFTER)


def worklist(user: Actor, now: dt.datetime | None = None) -> QuerySet[EligibilityCheck]:
    return latest_only(visible_checks(user)).filter(needs_attention(now))


def status_label(check: EligibilityCheck, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if check.status in OPEN and check.requested_at < now - NO_ANSWER_AFTER:
        return "No answer after a day"
    return str(check.get_status_display())


@dataclass(frozen=True)
class VisitEligibility:
    """What check-in shows about the visit's coverage: the latest check, or why none."""

    check: EligibilityCheck | None
    coverage: Any
    warning: str  # empty when the coverage is checked and active
    copay_differs: bool

    @property
    def answered(self) -> bool:
        return self.check is not None and self.check.answered_at is not None

    @property
    def copay_on_file(self) -> Decimal | None:
        return self.coverage.copay if self.coverage is not None else None


def for_visit(
    user: Actor, appointment: Any, coverage: Any, day: dt.date
) -> VisitEligibility | None:
    """The latest eligibility answer for ``coverage`` on the visit's day (None: no
    coverage, or the user may not see eligibility)."""
    if coverage is None or not user.has_perm(EligibilityCheck.objects.permission_for("view")):
        return None
    check = (
        EligibilityCheck.objects.restrict(user, "view")
        .filter(coverage=coverage, service_date=day)
        .order_by("-pk")
        .first()
    )
    if check is not None:
        record_event(
            AuditAction.READ,
            user=user,
            obj=check,
            patient_id=coverage.patient_id,
            data_category="eligibility",
            detail=f"eligibility at check-in: {check.status}",
        )
    warning = ""
    if check is None:
        warning = "Eligibility was not checked for this visit. Check the card and ask the payer if in doubt."
    elif check.status in OPEN:
        warning = "The payer has not answered the eligibility check yet."
    elif check.status == Status.INACTIVE:
        warning = "The payer says this coverage is not active on the date of the visit."
    elif check.status in {Status.REJECTED, Status.FAILED}:
        warning = f"The eligibility check failed: {check.rejection_reason or 'no reason given'}."
    differs = (
        check is not None
        and check.copay is not None
        and coverage.copay is not None
        and check.copay != coverage.copay
    )
    return VisitEligibility(check, coverage, warning, differs)


def problems_by_visit(user: Actor, appointment_ids: list[int]) -> dict[int, str]:
    """For the day view: the visits whose latest check failed, with what to show (one
    query; none when the user may not see eligibility)."""
    if not appointment_ids or not user.has_perm(EligibilityCheck.objects.permission_for("view")):
        return {}
    latest: dict[int, tuple[str, str]] = {}
    for appointment_id, status, reason in (
        EligibilityCheck.objects.restrict(user, "view")
        .filter(appointment_id__in=appointment_ids)
        .order_by("appointment_id", "pk")
        .values_list("appointment_id", "status", "rejection_reason")
    ):
        latest[appointment_id] = (status, reason)
    labels: dict[str, str] = {
        Status.INACTIVE.value: "Coverage not active",
        Status.REJECTED.value: "Eligibility rejected",
    }
    return {
        pk: labels.get(status, "Eligibility not checked") + (f": {reason}" if reason else "")
        for pk, (status, reason) in latest.items()
        if status in FAILED
    }
