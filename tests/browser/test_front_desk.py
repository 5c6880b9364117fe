"""The front desk end to end: check-in with a copay and its receipt, the flow board, the day view."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from medoffice.billing.models import PatientPayment
from medoffice.core.roles import Role
from medoffice.scheduling import services
from medoffice.scheduling.models import StatusChange
from tests.browser.helpers import log_in, save_screenshot, staff
from tests.factories import SYSTEM, LocationFactory, LocationHoursFactory, PatientFactory
from tests.frontdesk.factories import (
    AppointmentTypeFactory,
    CoverageFactory,
    ProviderFactory,
    ResourceFactory,
    TemplateBlockFactory,
    book,
    open_all_week,
    todays_visit,
)
from tests.messaging.factories import open_weekday_at

pytestmark = pytest.mark.browser


@pytest.fixture
def clinic(practice):
    location = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    open_all_week(location)
    return location


def test_checking_in_with_a_copay_records_the_payment_and_prints_a_receipt(
    page: Page, clinic, clock_at
):
    clock_at(10)  # a visit earlier today, whatever the hour the suite runs
    patient = PatientFactory(home_location=clinic, last_name="Okafor", first_name="Chidi")
    CoverageFactory(patient=patient)  # $25.00 copay
    visit = todays_visit(clinic, patient=patient)
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))

    page.goto(f"/front-desk/appointments/{visit.pk}/check-in/")
    expect(page.get_by_test_id("copay-due")).to_have_text("$25.00")
    expect(page.get_by_test_id("payment-amount")).to_have_value("25.00")
    page.get_by_test_id("confirm-demographics").check()
    page.get_by_test_id("payment-method").select_option(label="Cash")
    save_screenshot(page, "check-in")
    page.get_by_test_id("check-in-submit").click()

    expect(page.get_by_test_id("appointment-status")).to_have_text("Arrived")
    payment = PatientPayment.objects.get(appointment=visit)
    assert payment.amount == 25
    assert payment.method == "cash"
    expect(page.get_by_test_id("payments")).to_contain_text(f"Receipt {payment.receipt_number}")
    page.get_by_test_id("receipt-link").click()
    expect(page.get_by_test_id("receipt-number")).to_have_text(payment.receipt_number)
    save_screenshot(page, "receipt")

    pdf_url = page.get_by_test_id("receipt-pdf").get_attribute("href")
    pdf = page.request.get(pdf_url, timeout=30_000)  # WeasyPrint is slow on a busy machine
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")


def test_a_patient_moves_across_the_flow_board_to_done(page: Page, clinic, clock_at):
    clock_at(10)  # a visit earlier today, whatever the hour the suite runs
    ResourceFactory(location=clinic, name="Exam room 1")
    room = ResourceFactory(location=clinic, name="Exam room 2")
    visit = todays_visit(clinic, patient=PatientFactory(home_location=clinic, last_name="Okafor"))
    services.change_status(actor=SYSTEM, appointment=visit, to_status="arrived")
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))

    page.goto(f"/front-desk/flow/?location={clinic.pk}")
    card = page.get_by_test_id(f"flow-card-{visit.pk}")
    expect(page.get_by_test_id("flow-column-arrived")).to_contain_text("Okafor")
    page.get_by_test_id(f"room-picker-{visit.pk}").select_option(label="Exam room 2")
    page.get_by_test_id(f"move-{visit.pk}-roomed").click()
    expect(
        page.get_by_test_id("flow-column-roomed").get_by_test_id(f"flow-card-{visit.pk}")
    ).to_be_visible()
    expect(card.get_by_test_id("card-room")).to_have_text("Exam room 2")
    page.get_by_test_id(f"move-{visit.pk}-with_provider").click()
    expect(
        page.get_by_test_id("flow-column-with_provider").get_by_test_id(f"flow-card-{visit.pk}")
    ).to_be_visible()
    page.get_by_test_id(f"move-{visit.pk}-completed").click()
    expect(
        page.get_by_test_id("flow-column-completed").get_by_test_id(f"flow-card-{visit.pk}")
    ).to_be_visible()

    changes = StatusChange.objects.filter(appointment=visit).order_by("changed_at", "pk")
    assert [c.to_status for c in changes] == [
        "scheduled",
        "arrived",
        "roomed",
        "with_provider",
        "completed",
    ]
    visit.refresh_from_db()
    assert visit.room == room
    assert None not in (visit.roomed_at, visit.with_provider_at, visit.completed_at)


def test_the_day_view_shows_one_column_per_provider_with_its_visits(page: Page, practice):
    clinic = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    day = open_weekday_at(10, days_ahead=2).date()
    LocationHoursFactory(location=clinic, weekday=day.weekday())
    visit_type = AppointmentTypeFactory(name="Physical")
    visits = {}
    for last_name, patient_name in (("Reyes", "Okafor"), ("Nguyen", "Lindqvist")):
        provider = ProviderFactory(last_name=last_name, locations=[clinic])
        TemplateBlockFactory(provider=provider, location=clinic, weekday=day.weekday())
        visits[last_name] = book(
            provider=provider,
            location=clinic,
            start=dt.datetime.combine(day, dt.time(10), tzinfo=services.practice_zone()),
            patient=PatientFactory(home_location=clinic, last_name=patient_name),
            appointment_type=visit_type,
        )
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))

    page.goto(f"/front-desk/day/?date={day.isoformat()}&location={clinic.pk}")

    headers = page.locator("[data-testid=book-grid] thead th.fd-col-head")
    expect(headers).to_have_count(2)
    for last_name, visit in visits.items():
        expect(headers.filter(has_text=last_name)).to_have_count(1)
        expect(page.get_by_test_id(f"appointment-{visit.pk}")).to_contain_text(
            visit.patient.last_name
        )


def test_the_keyboard_moves_from_a_visit_to_the_open_time_below_and_opens_the_booking(
    page: Page, practice
):
    clinic = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    day = open_weekday_at(10, days_ahead=2).date()
    LocationHoursFactory(location=clinic, weekday=day.weekday())
    provider = ProviderFactory(last_name="Reyes", locations=[clinic])
    TemplateBlockFactory(provider=provider, location=clinic, weekday=day.weekday())
    visit = book(
        provider=provider,
        location=clinic,
        start=dt.datetime.combine(day, dt.time(10), tzinfo=services.practice_zone()),
    )
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))
    page.goto(f"/front-desk/day/?date={day.isoformat()}&location={clinic.pk}")

    page.get_by_test_id(f"appointment-{visit.pk}").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator(":focus")).to_have_class("fd-open-link")
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("booking-form")).to_be_visible()
    expect(page.get_by_test_id("slot-summary")).to_contain_text("10:30")
    expect(page.get_by_test_id("slot-summary")).to_contain_text("Reyes")
