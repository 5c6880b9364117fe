"""Reads of the appointment book, scoped to the user.

``availability_calendar`` feeds the pure availability engine (availability.py)
from the database: template blocks, closures and time off, the practice's public
holidays (the ``holidays`` package, for the practice's state), and the active
bookings with the resources they hold. ``open_slots`` searches it for one type;
the reports' third-next-available searches it once per provider.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from medoffice.core.models import Practice, User
from medoffice.scheduling import availability as engine
from medoffice.scheduling.models import (
    Appointment,
    AppointmentType,
    Provider,
    ScheduleException,
    TemplateBlock,
)
from medoffice.scheduling.services import practice_zone


def practice_holidays(years: int | Iterable[int]) -> Any:
    """The public holidays (observed dates) of the practice's state for ``years``.

    A ``holidays`` calendar (date -> name); the national one when there is no practice
    yet or the package does not know the state.
    """
    import holidays

    state = Practice.objects.order_by("pk").values_list("state", flat=True).first()
    try:
        return holidays.US(subdiv=state or None, years=years, observed=True)
    except NotImplementedError:
        return holidays.US(years=years, observed=True)


def holiday_closures(
    start_date: dt.date, end_date: dt.date, tz: ZoneInfo | None = None
) -> list[engine.Unavailability]:
    """Whole-day closures for the public holidays of the practice's state (observed dates).

    ``tz`` is the practice's time zone, read when not given.
    """
    tz = tz or practice_zone()
    calendar = practice_holidays(range(start_date.year, end_date.year + 1))
    closures = []
    for day in calendar:
        if start_date <= day <= end_date:
            begin = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
            closures.append(engine.Unavailability(start=begin, end=begin + dt.timedelta(days=1)))
    return closures


def holiday_name(day: dt.date) -> str:
    """The name of the practice state's public holiday (observed) on ``day``, or ""."""
    return practice_holidays(day.year).get(day) or ""


def engine_type(appointment_type: AppointmentType) -> engine.AppointmentType:
    groups = tuple(
        frozenset(r.pk for r in requirement.resources.all() if r.is_active)
        for requirement in appointment_type.resource_requirements.prefetch_related("resources")
    )
    providers = frozenset(appointment_type.providers.values_list("pk", flat=True))
    return engine.AppointmentType(
        id=appointment_type.pk,
        duration=appointment_type.duration,
        buffer_before=appointment_type.buffer_before,
        buffer_after=appointment_type.buffer_after,
        min_notice=appointment_type.min_notice,
        max_per_day=appointment_type.max_per_day,
        provider_ids=providers or None,
        resource_groups=groups,
    )


def engine_templates(provider_ids: Iterable[int] | None = None) -> list[engine.TemplateBlock]:
    blocks = TemplateBlock.objects.filter(provider__is_active=True).prefetch_related(
        "appointment_types"
    )
    if provider_ids is not None:
        blocks = blocks.filter(provider_id__in=list(provider_ids))
    out = []
    for block in blocks:
        types = frozenset(t.pk for t in block.appointment_types.all())
        out.append(
            engine.TemplateBlock(
                provider_id=block.provider_id,
                location_id=block.location_id,
                weekday=block.weekday,
                start=block.start,
                end=block.end,
                appointment_type_ids=types or None,
                effective_from=block.effective_from,
                effective_to=block.effective_to,
            )
        )
    return out


def engine_unavailability(
    start: dt.datetime,
    end: dt.datetime,
    start_date: dt.date,
    end_date: dt.date,
    tz: ZoneInfo | None = None,
) -> list[engine.Unavailability]:
    """Closures and time off touching [start, end), and the public holidays of those dates."""
    rows = ScheduleException.objects.filter(start__lt=end, end__gt=start)
    out = [
        engine.Unavailability(
            start=r.start, end=r.end, provider_id=r.provider_id, location_id=r.location_id
        )
        for r in rows
    ]
    return out + holiday_closures(start_date, end_date, tz)


def engine_bookings(start: dt.datetime, end: dt.datetime) -> list[engine.Booking]:
    """The active bookings touching [start, end), as plain values (no model instances):
    one query for the bookings, one for the resources they hold."""
    active = Appointment.objects.active().filter(start__lt=end, end__gt=start)
    held: dict[int, set[int]] = {}
    through = Appointment.resources.through
    for appointment_id, resource_id in through.objects.filter(
        appointment__in=active.values("pk")
    ).values_list("appointment_id", "resource_id"):
        held.setdefault(appointment_id, set()).add(resource_id)
    rows = active.values_list("pk", "provider_id", "start", "end", "appointment_type_id")
    return [
        engine.Booking(
            provider_id=provider_id,
            start=begins,
            end=ends,
            appointment_type_id=type_id,
            resource_ids=frozenset(held.get(pk, ())),
        )
        for pk, provider_id, begins, ends, type_id in rows
    ]


def availability_calendar(
    *,
    start_date: dt.date,
    end_date: dt.date,
    provider_ids: Iterable[int] | None = None,
    tz: ZoneInfo | None = None,
) -> engine.Calendar:
    """The engine's calendar for searches from ``start_date`` to ``end_date`` (local dates).

    Reads, once, the template blocks of the active providers (of ``provider_ids``
    only, when given), the closures, time off and public holidays, and the active
    bookings with the resources they hold. Closures and bookings are read from the day before
    ``start_date`` to two days after ``end_date``, so a search of those dates sees
    everything that touches them. ``tz`` is the practice's time zone (read when not
    given). The calendar can be searched as often as needed (``Calendar.find_slots``).
    """
    tz = tz or practice_zone()
    range_start = dt.datetime.combine(start_date, dt.time.min, tzinfo=tz) - dt.timedelta(days=1)
    range_end = dt.datetime.combine(end_date, dt.time.min, tzinfo=tz) + dt.timedelta(days=2)
    return engine.Calendar(
        templates=engine_templates(provider_ids),
        unavailability=engine_unavailability(range_start, range_end, start_date, end_date, tz),
        bookings=engine_bookings(range_start, range_end),
        tz=tz,
    )


def open_slots(
    appointment_type: AppointmentType,
    *,
    start_date: dt.date,
    end_date: dt.date,
    provider_ids: Iterable[int] | None = None,
    location_ids: Iterable[int] | None = None,
    limit: int | None = 20,
    now: dt.datetime | None = None,
    step: int = 15,
) -> list[engine.Slot]:
    """Open slots for a type across providers and locations, first ``limit`` in time order."""
    tz = practice_zone()
    now = now or timezone.now()
    kind = engine_type(appointment_type)
    calendar = availability_calendar(
        start_date=start_date, end_date=end_date, provider_ids=provider_ids, tz=tz
    )
    return calendar.find_slots(
        kind,
        start_date=start_date,
        end_date=end_date,
        now=now,
        provider_ids=list(provider_ids) if provider_ids is not None else None,
        location_ids=list(location_ids) if location_ids is not None else None,
        step=step,
        limit=limit,
    )


def appointments_between(user: User, start: dt.datetime, end: dt.datetime) -> QuerySet[Appointment]:
    """The user's view of the book between two instants (location scope applied)."""
    return (
        Appointment.objects.restrict(user, "view")
        .filter(start__lt=end, end__gt=start)
        .select_related("patient", "provider", "appointment_type", "location", "room")
        .order_by("start", "provider__last_name")
    )


def providers_for(user: User, location_id: int | None = None) -> QuerySet[Provider]:
    qs = Provider.objects.restrict(user, "view").filter(is_active=True)
    if location_id:
        qs = qs.filter(locations=location_id)
    return qs.order_by("last_name", "first_name")
