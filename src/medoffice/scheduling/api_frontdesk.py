"""Front-desk API: flow statuses, check-in with copay, the flow board, the waitlist and recalls.

The same services as the pages: ``change_status``, ``billing.services.take_payment``,
``add_to_waitlist``, ``record_recall_outreach``; the flow board is the page's
``flow_board_context``. Reads go through ``restrict`` (403 without the permission) and
every row that names a patient is audited with the patient's id. A refused transition
answers 400 naming ``status``; an amount that does not parse answers 422 naming ``amount``.
"""

# No ``from __future__ import annotations``: ninja's @paginate wrapper resolves the
# operations' annotations in its own module, where ``Query`` and ``dt`` are unknown.

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import field_validator

from medoffice.api.common import (
    MAX_ID,
    Day,
    Pagination,
    ShapedRows,
    audit,
    audit_patient_read,
    get_or_404,
    require_permission,
    restricted,
    row_id,
)
from medoffice.api.errors import error_responses
from medoffice.billing import services as billing_services
from medoffice.core.models import AuditAction, Location
from medoffice.patients.models import Patient
from medoffice.scheduling import services
from medoffice.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    Provider,
    Recall,
    Resource,
    WaitlistEntry,
)
from medoffice.scheduling.views_frontdesk import _user_locations, flow_board_context

router = Router(tags=["front desk"])

S = AppointmentStatus
TAKE_PAYMENT = "billing.add_patientpayment"


# --- flow statuses and check-in ---------------------------------------------------------


class StatusIn(Schema):
    status: Literal[
        "confirmed", "arrived", "roomed", "with_provider", "checkout", "completed", "lwbs"
    ]
    room_id: int | None = Field(None, ge=1, le=MAX_ID, description="The room (when rooming).")
    note: str = Field("", max_length=200)


class StatusOut(Schema):
    id: int
    patient_id: int
    status: str
    room_id: int | None
    is_late_arrival: bool


class CheckInIn(Schema):
    amount: str | None = Field(None, description="Copay received, e.g. “25.00”; null for none.")
    method: Literal["cash", "card", "check", "hsa"] | None = None
    reference: str = Field("", max_length=60, description="Check number or card's last four.")

    @field_validator("amount")
    @classmethod
    def _amount(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return str(billing_services.clean_amount(value.strip().lstrip("$")))
        except ValidationError as exc:
            raise ValueError(exc.message_dict["amount"][0]) from None


class CheckInOut(Schema):
    appointment_id: int
    status: str
    is_late_arrival: bool
    receipt_number: str | None
    payment_id: int | None


def _status_row(a: Appointment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "patient_id": a.patient_id,
        "status": a.status,
        "room_id": a.room_id,
        "is_late_arrival": a.is_late_arrival,
    }


@router.post(
    "/appointments/{id}/status",
    response={200: StatusOut, **error_responses(400, 403, 404, 422)},
    summary="Move a visit along the flow (400 naming “status” when the move is not allowed)",
)
def change_status(request: HttpRequest, payload: StatusIn, id: int = row_id()) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    a = get_or_404(request, restricted(request, Appointment), id, what="appointment")
    room = None
    if payload.room_id:
        room = (
            Resource.objects.restrict(user, "view")
            .filter(pk=payload.room_id, location_id=a.location_id)
            .first()
        )
        if room is None:
            raise ValidationError({"room_id": "Choose one of this location's rooms."})
    a = services.change_status(
        actor=user, appointment=a, to_status=payload.status, room=room, note=payload.note
    )
    request.api_audited = True  # type: ignore[attr-defined]
    return _status_row(a)


@router.post(
    "/appointments/{id}/check-in",
    response={200: CheckInOut, **error_responses(400, 403, 404, 422)},
    summary="Check a patient in: the copay (if any) and the arrival, in one transaction",
)
def check_in(request: HttpRequest, payload: CheckInIn, id: int = row_id()) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    a = get_or_404(request, restricted(request, Appointment, "change"), id, what="appointment")
    require_permission(
        request,
        TAKE_PAYMENT,
        action=AuditAction.UPDATE,
        object_type="scheduling.appointment",
        object_id=a.pk,
    )
    payment, a = services.check_in(
        actor=user,
        appointment=a,
        amount=payload.amount,
        method=payload.method or "",
        reference=payload.reference,
    )
    request.api_audited = True  # type: ignore[attr-defined]
    return {
        "appointment_id": a.pk,
        "status": a.status,
        "is_late_arrival": a.is_late_arrival,
        "receipt_number": payment.receipt_number if payment else None,
        "payment_id": payment.pk if payment else None,
    }


# --- the flow board ---------------------------------------------------------------------


class FlowCardOut(Schema):
    appointment_id: int
    patient_id: int
    patient: str = Field(description="“Last, First”.")
    start: dt.datetime
    status: str
    column: str
    minutes_in_status: int | None = Field(description="Null when the visit is finished.")
    total_minutes: int | None = Field(description="Since arrival; null before it.")
    alert: str = Field(description="“ok”, “amber” or “red”.")
    room_id: int | None
    room: str


class FlowBoardOut(Schema):
    location_id: int | None
    now: dt.datetime
    items: list[FlowCardOut]


class FlowFilter(Schema):
    location: int | None = Field(None, ge=1, le=MAX_ID, description="Location id (default: first).")


@router.get(
    "/flow-board",
    response={200: FlowBoardOut, **error_responses(403, 404, 422)},
    summary="Today's visits at a location, with status, minutes in status and room",
)
def flow_board(request: HttpRequest, filters: Query[FlowFilter]) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    restricted(request, Appointment)
    locations = _user_locations(user)
    location = locations[0] if locations else None
    if filters.location:
        location = next((loc for loc in locations if loc.pk == filters.location), None)
        if location is None:
            raise Http404(f"No location with id {filters.location}.")
    context = flow_board_context(user, location, timezone.now())
    items = []
    for column in context["columns"]:
        for card in column["cards"]:
            a = card["a"]
            audit_patient_read(request, a, "appointment")
            items.append(
                {
                    "appointment_id": a.pk,
                    "patient_id": a.patient_id,
                    "patient": card["patient"],
                    "start": a.start,
                    "status": a.status,
                    "column": column["key"],
                    "minutes_in_status": card["in_status"],
                    "total_minutes": card["total"],
                    "alert": card["level"],
                    "room_id": a.room_id,
                    "room": a.room.name if a.room_id else "",
                }
            )
    if not items:
        audit(request, AuditAction.READ, object_type="scheduling.appointment", detail="flow board")
    return {"location_id": location.pk if location else None, "now": context["now"], "items": items}


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
    status: str | None = Field(None, max_length=20, description="Default: everyone waiting.")


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


def _audited(request: HttpRequest, shape: Any, category: str) -> Any:
    def row(obj: Any) -> dict[str, Any]:
        audit_patient_read(request, obj, category)
        return shape(obj)

    return row


@router.get(
    "/waitlist",
    response={200: list[WaitlistOut], **error_responses(403, 422)},
    summary="The waitlist (oldest first)",
)
@paginate(Pagination)
def waitlist(request: HttpRequest, filters: Query[WaitlistFilter]) -> Any:
    rows = restricted(request, WaitlistEntry).filter(status=filters.status or "waiting")
    audit(request, AuditAction.READ, object_type="scheduling.waitlistentry")
    return ShapedRows(
        rows.order_by("created_at", "pk"), _audited(request, _waitlist_row, "waitlist")
    )


@router.post(
    "/waitlist",
    response={201: WaitlistOut, **error_responses(400, 403, 404, 422)},
    summary="Put a patient on the waitlist",
)
def add_to_waitlist(request: HttpRequest, payload: WaitlistIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
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
    request.api_audited = True  # type: ignore[attr-defined]
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
    status: str | None = Field(None, max_length=20)
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
    response={200: list[RecallOut], **error_responses(403, 422)},
    summary="Recalls, soonest due first",
)
@paginate(Pagination)
def recalls(request: HttpRequest, filters: Query[RecallFilter]) -> Any:
    rows = restricted(request, Recall)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.due_before:
        rows = rows.filter(due_date__lte=filters.due_before)
    audit(request, AuditAction.READ, object_type="scheduling.recall")
    return ShapedRows(rows.order_by("due_date", "pk"), _audited(request, _recall_row, "recall"))


@router.post(
    "/recalls/{id}/outreach",
    response={201: OutreachOut, **error_responses(400, 403, 404, 422)},
    summary="Record a call, text, e-mail or letter about a recall",
)
def recall_outreach(request: HttpRequest, payload: OutreachIn, id: int = row_id()) -> Any:
    recall = get_or_404(request, restricted(request, Recall, "change"), id, what="recall")
    attempt = services.record_recall_outreach(
        actor=request.auth,  # type: ignore[attr-defined]
        recall=recall,
        method=payload.method,
        outcome=payload.outcome,
    )
    request.api_audited = True  # type: ignore[attr-defined]
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
