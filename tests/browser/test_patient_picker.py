"""Picking a patient and finding one, as the front desk does it with the keyboard: the one
patient picker on the booking, series, waitlist and recall forms, the record's buttons
into those forms, the navbar's type-ahead, the patient list's live filter, and where the
cursor and Enter go on the booking form."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from medoffice.scheduling.models import Appointment, AppointmentSeries, Recall, WaitlistEntry
from tests.browser.helpers import log_in, save_screenshot, staff
from tests.factories import LocationFactory, PatientFactory
from tests.frontdesk.factories import open_all_week, working_provider
from tests.scheduling.factories import AppointmentTypeFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def clinic(practice):
    location = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    open_all_week(location)
    return location


@pytest.fixture
def okafor(clinic):
    return PatientFactory(
        home_location=clinic,
        last_name="Okafor",
        first_name="Chidi",
        date_of_birth=dt.date(1980, 4, 2),
    )


@pytest.fixture
def desk(page: Page, clinic):
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))
    return page


@pytest.fixture
def visit_type(clinic):
    provider = working_provider(clinic, first_name="Ana", last_name="Reyes")
    return AppointmentTypeFactory(name="Sick visit", providers=[provider])


def pick(page: Page, typed: str) -> None:
    """Types into the picker, moves to the first result with the arrow key, takes it."""
    page.get_by_test_id("patient-search").press_sequentially(typed)
    expect(page.get_by_role("option").first).to_be_visible()
    page.get_by_test_id("patient-search").press("ArrowDown")
    page.get_by_test_id("patient-search").press("Enter")


def open_a_slot(page: Page, query: str = "") -> None:
    page.goto(f"/schedule/find/{query}")
    page.get_by_label("Type of visit").select_option(label="Sick visit")
    page.get_by_test_id("find-slots").click()
    page.get_by_test_id("slot").first.click()
    form = page.get_by_test_id("booking-form")
    expect(form.locator("select[data-visit-type] option:checked")).to_contain_text("Sick visit")


def focused(page: Page, attribute: str) -> str | None:
    return page.evaluate(f"document.activeElement.getAttribute('{attribute}')")


# --- the picker on each form -------------------------------------------------------------------


def test_the_picker_finds_the_patient_after_two_letters_and_books_them(
    desk: Page, okafor, visit_type
):
    open_a_slot(desk)
    desk.get_by_test_id("patient-search").press_sequentially("ok")
    option = desk.get_by_role("option", name=re.compile("Okafor, Chidi"))
    expect(option).to_contain_text("born 04/02/1980")
    expect(option).to_contain_text(okafor.mrn)
    desk.get_by_test_id("patient-search").press("ArrowDown")
    expect(desk.get_by_test_id("patient-search")).to_have_attribute(
        "aria-activedescendant", re.compile(".+")
    )
    save_screenshot(desk, "patient-picker")
    desk.get_by_test_id("patient-search").press("Enter")
    expect(desk.get_by_test_id("picker-chosen")).to_have_text(
        f"Okafor, Chidi · born 04/02/1980 · {okafor.mrn}"
    )
    desk.get_by_label("Reason for visit").fill("Sore throat")
    desk.get_by_test_id("book").click()

    expect(desk.get_by_test_id("status")).to_have_text("Scheduled")
    assert Appointment.objects.get().patient == okafor


def test_the_picker_chooses_the_patient_of_a_recurring_series(desk: Page, okafor, visit_type):
    desk.goto("/schedule/series/")
    pick(desk, "okaf")
    desk.get_by_label("Type of visit").select_option(label="Sick visit")
    desk.get_by_label("Provider").select_option(label="Ana Reyes, MD")
    desk.get_by_label("Location").select_option(label="Main Street Clinic")
    first = timezone.localdate() + dt.timedelta(days=8)
    desk.get_by_label("First visit (date and time)").fill(f"{first:%Y-%m-%d}T10:00")
    desk.get_by_label("Number of visits").fill("3")
    desk.get_by_test_id("check-dates").click()
    expect(desk.get_by_test_id("picker-chosen")).to_contain_text("Okafor, Chidi")
    desk.get_by_test_id("book-series").click()

    expect(desk.get_by_text(re.compile(r"Booked \d visits for"))).to_be_visible()
    assert AppointmentSeries.objects.get().patient == okafor


def test_the_picker_chooses_the_patient_added_to_the_waitlist(desk: Page, okafor, visit_type):
    desk.goto("/schedule/waitlist/new/")
    pick(desk, "chidi")
    desk.get_by_label("Appointment type").select_option(label="Sick visit")
    desk.get_by_test_id("save").click()

    expect(desk.get_by_text("is on the waitlist")).to_be_visible()
    assert WaitlistEntry.objects.get().patient == okafor


def test_the_picker_chooses_the_patient_of_a_new_recall(desk: Page, okafor):
    desk.goto("/schedule/recalls/new/")
    pick(desk, "04/02/1980")
    desk.get_by_label("Due for").fill("Annual physical")
    desk.get_by_label("Due date").fill(f"{timezone.localdate() + dt.timedelta(days=90):%Y-%m-%d}")
    desk.get_by_test_id("save").click()

    expect(desk.get_by_text("is due for Annual physical")).to_be_visible()
    assert Recall.objects.get().patient == okafor


def test_change_reopens_the_search_and_escape_keeps_the_patient(desk: Page, okafor, clinic):
    PatientFactory(home_location=clinic, last_name="Okonkwo", first_name="Ada")
    desk.goto("/schedule/waitlist/new/")
    pick(desk, "okaf")
    desk.get_by_test_id("picker-change").click()
    expect(desk.get_by_test_id("patient-search")).to_be_focused()
    expect(desk.locator("input[name=patient]")).to_have_value("")
    desk.keyboard.press("Escape")
    expect(desk.get_by_test_id("picker-chosen")).to_contain_text("Okafor, Chidi")
    expect(desk.locator("input[name=patient]")).to_have_value(str(okafor.pk))


def test_typing_a_name_quickly_asks_the_server_once(desk: Page, okafor):
    desk.goto("/schedule/waitlist/new/")
    asked: list[str] = []
    desk.on("request", lambda r: asked.append(r.url) if "quick-search" in r.url else None)
    before = AuditEvent.objects.filter(detail__startswith="quick search").count()
    desk.get_by_test_id("patient-search").press_sequentially("okafor")
    expect(desk.get_by_role("option", name=re.compile("Okafor"))).to_be_visible()
    desk.wait_for_timeout(500)

    assert len(asked) == 1
    assert AuditEvent.objects.filter(detail__startswith="quick search").count() == before + 1


def test_without_script_the_picker_is_a_plain_search(browser: Browser, live_server, okafor, clinic):
    user = staff(Role.FRONT_DESK, locations=[clinic])
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, user)
        page.goto("/schedule/recalls/new/")
        page.get_by_test_id("patient-search").fill("okafor")
        page.get_by_test_id("patient-search-button").click()
        page.get_by_label(re.compile("Okafor, Chidi")).check()
        page.get_by_label("Due for").fill("Eye exam")
        page.get_by_label("Due date").fill(
            f"{timezone.localdate() + dt.timedelta(days=30):%Y-%m-%d}"
        )
        page.get_by_test_id("save").click()
        expect(page.get_by_text("is due for Eye exam")).to_be_visible()
    finally:
        context.close()
    assert Recall.objects.get().patient == okafor


# --- the record's buttons ------------------------------------------------------------------------


def test_the_records_add_to_waitlist_button_opens_the_form_with_the_patient(
    desk: Page, okafor, visit_type
):
    desk.goto(f"/patients/{okafor.pk}/")
    desk.get_by_test_id("record-waitlist").click()
    expect(desk.get_by_test_id("picker-chosen")).to_contain_text("Okafor, Chidi")
    desk.get_by_label("Appointment type").select_option(label="Sick visit")
    desk.get_by_test_id("save").click()

    expect(desk.get_by_text("is on the waitlist")).to_be_visible()
    assert WaitlistEntry.objects.get().patient == okafor


def test_the_records_create_recall_button_opens_the_form_with_the_patient(desk: Page, okafor):
    desk.goto(f"/patients/{okafor.pk}/")
    desk.get_by_test_id("record-recall").click()
    expect(desk.get_by_test_id("picker-chosen")).to_contain_text("Okafor, Chidi")
    expect(desk).to_have_url(re.compile(rf"/schedule/recalls/new/\?patient={okafor.pk}$"))


def test_the_records_book_button_carries_the_patient_to_the_booking_form(
    desk: Page, okafor, visit_type
):
    desk.goto(f"/patients/{okafor.pk}/")
    desk.get_by_test_id("record-book").click()
    desk.get_by_label("Type of visit").select_option(label="Sick visit")
    desk.get_by_test_id("find-slots").click()
    desk.get_by_test_id("slot").first.click()
    expect(desk.get_by_test_id("picker-chosen")).to_contain_text("Okafor, Chidi")
    desk.get_by_test_id("book").click()

    expect(desk.get_by_test_id("status")).to_have_text("Scheduled")
    assert Appointment.objects.get().patient == okafor


def test_a_role_that_does_not_book_sees_no_booking_buttons_on_the_record(
    page: Page, okafor, clinic
):
    log_in(page, staff(Role.BILLER, locations=[clinic]))
    page.goto(f"/patients/{okafor.pk}/")
    expect(page.get_by_role("heading", name=re.compile("Okafor"))).to_be_visible()
    expect(page.get_by_test_id("record-book")).to_have_count(0)
    expect(page.get_by_test_id("record-waitlist")).to_have_count(0)
    expect(page.get_by_test_id("record-recall")).to_have_count(0)


# --- finding a patient ---------------------------------------------------------------------------


def test_the_navbar_search_shows_patients_while_typing_and_opens_the_one_chosen(desk: Page, okafor):
    search = desk.get_by_label("Find a patient", exact=True)
    search.press_sequentially("oka")
    expect(desk.get_by_role("option", name=re.compile("Okafor, Chidi"))).to_be_visible()
    search.press("ArrowDown")
    search.press("Enter")
    expect(desk.get_by_role("heading", name=re.compile("Okafor, Chidi"))).to_be_visible()


def test_enter_in_the_navbar_search_lists_the_results_with_the_query_in_the_address(
    desk: Page, okafor
):
    desk.get_by_label("Find a patient", exact=True).fill("okafor")
    desk.get_by_label("Find a patient", exact=True).press("Enter")
    expect(desk).to_have_url(re.compile(r"/patients/\?q=okafor$"))
    expect(desk.get_by_role("link", name="Okafor, Chidi")).to_be_visible()


def test_the_patient_lists_live_filter_keeps_the_query_in_the_address(desk: Page, okafor, clinic):
    PatientFactory(home_location=clinic, last_name="Zeller")
    desk.goto("/patients/")
    desk.get_by_test_id("patient-search").press_sequentially("okaf")
    expect(desk.get_by_role("link", name="Zeller", exact=False)).to_have_count(0)
    expect(desk.get_by_role("link", name="Okafor, Chidi")).to_be_visible()
    expect(desk).to_have_url(re.compile(r"q=okaf"))
    with desk.expect_response(lambda r: "/patients/?" in r.url):
        desk.get_by_test_id("patient-search").press("Enter")
    desk.wait_for_timeout(200)  # htmx writes the address after the response
    assert parse_qs(urlsplit(desk.url).query)["q"] == ["okaf"]


def test_back_from_a_record_restores_the_patient_lists_search(desk: Page, okafor, clinic):
    PatientFactory(home_location=clinic, last_name="Zeller")
    desk.goto("/patients/")
    desk.get_by_test_id("patient-search").press_sequentially("okaf")
    expect(desk).to_have_url(re.compile(r"q=okaf"))
    desk.get_by_role("link", name="Okafor, Chidi").click()
    expect(desk.get_by_role("heading", name=re.compile("Okafor, Chidi"))).to_be_visible()
    desk.go_back()

    expect(desk.get_by_test_id("patient-search")).to_have_value("okaf")
    expect(desk.get_by_role("link", name="Okafor, Chidi")).to_be_visible()
    expect(desk.get_by_role("link", name=re.compile("Zeller"))).to_have_count(0)


def test_typing_in_the_navbar_on_the_patient_list_leaves_the_list_alone(desk: Page, okafor):
    desk.goto("/patients/?q=okafor")
    desk.get_by_label("Find a patient", exact=True).press_sequentially("zz")
    desk.wait_for_timeout(700)
    expect(desk).to_have_url(re.compile(r"/patients/\?q=okafor$"))


# --- the keyboard path through booking -------------------------------------------------------


def test_enter_in_the_reason_books_the_visit(desk: Page, okafor, visit_type):
    open_a_slot(desk, f"?patient={okafor.pk}")
    desk.get_by_label("Reason for visit").fill("Cough")
    desk.get_by_label("Reason for visit").press("Enter")

    expect(desk.get_by_test_id("status")).to_have_text("Scheduled")
    assert Appointment.objects.get().reason == "Cough"


def test_the_booking_form_starts_in_the_patient_search(desk: Page, okafor, visit_type):
    open_a_slot(desk)
    expect(desk.get_by_test_id("patient-search")).to_be_focused()


def test_after_a_refusal_the_cursor_is_in_the_field_to_fix(desk: Page, okafor, visit_type):
    open_a_slot(desk)
    desk.get_by_label("Reason for visit").fill("Cough")
    desk.get_by_label("Reason for visit").press("Enter")

    expect(desk.locator("[data-field-error=patient]")).to_be_visible()
    expect(desk.get_by_test_id("patient-search")).to_be_focused()
    expect(desk.get_by_label("Reason for visit")).to_have_value("Cough")


def test_after_checking_the_dates_the_cursor_is_back_on_the_button(desk: Page, okafor, visit_type):
    desk.goto(f"/schedule/series/?patient={okafor.pk}")
    desk.get_by_label("Type of visit").select_option(label="Sick visit")
    desk.get_by_label("Provider").select_option(label="Ana Reyes, MD")
    desk.get_by_label("Location").select_option(label="Main Street Clinic")
    first = timezone.localdate() + dt.timedelta(days=8)
    desk.get_by_label("First visit (date and time)").fill(f"{first:%Y-%m-%d}T10:00")
    desk.get_by_test_id("check-dates").focus()
    desk.keyboard.press("Enter")

    expect(desk.get_by_test_id("series-report")).to_be_visible()
    assert focused(desk, "data-testid") == "check-dates"


def test_a_refused_chosen_patient_puts_the_cursor_on_change(desk: Page, clinic, visit_type):
    gone = PatientFactory(
        home_location=clinic, last_name="Okoro", first_name="Ada", deceased_date=dt.date(2024, 1, 1)
    )
    open_a_slot(desk, f"?patient={gone.pk}")
    expect(desk.get_by_test_id("picker-chosen")).to_contain_text("Okoro")
    desk.get_by_label("Reason for visit").fill("Check-up")
    desk.get_by_label("Reason for visit").press("Enter")

    expect(desk.locator("[data-field-error=patient]")).to_be_visible()
    # The search box is hidden while a patient is chosen: the cursor goes to "Change".
    expect(desk.get_by_test_id("picker-change")).to_be_focused()
