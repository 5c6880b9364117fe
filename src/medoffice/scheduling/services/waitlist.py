"""The waitlist: who could take a freed time, what is left of it, offers."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from medoffice.core.audit import record_change, record_event
from medoffice.core.models import AuditAction, Location, User, practice_zone
from medoffice.core.permissions import Actor, require
from medoffice.core.roles import Permission
from medoffice.scheduling.choices import WaitlistStatus
from medoffice.scheduling.error_codes import SchedulingErrorCode
from medoffice.scheduling.models import (
    Appointment,
    AppointmentType,
    Provider,
    SlotClaim,
    WaitlistEntry,
)
from medoffice.scheduling.models.appointments import GRANULE_MINUTES
from medoffice.scheduling.services.common import (
    granules,
)


def entry_matches(
    entry: WaitlistEntry, appointment: Appointment, tz: ZoneInfo | None = None
) -> bool:
    """Whether the waiting patient of ``entry`` could take ``appointment``'s time.

    ``tz`` is the practice's zone; callers checking many pairs read it once and pass it.
    """
    tz = tz or practice_zone()
    local = appointment.start.astimezone(tz)
    day, hour = local.date(), local.hour
    if entry.status != WaitlistStatus.WAITING:
        return False
    if entry.appointment_type_id != appointment.appointment_type_id:
        return False
    if entry.patient_id == appointment.patient_id:
        return False
    if entry.provider_id and entry.provider_id != appointment.provider_id:
        return False
    if entry.location_id and entry.location_id != appointment.location_id:
        return False
    if entry.earliest and day < entry.earliest:
        return False
    if entry.latest and day > entry.latest:
        return False
    if entry.mornings_only and hour >= 12:
        return False
    if entry.afternoons_only and hour < 12:
        return False
    current = entry.current_appointment
    return not (current and current.start <= appointment.start)


def waitlist_matches(appointment: Appointment) -> Iterable[WaitlistEntry]:
    """Waiting patients who could take this appointment's time, oldest request first."""
    qs = (
        WaitlistEntry.objects.filter(
            status=WaitlistStatus.WAITING, appointment_type=appointment.appointment_type
        )
        .exclude(patient=appointment.patient)
        .select_related("patient", "provider", "current_appointment")
    )
    tz = practice_zone()
    for entry in qs.order_by("created_at"):
        if entry_matches(entry, appointment, tz):
            yield entry


# A freed visit whose time has started (a no-show marked after its start) can still be
# offered for what is left of it, when at least this much remains.
MIN_OFFER_MINUTES = 10


@dataclass(frozen=True)
class FreedTime:
    """What can still be offered of a cancelled or no-show visit's time."""

    start: dt.datetime
    end: dt.datetime
    provider: Provider
    location: Location
    appointment_type: AppointmentType


def freed_time_left(appointment: Appointment, now: dt.datetime) -> FreedTime | None:
    """The rest of a freed visit's time from now (on the 5-minute grid), or None when
    less than ``MIN_OFFER_MINUTES`` remain."""
    start = appointment.start
    if start < now:
        step = GRANULE_MINUTES * 60
        seconds = math.ceil(now.timestamp() / step) * step
        start = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    if appointment.end - start < dt.timedelta(minutes=MIN_OFFER_MINUTES):
        return None
    return FreedTime(
        start=start,
        end=appointment.end,
        provider=appointment.provider,
        location=appointment.location,
        appointment_type=appointment.appointment_type,
    )


def freed_time_is_open(appointment: Appointment) -> bool:
    """A cancelled or no-show visit's time has not been booked again."""
    return bool(freed_times_open([appointment]))


def freed_times_open(appointments: Sequence[Appointment]) -> list[Appointment]:
    """Those of ``appointments`` whose time has not been booked again, in one query:
    no claim of the visit's provider on any of the granules it covers."""
    wanted = [(a, granules(a.start, a.end)) for a in appointments]
    ranges = Q()
    for appointment, grid in wanted:
        if grid:
            ranges |= Q(
                provider_id=appointment.provider_id,
                granule__gte=grid[0],
                granule__lte=grid[-1],
            )
    if not ranges:
        return [a for a, _ in wanted]
    claimed = set(SlotClaim.objects.filter(ranges).values_list("provider_id", "granule"))
    return [a for a, grid in wanted if not any((a.provider_id, g) in claimed for g in grid)]


# --- the waitlist ---------------------------------------------------------------


@transaction.atomic
def add_to_waitlist(*, actor: User, entry: WaitlistEntry) -> WaitlistEntry:
    require(
        actor, Permission.CHANGE_APPOINTMENT, "Your role does not allow you to manage the waitlist."
    )
    if entry.mornings_only and entry.afternoons_only:
        raise ValidationError(
            {
                "afternoons_only": ValidationError(
                    "Choose mornings or afternoons, not both (or neither for any).",
                    code=SchedulingErrorCode.MORNINGS_AND_AFTERNOONS,
                )
            }
        )
    if entry.earliest and entry.latest and entry.latest < entry.earliest:
        raise ValidationError(
            {
                "latest": ValidationError(
                    "“Latest” is before “earliest”.",
                    code=SchedulingErrorCode.LATEST_BEFORE_EARLIEST,
                )
            }
        )
    entry.created_by = actor
    entry.status = WaitlistStatus.WAITING
    return record_change(
        entry,
        user=actor,
        action=AuditAction.CREATE,
        validate=False,
        patient_id=entry.patient_id,
        data_category="waitlist",
        detail=f"waitlist for {entry.appointment_type.code}",
    )


@transaction.atomic
def remove_from_waitlist(*, actor: Actor, entry: WaitlistEntry) -> WaitlistEntry:
    require(
        actor, Permission.CHANGE_APPOINTMENT, "Your role does not allow you to manage the waitlist."
    )
    entry.status = WaitlistStatus.REMOVED
    return record_change(
        entry,
        user=actor,
        validate=False,
        update_fields=["status"],
        patient_id=entry.patient_id,
        data_category="waitlist",
        detail="removed from the waitlist",
    )


@transaction.atomic
def offer_slot_to_waitlist(
    *, actor: Actor, entry: WaitlistEntry, appointment: Appointment, now: dt.datetime | None = None
) -> WaitlistEntry:
    """Mark the entry offered the freed time of ``appointment`` and queue the offer message.

    The message goes out through ``scheduling.reminders.queue_waitlist_offer``: by the
    patient's preferred channel, or kept as skipped when no channel reaches them.
    """
    require(
        actor,
        Permission.CHANGE_APPOINTMENT,
        "Your role does not allow you to offer slots to the waitlist.",
    )
    now = now or timezone.now()
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != WaitlistStatus.WAITING:
        raise ValidationError(
            {
                "status": ValidationError(
                    f"This waitlist entry is “{entry.get_status_display()}”, not waiting.",
                    code=SchedulingErrorCode.NOT_WAITING,
                )
            }
        )
    remaining = freed_time_left(appointment, now)
    if remaining is None:
        raise ValidationError(
            {
                "start": ValidationError(
                    "That time has already passed.", code=SchedulingErrorCode.TIME_PASSED
                )
            }
        )
    entry.status = WaitlistStatus.OFFERED
    entry.offered_at = now
    entry.save(update_fields=["status", "offered_at"])
    from medoffice.scheduling import reminders  # reminders reads these services

    reminders.queue_waitlist_offer(entry, remaining, now=now, actor=actor)
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=entry,
        patient_id=entry.patient_id,
        data_category="waitlist",
        detail=f"offered the slot of appointment {appointment.pk} at {appointment.start.isoformat()}",
    )
    return entry
