"""The availability engine against a brute-force, minute-by-minute oracle, plus one test per rule."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.scheduling.availability import (
    AppointmentType,
    Booking,
    Calendar,
    Slot,
    TemplateBlock,
    Unavailability,
    find_slots,
)

NEW_YORK = ZoneInfo("America/New_York")
SPRING_FORWARD = date(2025, 3, 9)  # 02:00 EST jumps to 03:00 EDT
FALL_BACK = date(2025, 11, 2)  # 02:00 EDT falls back to 01:00 EST
MONDAY = date(2025, 6, 2)

ORACLE = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROPERTIES = settings(ORACLE, max_examples=100)


# --- the oracle ---------------------------------------------------------------------------


def _minute(moment: datetime) -> int:
    """Epoch minute of an instant; the generated calendars only use whole minutes."""
    seconds = moment.timestamp()
    assert seconds % 60 == 0
    return int(seconds) // 60


def _wall_instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The documented conversion: fold=0, normalised through UTC."""
    return datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)


def oracle(
    kind: AppointmentType,
    *,
    templates: list[TemplateBlock],
    unavailability: list[Unavailability],
    bookings: list[Booking],
    tz: ZoneInfo,
    start_date: date,
    end_date: date,
    now: datetime,
    step: int,
    provider_ids: set[int] | None = None,
    location_ids: set[int] | None = None,
) -> list[tuple[datetime, int, int]]:
    """Every slot, found by testing each minute of each condition directly."""
    busy: dict[int, set[int]] = defaultdict(set)
    resource_busy: dict[int, set[int]] = defaultdict(set)
    for booking in bookings:
        for m in range(_minute(booking.start), _minute(booking.end)):
            busy[booking.provider_id].add(m)
            for resource in booking.resource_ids:
                resource_busy[resource].add(m)

    def unavailable(provider: int, location: int, m: int) -> bool:
        return any(
            item.provider_id in (None, provider)
            and item.location_id in (None, location)
            and _minute(item.start) <= m < _minute(item.end)
            for item in unavailability
        )

    def resources_free(first: int, stop: int) -> bool:
        free = [
            [r for r in group if all(m not in resource_busy[r] for m in range(first, stop))]
            for group in kind.resource_groups
        ]
        return any(len(set(choice)) == len(choice) for choice in itertools.product(*free))

    earliest = now.astimezone(UTC) + timedelta(minutes=kind.min_notice)
    found: set[tuple[int, int, int]] = set()
    day = start_date
    while day <= end_date:
        for block in templates:
            provider, location = block.provider_id, block.location_id
            if block.weekday != day.weekday() or day < block.effective_from:
                continue
            if block.effective_to is not None and day > block.effective_to:
                continue
            if block.appointment_type_ids is not None and kind.id not in block.appointment_type_ids:
                continue
            if kind.provider_ids is not None and provider not in kind.provider_ids:
                continue
            if provider_ids is not None and provider not in provider_ids:
                continue
            if location_ids is not None and location not in location_ids:
                continue
            if kind.max_per_day is not None:
                same_day = [
                    b
                    for b in bookings
                    if b.provider_id == provider
                    and b.appointment_type_id == kind.id
                    and b.start.astimezone(tz).date() == day
                ]
                if len(same_day) >= kind.max_per_day:
                    continue
            block_start = _minute(_wall_instant(day, block.start, tz))
            block_end = _minute(_wall_instant(day, block.end, tz))
            for m in range(block_start, block_end):
                if (m - block_start) % step or m + kind.duration > block_end:
                    continue
                if datetime.fromtimestamp(m * 60, UTC) < earliest:
                    continue
                buffered = range(m - kind.buffer_before, m + kind.duration + kind.buffer_after)
                if any(x in busy[provider] for x in buffered):
                    continue
                if any(unavailable(provider, location, x) for x in range(m, m + kind.duration)):
                    continue
                if not resources_free(buffered.start, buffered.stop):
                    continue
                found.add((m, provider, location))
        day += timedelta(days=1)
    return [(datetime.fromtimestamp(m * 60, tz), p, loc) for m, p, loc in sorted(found)]


# --- strategies ---------------------------------------------------------------------------
# Built once at import, with fixed bounds: hypothesis validates every new strategy it meets.

RESOURCES = (1, 2, 3)
IDS = st.integers(1, 3)
TYPE_IDS = st.sampled_from([1, 2])
SOME_TYPE_IDS = st.one_of(st.none(), st.frozensets(TYPE_IDS, max_size=2))
# Half the wall times fall in the small hours, where the clocks change.
WALL_MINUTE = st.one_of(st.integers(0, 240), st.integers(0, 1439))
DAY_OFFSET = st.integers(-1, 4)
LENGTH = st.integers(5, 600)
# Now and then a booking that holds its resources for days (a Holter monitor).
BOOKING_LENGTH = st.one_of(
    st.integers(5, 180), st.sampled_from([15, 30, 60]), st.integers(5, 4 * 1440)
)
RESOURCE_SET = st.frozensets(st.sampled_from(RESOURCES), max_size=2)
RESOURCE_GROUPS = st.one_of(
    st.just(()),
    st.lists(st.frozensets(st.sampled_from(RESOURCES), min_size=1, max_size=3), max_size=2).map(
        tuple
    ),
)
MAYBE_SOME_IDS = st.one_of(st.none(), st.none(), st.none(), st.frozensets(IDS, min_size=1))
# Minutes from a block's start; often whole five minutes, so edges meet slot edges exactly.
NEAR_BLOCK = st.one_of(st.integers(-90, 300), st.integers(-18, 60).map(lambda n: n * 5))
NOW_BEFORE = st.integers(-1440, 0)  # minutes from the first day's midnight
START_DATE = st.one_of(
    st.sampled_from([SPRING_FORWARD, FALL_BACK, date(2025, 3, 8), date(2025, 11, 1)]),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)),
)
MAYBE_ZERO = st.one_of(st.just(0), st.sampled_from([5, 10, 15]), st.integers(0, 20))
DURATION = st.one_of(st.integers(10, 60), st.sampled_from([15, 20, 30, 45, 60]))


def _wall(minute: int) -> time:
    return time(minute // 60, minute % 60)


@st.composite
def calendars(draw: st.DrawFn) -> dict:
    start_date = draw(START_DATE)
    days = draw(st.integers(1, 4))
    end_date = start_date + timedelta(days=days - 1)
    provider_count = draw(st.integers(1, 3))
    location_count = draw(st.integers(1, 2))

    def provider() -> int:
        return draw(IDS) % provider_count + 1

    def location() -> int:
        return draw(IDS) % location_count + 1

    def moment(day: date, minute: int) -> datetime:
        local_time = datetime.combine(day, _wall(minute), tzinfo=NEW_YORK)
        return local_time.astimezone(UTC) if draw(st.booleans()) else local_time

    def somewhen() -> tuple[int | None, datetime]:
        """Mostly in or around a block (and then that block's provider), else anywhere."""
        day = start_date + timedelta(days=draw(DAY_OFFSET) % (days + 2) - 1)
        if draw(st.integers(0, 2)):
            block = templates[draw(st.integers(0, 5)) % len(templates)]
            opens = block.start.hour * 60 + block.start.minute
            minute = min(max(opens + draw(NEAR_BLOCK), 0), 1439)
            return block.provider_id, moment(day, minute)
        return None, moment(day, draw(WALL_MINUTE))

    templates = []
    for _ in range(draw(st.integers(1, 6))):
        start = min(draw(WALL_MINUTE), 1438)
        end = min(start + draw(LENGTH), 1439)
        offset = draw(st.integers(-9, 4))
        effective_from = date.min if offset < 0 else start_date + timedelta(days=offset - 1)
        until = draw(st.integers(-9, 4))
        effective_to = (
            None if until < 0 else max(effective_from, start_date) + timedelta(days=until)
        )
        weekday = draw(st.integers(0, 20))
        if weekday > 6:  # mostly a weekday inside the range
            weekday = (start_date + timedelta(days=weekday % days)).weekday()
        templates.append(
            TemplateBlock(
                provider_id=provider(),
                location_id=location(),
                weekday=weekday,
                start=_wall(start),
                end=_wall(end),
                appointment_type_ids=draw(SOME_TYPE_IDS),
                effective_from=effective_from,
                effective_to=effective_to,
            )
        )

    bookings = []
    for _ in range(draw(st.integers(0, 10))):
        near, start = somewhen()
        bookings.append(
            Booking(
                provider_id=near or provider(),
                start=start,
                end=start.astimezone(UTC) + timedelta(minutes=draw(BOOKING_LENGTH)),
                appointment_type_id=draw(TYPE_IDS),
                resource_ids=draw(RESOURCE_SET),
            )
        )

    unavailability = []
    for _ in range(draw(st.integers(0, 2))):
        near, start = somewhen()
        unavailability.append(
            Unavailability(
                start=start,
                end=start.astimezone(UTC) + timedelta(minutes=draw(LENGTH) % 240 + 5),
                provider_id=(near or provider()) if draw(st.booleans()) else None,
                location_id=location() if draw(st.booleans()) else None,
            )
        )

    kind = AppointmentType(
        id=1,
        duration=draw(DURATION),
        buffer_before=draw(MAYBE_ZERO),
        buffer_after=draw(MAYBE_ZERO),
        min_notice=draw(st.one_of(st.just(0), st.integers(0, 600))),
        max_per_day=draw(st.one_of(st.none(), st.none(), st.integers(0, 3))),
        provider_ids=draw(MAYBE_SOME_IDS),
        resource_groups=draw(RESOURCE_GROUPS),
    )
    midnight = datetime.combine(start_date, time(0), tzinfo=NEW_YORK).astimezone(UTC)
    now = midnight + timedelta(
        minutes=draw(st.one_of(NOW_BEFORE, NOW_BEFORE, st.integers(0, 4 * 1440)))
    )
    return {
        "kind": kind,
        "templates": templates,
        "unavailability": unavailability,
        "bookings": bookings,
        "tz": NEW_YORK,
        "start_date": start_date,
        "end_date": end_date,
        "now": now,
        "step": draw(st.sampled_from([5, 10, 15])),
        "provider_ids": draw(MAYBE_SOME_IDS),
        "location_ids": draw(MAYBE_SOME_IDS),
    }


def search(case: dict, **overrides) -> list[Slot]:
    arguments = {**case, **overrides}
    kind = arguments.pop("kind")
    return find_slots(kind, **arguments)


def utc(moment: datetime) -> datetime:
    """Aware datetimes sharing a tzinfo compare and subtract by wall time; UTC does not."""
    return moment.astimezone(UTC)


def keys(slots: list[Slot]) -> list[tuple[datetime, int, int]]:
    return [(slot.start, slot.provider_id, slot.location_id) for slot in slots]


# --- properties ---------------------------------------------------------------------------


@ORACLE
@given(calendars())
def test_engine_finds_exactly_the_slots_the_brute_force_oracle_finds(case):
    expected = oracle(case["kind"], **{k: v for k, v in case.items() if k != "kind"})
    slots = search(case)
    assert keys(slots) == expected
    duration = timedelta(minutes=case["kind"].duration)
    assert all(utc(slot.end) - utc(slot.start) == duration for slot in slots)


@PROPERTIES
@given(calendars(), st.integers(1, 12))
def test_limited_search_returns_the_first_slots_of_the_full_search(case, limit):
    assert search(case, limit=limit) == search(case)[:limit]


@PROPERTIES
@given(calendars())
def test_no_slot_overlaps_a_buffered_booking_or_an_unavailability(case):
    kind = case["kind"]
    before = timedelta(minutes=kind.buffer_before)
    after = timedelta(minutes=kind.buffer_after)
    for slot in search(case):
        start, end = utc(slot.start), utc(slot.end)
        for booking in case["bookings"]:
            if booking.provider_id == slot.provider_id:
                assert not (utc(booking.start) < end + after and start - before < utc(booking.end))
        for item in case["unavailability"]:
            if item.provider_id in (None, slot.provider_id) and item.location_id in (
                None,
                slot.location_id,
            ):
                assert not (utc(item.start) < end and start < utc(item.end))


@PROPERTIES
@given(calendars())
def test_every_slot_lies_inside_a_template_block_of_its_provider_and_location(case):
    for slot in search(case):
        day = slot.start.astimezone(NEW_YORK).date()
        assert any(
            block.provider_id == slot.provider_id
            and block.location_id == slot.location_id
            and block.applies_on(candidate)
            and _wall_instant(candidate, block.start, NEW_YORK) <= utc(slot.start)
            and utc(slot.end) <= _wall_instant(candidate, block.end, NEW_YORK)
            for block in case["templates"]
            for candidate in (day - timedelta(days=1), day)
        )


@PROPERTIES
@given(calendars(), st.integers(-3, 3))
def test_calendar_reused_after_another_search_gives_the_same_answer(case, shift):
    calendar = Calendar(
        templates=case["templates"],
        unavailability=case["unavailability"],
        bookings=case["bookings"],
        tz=NEW_YORK,
    )
    arguments = {
        k: v
        for k, v in case.items()
        if k not in ("kind", "templates", "unavailability", "bookings", "tz")
    }
    other = {
        **arguments,
        "start_date": case["start_date"] + timedelta(days=shift),
        "end_date": case["end_date"] + timedelta(days=shift),
    }
    calendar.find_slots(case["kind"], **other)
    assert calendar.find_slots(case["kind"], **arguments) == search(case)


# --- one behaviour each -------------------------------------------------------------------


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK)


def weekly(day: date, start: str, end: str, **fields) -> TemplateBlock:
    fields.setdefault("provider_id", 1)
    fields.setdefault("location_id", 1)
    return TemplateBlock(
        weekday=day.weekday(),
        start=time.fromisoformat(start),
        end=time.fromisoformat(end),
        **fields,
    )


def slots_on(day: date, kind: AppointmentType, templates, **fields) -> list[Slot]:
    fields.setdefault("unavailability", [])
    fields.setdefault("bookings", [])
    fields.setdefault("now", local(day, 0) - timedelta(days=7))
    fields.setdefault("step", 30)
    return find_slots(
        kind, templates=templates, tz=NEW_YORK, start_date=day, end_date=day, **fields
    )


def starts(slots: list[Slot]) -> list[str]:
    return [slot.start.strftime("%H:%M") for slot in slots]


VISIT = AppointmentType(id=1, duration=30)


def test_no_slot_starts_before_the_minimum_notice():
    kind = AppointmentType(id=1, duration=30, min_notice=120)
    slots = slots_on(MONDAY, kind, [weekly(MONDAY, "08:00", "12:00")], now=local(MONDAY, 8, 10))
    assert starts(slots) == ["10:30", "11:00", "11:30"]


def test_provider_with_max_per_day_bookings_of_the_type_gets_no_slots_that_day():
    kind = AppointmentType(id=1, duration=30, max_per_day=2)
    templates = [weekly(MONDAY, "08:00", "10:00"), weekly(MONDAY, "08:00", "10:00", provider_id=2)]
    bookings = [
        Booking(1, local(MONDAY, 14), local(MONDAY, 14, 30), 1),
        Booking(1, local(MONDAY, 15), local(MONDAY, 15, 30), 1),
        Booking(2, local(MONDAY, 14), local(MONDAY, 14, 30), 1),
        Booking(2, local(MONDAY, 15), local(MONDAY, 15, 30), 2),
    ]
    slots = slots_on(MONDAY, kind, templates, bookings=bookings)
    assert {slot.provider_id for slot in slots} == {2}


def test_block_reserved_for_other_types_offers_no_slots_for_this_type():
    templates = [
        weekly(MONDAY, "08:00", "09:00", appointment_type_ids=frozenset({2})),
        weekly(MONDAY, "09:00", "10:00", appointment_type_ids=frozenset({1, 2})),
    ]
    assert starts(slots_on(MONDAY, VISIT, templates)) == ["09:00", "09:30"]


def test_slot_needs_a_free_resource_from_each_group():
    kind = AppointmentType(id=1, duration=30, resource_groups=(frozenset({7, 8}),))
    bookings = [
        Booking(2, local(MONDAY, 8), local(MONDAY, 9), 5, frozenset({7})),
        Booking(3, local(MONDAY, 8, 30), local(MONDAY, 9), 5, frozenset({8})),
    ]
    slots = slots_on(MONDAY, kind, [weekly(MONDAY, "08:00", "10:00")], bookings=bookings)
    assert starts(slots) == ["08:00", "09:00", "09:30"]


def test_slot_may_end_exactly_when_its_resource_is_next_taken():
    kind = AppointmentType(id=1, duration=30, resource_groups=(frozenset({7}),))
    bookings = [Booking(2, local(MONDAY, 8, 30), local(MONDAY, 9), 5, frozenset({7}))]
    slots = slots_on(MONDAY, kind, [weekly(MONDAY, "08:00", "09:30")], bookings=bookings)
    assert starts(slots) == ["08:00", "09:00"]


def test_one_resource_cannot_serve_two_groups_at_once():
    kind = AppointmentType(id=1, duration=30, resource_groups=(frozenset({7}), frozenset({7, 8})))
    bookings = [Booking(2, local(MONDAY, 8), local(MONDAY, 9), 5, frozenset({8}))]
    slots = slots_on(MONDAY, kind, [weekly(MONDAY, "08:00", "10:00")], bookings=bookings)
    assert starts(slots) == ["09:00", "09:30"]


def test_practice_wide_closure_removes_slots_for_every_provider_and_location():
    templates = [
        weekly(MONDAY, "08:00", "10:00"),
        weekly(MONDAY, "08:00", "10:00", provider_id=2, location_id=2),
    ]
    closure = [Unavailability(local(MONDAY, 8, 30), local(MONDAY, 9, 30))]
    slots = slots_on(MONDAY, VISIT, templates, unavailability=closure)
    assert [(s.provider_id, s.start.strftime("%H:%M")) for s in slots] == [
        (1, "08:00"),
        (2, "08:00"),
        (1, "09:30"),
        (2, "09:30"),
    ]


def test_location_closure_leaves_the_provider_free_at_other_locations():
    templates = [
        weekly(MONDAY, "08:00", "09:00"),
        weekly(MONDAY, "08:00", "09:00", location_id=2),
    ]
    closure = [Unavailability(local(MONDAY, 0), local(MONDAY, 23, 59), location_id=1)]
    slots = slots_on(MONDAY, VISIT, templates, unavailability=closure)
    assert {slot.location_id for slot in slots} == {2}


def test_buffers_must_be_free_of_bookings_but_may_reach_outside_the_block():
    kind = AppointmentType(id=1, duration=30, buffer_before=15, buffer_after=15)
    bookings = [Booking(1, local(MONDAY, 9), local(MONDAY, 9, 30), 2)]
    slots = slots_on(MONDAY, kind, [weekly(MONDAY, "08:00", "10:30")], bookings=bookings, step=15)
    assert starts(slots) == ["08:00", "08:15", "09:45", "10:00"]


def test_booking_lasting_several_days_blocks_its_resource_on_each_of_them():
    kind = AppointmentType(id=1, duration=30, resource_groups=(frozenset({7}),))
    thursday = MONDAY + timedelta(days=3)
    holter = [
        Booking(2, local(MONDAY - timedelta(days=3), 9), local(thursday, 8, 30), 5, frozenset({7}))
    ]
    calendar = Calendar(
        templates=[weekly(thursday, "08:00", "09:30")],
        unavailability=[],
        bookings=holter,
        tz=NEW_YORK,
    )
    slots = calendar.find_slots(
        kind, start_date=thursday, end_date=thursday, now=local(MONDAY, 0), step=30
    )
    assert starts(slots) == ["08:30", "09:00"]


def test_slot_starts_align_to_the_step_from_the_block_start():
    slots = slots_on(MONDAY, VISIT, [weekly(MONDAY, "08:10", "09:00")], step=15)
    assert starts(slots) == ["08:10", "08:25"]


def test_slots_are_ordered_by_start_then_provider_then_location():
    templates = [
        weekly(MONDAY, "08:30", "09:00", provider_id=1, location_id=2),
        weekly(MONDAY, "08:30", "09:00", provider_id=1, location_id=1),
        weekly(MONDAY, "08:00", "09:00", provider_id=2, location_id=1),
    ]
    slots = slots_on(MONDAY, VISIT, templates)
    assert [(s.start.strftime("%H:%M"), s.provider_id, s.location_id) for s in slots] == [
        ("08:00", 2, 1),
        ("08:30", 1, 1),
        ("08:30", 1, 2),
        ("08:30", 2, 1),
    ]


def test_block_on_the_spring_forward_day_lasts_only_its_real_hours():
    slots = slots_on(SPRING_FORWARD, VISIT, [weekly(SPRING_FORWARD, "01:00", "04:00")], step=30)
    assert [slot.start.isoformat() for slot in slots] == [
        "2025-03-09T01:00:00-05:00",
        "2025-03-09T01:30:00-05:00",
        "2025-03-09T03:00:00-04:00",
        "2025-03-09T03:30:00-04:00",
    ]


def test_block_on_the_fall_back_day_includes_the_repeated_hour():
    slots = slots_on(FALL_BACK, VISIT, [weekly(FALL_BACK, "01:00", "02:30")], step=30)
    assert [slot.start.isoformat() for slot in slots] == [
        "2025-11-02T01:00:00-04:00",
        "2025-11-02T01:30:00-04:00",
        "2025-11-02T01:00:00-05:00",
        "2025-11-02T01:30:00-05:00",
        "2025-11-02T02:00:00-05:00",
    ]


def test_limit_returns_the_earliest_slots_across_days():
    tuesday = MONDAY + timedelta(days=1)
    templates = [weekly(tuesday, "08:00", "09:00"), weekly(MONDAY, "16:00", "17:00")]
    slots = find_slots(
        VISIT,
        templates=templates,
        unavailability=[],
        bookings=[],
        tz=NEW_YORK,
        start_date=MONDAY,
        end_date=tuesday,
        now=local(MONDAY, 0),
        step=30,
        limit=3,
    )
    assert [s.start for s in slots] == [local(MONDAY, 16), local(MONDAY, 16, 30), local(tuesday, 8)]


def test_naive_now_is_rejected_naming_the_field():
    with pytest.raises(ValueError, match="now must be a timezone-aware datetime"):
        slots_on(MONDAY, VISIT, [], now=datetime(2025, 6, 2, 8))


def test_template_block_ending_before_it_starts_is_rejected_naming_the_field():
    with pytest.raises(ValueError, match=r"TemplateBlock\.end"):
        weekly(MONDAY, "10:00", "09:00")
