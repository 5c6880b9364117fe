"""Appointment-book API: types, providers, open slots, appointments; book, cancel, no-show.

Reads go through ``restrict`` (403 without the permission); reads of appointments
are audited with the patient's id. Writes call the same services as the pages:
a taken slot answers 409 naming ``start``; other refusals 400 naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from medoffice.api.common import (
    MAX_ID,
    AwareDateTime,
    Day,
    audit,
    audit_patient_read,
    audit_patients_shown,
    get_or_404,
    restricted,
    row_id,
)
from medoffice.api.errors import ErrorCode, ErrorOut, error_body, error_responses, validation_errors
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction, AuditOutcome, Location
from medoffice.patients.models import Patient
from medoffice.scheduling import selectors, services
from medoffice.scheduling.error_codes import SchedulingErrorCode
from medoffice.scheduling.models import Appointment, AppointmentType, Provider

router = Router(tags=["scheduling"])


class AppointmentTypeOut(Schema):
    id: int
    name: str
    code: str
    duration: int = Field(description="Minutes.")
    color: str
    is_telehealth: bool
    patient_kind: str


class ProviderOut(Schema):
    id: int
    first_name: str
    last_name: str
    credentials: str
    npi: str
    color: str
    location_ids: list[int]


class SlotOut(Schema):
    provider_id: int
    location_id: int
    start: dt.datetime
    end: dt.datetime


class AppointmentOut(Schema):
    id: int
    patient_id: int
    provider_id: int
    location_id: int
    appointment_type_id: int
    start: dt.datetime
    end: dt.datetime
    status: str
    is_overbook: bool
    is_late_cancel: bool
    reason: str


class BookIn(Schema):
    patient_id: int = Field(..., ge=1, le=MAX_ID)
    provider_id: int = Field(..., ge=1, le=MAX_ID)
    location_id: int = Field(..., ge=1, le=MAX_ID)
    appointment_type_id: int = Field(..., ge=1, le=MAX_ID)
    start: AwareDateTime
    reason: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)
    overbook: bool = False


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)
    by_patient: bool = True


class CancelOut(Schema):
    appointment: AppointmentOut
    waitlist_entry_ids: list[int] = Field(description="Waiting patients who could take the time.")


class SlotFilter(Schema):
    type: int = Field(..., ge=1, le=MAX_ID, description="Appointment type id.")
    from_: Day = Field(..., alias="from")
    to: Day | None = None
    provider: int | None = Field(None, ge=1, le=MAX_ID)
    location: int | None = Field(None, ge=1, le=MAX_ID)


class AppointmentFilter(Schema):
    date: Day
    provider: int | None = Field(None, ge=1, le=MAX_ID)
    location: int | None = Field(None, ge=1, le=MAX_ID)


@router.get(
    "/appointment-types",
    response={200: list[AppointmentTypeOut], **error_responses(403)},
    summary="Active appointment types",
)
def appointment_types(request: ApiRequest) -> list[AppointmentType]:
    rows = list(restricted(request, AppointmentType).filter(is_active=True))
    audit(request, AuditAction.READ, object_type="scheduling.appointmenttype")
    return rows


@router.get(
    "/providers",
    response={200: list[ProviderOut], **error_responses(403)},
    summary="Active providers",
)
def providers(request: ApiRequest) -> list[dict[str, Any]]:
    restricted(request, Provider)
    rows = selectors.providers_for(request.auth).prefetch_related("locations")
    audit(request, AuditAction.READ, object_type="scheduling.provider")
    return [
        {
            "id": p.pk,
            "first_name": p.first_name,
            "last_name": p.last_name,
            "credentials": p.credentials,
            "npi": p.npi,
            "color": p.color,
            "location_ids": [loc.pk for loc in p.locations.all()],
        }
        for p in rows
    ]


@router.get(
    "/slots",
    response={200: list[SlotOut], **error_responses(400, 403, 404, 422)},
    summary="Open slots for an appointment type (first 100, in time order)",
)
def slots(request: ApiRequest, filters: Query[SlotFilter]) -> list[dict[str, Any]]:
    kind = get_or_404(
        request, restricted(request, AppointmentType), filters.type, what="appointment type"
    )
    end = filters.to or filters.from_ + dt.timedelta(days=31)
    if end < filters.from_ or (end - filters.from_).days > 92:
        raise ValidationError(
            {
                "to": ValidationError(
                    "“to” must be on or after “from” and at most 92 days later.",
                    code=SchedulingErrorCode.PERIOD_TOO_LONG,
                )
            }
        )
    user = request.auth
    locations = [filters.location] if filters.location else None
    scope = user.location_ids()
    if scope is not None:
        locations = [pk for pk in (locations or scope) if pk in scope]
    found = selectors.open_slots(
        kind,
        start_date=filters.from_,
        end_date=end,
        provider_ids=[filters.provider] if filters.provider else None,
        location_ids=locations,
        limit=100,
        first_look_days=None,  # a hundred slots take most of a month
    )
    audit(request, AuditAction.READ, object_type="scheduling.slot", detail=f"type {kind.pk}")
    return [
        {"provider_id": s.provider_id, "location_id": s.location_id, "start": s.start, "end": s.end}
        for s in found
    ]


def _appointments(request: ApiRequest) -> QuerySet[Appointment]:
    return restricted(request, Appointment)


@router.get(
    "/appointments",
    response={200: list[AppointmentOut], **error_responses(403, 422)},
    summary="Appointments of one day (practice time zone)",
)
def appointments(request: ApiRequest, filters: Query[AppointmentFilter]) -> list[Appointment]:
    _appointments(request)
    tz = services.practice_zone()
    start = dt.datetime.combine(filters.date, dt.time.min, tzinfo=tz)
    rows = selectors.appointments_between(request.auth, start, start + dt.timedelta(days=1))
    if filters.provider:
        rows = rows.filter(provider_id=filters.provider)
    if filters.location:
        rows = rows.filter(location_id=filters.location)
    rows_list = list(rows)
    audit_patients_shown(
        request,
        rows_list,
        object_type="scheduling.appointment",
        data_category="appointment",
        what=f"appointments of {filters.date.isoformat()}",
    )
    return rows_list


@router.get(
    "/appointments/{id}",
    response={200: AppointmentOut, **error_responses(403, 404, 422)},
    summary="One appointment",
)
def appointment_detail(request: ApiRequest, id: int = row_id()) -> Appointment:
    a = get_or_404(request, _appointments(request), id, what="appointment")
    audit_patient_read(request, a, "appointment")
    return a


@router.post(
    "/appointments",
    response={201: AppointmentOut, 409: ErrorOut, **error_responses(400, 403, 404, 422)},
    summary="Book an appointment (409 naming “start” when the time is taken)",
)
def book(request: ApiRequest, payload: BookIn) -> Any:
    user = request.auth
    restricted(request, Appointment, "change")
    patient = get_or_404(
        request, Patient.objects.restrict(user, "view"), payload.patient_id, what="patient"
    )
    provider = get_or_404(
        request, restricted(request, Provider), payload.provider_id, what="provider"
    )
    kind = get_or_404(
        request,
        restricted(request, AppointmentType),
        payload.appointment_type_id,
        what="appointment type",
    )
    locations = Location.objects.used_by(user)
    location = get_or_404(request, locations, payload.location_id, what="location")
    try:
        a = services.book_appointment(
            actor=user,
            patient=patient,
            provider=provider,
            location=location,
            appointment_type=kind,
            start=payload.start,
            reason=payload.reason,
            note=payload.note,
            overbook=payload.overbook,
        )
    except services.SlotTaken as exc:
        audit(
            request,
            AuditAction.CREATE,
            object_type="scheduling.appointment",
            outcome=AuditOutcome.FAILURE,
            detail="slot taken",
        )
        return Status(
            409, error_body("That time is taken.", validation_errors(exc), code=ErrorCode.CONFLICT)
        )
    request.api_audited = True
    return Status(201, a)


@router.post(
    "/appointments/{id}/cancel",
    response={200: CancelOut, **error_responses(400, 403, 404, 422)},
    summary="Cancel an appointment; answers the waitlist entries that could take the time",
)
def cancel(request: ApiRequest, payload: CancelIn, id: int = row_id()) -> dict[str, Any]:
    a = get_or_404(request, restricted(request, Appointment, "change"), id, what="appointment")
    matches = services.cancel_appointment(
        actor=request.auth,
        appointment=a,
        reason=payload.reason,
        by_patient=payload.by_patient,
    )
    request.api_audited = True
    a.refresh_from_db()
    return {"appointment": a, "waitlist_entry_ids": [e.pk for e in matches]}


@router.post(
    "/appointments/{id}/no-show",
    response={200: AppointmentOut, **error_responses(400, 403, 404, 422)},
    summary="Mark a no-show (only after the start time)",
)
def no_show(request: ApiRequest, id: int = row_id()) -> Appointment:
    a = get_or_404(request, restricted(request, Appointment, "change"), id, what="appointment")
    a = services.mark_no_show(actor=request.auth, appointment=a)
    request.api_audited = True
    return a
