"""The front desk's pages at the office's 1280×800 screens: the day view drawn to scale
(every time step one row of one height, whatever it holds), nothing wider than the screen,
no empty page below the grid; the waitlist's dates and matches readable."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from medoffice.core.roles import Role
from medoffice.scheduling import services
from tests.browser.helpers import log_in, staff
from tests.factories import LocationFactory, LocationHoursFactory, PatientFactory
from tests.frontdesk.factories import (
    AppointmentTypeFactory,
    ProviderFactory,
    TemplateBlockFactory,
    book,
)
from tests.messaging.factories import open_weekday_at
from tests.scheduling.factories import WaitlistEntryFactory

pytestmark = pytest.mark.browser

ROW_HEIGHTS = """() => [...document.querySelectorAll("[data-testid=book-grid] tbody tr")]
    .map((row) => row.getBoundingClientRect().height)"""
PAGE_SIZE = """() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    scrollHeight: document.documentElement.scrollHeight,
    clientHeight: document.documentElement.clientHeight,
})"""


@pytest.fixture
def busy_day(practice):
    """Three providers at one clinic, one with a quiet morning, one with short visits carrying
    every badge, one with long and overlapping visits."""
    clinic = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    day = open_weekday_at(10, days_ahead=2).date()
    LocationHoursFactory(location=clinic, weekday=day.weekday())
    tz = services.practice_zone()
    quick = AppointmentTypeFactory(name="Quick check with a long name", duration=15)
    long = AppointmentTypeFactory(name="Annual physical", duration=60)
    providers = []
    for last_name in ("Quiet", "Short", "Long"):
        provider = ProviderFactory(last_name=last_name, locations=[clinic])
        TemplateBlockFactory(provider=provider, location=clinic, weekday=day.weekday())
        providers.append(provider)
    for hour, minute in ((9, 0), (9, 15), (10, 45)):
        book(
            provider=providers[1],
            location=clinic,
            start=dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz),
            patient=PatientFactory(home_location=clinic, last_name="Vandersteenhoven-Okafor"),
            appointment_type=quick,
        )
    book(
        provider=providers[2],
        location=clinic,
        start=dt.datetime.combine(day, dt.time(9), tzinfo=tz),
        appointment_type=long,
    )
    book(
        provider=providers[2],
        location=clinic,
        start=dt.datetime.combine(day, dt.time(9, 30), tzinfo=tz),
        appointment_type=long,
        overbook=True,
    )
    return clinic, day


def test_every_row_of_the_day_view_has_the_same_height_whatever_it_holds(page: Page, busy_day):
    clinic, day = busy_day
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))
    page.goto(f"/front-desk/day/?date={day.isoformat()}&location={clinic.pk}&step=15")
    expect(page.get_by_test_id("book-grid")).to_be_visible()

    heights = page.evaluate(ROW_HEIGHTS)
    assert len(heights) > 20
    assert max(heights) - min(heights) < 0.5, sorted({round(h, 1) for h in heights})


def test_a_visit_is_drawn_as_tall_as_its_length(page: Page, busy_day):
    clinic, day = busy_day
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))
    page.goto(f"/front-desk/day/?date={day.isoformat()}&location={clinic.pk}&step=15")
    row = page.evaluate(ROW_HEIGHTS)[0]
    short = page.locator(".fd-appt").filter(has_text="Vandersteenhoven").first.bounding_box()
    long = page.locator(".fd-appt").filter(has_text="Annual physical").first.bounding_box()
    assert short is not None
    assert long is not None
    assert abs(short["height"] - row) < 2
    assert abs(long["height"] - 4 * row) < 4


def test_the_day_view_fits_the_screen_with_no_empty_page_below_the_grid(page: Page, busy_day):
    clinic, day = busy_day
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))
    page.goto(f"/front-desk/day/?date={day.isoformat()}&location={clinic.pk}&step=5")
    expect(page.get_by_test_id("book-grid")).to_be_visible()

    size = page.evaluate(PAGE_SIZE)
    assert size["scrollWidth"] <= size["clientWidth"], size
    assert size["scrollHeight"] <= size["clientHeight"] + 5, size


def test_the_day_view_of_today_marks_the_today_button_and_shows_no_second_today(
    page: Page, practice
):
    clinic = LocationFactory(practice=practice)
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))
    page.goto(f"/front-desk/day/?location={clinic.pk}")

    expect(page.get_by_test_id("today")).to_have_attribute("aria-current", "date")
    expect(page.get_by_text("Today", exact=True)).to_have_count(1)


def test_the_waitlist_shows_its_dates_and_matches_whole(page: Page, practice):
    clinic = LocationFactory(practice=practice)
    entry = WaitlistEntryFactory(
        patient=PatientFactory(home_location=clinic),
        earliest=dt.date.today() + dt.timedelta(days=1),
        latest=dt.date.today() + dt.timedelta(days=60),
    )
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))
    page.goto("/schedule/waitlist/")

    expect(page.get_by_text(f"{entry.earliest:%m/%d/%Y} – {entry.latest:%m/%d/%Y}")).to_be_visible()
    size = page.evaluate(PAGE_SIZE)
    assert size["scrollWidth"] <= size["clientWidth"], size
    clipped = page.evaluate(
        """() => [...document.querySelectorAll(".list-table td")]
            .filter((cell) => cell.scrollWidth > cell.clientWidth + 1).length"""
    )
    assert clipped == 0
