"""Front-desk API: flow statuses, check-in with copay, the flow board.

The same services as the pages: ``change_status``, ``frontdesk.services.check_in``
(which takes the copay through ``billing.services.take_payment``); the flow board is
the page's ``frontdesk.selectors.flow_board_context``. Reads go through ``restrict`` (403 without the permission) and
every row that names a patient is audited with the patient's id. A refused transition
answers 400 naming ``status``; an amount that does not parse answers 422 naming ``amount``.
"""

# No ``from __future__ import annotations``: ninja's @paginate wrapper resolves the
# operations' annotations in its own module, where ``Query`` and ``dt`` are unknown.

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from medoffice.api.common import (
    MAX_ID,
    Money,
    audit_patients_shown,
    get_or_404,
    require_permission,
    restricted,
    row_id,
)
from medoffice.api.errors import error_responses
from medoffice.billing import services as billing_services
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission
from medoffice.frontdesk import services
from medoffice.frontdesk.error_codes import FrontDeskErrorCode
from medoffice.frontdesk.selectors import flow_board_context, user_locations
from medoffice.scheduling import services as book
from medoffice.scheduling.models import (
    Appointment,
    AppointmentStatus,
    Resource,
)

router = Router(tags=["front desk"])

S = AppointmentStatus
TAKE_PAYMENT = Permission.ADD_PATIENTPAYMENT


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
    amount: Annotated[Decimal, Money(billing_services.MAX_PAYMENT)] | None = Field(
        None, description="Copay received, e.g. “25.00”; null (or empty) for none."
    )
    method: Literal["cash", "card", "check", "hsa"] | None = None
    reference: str = Field(
        "", max_length=60, description="Check number (digits), or the card's last four digits."
    )

    @field_validator("amount", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class CheckInOut(Schema):
    appointment_id: int
    status: str
    is_late_arrival: bool
    receipt_number: str | None
    payment_id: int | None


@router.post(
    "/appointments/{id}/status",
    response={200: StatusOut, **error_responses(400, 403, 404, 422)},
    summary="Move a visit along the flow (400 naming “status” when the move is not allowed)",
)
def change_status(request: ApiRequest, payload: StatusIn, id: int = row_id()) -> Any:
    user = request.auth
    a = get_or_404(request, restricted(request, Appointment), id, what="appointment")
    room = None
    if payload.room_id:
        room = (
            Resource.objects.restrict(user, "view")
            .filter(pk=payload.room_id, location_id=a.location_id)
            .first()
        )
        if room is None:
            raise ValidationError(
                {
                    "room_id": ValidationError(
                        "Choose one of this location's rooms.",
                        code=FrontDeskErrorCode.ROOM_NOT_AT_LOCATION,
                    )
                }
            )
    a = book.change_status(
        actor=user, appointment=a, to_status=payload.status, room=room, note=payload.note
    )
    request.api_audited = True
    return a


@router.post(
    "/appointments/{id}/check-in",
    response={200: CheckInOut, **error_responses(400, 403, 404, 422)},
    summary="Check a patient in: the copay (if any) and the arrival, in one transaction",
)
def check_in(request: ApiRequest, payload: CheckInIn, id: int = row_id()) -> Any:
    user = request.auth
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
    request.api_audited = True
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
def flow_board(request: ApiRequest, filters: Query[FlowFilter]) -> dict[str, Any]:
    user = request.auth
    restricted(request, Appointment)
    locations = user_locations(user)
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
    audit_patients_shown(
        request,
        [card["a"] for column in context["columns"] for card in column["cards"]],
        object_type="scheduling.appointment",
        data_category="appointment",
        what=f"flow board {location.code if location else ''}".strip(),
    )
    return {"location_id": location.pk if location else None, "now": context["now"], "items": items}
