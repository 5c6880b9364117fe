"""Each report against a small scenario whose figures are known by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core.roles import Role
from medoffice.reports import selectors
from medoffice.reports.selectors import Filters
from medoffice.scheduling import selectors as book_selectors
from tests.factories import LocationFactory
from tests.reports import factories as rf
from tests.scheduling.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    ProviderFactory,
    ScheduleExceptionFactory,
    TemplateBlockFactory,
)


@pytest.fixture
def book(practice):
    """Two locations, Dr Adams at Main, Dr Baker at North, one 30-minute visit type."""
    main = LocationFactory(practice=practice, name="Main")
    north = LocationFactory(practice=practice, name="North")
    adams = ProviderFactory(last_name="Adams", first_name="Ann", locations=[main])
    baker = ProviderFactory(last_name="Baker", first_name="Ben", locations=[north])
    kind = AppointmentTypeFactory(name="Established visit", duration=30)
    monday = rf.quiet_monday()
    return {
        "main": main,
        "north": north,
        "adams": adams,
        "baker": baker,
        "type": kind,
        "monday": monday,
    }


def _at(book, who, where, day, hour, minute=0):
    return {
        "start": rf.local(book["monday"] + dt.timedelta(days=day), hour, minute),
        "provider": book[who],
        "location": book[where],
        "appointment_type": book["type"],
    }


def _period(book, **kw):
    monday = book["monday"]
    return Filters(start_date=monday, end_date=monday + dt.timedelta(days=6), **kw)


@pytest.fixture
def manager(client_for):
    return client_for(Role.OFFICE_MANAGER).user


# --- wait times --------------------------------------------------------------------------


@pytest.fixture
def waits(book):
    a = _at(book, "adams", "main", 0, 9)
    rf.visit(a.pop("start"), arrived=0, roomed=10, seen=25, done=40, **a)
    a = _at(book, "adams", "main", 1, 14)
    rf.visit(a.pop("start"), arrived=0, roomed=20, seen=50, checkout=60, done=65, **a)
    b = _at(book, "baker", "north", 2, 10)
    rf.visit(b.pop("start"), arrived=0, roomed=5, seen=10, done=30, **b)
    # Not counted: a visit still with the provider, a no-show.
    a = _at(book, "adams", "main", 3, 9)
    rf.visit(a.pop("start"), arrived=0, roomed=3, seen=4, **a)
    a = _at(book, "adams", "main", 3, 11)
    rf.no_show(a.pop("start"), **a)
    return book


def test_wait_times_count_only_completed_visits(waits, manager):
    report = selectors.wait_times(manager, _period(waits))
    assert report.visits == 3


def test_wait_time_median_and_p90_over_all_visits(waits, manager):
    phases = selectors.wait_times(manager, _period(waits)).overall.phases
    assert phases["arrival_to_roomed"].median == 10
    assert phases["arrival_to_roomed"].p90 == pytest.approx(18)
    assert phases["roomed_to_provider"].median == 15
    assert phases["provider_to_done"].median == 15  # done = check-out when there is one
    assert phases["arrival_to_provider"].median == 25


def test_wait_times_by_provider(waits, manager):
    groups = selectors.wait_times(manager, _period(waits)).by_provider
    assert [g.label for g in groups] == ["Ann Adams, MD", "Ben Baker, MD"]
    adams = groups[0].phases["arrival_to_provider"]
    assert (adams.count, adams.median, adams.p90) == (2, 37.5, pytest.approx(47.5))


def test_wait_times_by_location_and_part_of_day(waits, manager):
    report = selectors.wait_times(manager, _period(waits))
    assert [(g.label, g.visits) for g in report.by_location] == [("Main", 2), ("North", 1)]
    parts = {g.label: g.phases["arrival_to_roomed"].median for g in report.by_part_of_day}
    assert parts == {"Morning (before 12:00)": 7.5, "Afternoon (12:00–17:00)": 20}


def test_wait_times_filter_by_provider(waits, manager):
    report = selectors.wait_times(manager, _period(waits, provider_id=waits["baker"].pk))
    assert report.visits == 1
    assert report.overall.phases["provider_to_done"].median == 20


def test_a_user_limited_to_a_location_sees_only_its_visits(waits, client_for):
    user = client_for(Role.PROVIDER, locations=[waits["north"]]).user
    report = selectors.wait_times(user, _period(waits))
    assert [g.label for g in report.by_location] == ["North"]


# --- no-shows ----------------------------------------------------------------------------


@pytest.fixture
def attendance(book):
    a = lambda day, hour: _at(book, "adams", "main", day, hour)  # noqa: E731
    kw = a(0, 9)
    rf.visit(kw.pop("start"), arrived=0, roomed=5, seen=10, done=20, **kw)
    kw = a(0, 10)
    rf.no_show(kw.pop("start"), **kw)
    kw = a(0, 11)
    rf.cancelled(kw.pop("start"), hours_before=2, **kw)  # late
    kw = a(0, 13)
    rf.booked(kw.pop("start"), **kw)  # never marked: still due
    kw = a(1, 9)
    rf.cancelled(kw.pop("start"), hours_before=72, **kw)  # in advance: not due
    kw = _at(book, "baker", "north", 1, 9)
    rf.no_show(kw.pop("start"), **kw)
    return book


def test_no_show_rate_is_no_shows_over_due_appointments(attendance, manager):
    overall = selectors.attendance(manager, _period(attendance)).overall
    assert (overall.due, overall.no_shows, overall.late_cancels) == (5, 2, 1)
    assert overall.no_show_rate == pytest.approx(0.4)
    assert overall.late_cancel_rate == pytest.approx(0.2)


def test_no_show_rates_by_provider_and_location(attendance, manager):
    report = selectors.attendance(manager, _period(attendance))
    by_provider = {r.label: (r.due, r.no_show_rate) for r in report.by_provider}
    assert by_provider == {"Ann Adams, MD": (4, 0.25), "Ben Baker, MD": (1, 1.0)}
    assert [(r.label, r.due) for r in report.by_location] == [("Main", 4), ("North", 1)]


def test_no_show_months_cover_the_period_even_when_empty(attendance, manager):
    monday = attendance["monday"]
    filters = Filters(start_date=monday - dt.timedelta(days=62), end_date=monday + dt.timedelta(6))
    months = selectors.attendance(manager, filters).by_month
    assert len(months) in (3, 4)
    assert sum(m.due for m in months) == 5
    assert any(m.no_show_rate is None for m in months)


def test_appointments_still_to_come_are_not_due(attendance, manager):
    filters = _period(attendance)
    now = rf.local(attendance["monday"], 10, 30)  # after the 10:00 no-show only
    assert selectors.due_appointments(manager, filters, now).count() == 2


# --- utilisation -------------------------------------------------------------------------


@pytest.fixture
def schedule(book):
    """Dr Adams works Monday 09-12 at Main, takes 10-11 off; Dr Baker is off all Monday."""
    monday = book["monday"]
    since = monday - dt.timedelta(days=30)
    TemplateBlockFactory(
        provider=book["adams"],
        location=book["main"],
        weekday=0,
        start=dt.time(9),
        end=dt.time(12),
        effective_from=since,
    )
    TemplateBlockFactory(
        provider=book["baker"],
        location=book["north"],
        weekday=0,
        start=dt.time(9),
        end=dt.time(12),
        effective_from=since,
    )
    ScheduleExceptionFactory(
        provider=book["adams"], start=rf.local(monday, 10), end=rf.local(monday, 11)
    )
    ScheduleExceptionFactory(
        provider=book["baker"], start=rf.local(monday, 0), end=rf.local(monday, 23)
    )
    kw = _at(book, "adams", "main", 0, 9)
    rf.visit(kw.pop("start"), arrived=0, roomed=5, seen=10, done=20, **kw)
    kw = _at(book, "adams", "main", 0, 11)
    rf.no_show(kw.pop("start"), **kw)
    kw = _at(book, "adams", "main", 0, 11, 30)
    rf.cancelled(kw.pop("start"), hours_before=72, **kw)
    return book


def test_utilisation_is_booked_over_available_minutes(schedule, manager):
    report = selectors.utilisation(manager, _period(schedule))
    adams = next(r for r in report.by_week if r.provider == "Ann Adams, MD")
    assert (adams.week, adams.booked, adams.available) == (schedule["monday"], 60, 120)
    assert adams.utilisation == 0.5


def test_utilisation_without_available_minutes_is_unknown(schedule, manager):
    report = selectors.utilisation(manager, _period(schedule))
    baker = next(r for r in report.by_provider if r.provider == "Ben Baker, MD")
    assert (baker.booked, baker.available, baker.utilisation) == (0, 0, None)


def test_utilisation_filtered_to_a_location(schedule, manager):
    report = selectors.utilisation(manager, _period(schedule, location_id=schedule["main"].pk))
    assert [r.provider for r in report.by_provider] == ["Ann Adams, MD"]


# --- third-next-available ----------------------------------------------------------------


@pytest.fixture
def access(book):
    """Dr Adams works Wednesdays 09-10: 20-minute slots start 09:00, 09:15, 09:30 (15-min step)."""
    kind = AppointmentTypeFactory(name="Follow-up", duration=20)
    monday = rf.coming_quiet_monday()
    TemplateBlockFactory(
        provider=book["adams"],
        location=book["main"],
        weekday=2,
        start=dt.time(9),
        end=dt.time(10),
        effective_from=monday - dt.timedelta(days=7),
    )
    return book | {"kind": kind, "today": monday}


def _tna(user, access):
    today = access["today"]
    now = rf.local(today, 0)
    return selectors.third_next_available(
        user, Filters.default(today), access["kind"], today=today, now=now
    )


def test_third_next_available_is_the_third_open_slot(access, manager):
    rows = _tna(manager, access)
    assert [(r.provider, r.days) for r in rows] == [("Ann Adams, MD", 2)]
    assert rows[0].third_slot == rf.local(access["today"] + dt.timedelta(days=2), 9, 30)


def test_a_booking_pushes_the_third_slot_a_week_out(access, manager):
    # 09:20-09:40 leaves only 09:00 that Wednesday; the third slot is 09:15 a week later.
    wednesday = rf.local(access["today"] + dt.timedelta(days=2), 9, 20)
    AppointmentFactory(
        start=wednesday,
        provider=access["adams"],
        location=access["main"],
        appointment_type=access["kind"],
        now=rf.local(access["today"], 0),
    )
    assert [r.days for r in _tna(manager, access)] == [9]


def test_the_third_slot_is_the_third_that_find_a_slot_offers(access, manager):
    today = access["today"]
    AppointmentFactory(
        start=rf.local(today + dt.timedelta(days=2), 9, 20),
        provider=access["adams"],
        location=access["main"],
        appointment_type=access["kind"],
        now=rf.local(today, 0),
    )
    offered = book_selectors.open_slots(
        access["kind"],
        start_date=today,
        end_date=today + dt.timedelta(days=selectors.ACCESS_HORIZON_DAYS),
        provider_ids=[access["adams"].pk],
        now=rf.local(today, 0),
        limit=3,
    )
    assert [r.third_slot for r in _tna(manager, access)] == [offered[2].start]


def test_the_most_booked_type_is_the_default(access, manager):
    kw = _at(access, "adams", "main", 0, 9)
    rf.visit(kw.pop("start"), arrived=0, **kw)
    assert selectors.default_appointment_type(manager) == access["type"]
