"""Booking, cancelling, no-shows, rescheduling and recurring series.

Double booking is impossible at the database: a booking claims every 5-minute
granule of its provider's time it covers (``SlotClaim``, unique per provider and
granule). Two requests for overlapping times both try to insert their claims; the
database lets exactly one through and the other gets ``SlotTaken``. Overbooking
is possible only under an ``OverbookRule`` the office manager set, and such
appointments are marked and hold no claims.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from medoffice.core.audit import record_event
from medoffice.core.formats import as_time
from medoffice.core.models import AuditAction, Location, Practice, User, practice_zone
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients.models import Patient
from medoffice.scheduling.error_codes import SchedulingErrorCode
from medoffice.scheduling.models import (
    Appointment,
    AppointmentSeries,
    AppointmentStatus,
    AppointmentType,
    OverbookRule,
    Provider,
    Resource,
    SlotClaim,
    TemplateBlock,
    WaitlistEntry,
)
from medoffice.scheduling.services.common import (
    SlotTaken,
    free_claims,
    granules,
    lock_appointment,
    record_status,
)
from medoffice.scheduling.services.waitlist import waitlist_matches


def _in_template(
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start: dt.datetime,
    end: dt.datetime,
) -> bool:
    tz = practice_zone()
    local_start = start.astimezone(tz)
    local_end = end.astimezone(tz)
    if local_start.date() != local_end.date() and local_end.time() != dt.time(0):
        return False
    day = local_start.date()
    blocks = TemplateBlock.objects.filter(
        provider=provider, location=location, weekday=day.weekday(), effective_from__lte=day
    ).exclude(effective_to__lt=day)
    for block in blocks.prefetch_related("appointment_types"):
        allowed = {t.pk for t in block.appointment_types.all()}
        if allowed and appointment_type.pk not in allowed:
            continue
        block_start = dt.datetime.combine(day, block.start, tzinfo=tz)
        block_end = dt.datetime.combine(day, block.end, tzinfo=tz)
        if block_start <= start and end <= block_end:
            return True
    return False


def closed_reason(
    provider: Provider, location: Location, start: dt.datetime, end: dt.datetime
) -> str:
    """Why nobody can be booked then (time off, a meeting, a closure, a public holiday), or ""."""
    from django.db.models import Q

    from medoffice.scheduling.models import ScheduleException
    from medoffice.scheduling.selectors import holiday_name

    exception = (
        ScheduleException.objects.filter(start__lt=end, end__gt=start)
        .filter(Q(provider__isnull=True) | Q(provider=provider))
        .filter(Q(location__isnull=True) | Q(location=location))
        .first()
    )
    if exception is not None:
        why = f" ({exception.reason})" if exception.reason else ""
        return f"{exception.get_kind_display()} then{why}."
    name = holiday_name(start.astimezone(practice_zone()).date())
    if name:
        return f"The practice is closed for a public holiday ({name})."
    return ""


def _choose_resources(
    appointment_type: AppointmentType, location: Location, start: dt.datetime, end: dt.datetime
) -> list[Resource]:
    chosen: list[Resource] = []
    for requirement in appointment_type.resource_requirements.prefetch_related("resources"):
        candidates = [
            r for r in requirement.resources.all() if r.location_id == location.pk and r.is_active
        ]
        busy = set(
            Appointment.objects.active()
            .filter(resources__in=candidates, start__lt=end, end__gt=start)
            .values_list("resources", flat=True)
        )
        free = [r for r in candidates if r.pk not in busy and r not in chosen]
        if not free:
            raise ValidationError(
                {
                    "start": ValidationError(
                        f"No {requirement.name.lower()} is free at that time.",
                        code=SchedulingErrorCode.RESOURCE_BUSY,
                    )
                }
            )
        chosen.append(free[0])
    return chosen


def _overbook_allowed(provider: Provider, appointment_type: AppointmentType, day: dt.date) -> bool:
    tz = practice_zone()
    day_start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    day_end = day_start + dt.timedelta(days=1)
    for rule in OverbookRule.objects.filter(provider=provider, is_active=True).prefetch_related(
        "appointment_types"
    ):
        types = {t.pk for t in rule.appointment_types.all()}
        if types and appointment_type.pk not in types:
            continue
        used = (
            Appointment.objects.active()
            .filter(provider=provider, is_overbook=True, start__gte=day_start, start__lt=day_end)
            .count()
        )
        if used < rule.max_per_day:
            return True
    return False


def _claim(appointment: Appointment) -> None:
    try:
        with transaction.atomic():
            SlotClaim.objects.bulk_create(
                [
                    SlotClaim(
                        provider_id=appointment.provider_id, granule=g, appointment=appointment
                    )
                    for g in granules(appointment.start, appointment.end)
                ]
            )
    except IntegrityError as exc:
        raise SlotTaken() from exc


def _check_fits(
    provider: Provider, appointment_type: AppointmentType, start: dt.datetime, end: dt.datetime
) -> None:
    """Refuse a visit that runs into the provider's next one, saying how much time is free.

    Read from the slot claims (what double booking is kept out by, so a visit being moved,
    whose claims are freed first, is not in its own way). A claim on the start itself
    leaves the time taken (``SlotTaken``, said when the claims collide); a later one means
    this visit is too long for the gap.
    """
    wanted = granules(start, end)
    if not wanted:
        return
    next_claim = (
        SlotClaim.objects.filter(provider=provider, granule__in=wanted)
        .order_by("granule")
        .values_list("granule", flat=True)
        .first()
    )
    if next_claim is None or next_claim <= start:
        return
    free = int((next_claim - start).total_seconds() // 60)
    local = next_claim.astimezone(practice_zone())
    raise ValidationError(
        {
            "start": ValidationError(
                f"A {appointment_type.duration}-minute {appointment_type} does not fit before "
                f"{provider.short_name}'s {as_time(local.time())} visit; {free} minutes are free.",
                code=SchedulingErrorCode.DOES_NOT_FIT,
            )
        }
    )


def validate_booking(
    *,
    patient: Patient,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start: dt.datetime,
    now: dt.datetime,
    overbook: bool = False,
) -> dt.datetime:
    """Check a booking request; returns its end. Raises ValidationError naming the field."""
    if timezone.is_naive(start):
        raise ValidationError(
            {
                "start": ValidationError(
                    "Give the time with its time zone.", code=SchedulingErrorCode.TIME_ZONE_REQUIRED
                )
            }
        )
    if start < now - dt.timedelta(minutes=1):
        raise ValidationError(
            {
                "start": ValidationError(
                    "That time is in the past. Pick a time from now on.",
                    code=SchedulingErrorCode.PAST,
                )
            }
        )
    if not patient.is_active or patient.deceased_date is not None:
        raise ValidationError(
            {
                "patient": ValidationError(
                    "This patient is inactive or deceased and cannot be booked.",
                    code=SchedulingErrorCode.PATIENT_NOT_BOOKABLE,
                )
            }
        )
    if not provider.is_active:
        raise ValidationError(
            {
                "provider": ValidationError(
                    f"{provider} no longer takes appointments.",
                    code=SchedulingErrorCode.PROVIDER_INACTIVE,
                )
            }
        )
    if not appointment_type.is_active:
        raise ValidationError(
            {
                "appointment_type": ValidationError(
                    f"“{appointment_type}” is no longer offered.",
                    code=SchedulingErrorCode.APPOINTMENT_TYPE_INACTIVE,
                )
            }
        )
    allowed = set(appointment_type.providers.values_list("pk", flat=True))
    if allowed and provider.pk not in allowed:
        raise ValidationError(
            {
                "provider": ValidationError(
                    f"{provider} does not see “{appointment_type}” visits.",
                    code=SchedulingErrorCode.PROVIDER_DOES_NOT_SEE_TYPE,
                )
            }
        )
    end = start + dt.timedelta(minutes=appointment_type.duration)
    if not overbook:
        _check_fits(provider, appointment_type, start, end)
    if not overbook and not _in_template(provider, location, appointment_type, start, end):
        raise ValidationError(
            {
                "start": ValidationError(
                    f"{provider} is not scheduled for “{appointment_type}” at {location} at that time.",
                    code=SchedulingErrorCode.OUTSIDE_TEMPLATE,
                )
            }
        )
    if not overbook:
        closed = closed_reason(provider, location, start, end)
        if closed:
            raise ValidationError(
                {"start": ValidationError(closed, code=SchedulingErrorCode.CLOSED)}
            )
    return end


@transaction.atomic
def book_appointment(
    *,
    actor: Actor,
    patient: Patient,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start: dt.datetime,
    reason: str = "",
    note: str = "",
    overbook: bool = False,
    series: AppointmentSeries | None = None,
    rescheduled_from: Appointment | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    require(
        actor, Permission.CHANGE_APPOINTMENT, "Your role does not allow you to book appointments."
    )
    now = now or timezone.now()
    end = validate_booking(
        patient=patient,
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start=start,
        now=now,
        overbook=overbook,
    )
    # Serialise bookings of one provider (PostgreSQL row lock; SQLite's writer lock).
    Provider.objects.select_for_update().filter(pk=provider.pk).first()
    if overbook and not _overbook_allowed(
        provider, appointment_type, start.astimezone(practice_zone()).date()
    ):
        raise ValidationError(
            {
                "start": ValidationError(
                    f"No overbooking rule allows another overbooked visit with {provider} that day.",
                    code=SchedulingErrorCode.OVERBOOK_NOT_ALLOWED,
                )
            }
        )
    resources = _choose_resources(appointment_type, location, start, end)
    appointment = Appointment.objects.create(
        patient=patient,
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start=start,
        end=end,
        is_overbook=overbook,
        reason=reason[:200],
        note=note,
        series=series,
        rescheduled_from=rescheduled_from,
        booked_by=actor_user(actor),
    )
    if resources:
        appointment.resources.set(resources)
        rooms = [r for r in resources if r.kind == "room"]
        if rooms:
            appointment.room = rooms[0]
            appointment.save(update_fields=["room"])
    if not overbook:
        _claim(appointment)
    record_status(appointment, "", AppointmentStatus.SCHEDULED, actor, now)
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=appointment,
        patient_id=patient.pk,
        data_category="appointment",
        detail=("overbooked " if overbook else "") + f"{appointment_type.code} {start.isoformat()}",
    )
    return appointment


@transaction.atomic
def cancel_appointment(
    *,
    actor: Actor,
    appointment: Appointment,
    reason: str,
    by_patient: bool = True,
    now: dt.datetime | None = None,
) -> list[WaitlistEntry]:
    """Cancel; returns the waitlist entries that could take the freed time."""
    require(
        actor, Permission.CHANGE_APPOINTMENT, "Your role does not allow you to cancel appointments."
    )
    now = now or timezone.now()
    appointment = lock_appointment(appointment)
    if appointment.status not in {AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED}:
        raise ValidationError(
            {
                "status": ValidationError(
                    f"A visit that is “{appointment.get_status_display()}” cannot be cancelled.",
                    code=SchedulingErrorCode.NOT_CANCELLABLE,
                )
            }
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {
                "cancel_reason": ValidationError(
                    "Say why the visit is cancelled.",
                    code=SchedulingErrorCode.CANCEL_REASON_REQUIRED,
                )
            }
        )
    practice = Practice.current()
    window = dt.timedelta(hours=practice.late_cancel_hours if practice else 24)
    old = appointment.status
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.cancel_reason = reason[:200]
    appointment.is_late_cancel = by_patient and appointment.start - now < window
    appointment.save(
        update_fields=["status", "cancelled_at", "cancel_reason", "is_late_cancel", "updated_at"]
    )
    free_claims(appointment)
    record_status(appointment, old, AppointmentStatus.CANCELLED, actor, now, reason)
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=appointment,
        patient_id=appointment.patient_id,
        data_category="appointment",
        detail=("late " if appointment.is_late_cancel else "") + f"cancelled: {reason}"[:400],
    )
    if appointment.start <= now:
        return []
    return list(waitlist_matches(appointment))


@transaction.atomic
def mark_no_show(
    *, actor: Actor, appointment: Appointment, now: dt.datetime | None = None
) -> Appointment:
    require(actor, Permission.CHANGE_APPOINTMENT, "Your role does not allow you to mark no-shows.")
    now = now or timezone.now()
    appointment = lock_appointment(appointment)
    if appointment.status not in {AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED}:
        raise ValidationError(
            {
                "status": ValidationError(
                    f"A visit that is “{appointment.get_status_display()}” cannot be a no-show.",
                    code=SchedulingErrorCode.NOT_NO_SHOW,
                )
            }
        )
    if appointment.start > now:
        raise ValidationError(
            {
                "status": ValidationError(
                    "A visit can be marked a no-show only after its start time.",
                    code=SchedulingErrorCode.NO_SHOW_BEFORE_START,
                )
            }
        )
    old = appointment.status
    appointment.status = AppointmentStatus.NO_SHOW
    appointment.save(update_fields=["status", "updated_at"])
    free_claims(appointment)
    record_status(appointment, old, AppointmentStatus.NO_SHOW, actor, now)
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=appointment,
        patient_id=appointment.patient_id,
        data_category="appointment",
        detail="no-show",
    )
    return appointment


@transaction.atomic
def reschedule_appointment(
    *,
    actor: Actor,
    appointment: Appointment,
    start: dt.datetime,
    provider: Provider | None = None,
    location: Location | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Move a visit: the new one is booked first, then the old one cancelled (not late)."""
    require(
        actor,
        Permission.CHANGE_APPOINTMENT,
        "Your role does not allow you to reschedule appointments.",
    )
    now = now or timezone.now()
    old = lock_appointment(appointment)
    if old.status not in {AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED}:
        raise ValidationError(
            {
                "status": ValidationError(
                    f"A visit that is “{old.get_status_display()}” cannot be moved.",
                    code=SchedulingErrorCode.NOT_MOVABLE,
                )
            }
        )
    free_claims(old)  # the new time may overlap the old one
    new = book_appointment(
        actor=actor,
        patient=old.patient,
        provider=provider or old.provider,
        location=location or old.location,
        appointment_type=old.appointment_type,
        start=start,
        reason=old.reason,
        note=old.note,
        series=old.series,
        rescheduled_from=old,
        now=now,
    )
    old.status = AppointmentStatus.CANCELLED
    old.cancelled_at = now
    old.cancel_reason = "rescheduled"
    old.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    record_status(
        old, AppointmentStatus.SCHEDULED, AppointmentStatus.CANCELLED, actor, now, "rescheduled"
    )
    return new


# --- recurring series -------------------------------------------------------


@dataclass(frozen=True)
class SeriesOccurrence:
    start: dt.datetime
    problem: str  # empty when the time is free


def plan_series(
    *,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    first_start: dt.datetime,
    count: int,
    interval_weeks: int = 1,
    patient: Patient,
    now: dt.datetime | None = None,
) -> list[SeriesOccurrence]:
    """The conflict report shown before a series is saved: each date and what stands in its way."""
    if not 2 <= count <= 52:
        raise ValidationError(
            {
                "count": ValidationError(
                    "A series has between 2 and 52 visits.",
                    code=SchedulingErrorCode.SERIES_COUNT_OUT_OF_RANGE,
                )
            }
        )
    if not 1 <= interval_weeks <= 12:
        raise ValidationError(
            {
                "interval_weeks": ValidationError(
                    "Repeat every 1 to 12 weeks.",
                    code=SchedulingErrorCode.SERIES_INTERVAL_OUT_OF_RANGE,
                )
            }
        )
    now = now or timezone.now()
    tz = practice_zone()
    local_first = first_start.astimezone(tz)
    plan = []
    for n in range(count):
        day = local_first.date() + dt.timedelta(weeks=n * interval_weeks)
        start = dt.datetime.combine(day, local_first.time(), tzinfo=tz)
        try:
            end = validate_booking(
                patient=patient,
                provider=provider,
                location=location,
                appointment_type=appointment_type,
                start=start,
                now=now,
            )
        except ValidationError as exc:
            plan.append(SeriesOccurrence(start, " ".join(exc.messages)))
            continue
        if SlotClaim.objects.filter(provider=provider, granule__in=granules(start, end)).exists():
            plan.append(SeriesOccurrence(start, f"{provider} already has a visit then."))
        else:
            plan.append(SeriesOccurrence(start, ""))
    return plan


@transaction.atomic
def book_series(
    *,
    actor: User,
    patient: Patient,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    starts: Sequence[dt.datetime],
    interval_weeks: int = 1,
    reason: str = "",
    now: dt.datetime | None = None,
) -> AppointmentSeries:
    """Book every start (normally the conflict-free ones of ``plan_series``), all or nothing."""
    require(
        actor, Permission.CHANGE_APPOINTMENT, "Your role does not allow you to book appointments."
    )
    if len(starts) < 2:
        raise ValidationError(
            {
                "count": ValidationError(
                    "A series needs at least two free dates.",
                    code=SchedulingErrorCode.SERIES_TOO_FEW_FREE_DATES,
                )
            }
        )
    series = AppointmentSeries.objects.create(
        patient=patient,
        interval_weeks=interval_weeks,
        count=len(starts),
        created_by=actor,
    )
    for start in starts:
        book_appointment(
            actor=actor,
            patient=patient,
            provider=provider,
            location=location,
            appointment_type=appointment_type,
            start=start,
            reason=reason,
            series=series,
            now=now,
        )
    return series
