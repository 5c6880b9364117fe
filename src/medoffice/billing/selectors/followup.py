"""Reads of claim follow-up: the claims the payer has not answered, their inquiries and
notes, the open tasks and the 276 files, scoped to the user's locations."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from medoffice.billing.choices import ClaimStatus
from medoffice.billing.models import Claim, ClaimNote, StatusInquiry, StatusRequestFile
from medoffice.billing.selectors.claims import claims
from medoffice.core.permissions import Actor

DEFAULT_DAYS = 30
MAX_DAYS = 3650  # ten years: anything longer is a typo
AWAITING = (ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED)


def awaiting_answer(user: Actor, *, days: int | None = None) -> QuerySet[Claim]:
    """The user's claims at the payer with no adjudication yet, first submitted at least
    ``days`` days ago (30 when not given), with ``last_asked_at``, ``last_answered_at``,
    ``last_answer_kind`` and ``last_answer`` (its words) of their inquiries."""
    if days is None:
        days = DEFAULT_DAYS
    days = max(0, min(days, MAX_DAYS))
    cutoff = timezone.now() - dt.timedelta(days=days)
    answered = StatusInquiry.objects.filter(
        claim=OuterRef("pk"), answered_at__isnull=False
    ).order_by("-answered_at", "-pk")
    return (
        claims(user)
        .filter(
            status__in=AWAITING,
            payer__isnull=False,
            adjudication__isnull=True,
            first_submitted_at__isnull=False,
            first_submitted_at__lte=cutoff,
        )
        .annotate(
            last_asked_at=Max("status_inquiries__asked_at"),
            last_answered_at=Subquery(answered.values("answered_at")[:1]),
            last_answer_kind=Subquery(answered.values("kind")[:1]),
            last_answer=Subquery(answered.values("description")[:1]),
        )
    )


def days_waiting(claim: Claim, today: dt.date | None = None) -> int:
    """Whole days since the claim was first submitted (practice time)."""
    if claim.first_submitted_at is None:
        return 0
    today = today or timezone.localdate()
    return max(0, (today - timezone.localtime(claim.first_submitted_at).date()).days)


def inquiries(user: Actor, claim: Claim) -> QuerySet[StatusInquiry]:
    return (
        StatusInquiry.objects.restrict(user, "view")
        .filter(claim=claim)
        .select_related("request_file", "asked_by")
    )


def notes(user: Actor, claim: Claim) -> QuerySet[ClaimNote]:
    return (
        ClaimNote.objects.restrict(user, "view")
        .filter(claim=claim)
        .select_related("author", "assigned_to", "done_by")
    )


def get_note(user: Actor, pk: int) -> ClaimNote:
    note = ClaimNote.objects.restrict(user, "view").select_related("claim").filter(pk=pk).first()
    if note is None:
        raise Http404("No such note.")
    return note


def open_tasks_due(user: Actor, today: dt.date | None = None) -> QuerySet[ClaimNote]:
    """Open tasks due today or earlier on the user's claims, the most overdue first."""
    today = today or timezone.localdate()
    return (
        ClaimNote.objects.restrict(user, "view")
        .filter(follow_up_on__isnull=False, follow_up_on__lte=today, done_at__isnull=True)
        .select_related("claim", "assigned_to", "author")
        .order_by("follow_up_on", "pk")
    )


def request_files(user: Actor) -> QuerySet[StatusRequestFile]:
    return StatusRequestFile.objects.restrict(user, "view").select_related(
        "clearinghouse", "payer", "created_by"
    )


def get_request_file(user: Actor, pk: int) -> StatusRequestFile:
    found = request_files(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such claim status request.")
    return found


def whole_file_visible(user: Actor, found: StatusRequestFile) -> bool:
    """Whether the user may see every claim the 276 asks about (the file holds them all)."""
    mine = StatusInquiry.objects.restrict(user, "view").filter(request_file=found).count()
    return mine == found.inquiries.count()
