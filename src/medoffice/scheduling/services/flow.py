"""The patient flow: arrived, roomed, with the provider, check-out, completed."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor, require
from medoffice.core.roles import Permission
from medoffice.scheduling.error_codes import SchedulingErrorCode
from medoffice.scheduling.models import (
    Appointment,
    AppointmentStatus,
    Resource,
)
from medoffice.scheduling.services.common import (
    lock_appointment,
    record_status,
)

# --- the patient flow -------------------------------------------------------

FLOW_TRANSITIONS: dict[str, set[str]] = {
    AppointmentStatus.SCHEDULED: {AppointmentStatus.CONFIRMED, AppointmentStatus.ARRIVED},
    AppointmentStatus.CONFIRMED: {AppointmentStatus.ARRIVED},
    AppointmentStatus.ARRIVED: {
        AppointmentStatus.ROOMED,
        AppointmentStatus.LEFT_WITHOUT_BEING_SEEN,
    },
    AppointmentStatus.ROOMED: {
        AppointmentStatus.WITH_PROVIDER,
        AppointmentStatus.LEFT_WITHOUT_BEING_SEEN,
    },
    AppointmentStatus.WITH_PROVIDER: {AppointmentStatus.CHECKOUT, AppointmentStatus.COMPLETED},
    AppointmentStatus.CHECKOUT: {AppointmentStatus.COMPLETED},
}
STATUS_TIMESTAMP: dict[str, str] = {
    AppointmentStatus.CONFIRMED: "confirmed_at",
    AppointmentStatus.ARRIVED: "arrived_at",
    AppointmentStatus.ROOMED: "roomed_at",
    AppointmentStatus.WITH_PROVIDER: "with_provider_at",
    AppointmentStatus.CHECKOUT: "checkout_at",
    AppointmentStatus.COMPLETED: "completed_at",
    AppointmentStatus.LEFT_WITHOUT_BEING_SEEN: "completed_at",
}
LATE_ARRIVAL_MINUTES = 10


@transaction.atomic
def change_status(
    *,
    actor: Actor,
    appointment: Appointment,
    to_status: str,
    room: Resource | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Appointment:
    """Move a visit along the flow (arrived → roomed → with provider → check-out → done)."""
    perm = (
        Permission.CHANGE_APPOINTMENT
        if to_status
        in {
            AppointmentStatus.CONFIRMED,
            AppointmentStatus.ARRIVED,
        }
        else Permission.CHANGE_FLOW
    )
    require(actor, perm, "Your role does not allow you to change this visit's status.")
    now = now or timezone.now()
    appointment = lock_appointment(appointment)
    old = appointment.status
    if to_status not in FLOW_TRANSITIONS.get(old, set()):
        raise ValidationError(
            {
                "status": ValidationError(
                    f"A visit that is “{appointment.get_status_display()}” cannot go to "
                    f"“{AppointmentStatus(to_status).label}”.",
                    code=SchedulingErrorCode.STATUS_TRANSITION_NOT_ALLOWED,
                )
            }
        )
    appointment.status = to_status
    fields = ["status", "updated_at"]
    stamp = STATUS_TIMESTAMP.get(to_status)
    if stamp:
        setattr(appointment, stamp, now)
        fields.append(stamp)
    if to_status == AppointmentStatus.ARRIVED:
        appointment.is_late_arrival = now > appointment.start + dt.timedelta(
            minutes=LATE_ARRIVAL_MINUTES
        )
        fields.append("is_late_arrival")
    if room is not None:
        if room.location_id != appointment.location_id:
            raise ValidationError(
                {
                    "room": ValidationError(
                        f"{room.name} is at another location.",
                        code=SchedulingErrorCode.ROOM_AT_OTHER_LOCATION,
                    )
                }
            )
        appointment.room = room
        fields.append("room")
    appointment.save(update_fields=fields)
    record_status(appointment, old, to_status, actor, now, note)
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=appointment,
        patient_id=appointment.patient_id,
        data_category="appointment",
        detail=f"status {old} → {to_status}",
    )
    return appointment
