"""Slot search through the database: the calendar each process keeps between searches is
given back only while the book it was built from is unchanged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medoffice.scheduling import selectors, services
from medoffice.scheduling.models import TemplateBlock
from tests.factories import SYSTEM, LocationFactory, PatientFactory
from tests.scheduling.factories import (
    AppointmentTypeFactory,
    ProviderFactory,
    ScheduleExceptionFactory,
    TemplateBlockFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(practice):
    location = LocationFactory(practice=practice)
    provider = ProviderFactory(locations=[location])
    kind = AppointmentTypeFactory(duration=30)
    day = next_weekday_at(9)
    TemplateBlockFactory(
        provider=provider,
        location=location,
        weekday=day.weekday(),
        start=dt.time(9),
        end=dt.time(10),
    )
    return {"location": location, "provider": provider, "kind": kind, "day": day}


def _starts(book) -> list[dt.datetime]:
    day = book["day"].date()
    found = selectors.open_slots(book["kind"], start_date=day, end_date=day, step=30)
    return [slot.start for slot in found]


def _book(book, start):
    return services.book_appointment(
        actor=SYSTEM,
        patient=PatientFactory(home_location=book["location"]),
        provider=book["provider"],
        location=book["location"],
        appointment_type=book["kind"],
        start=start,
    )


def test_a_search_after_a_booking_no_longer_offers_its_time(book):
    nine = book["day"]
    assert _starts(book) == [nine, nine + dt.timedelta(minutes=30)]
    _book(book, nine)
    assert _starts(book) == [nine + dt.timedelta(minutes=30)]


def test_a_search_after_a_cancellation_offers_the_time_again(book):
    nine = book["day"]
    visit = _book(book, nine)
    assert _starts(book) == [nine + dt.timedelta(minutes=30)]
    services.cancel_appointment(actor=SYSTEM, appointment=visit, reason="Feeling better")
    assert _starts(book) == [nine, nine + dt.timedelta(minutes=30)]


def test_a_search_after_a_template_change_follows_the_new_hours(book):
    nine = book["day"]
    assert len(_starts(book)) == 2
    TemplateBlock.objects.filter(provider=book["provider"]).update(end=dt.time(9, 30))
    assert _starts(book) == [nine]


def test_a_search_after_time_off_is_added_offers_nothing_then(book):
    nine = book["day"]
    assert len(_starts(book)) == 2
    ScheduleExceptionFactory(
        provider=book["provider"], start=nine, end=nine + dt.timedelta(hours=1)
    )
    assert _starts(book) == []


def test_a_repeated_search_does_not_read_the_bookings_again(book):
    _book(book, book["day"])
    _starts(book)
    with CaptureQueriesContext(connection) as first:
        _starts(book)
    _book(book, book["day"] + dt.timedelta(minutes=30))
    with CaptureQueriesContext(connection) as after_booking:
        _starts(book)
    reads_bookings = [
        q for q in after_booking.captured_queries if "scheduling_appointment_resources" in q["sql"]
    ]
    assert reads_bookings, "a booking makes the next search read the bookings again"
    assert not [q for q in first.captured_queries if "scheduling_appointment_resources" in q["sql"]]


def _weekly(book, start_date, weeks, limit):
    found = selectors.open_slots(
        book["kind"],
        start_date=start_date,
        end_date=start_date + dt.timedelta(weeks=weeks),
        step=30,
        limit=limit,
    )
    return [slot.start for slot in found]


def test_a_limited_search_filled_by_its_first_days_gives_the_first_slots_of_the_range(book):
    # Two slots a week: six slots are in the first three weeks of the thirteen.
    start_date = book["day"].date()
    first = _weekly(book, start_date, 13, limit=4)
    everything = _weekly(book, start_date, 13, limit=None)
    assert first == everything[:4]
    assert first[-1] - first[0] < dt.timedelta(days=selectors.FIRST_LOOK_DAYS)


def test_a_limited_search_its_first_days_cannot_fill_reads_the_whole_range(book):
    start_date = book["day"].date()
    found = _weekly(book, start_date, 13, limit=20)
    assert found == _weekly(book, start_date, 13, limit=None)[:20]
    assert found[-1] - found[0] > dt.timedelta(days=selectors.FIRST_LOOK_DAYS)


def test_a_limited_search_finds_slots_that_begin_after_its_first_days(book):
    TemplateBlock.objects.filter(provider=book["provider"]).update(
        effective_from=book["day"].date() + dt.timedelta(days=selectors.FIRST_LOOK_DAYS + 7)
    )
    start_date = book["day"].date()
    found = _weekly(book, start_date, 13, limit=4)
    assert len(found) == 4
    assert found[0].date() > start_date + dt.timedelta(days=selectors.FIRST_LOOK_DAYS)
