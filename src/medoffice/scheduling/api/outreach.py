"""Appointment-book API: the waitlist and recalls (shown under "front desk" in the docs,
where the desk works them).

The same services as the pages: ``add_to_waitlist``, ``record_recall_outreach``. Every
row that names a patient is audited with the patient's id.
"""

# No ``from __future__ import annotations``: ninja's @paginate wrapper resolves the
# operations' annotations in its own module, where ``Query`` and ``dt`` are unknown.

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from medoffice.api.common import (
    MAX_ID,
    Day,
    Pagination,
    ShapedRows,
    audit_patients_shown,
    get_or_404,
    restricted,
    row_id,
)
from medoffice.api.errors import error_responses
from medoffice.core.filtersets import filter_rows
from medoffice.core.http import ApiRequest
from medoffice.core.models import Location
from medoffice.patients.models import Patient
from medoffice.scheduling import filters as lists
from medoffice.scheduling import services
from medoffice.scheduling.models import AppointmentType, Provider, Recall, WaitlistEntry

router = Router(tags=["front desk"])


# --- the waitlist ---------------------------------------------------------------------


class WaitlistOut(Schema):
    id: int
    patient_id: int
    appointment_type_id: int
    provider_id: int | None
    location_id: int | None
    earliest: dt.date | None
    latest: dt.date | None
    mornings_only: bool
    afternoons_only: bool
    note: str
    status: str
    created_at: dt.datetime


class WaitlistIn(Schema):
    patient_id: int = Field(..., ge=1, le=MAX_ID)
    appointment_type_id: int = Field(..., ge=1, le=MAX_ID)
    provider_id: int | None = Field(None, ge=1, le=MAX_ID)
    location_id: int | None = Field(None, ge=1, le=MAX_ID)
    earliest: Day | None = None
    latest: Day | None = None
    mornings_only: bool = False
    afternoons_only: bool = False
    note: str = Field("", max_length=200)


class WaitlistFilter(Schema):
    status: str | None = Field(
        None, max_length=20, description="waiting, offered, booked or removed. Default: waiting."
    )
    appointment_type_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Only entries for this appointment type."
    )


def _waitlist_row(e: WaitlistEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "patient_id": e.patient_id,
        "appointment_type_id": e.appointment_type_id,
        "provider_id": e.provider_id,
        "location_id": e.location_id,
        "earliest": e.earliest,
        "latest": e.latest,
        "mornings_only": e.mornings_only,
        "afternoons_only": e.afternoons_only,
        "note": e.note,
        "status": e.status,
        "created_at": e.created_at,
    }


def _shown(request: ApiRequest, object_type: str, category: str) -> Any:
    """Records the one audit entry of a page of the list: the patients on it."""

    def shown(rows: list[Any]) -> None:
        audit_patients_shown(request, rows, object_type=object_type, data_category=category)

    return shown


@router.get(
    "/waitlist",
    response={200: list[WaitlistOut], **error_responses(400, 403, 422)},
    summary="The waitlist (oldest first)",
)
@paginate(Pagination)
def waitlist(request: ApiRequest, filters: Query[WaitlistFilter]) -> Any:
    rows = filter_rows(
        lists.WaitlistFilter,
        restricted(request, WaitlistEntry),
        filters.model_dump(mode="json"),
        rename={"appointment_type_id": "appointment_type"},
    )
    return ShapedRows(
        rows.order_by("created_at", "pk"),
        _waitlist_row,
        _shown(request, "scheduling.waitlistentry", "waitlist"),
    )


@router.post(
    "/waitlist",
    response={201: WaitlistOut, **error_responses(400, 403, 404, 422)},
    summary="Put a patient on the waitlist",
)
def add_to_waitlist(request: ApiRequest, payload: WaitlistIn) -> Any:
    user = request.auth
    restricted(request, WaitlistEntry, "change")
    patient = get_or_404(
        request, Patient.objects.restrict(user, "view"), payload.patient_id, what="patient"
    )
    kind = get_or_404(
        request,
        restricted(request, AppointmentType),
        payload.appointment_type_id,
        what="appointment type",
    )
    provider = None
    if payload.provider_id:
        provider = get_or_404(
            request, restricted(request, Provider), payload.provider_id, what="provider"
        )
    location = None
    if payload.location_id:
        locations = Location.objects.used_by(user)
        location = get_or_404(request, locations, payload.location_id, what="location")
    entry = services.add_to_waitlist(
        actor=user,
        entry=WaitlistEntry(
            patient=patient,
            appointment_type=kind,
            provider=provider,
            location=location,
            earliest=payload.earliest,
            latest=payload.latest,
            mornings_only=payload.mornings_only,
            afternoons_only=payload.afternoons_only,
            note=payload.note,
        ),
    )
    request.api_audited = True
    return Status(201, _waitlist_row(entry))


# --- recalls -----------------------------------------------------------------------------


class RecallOut(Schema):
    id: int
    patient_id: int
    reason: str
    appointment_type_id: int | None
    provider_id: int | None
    due_date: dt.date
    status: str
    appointment_id: int | None


class RecallFilter(Schema):
    status: str | None = Field(
        None,
        max_length=20,
        description="due, contacted, scheduled, done or declined. "
        "Default: the open ones (due or contacted).",
    )
    due_before: Day | None = Field(None, description="Due on or before this date.")


class OutreachIn(Schema):
    method: Literal["phone", "sms", "email", "letter"]
    outcome: str = Field(..., min_length=1, max_length=120)


class OutreachOut(Schema):
    id: int
    recall: RecallOut
    method: str
    outcome: str


def _recall_row(r: Recall) -> dict[str, Any]:
    return {
        "id": r.pk,
        "patient_id": r.patient_id,
        "reason": r.reason,
        "appointment_type_id": r.appointment_type_id,
        "provider_id": r.provider_id,
        "due_date": r.due_date,
        "status": r.status,
        "appointment_id": r.appointment_id,
    }


@router.get(
    "/recalls",
    response={200: list[RecallOut], **error_responses(400, 403, 422)},
    summary="Recalls, soonest due first",
)
@paginate(Pagination)
def recalls(request: ApiRequest, filters: Query[RecallFilter]) -> Any:
    rows = filter_rows(
        lists.RecallFilter,
        restricted(request, Recall),
        filters.model_dump(mode="json"),
        rename={"due_before": "due_by"},
    )
    return ShapedRows(
        rows.order_by("due_date", "pk"), _recall_row, _shown(request, "scheduling.recall", "recall")
    )


@router.post(
    "/recalls/{id}/outreach",
    response={201: OutreachOut, **error_responses(400, 403, 404, 422)},
    summary="Record a call, text, e-mail or letter about a recall",
)
def recall_outreach(request: ApiRequest, payload: OutreachIn, id: int = row_id()) -> Any:
    recall = get_or_404(request, restricted(request, Recall, "change"), id, what="recall")
    attempt = services.record_recall_outreach(
        actor=request.auth,
        recall=recall,
        method=payload.method,
        outcome=payload.outcome,
    )
    request.api_audited = True
    recall.refresh_from_db()
    return Status(
        201,
        {
            "id": attempt.pk,
            "recall": _recall_row(recall),
            "method": attempt.method,
            "outcome": attempt.outcome,
        },
    )
