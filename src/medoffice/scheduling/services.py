"""Writes for the appointment book: book, reschedule, cancel, no-show, move along the flow.

Double booking is impossible at the database: a booking claims every 5-minute
granule of its provider's time it covers (``SlotClaim``, unique per provider and
granule). Two requests for overlapping times both try to insert their claims; the
database lets exactly one through and the other gets ``SlotTaken``. Overbooking
is possible only under an ``OverbookRule`` the office manager set, and such
appointments are marked and hold no claims.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, Location, Practice
from medoffice.patients.models import Patient
from medoffice.scheduling.models import (
    Appointment,
    AppointmentSeries,
    AppointmentStatus,
    AppointmentType,
    OverbookRule,
    Provider,
    Resource,
    SlotClaim,
    StatusChange,
    TemplateBlock,
    WaitlistEntry,
)
from medoffice.scheduling.models.appointments import ACTIVE_STATUSES, GRANULE_MINUTES
from medoffice.scheduling.models.outreach import WaitlistStatus


class SlotTaken(ValidationError):
    """The time was booked by someone else a moment ago."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            {"start": message or "That time was just booked by someone else. Pick another slot."},
            code="slot_taken",
        )


def _require(actor: Any, perm: str, what: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(f"Your role does not allow you to {what}.")


def practice_zone() -> Any:
    from zoneinfo import ZoneInfo

    tz = Practice.objects.order_by("pk").values_list("time_zone", flat=True).first()
    return ZoneInfo(tz or "UTC")


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
                {"start": f"No {requirement.name.lower()} is free at that time."},
                code="resource_busy",
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


def _record_status(
    appointment: Appointment, old: str, new: str, actor: Any, at: dt.datetime, note: str = ""
) -> None:
    StatusChange.objects.create(
        appointment=appointment,
        from_status=old,
        to_status=new,
        changed_at=at,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        note=note[:200],
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
        raise ValidationError({"start": "Give the time with its time zone."})
    if start < now - dt.timedelta(minutes=1):
        raise ValidationError(
            {"start": "That time is in the past. Pick a time from now on."}, code="past"
        )
    if not patient.is_active or patient.deceased_date is not None:
        raise ValidationError(
            {"patient": "This patient is inactive or deceased and cannot be booked."}
        )
    if not provider.is_active:
        raise ValidationError({"provider": f"{provider} no longer takes appointments."})
    if not appointment_type.is_active:
        raise ValidationError({"appointment_type": f"“{appointment_type}” is no longer offered."})
    allowed = set(appointment_type.providers.values_list("pk", flat=True))
    if allowed and provider.pk not in allowed:
        raise ValidationError({"provider": f"{provider} does not see “{appointment_type}” visits."})
    end = start + dt.timedelta(minutes=appointment_type.duration)
    if not overbook and not _in_template(provider, location, appointment_type, start, end):
        raise ValidationError(
            {
                "start": f"{provider} is not scheduled for “{appointment_type}” at {location} at that time."
            },
            code="outside_template",
        )
    if not overbook:
        closed = closed_reason(provider, location, start, end)
        if closed:
            raise ValidationError({"start": closed}, code="closed")
    return end


@transaction.atomic
def book_appointment(
    *,
    actor: Any,
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
    _require(actor, "scheduling.change_appointment", "book appointments")
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
                "start": f"No overbooking rule allows another overbooked visit with {provider} that day."
            },
            code="overbook_not_allowed",
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
        booked_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if resources:
        appointment.resources.set(resources)
        rooms = [r for r in resources if r.kind == "room"]
        if rooms:
            appointment.room = rooms[0]
            appointment.save(update_fields=["room"])
    if not overbook:
        _claim(appointment)
    _record_status(appointment, "", AppointmentStatus.SCHEDULED, actor, now)
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=appointment,
        patient_id=patient.pk,
        data_category="appointment",
        detail=("overbooked " if overbook else "") + f"{appointment_type.code} {start.isoformat()}",
    )
    return appointment


def _free_claims(appointment: Appointment) -> None:
    SlotClaim.objects.filter(appointment=appointment).delete()


def _lock(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update()
        .select_related("patient", "provider", "appointment_type")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def cancel_appointment(
    *,
    actor: Any,
    appointment: Appointment,
    reason: str,
    by_patient: bool = True,
    now: dt.datetime | None = None,
) -> list[WaitlistEntry]:
    """Cancel; returns the waitlist entries that could take the freed time."""
    _require(actor, "scheduling.change_appointment", "cancel appointments")
    now = now or timezone.now()
    appointment = _lock(appointment)
    if appointment.status not in {AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED}:
        raise ValidationError(
            {"status": f"A visit that is “{appointment.get_status_display()}” cannot be cancelled."}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"cancel_reason": "Say why the visit is cancelled."})
    practice = Practice.objects.order_by("pk").first()
    window = dt.timedelta(hours=practice.late_cancel_hours if practice else 24)
    old = appointment.status
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.cancel_reason = reason[:200]
    appointment.is_late_cancel = by_patient and appointment.start - now < window
    appointment.save(
        update_fields=["status", "cancelled_at", "cancel_reason", "is_late_cancel", "updated_at"]
    )
    _free_claims(appointment)
    _record_status(appointment, old, AppointmentStatus.CANCELLED, actor, now, reason)
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


def entry_matches(entry: WaitlistEntry, appointment: Appointment) -> bool:
    """Whether the waiting patient of ``entry`` could take ``appointment``'s time."""
    tz = practice_zone()
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
    for entry in qs.order_by("created_at"):
        if entry_matches(entry, appointment):
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
    return not SlotClaim.objects.filter(
        provider_id=appointment.provider_id,
        granule__in=granules(appointment.start, appointment.end),
    ).exists()


@transaction.atomic
def mark_no_show(
    *, actor: Any, appointment: Appointment, now: dt.datetime | None = None
) -> Appointment:
    _require(actor, "scheduling.change_appointment", "mark no-shows")
    now = now or timezone.now()
    appointment = _lock(appointment)
    if appointment.status not in {AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED}:
        raise ValidationError(
            {"status": f"A visit that is “{appointment.get_status_display()}” cannot be a no-show."}
        )
    if appointment.start > now:
        raise ValidationError(
            {"status": "A visit can be marked a no-show only after its start time."}
        )
    old = appointment.status
    appointment.status = AppointmentStatus.NO_SHOW
    appointment.save(update_fields=["status", "updated_at"])
    _free_claims(appointment)
    _record_status(appointment, old, AppointmentStatus.NO_SHOW, actor, now)
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
    actor: Any,
    appointment: Appointment,
    start: dt.datetime,
    provider: Provider | None = None,
    location: Location | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Move a visit: the new one is booked first, then the old one cancelled (not late)."""
    _require(actor, "scheduling.change_appointment", "reschedule appointments")
    now = now or timezone.now()
    old = _lock(appointment)
    if old.status not in {AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED}:
        raise ValidationError(
            {"status": f"A visit that is “{old.get_status_display()}” cannot be moved."}
        )
    _free_claims(old)  # the new time may overlap the old one
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
    _record_status(
        old, AppointmentStatus.SCHEDULED, AppointmentStatus.CANCELLED, actor, now, "rescheduled"
    )
    return new


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
STATUS_TIMESTAMP = {
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
    actor: Any,
    appointment: Appointment,
    to_status: str,
    room: Resource | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Appointment:
    """Move a visit along the flow (arrived → roomed → with provider → check-out → done)."""
    perm = (
        "scheduling.change_appointment"
        if to_status
        in {
            AppointmentStatus.CONFIRMED,
            AppointmentStatus.ARRIVED,
        }
        else "scheduling.change_flow"
    )
    _require(actor, perm, "change this visit's status")
    now = now or timezone.now()
    appointment = _lock(appointment)
    old = appointment.status
    if to_status not in FLOW_TRANSITIONS.get(old, set()):
        raise ValidationError(
            {
                "status": f"A visit that is “{appointment.get_status_display()}” cannot go to "
                f"“{AppointmentStatus(to_status).label}”."
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
            raise ValidationError({"room": f"{room.name} is at another location."})
        appointment.room = room
        fields.append("room")
    appointment.save(update_fields=fields)
    _record_status(appointment, old, to_status, actor, now, note)
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=appointment,
        patient_id=appointment.patient_id,
        data_category="appointment",
        detail=f"status {old} → {to_status}",
    )
    return appointment


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
        raise ValidationError({"count": "A series has between 2 and 52 visits."})
    if not 1 <= interval_weeks <= 12:
        raise ValidationError({"interval_weeks": "Repeat every 1 to 12 weeks."})
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
    actor: Any,
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
    _require(actor, "scheduling.change_appointment", "book appointments")
    if len(starts) < 2:
        raise ValidationError({"count": "A series needs at least two free dates."})
    series = AppointmentSeries.objects.create(
        patient=patient, interval_weeks=interval_weeks, count=len(starts), created_by=actor
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


def is_active_status(status: str) -> bool:
    return status in ACTIVE_STATUSES


# --- recalls (set at check-out) ------------------------------------------------


@transaction.atomic
def create_recall(
    *,
    actor: Any,
    patient: Patient,
    reason: str,
    due_date: dt.date,
    appointment_type: AppointmentType | None = None,
    provider: Provider | None = None,
    today: dt.date | None = None,
) -> Any:
    """Note that the patient is due for something (annual physical) on a date."""
    from medoffice.scheduling.models import Recall

    _require(actor, "scheduling.change_appointment", "set recalls")
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Say what the patient is due for (e.g. annual physical)."
    if due_date is None:
        errors["due_date"] = "Enter the date the patient is due."
    elif due_date <= today:
        errors["due_date"] = "The due date must be after today."
    if errors:
        raise ValidationError(errors)
    recall = Recall.objects.create(
        patient=patient,
        reason=reason[:120],
        due_date=due_date,
        appointment_type=appointment_type,
        provider=provider,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=recall,
        patient_id=patient.pk,
        data_category="appointment",
        detail=f"recall due {due_date.isoformat()}",
    )
    return recall


# --- the office manager's set-up ----------------------------------------------


def _setup_detail(obj: Any) -> str:
    return f"{obj._meta.verbose_name}: {obj}"[:400]


@transaction.atomic
def save_setup(*, actor: Any, instance: Any, m2m: dict[str, Iterable[Any]] | None = None) -> Any:
    """Save one set-up row (provider, resource, type, closure, overbooking rule), audited."""
    _require(actor, "scheduling.change_schedule", "change the appointment book's set-up")
    creating = instance.pk is None
    instance.full_clean(validate_unique=True)
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    record_event(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        user=actor,
        obj=instance,
        data_category="schedule setup",
        detail=_setup_detail(instance),
    )
    return instance


@transaction.atomic
def delete_setup(*, actor: Any, instance: Any) -> None:
    _require(actor, "scheduling.change_schedule", "change the appointment book's set-up")
    detail = _setup_detail(instance)
    pk = instance.pk
    label = instance._meta.label_lower
    instance.delete()
    record_event(AuditAction.DELETE, user=actor, object_type=label, object_id=pk, detail=detail)


def overlapping_blocks(block: TemplateBlock) -> Any:
    """Blocks of the same provider on the same weekday whose hours and dates overlap ``block``."""
    qs = TemplateBlock.objects.filter(
        provider_id=block.provider_id,
        weekday=block.weekday,
        start__lt=block.end,
        end__gt=block.start,
    )
    if block.effective_to is not None:
        qs = qs.filter(effective_from__lte=block.effective_to)
    qs = qs.exclude(effective_to__lt=block.effective_from)
    if block.pk:
        qs = qs.exclude(pk=block.pk)
    return qs


@transaction.atomic
def save_template_block(
    *, actor: Any, block: TemplateBlock, appointment_types: Iterable[AppointmentType] = ()
) -> TemplateBlock:
    """Save a weekly block; refuses one that overlaps another of the same provider."""
    _require(actor, "scheduling.change_schedule", "change provider templates")
    block.full_clean()
    # Serialise template edits of one provider so two overlapping saves cannot both pass.
    Provider.objects.select_for_update().filter(pk=block.provider_id).first()
    clash = overlapping_blocks(block).select_related("location").first()
    if clash is not None:
        until = f" until {clash.effective_to:%Y-%m-%d}" if clash.effective_to else ""
        raise ValidationError(
            {
                "start": f"This overlaps {clash.provider}'s block on "
                f"{clash.get_weekday_display()} {clash.start:%H:%M}–{clash.end:%H:%M} at "
                f"{clash.location.name} (from {clash.effective_from:%Y-%m-%d}{until}). "
                "Change the hours or the effective dates."
            },
            code="overlap",
        )
    return save_setup(actor=actor, instance=block, m2m={"appointment_types": appointment_types})


# --- the waitlist ---------------------------------------------------------------


@transaction.atomic
def add_to_waitlist(*, actor: Any, entry: WaitlistEntry) -> WaitlistEntry:
    _require(actor, "scheduling.change_appointment", "manage the waitlist")
    if entry.mornings_only and entry.afternoons_only:
        raise ValidationError(
            {"afternoons_only": "Choose mornings or afternoons, not both (or neither for any)."}
        )
    if entry.earliest and entry.latest and entry.latest < entry.earliest:
        raise ValidationError({"latest": "“Latest” is before “earliest”."})
    entry.created_by = actor
    entry.status = WaitlistStatus.WAITING
    entry.save()
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=entry,
        patient_id=entry.patient_id,
        data_category="waitlist",
        detail=f"waitlist for {entry.appointment_type.code}",
    )
    return entry


@transaction.atomic
def remove_from_waitlist(*, actor: Any, entry: WaitlistEntry) -> WaitlistEntry:
    _require(actor, "scheduling.change_appointment", "manage the waitlist")
    entry.status = WaitlistStatus.REMOVED
    entry.save(update_fields=["status"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=entry,
        patient_id=entry.patient_id,
        data_category="waitlist",
        detail="removed from the waitlist",
    )
    return entry


@transaction.atomic
def offer_slot_to_waitlist(
    *, actor: Any, entry: WaitlistEntry, appointment: Appointment, now: dt.datetime | None = None
) -> WaitlistEntry:
    """Mark the entry offered the freed time of ``appointment`` and queue the offer message.

    The message itself is queued by ``scheduling.reminders.queue_waitlist_offer`` when
    that module provides it; the offer is recorded here either way.
    """
    _require(actor, "scheduling.change_appointment", "offer slots to the waitlist")
    now = now or timezone.now()
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != WaitlistStatus.WAITING:
        raise ValidationError(
            {"status": f"This waitlist entry is “{entry.get_status_display()}”, not waiting."}
        )
    remaining = freed_time_left(appointment, now)
    if remaining is None:
        raise ValidationError({"start": "That time has already passed."})
    entry.status = WaitlistStatus.OFFERED
    entry.offered_at = now
    entry.save(update_fields=["status", "offered_at"])
    try:
        from medoffice.scheduling import reminders
    except ImportError:  # the reminders module is not there yet
        reminders = None  # type: ignore[assignment]
    queue = getattr(reminders, "queue_waitlist_offer", None)
    if queue is not None:
        queue(entry, remaining, now=now)
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=entry,
        patient_id=entry.patient_id,
        data_category="waitlist",
        detail=f"offered the slot of appointment {appointment.pk} at {appointment.start.isoformat()}",
    )
    return entry


# --- recalls --------------------------------------------------------------------


OUTREACH_METHODS = {
    "phone": "Phone call",
    "sms": "Text message",
    "email": "E-mail",
    "letter": "Letter",
}


@transaction.atomic
def record_recall_outreach(*, actor: Any, recall: Any, method: str, outcome: str) -> Any:
    from medoffice.scheduling.models import RecallOutreach
    from medoffice.scheduling.models.outreach import RecallStatus

    _require(actor, "scheduling.change_appointment", "work recalls")
    if method not in OUTREACH_METHODS:
        raise ValidationError({"method": "Choose phone, text message, e-mail or letter."})
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": "Say what came of it (left a message, no answer…)."})
    attempt = RecallOutreach.objects.create(
        recall=recall, method=method, outcome=outcome[:120], by=actor
    )
    if recall.status == RecallStatus.DUE:
        recall.status = RecallStatus.CONTACTED
        recall.save(update_fields=["status"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=recall,
        patient_id=recall.patient_id,
        data_category="recall",
        detail=f"outreach by {method}",
    )
    return attempt


@transaction.atomic
def set_recall_status(
    *, actor: Any, recall: Any, status: str, appointment: Appointment | None = None
) -> Any:
    from medoffice.scheduling.models.outreach import RecallStatus

    _require(actor, "scheduling.change_appointment", "work recalls")
    if status not in RecallStatus.values:
        raise ValidationError({"status": "Choose a recall status from the list."})
    recall.status = status
    fields = ["status"]
    if appointment is not None:
        recall.appointment = appointment
        fields.append("appointment")
    recall.save(update_fields=fields)
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=recall,
        patient_id=recall.patient_id,
        data_category="recall",
        detail=f"recall {status}",
    )
    return recall
