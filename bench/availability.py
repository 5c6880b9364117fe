"""Bench: the first 20 slots for a 30-minute visit across 30 providers over the next 60 days.

Synthetic practice (fixed seed): 30 providers at 3 locations with weekly templates, a year
of past and 60 days of future bookings at about 75 % fill, time off, meetings and holidays.
Prints only its markdown section on stdout. Run: .venv/bin/python bench/availability.py
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from _common import print_section, time_runs
from medoffice.scheduling.availability import (
    AppointmentType,
    Booking,
    Calendar,
    TemplateBlock,
    Unavailability,
    find_slots,
)

TZ = ZoneInfo("America/New_York")
SEED = 20250602
TODAY = date(2025, 6, 2)  # a Monday
NOW = datetime(2025, 6, 2, 9, 17, tzinfo=TZ)
PAST_DAYS = 365
FUTURE_DAYS = 60
PROVIDERS = 30
LOCATIONS = 3
RUNS = 200
FULL_BUILD_RUNS = 20

FOLLOW_UP = AppointmentType(id=1, duration=30, min_notice=60, max_per_day=12)
NEW_PATIENT = AppointmentType(id=2, duration=60, buffer_after=10)
QUICK = AppointmentType(id=3, duration=15)
TYPES = (FOLLOW_UP, NEW_PATIENT, QUICK)
TYPE_WEIGHTS = (6, 2, 3)
BOOK_CHANCE = 0.64  # chance that a free quarter-hour starts an appointment: ~75 % fill
HOLIDAYS = (
    date(2024, 7, 4),
    date(2024, 9, 2),
    date(2024, 11, 28),
    date(2024, 12, 25),
    date(2025, 1, 1),
    date(2025, 5, 26),
    date(2025, 7, 4),
)


def wall(hour: int, minute: int = 0) -> time:
    return time(hour, minute)


def templates() -> list[TemplateBlock]:
    blocks = []
    for provider in range(1, PROVIDERS + 1):
        home = provider % LOCATIONS + 1
        for weekday in range(5):
            # Every third provider spends Thursdays at the next location.
            location = home % LOCATIONS + 1 if provider % 3 == 0 and weekday == 3 else home
            afternoon_types = (
                frozenset({NEW_PATIENT.id}) if provider % 4 == 0 and weekday == 4 else None
            )
            blocks.append(TemplateBlock(provider, location, weekday, wall(8), wall(12)))
            blocks.append(
                TemplateBlock(provider, location, weekday, wall(13), wall(17), afternoon_types)
            )
        if provider % 5 == 0:
            blocks.append(TemplateBlock(provider, home, 5, wall(8), wall(12)))
    return blocks


def local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=TZ)


def unavailability(rng: random.Random) -> list[Unavailability]:
    items = [
        Unavailability(local(day, wall(0)), local(day + timedelta(days=1), wall(0)))
        for day in HOLIDAYS
    ]
    first = TODAY - timedelta(days=PAST_DAYS)
    for provider in range(1, PROVIDERS + 1):
        # Two weeks of leave a year and a few single days off.
        for _ in range(2):
            start = first + timedelta(days=rng.randrange(PAST_DAYS + FUTURE_DAYS))
            items.append(
                Unavailability(
                    local(start, wall(0)), local(start + timedelta(days=7), wall(0)), provider
                )
            )
        for _ in range(4):
            day = first + timedelta(days=rng.randrange(PAST_DAYS + FUTURE_DAYS))
            items.append(Unavailability(local(day, wall(0)), local(day, wall(23, 59)), provider))
    # Monthly staff meeting at each location, first Tuesday 08:00–09:00.
    day = first
    while day <= TODAY + timedelta(days=FUTURE_DAYS):
        if day.weekday() == 1 and day.day <= 7:
            for location in range(1, LOCATIONS + 1):
                items.append(
                    Unavailability(local(day, wall(8)), local(day, wall(9)), None, location)
                )
        day += timedelta(days=1)
    return items


def bookings(
    rng: random.Random, blocks: list[TemplateBlock], closed: list[Unavailability]
) -> tuple[list[Booking], float]:
    """Fill each working block a quarter-hour at a time; returns the bookings and the fill."""
    closed_spans = [(item.start, item.end, item.provider_id) for item in closed]
    result: list[Booking] = []
    booked = open_minutes = 0
    day = TODAY - timedelta(days=PAST_DAYS)
    while day < TODAY + timedelta(days=FUTURE_DAYS):
        for block in blocks:
            if block.weekday != day.weekday():
                continue
            start, end = local(day, block.start), local(day, block.end)
            if any(
                s < end and start < e and p in (None, block.provider_id) for s, e, p in closed_spans
            ):
                continue
            kinds = [
                kind
                for kind in TYPES
                if block.appointment_type_ids is None or kind.id in block.appointment_type_ids
            ]
            weights = [TYPE_WEIGHTS[TYPES.index(kind)] for kind in kinds]
            open_minutes += (end - start).seconds // 60
            cursor = start
            while cursor < end:
                kind = rng.choices(kinds, weights)[0]
                length = timedelta(minutes=kind.duration)
                if rng.random() < BOOK_CHANCE and cursor + length <= end:
                    room = frozenset({100 + rng.randrange(4)})
                    result.append(
                        Booking(
                            block.provider_id,
                            cursor.astimezone(UTC),
                            (cursor + length).astimezone(UTC),
                            kind.id,
                            room,
                        )
                    )
                    booked += kind.duration
                    cursor += length
                else:
                    cursor += timedelta(minutes=15)
        day += timedelta(days=1)
    return result, booked / open_minutes


def main() -> None:
    rng = random.Random(SEED)
    blocks = templates()
    closed = unavailability(rng)
    every_booking, fill = bookings(rng, blocks, closed)
    window_start = local(TODAY, wall(0))
    window_end = local(TODAY + timedelta(days=FUTURE_DAYS), wall(0))
    # What the Django layer loads for the search window (a range query on an index).
    in_window = [b for b in every_booking if b.end > window_start and b.start < window_end]
    closed_in_window = [u for u in closed if u.end > window_start and u.start < window_end]
    search = {
        "start_date": TODAY,
        "end_date": TODAY + timedelta(days=FUTURE_DAYS - 1),
        "now": NOW,
        "limit": 20,
    }

    def search_from(unavailable: list[Unavailability], booked: list[Booking]) -> Callable[[], list]:
        """One request's search: build the calendar from these lists, then find the slots."""
        return partial(
            find_slots,
            FOLLOW_UP,
            templates=blocks,
            unavailability=unavailable,
            bookings=booked,
            tz=TZ,
            **search,
        )

    per_request = search_from(closed_in_window, in_window)
    whole_year_per_request = search_from(closed, every_booking)
    prepared = Calendar(templates=blocks, unavailability=closed, bookings=every_booking, tz=TZ)

    def cached_calendar() -> list:
        return prepared.find_slots(FOLLOW_UP, **search)

    found = per_request()
    assert len(found) == 20
    assert found == cached_calendar() == whole_year_per_request()

    rows = [
        ("build from the window's bookings + search (per request)", RUNS, per_request),
        ("search a prepared `Calendar` (cached indexes)", RUNS, cached_calendar),
        ("build from the whole year's bookings + search", FULL_BUILD_RUNS, whole_year_per_request),
    ]
    lines = [
        "## Availability search",
        "",
        "First 20 slots for a 30-minute visit (60 minutes' notice) across all "
        f"{PROVIDERS} providers and {LOCATIONS} locations over the next {FUTURE_DAYS} days "
        "(`medoffice.scheduling.availability`, pure Python). Target: p50 ≤ 20 ms for the "
        "per-request path.",
        "",
        "| path | runs | p50 ms | p95 ms | max ms | p50 CPU ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, runs, action in rows:
        result = time_runs(runs, action).summary()
        lines.append(
            f"| {label} | {runs} | {result['p50']:.2f} | {result['p95']:.2f} "
            f"| {result['max']:.2f} | {result['cpu_p50']:.2f} |"
        )
    lines += [
        "",
        f"Data (seed {SEED}): {len(blocks)} template blocks; {len(every_booking):,} bookings "
        f"({PAST_DAYS} days past + {FUTURE_DAYS} days ahead, {fill:.0%} of template time "
        f"booked), {len(in_window):,} of them in the search window; {len(closed)} "
        f"unavailability entries ({len(HOLIDAYS)} holidays, leave, days off, meetings).",
        "",
        "p50/p95/max are wall-clock (`time.perf_counter`); the CPU column "
        "(`time.process_time`) is the figure to trust when the machine is busy.",
    ]
    print_section(lines, __file__)


if __name__ == "__main__":
    main()
