"""What the appointment book's services share: permission checks, the practice's
time zone, 5-minute granules, status history, row locks and slot claims.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from medoffice.core.permissions import Actor, actor_user
from medoffice.scheduling.error_codes import SchedulingErrorCode
from medoffice.scheduling.models import (
    Appointment,
    SlotClaim,
    StatusChange,
)
from medoffice.scheduling.models.appointments import GRANULE_MINUTES


class SlotTaken(ValidationError):
    """The time was booked by someone else a moment ago."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            {
                "start": ValidationError(
                    message or "That time was just booked by someone else. Pick another slot.",
                    code=SchedulingErrorCode.SLOT_TAKEN,
                )
            }
        )


def granules(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The 5-minute granules [start, end) touches, aligned to the clock."""
    step = dt.timedelta(minutes=GRANULE_MINUTES)
    first = start.astimezone(dt.UTC).replace(second=0, microsecond=0)
    first -= dt.timedelta(minutes=first.minute % GRANULE_MINUTES)
    out = []
    cursor = first
    while cursor < end:
        out.append(cursor)
        cursor += step
    return out


def record_status(
    appointment: Appointment,
    old: str,
    new: str,
    actor: Actor,
    at: dt.datetime,
    note: str = "",
) -> None:
    StatusChange.objects.create(
        appointment=appointment,
        from_status=old,
        to_status=new,
        changed_at=at,
        changed_by=actor_user(actor),
        note=note[:200],
    )


def free_claims(appointment: Appointment) -> None:
    SlotClaim.objects.filter(appointment=appointment).delete()


def lock_appointment(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update()
        .select_related("patient", "provider", "appointment_type")
        .get(pk=appointment.pk)
    )
