"""The front desk's controls keep what the user chose: the booking form's type of visit and
the end it gives, the flow board's room picker across the board's refresh."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from medoffice.core.roles import Role
from medoffice.scheduling import services
from tests.browser.helpers import log_in, save_screenshot, staff
from tests.factories import SYSTEM, LocationFactory, LocationHoursFactory, PatientFactory
from tests.frontdesk.factories import (
    AppointmentTypeFactory,
    ProviderFactory,
    ResourceFactory,
    TemplateBlockFactory,
    book,
    open_all_week,
    todays_visit,
)
from tests.messaging.factories import open_weekday_at
from tests.patients.factories import AlertFactory

pytestmark = pytest.mark.browser

REFRESH_MS = 15_000  # the flow board's "every 15s"


@pytest.fixture
def clinic(practice):
    location = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    open_all_week(location)
    return location


def test_booking_from_the_day_view_lets_the_user_choose_the_type_and_shows_its_end(
    page: Page, practice
):
    clinic = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    day = open_weekday_at(10, days_ahead=2).date()
    LocationHoursFactory(location=clinic, weekday=day.weekday())
    provider = ProviderFactory(first_name="Priya", last_name="Patel", credentials="MD")
    provider.locations.add(clinic)
    TemplateBlockFactory(provider=provider, location=clinic, weekday=day.weekday())
    follow_up = AppointmentTypeFactory(name="Follow-up", duration=20)
    AppointmentTypeFactory(name="Annual physical", duration=40)
    book(
        provider=provider,
        location=clinic,
        start=dt.datetime.combine(day, dt.time(9), tzinfo=services.practice_zone()),
        appointment_type=follow_up,
    )
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))
    page.goto(f"/front-desk/day/?date={day.isoformat()}&location={clinic.pk}")

    page.get_by_role("link", name="Book 10:00 AM").click()

    kind = page.get_by_label("Type of visit")
    expect(kind).to_have_value(str(follow_up.pk))  # the provider's most booked type
    expect(page.get_by_test_id("visit-end")).to_have_text("10:20 AM")
    kind.select_option(label="Annual physical (40 min)")
    expect(page.get_by_test_id("visit-end")).to_have_text("10:40 AM")
    save_screenshot(page, "book-choose-type")


def test_the_flow_board_refresh_keeps_the_room_the_user_picked(page: Page, clinic, clock_at):
    clock_at(10)  # a visit earlier today, whatever the hour the suite runs
    rooms = [ResourceFactory(location=clinic, name=f"Exam room {n}") for n in range(1, 6)]
    visit = todays_visit(clinic, patient=PatientFactory(home_location=clinic, last_name="Okafor"))
    services.change_status(actor=SYSTEM, appointment=visit, to_status="arrived")
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))
    page.clock.install()
    page.goto(f"/front-desk/flow/?location={clinic.pk}")

    picker = page.get_by_test_id(f"room-picker-{visit.pk}")
    picker.select_option(label="Exam room 5")
    page.get_by_role("heading", name="Patient flow board").click()  # the picker loses focus
    page.evaluate("document.getElementById('flow-board').setAttribute('data-before', '')")
    with page.expect_response(lambda r: "/front-desk/flow/" in r.url):
        page.clock.run_for(REFRESH_MS + 1_000)

    expect(page.locator("#flow-board[data-before]")).to_have_count(0)  # the board was replaced
    expect(picker).to_have_value(str(rooms[4].pk))
    save_screenshot(page, "flow-board")


def test_the_flow_board_room_picker_reads_its_rooms_and_nothing_runs_out_of_the_card(
    page: Page, clinic, clock_at
):
    clock_at(10)
    for name in ("Exam room 1", "Procedure room", "Exam room 12"):
        ResourceFactory(location=clinic, name=name)
    patient = PatientFactory(home_location=clinic)
    AlertFactory(patient=patient, kind="mobility", text="Uses a wheelchair, needs the wide door")
    visit = todays_visit(clinic, patient=patient)
    services.change_status(actor=SYSTEM, appointment=visit, to_status="arrived")
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))
    page.goto(f"/front-desk/flow/?location={clinic.pk}")

    room = page.get_by_test_id(f"room-picker-{visit.pk}").evaluate(
        """(select) => {
            const style = getComputedStyle(select);
            const pen = document.createElement("canvas").getContext("2d");
            pen.font = `${style.fontSize} ${style.fontFamily}`;
            const widest = Math.max(...[...select.options].map((o) => pen.measureText(o.text).width));
            const inside = select.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return { widest, inside };
        }"""
    )
    assert room["widest"] <= room["inside"] + 1, room
    card = page.get_by_test_id(f"flow-card-{visit.pk}").evaluate(
        "(card) => ({ scroll: card.scrollWidth, client: card.clientWidth })"
    )
    assert card["scroll"] <= card["client"], card  # nothing runs out of the card
