"""The appointment book end to end: finding and booking a slot, no-shows and the waitlist,
and the patient's confirm link in a reminder written by the file backend."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from medoffice.core.roles import Role
from medoffice.messaging.models import Message
from medoffice.scheduling.models import Appointment, WaitlistEntry
from tests.browser.helpers import log_in, save_screenshot, staff
from tests.factories import LocationFactory, LocationHoursFactory, PatientFactory
from tests.frontdesk.factories import (
    book,
    minutes_from_now,
    open_all_week,
    todays_visit,
    working_provider,
)
from tests.messaging.factories import (
    ReachablePatientFactory,
    ReminderRuleFactory,
    open_weekday_at,
)
from tests.scheduling.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    ProviderFactory,
    TemplateBlockFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def clinic(practice):
    location = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    for weekday in range(5):
        LocationHoursFactory(location=location, weekday=weekday)
    return location


def test_front_desk_finds_a_slot_and_books_it(page: Page, clinic):
    provider = ProviderFactory(first_name="Ana", last_name="Reyes", locations=[clinic])
    visit_type = AppointmentTypeFactory(name="Sick visit", providers=[provider])
    for weekday in range(5):
        TemplateBlockFactory(
            provider=provider,
            location=clinic,
            weekday=weekday,
            start=dt.time(9),
            end=dt.time(12),
            appointment_types=[visit_type],
        )
    patient = PatientFactory(home_location=clinic, last_name="Okafor", first_name="Chidi")
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))

    page.goto("/schedule/find/")
    page.get_by_label("Type of visit").select_option(label="Sick visit")
    page.get_by_test_id("find-slots").click()
    first = page.get_by_test_id("slot").first
    expect(first).to_contain_text("Reyes")
    save_screenshot(page, "find-slot")
    offered = first.get_attribute("href")
    first.click()

    expect(page.get_by_label("Type of visit")).to_have_value(str(visit_type.pk))
    page.get_by_test_id("patient-search").press_sequentially("okafor")
    page.get_by_role("option", name=re.compile("Okafor, Chidi")).click()
    page.get_by_label("Reason for visit").fill("Sore throat")
    save_screenshot(page, "book")
    page.get_by_test_id("book").click()

    expect(page.get_by_role("heading", name=str(patient))).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Scheduled")
    expect(page.get_by_test_id("appointment-facts")).to_contain_text("Sore throat")
    save_screenshot(page, "appointment")
    assert Appointment.objects.get().patient == patient

    page.goto("/schedule/find/")
    page.get_by_label("Type of visit").select_option(label="Sick visit")
    page.get_by_test_id("find-slots").click()
    expect(page.get_by_test_id("slot").first).to_be_visible()
    expect(page.locator(f'[data-testid="slot"][href="{offered}"]')).to_have_count(0)


def test_a_visit_whose_time_has_passed_can_be_marked_a_no_show(page: Page, clinic, clock_at):
    clock_at(10)  # a visit earlier today, whatever the hour the suite runs
    open_all_week(clinic)
    visit = todays_visit(clinic)
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))

    page.goto(f"/schedule/appointments/{visit.pk}/")
    page.get_by_test_id("no-show").click()

    expect(page.get_by_test_id("status")).to_have_text("No-show")
    expect(page.get_by_text("Marked as a no-show")).to_be_visible()
    visit.refresh_from_db()
    assert visit.status == "no_show"


def test_a_no_show_during_the_visit_offers_the_rest_of_its_time_to_the_waitlist(
    page: Page, clinic, clock_at
):
    clock_at(10)  # a visit earlier today, whatever the hour the suite runs
    start = minutes_from_now(-5)
    open_all_week(clinic)
    provider = working_provider(clinic)
    visit_type = AppointmentTypeFactory(name="Physical", duration=40, providers=[provider])
    visit = book(provider=provider, location=clinic, start=start, appointment_type=visit_type)
    waiting = ReachablePatientFactory(home_location=clinic, last_name="Haugen")
    entry = WaitlistEntryFactory(patient=waiting, appointment_type=visit_type)
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))

    page.goto(f"/schedule/appointments/{visit.pk}/")
    page.get_by_test_id("no-show").click()
    expect(page.get_by_test_id("status")).to_have_text("No-show")

    matches = page.get_by_test_id("waitlist-matches")
    expect(matches).to_contain_text("Haugen")
    matches.get_by_test_id("offer").click()

    expect(page.get_by_text(f"Offer to {waiting} recorded and queued.")).to_be_visible()
    entry.refresh_from_db()
    assert entry.status == "offered"
    assert Message.objects.filter(patient=waiting, kind="waitlist_offer").exists()


def test_a_cancelled_time_is_offered_to_a_waiting_patient(page: Page, clinic):
    provider = ProviderFactory(locations=[clinic])
    visit_type = AppointmentTypeFactory(name="Physical", providers=[provider])
    visit = AppointmentFactory(
        provider=provider,
        location=clinic,
        appointment_type=visit_type,
        start=open_weekday_at(10, days_ahead=3),
        patient=PatientFactory(home_location=clinic),
    )
    waiting = ReachablePatientFactory(home_location=clinic, last_name="Lindqvist")
    entry = WaitlistEntryFactory(patient=waiting, appointment_type=visit_type)
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))

    page.goto(f"/schedule/appointments/{visit.pk}/")
    page.get_by_label("Reason for cancelling").fill("Patient is travelling")
    page.get_by_test_id("cancel").click()

    matches = page.get_by_test_id("waitlist-matches")
    expect(matches).to_contain_text("Lindqvist")
    matches.get_by_test_id("offer").click()

    expect(page.get_by_text(f"Offer to {waiting} recorded and queued.")).to_be_visible()
    entry.refresh_from_db()
    assert entry.status == "offered"
    assert Message.objects.filter(patient=waiting, kind="waitlist_offer").exists()


def test_the_waitlist_page_lists_the_waiting_patients(page: Page, clinic):
    visit_type = AppointmentTypeFactory(name="Physical")
    WaitlistEntryFactory(
        patient=PatientFactory(home_location=clinic, last_name="Lindqvist"),
        appointment_type=visit_type,
    )
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))

    page.goto("/schedule/waitlist/")

    expect(page.locator("#list-table tbody")).to_contain_text("Lindqvist")
    assert WaitlistEntry.objects.count() == 1


def test_a_texted_reminder_link_lets_the_patient_confirm(
    page: Page, clinic, practice, settings, tmp_path, live_server, clock_at
):
    clock_at(10)  # the text goes out at once (not in quiet hours), the visit is later today
    settings.SMS_BACKEND = "medoffice.messaging.backends.FileSMSBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    settings.PUBLIC_BASE_URL = live_server.url
    practice.quiet_hours_start = practice.quiet_hours_end  # no quiet hours: send whenever run
    practice.save()
    open_all_week(clinic)
    ReminderRuleFactory(hours_before=24, channel="sms")
    visit = book(
        provider=working_provider(clinic),
        location=clinic,
        start=minutes_from_now(180),
        patient=ReachablePatientFactory(home_location=clinic, first_name="Jordan"),
    )

    call_command("send_reminders", verbosity=0)

    [written] = [json.loads(p.read_text()) for p in (tmp_path / "sms").glob("*.json")]
    assert written["to"] == visit.patient.phone
    confirm_url = re.search(r"https?://\S+/confirm/", written["body"]).group(0)
    assert confirm_url.startswith(live_server.url)
    page.goto(confirm_url)
    expect(page.get_by_text("Hello Jordan,")).to_be_visible()
    page.get_by_test_id("confirm-visit").click()

    expect(page.get_by_test_id("link-result")).to_contain_text("your visit is confirmed")
    visit.refresh_from_db()
    assert visit.status == "confirmed"
