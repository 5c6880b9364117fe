"""Reads of the appointment book, scoped to the user.

``availability_calendar`` feeds the pure availability engine (availability.py)
from the database: template blocks, closures and time off, the practice's public
holidays (the ``holidays`` package, for the practice's state), and the active
bookings with the resources they hold. ``open_slots`` searches it for one type;
the reports' third-next-available searches it once per provider.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from medoffice.core.kept import KeptWhileUnchanged
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
    state = Practice.objects.order_by("pk").values_list("state", flat=True).first()
    wanted = (years,) if isinstance(years, int) else tuple(years)
    return _state_holidays(state or "", wanted)


@functools.lru_cache(maxsize=64)
def _state_holidays(state: str, years: tuple[int, ...]) -> Any:
    """The ``holidays`` calendar of a state and years, worked out once per process (the
    callers only read it: not expanded to other years)."""
    import holidays

    try:
        return holidays.US(subdiv=state or None, years=years, observed=True, expand=False)
    except NotImplementedError:
        return holidays.US(years=years, observed=True, expand=False)


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
    """The active providers' template blocks, from plain rows (two queries)."""
    blocks = TemplateBlock.objects.filter(provider__is_active=True)
    if provider_ids is not None:
        blocks = blocks.filter(provider_id__in=list(provider_ids))
    types: dict[int, set[int]] = {}
    for block_id, type_id in TemplateBlock.appointment_types.through.objects.filter(
        templateblock__in=blocks.values("pk")
    ).values_list("templateblock_id", "appointmenttype_id"):
        types.setdefault(block_id, set()).add(type_id)
    return [
        engine.TemplateBlock(
            provider_id=provider_id,
            location_id=location_id,
            weekday=weekday,
            start=begins,
            end=ends,
            appointment_type_ids=frozenset(types[pk]) if pk in types else None,
            effective_from=effective_from,
            effective_to=effective_to,
        )
        for pk, provider_id, location_id, weekday, begins, ends, effective_from, effective_to in (
            blocks.order_by().values_list(
                "pk",
                "provider_id",
                "location_id",
                "weekday",
                "start",
                "end",
                "effective_from",
                "effective_to",
            )
        )
    ]


def engine_unavailability(
    start: dt.datetime,
    end: dt.datetime,
    start_date: dt.date,
    end_date: dt.date,
    tz: ZoneInfo | None = None,
) -> list[engine.Unavailability]:
    """Closures and time off touching [start, end), and the public holidays of those dates."""
    rows = (
        ScheduleException.objects.filter(start__lt=end, end__gt=start)
        .order_by()
        .values_list("start", "end", "provider_id", "location_id")
    )
    out = [
        engine.Unavailability(start=begins, end=ends, provider_id=provider, location_id=location)
        for begins, ends, provider, location in rows
    ]
    return out + holiday_closures(start_date, end_date, tz)


# No visit is longer than this (the appointment type's duration is at most 480 minutes, a
# check constraint), so a visit touching a window starts at most this long before it: the
# bound lets the database read the window's rows from the index on ``start`` alone.
LONGEST_VISIT = dt.timedelta(minutes=480)

# A search with a limit looks at its first this many days before the whole range.
FIRST_LOOK_DAYS = 14


def _active_touching(start: dt.datetime, end: dt.datetime) -> QuerySet[Appointment]:
    return Appointment.objects.active().filter(
        start__lt=end, end__gt=start, start__gt=start - LONGEST_VISIT
    )


def engine_bookings(start: dt.datetime, end: dt.datetime) -> list[engine.Booking]:
    """The active bookings touching [start, end), from plain rows: two queries, no instances.

    One query reads the bookings' columns, one the resources they hold (the many-to-many
    table, filtered by the same window), so the cost is the rows and not model instances
    and a prefetch per booking.
    """
    window = _active_touching(start, end)
    held: dict[int, set[int]] = {}
    for appointment_id, resource_id in Appointment.resources.through.objects.filter(
        appointment__in=window.values("pk")
    ).values_list("appointment_id", "resource_id"):
        held.setdefault(appointment_id, set()).add(resource_id)
    empty: frozenset[int] = frozenset()
    return [
        engine.Booking(
            provider_id=provider_id,
            start=begins,
            end=ends,
            appointment_type_id=type_id,
            resource_ids=frozenset(held[pk]) if pk in held else empty,
        )
        for pk, provider_id, begins, ends, type_id in window.order_by().values_list(
            "pk", "provider_id", "start", "end", "appointment_type_id"
        )
    ]


def bookings_fingerprint(start: dt.datetime, end: dt.datetime) -> tuple[Any, ...]:
    """What changes whenever the active bookings touching [start, end) change: their number,
    their ids (largest and sum), the latest change and the span they cover (one query).

    A new booking adds an id and a later ``updated_at``; a cancellation or no-show leaves
    the active ones (fewer, or other ids); a move changes the span or the latest change.
    """
    found = (
        _active_touching(start, end)
        .order_by()
        .aggregate(
            count=Count("pk"),
            top=Max("pk"),
            total=Sum("pk"),
            changed=Max("updated_at"),
            first=Min("start"),
            last=Max("end"),
        )
    )
    return tuple(found.values())


# The calendars built lately, kept per process and reused while what they were built from
# is unchanged (the same templates and closures, the same bookings' fingerprint).
_CALENDARS: KeptWhileUnchanged[engine.Calendar] = KeptWhileUnchanged(maximum=16)


def availability_calendar(
    *,
    start_date: dt.date,
    end_date: dt.date,
    provider_ids: Iterable[int] | None = None,
    tz: ZoneInfo | None = None,
) -> engine.Calendar:
    """The engine's calendar for searches from ``start_date`` to ``end_date`` (local dates).

    Reads the template blocks of the active providers (of ``provider_ids`` only, when
    given), the closures, time off and public holidays, and the active bookings with the
    resources they hold, as plain rows. Closures and bookings are read from the day before
    ``start_date`` to two days after ``end_date``, so a search of those dates sees
    everything that touches them. ``tz`` is the practice's time zone (read when not
    given). The calendar can be searched as often as needed (``Calendar.find_slots``).

    The bookings are the costly part: the process keeps the calendars it built lately and
    gives one back again while its templates, closures and the bookings' fingerprint
    (`bookings_fingerprint`, one aggregate query) are unchanged, so a search after a
    booking, a cancellation or a change of template always sees it, in every process.
    """
    tz = tz or practice_zone()
    range_start = dt.datetime.combine(start_date, dt.time.min, tzinfo=tz) - dt.timedelta(days=1)
    range_end = dt.datetime.combine(end_date, dt.time.min, tzinfo=tz) + dt.timedelta(days=2)
    templates = engine_templates(provider_ids)
    unavailable = engine_unavailability(range_start, range_end, start_date, end_date, tz)
    providers = tuple(sorted(provider_ids)) if provider_ids is not None else None
    where = (connection.alias, connection.settings_dict["NAME"], str(tz))
    key = (*where, range_start, range_end, providers)
    state = (tuple(templates), tuple(unavailable), bookings_fingerprint(range_start, range_end))
    return _CALENDARS.get(
        key,
        state,
        lambda: engine.Calendar(
            templates=templates,
            unavailability=unavailable,
            bookings=engine_bookings(range_start, range_end),
            tz=tz,
        ),
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
    first_look_days: int | None = FIRST_LOOK_DAYS,
) -> list[engine.Slot]:
    """Open slots for a type across providers and locations, first ``limit`` in time order.

    With a limit, the first ``first_look_days`` are searched first and the whole range only
    when they hold fewer than ``limit`` slots (None: the whole range at once, for a limit
    that a few days seldom fill): the first slots of a shorter range, when
    there are enough of them, are the first slots of the whole range, and a shorter range
    costs less to check and read (its bookings, its fingerprint).
    """
    tz = practice_zone()
    now = now or timezone.now()
    kind = engine_type(appointment_type)
    providers = list(provider_ids) if provider_ids is not None else None
    locations = list(location_ids) if location_ids is not None else None
    ends = [end_date]
    if limit is not None and first_look_days is not None:
        first_look = start_date + dt.timedelta(days=first_look_days)
        if first_look < end_date:
            ends.insert(0, first_look)
    slots: list[engine.Slot] = []
    for until in ends:
        calendar = availability_calendar(
            start_date=start_date, end_date=until, provider_ids=providers, tz=tz
        )
        slots = calendar.find_slots(
            kind,
            start_date=start_date,
            end_date=until,
            now=now,
            provider_ids=providers,
            location_ids=locations,
            step=step,
            limit=limit,
        )
        if limit is not None and len(slots) >= limit:
            break
    return slots


def appointments_between(user: User, start: dt.datetime, end: dt.datetime) -> QuerySet[Appointment]:
    """The user's view of the book between two instants (location scope applied)."""
    return (
        Appointment.objects.restrict(user, "view")
        .filter(start__lt=end, end__gt=start, start__gt=start - LONGEST_VISIT)
        .select_related("patient", "provider", "appointment_type", "location", "room")
        .order_by("start", "provider__last_name")
    )


def providers_for(user: User, location_id: int | None = None) -> QuerySet[Provider]:
    qs = Provider.objects.restrict(user, "view").filter(is_active=True)
    if location_id:
        qs = qs.filter(locations=location_id)
    return qs.order_by("last_name", "first_name")


def types_for_booking(
    user: User, provider_id: int | None, *, also: int | None = None
) -> QuerySet[AppointmentType]:
    """The visit types the booking form offers: the active ones the provider sees (all
    active ones when no provider is known), and the type asked for (``also``) even if
    not, so the booking service says why it cannot be booked."""
    offered = Q(is_active=True)
    if provider_id is not None:
        offered &= Q(providers__isnull=True) | Q(providers=provider_id)
    if also is not None:
        offered |= Q(pk=also)
    visible = AppointmentType.objects.restrict(user, "view")
    return visible.filter(pk__in=visible.filter(offered).values("pk")).order_by("name")


def most_booked_type(provider_id: int, offered: QuerySet[AppointmentType]) -> int | None:
    """The type of visit the provider is booked for most often, among ``offered`` (the
    first offered one when the provider has no visits yet)."""
    counted = (
        Appointment.objects.filter(provider_id=provider_id, appointment_type__in=offered)
        .values("appointment_type")
        .annotate(visits=Count("pk"))
        .order_by("-visits", "appointment_type")
        .values_list("appointment_type", flat=True)
        .first()
    )
    if counted is not None:
        return counted
    return offered.values_list("pk", flat=True).first()
