"""The home pages in the browser: the office manager's figures each open the list behind
them with as many rows; the front desk's arrivals and copays to collect; HR's accounts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from medoffice.core.roles import Role
from tests.browser.helpers import log_in, save_screenshot, staff
from tests.factories import LocationFactory, PatientFactory
from tests.frontdesk.factories import CoverageFactory, open_all_week, todays_visit
from tests.frontdesk.test_home_panels import busy_day

pytestmark = pytest.mark.browser

FIGURES = [
    "visits",
    "arrivals",
    "no-shows",
    "waiting",
    "copays",
    "recalls",
    "waitlist",
    "failed-reminders",
]


@pytest.fixture
def clinic(practice, clock_at):
    clock_at(10)
    location = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    open_all_week(location)
    return location


def shown_count(page: Page, testid: str) -> int:
    text = page.get_by_test_id(testid).locator(".stat").inner_text()
    return int(re.sub(r"[^0-9]", "", text)) if "$" not in text else -1


def test_each_figure_of_the_managers_home_opens_a_list_with_as_many_rows(page: Page, clinic):
    busy_day(clinic)
    log_in(page, staff(Role.OFFICE_MANAGER))
    expect(page.get_by_test_id("office-day")).to_be_visible()
    save_screenshot(page, "home-office-manager")
    for name in FIGURES:
        link = page.get_by_test_id(f"figure-{name}")
        if name == "copays":
            expected = int(re.search(r"in (\d+) copay", link.inner_text()).group(1))
        else:
            expected = shown_count(page, f"figure-{name}")
        link.click()
        expect(page.locator("table tbody tr:has(td:not([colspan]))")).to_have_count(expected)
        page.go_back()


def test_the_no_show_figure_opens_the_no_shows_of_today(page: Page, clinic):
    busy_day(clinic)
    log_in(page, staff(Role.OFFICE_MANAGER))
    page.get_by_test_id("figure-no-shows").click()
    expect(page).to_have_url(re.compile(r"/schedule/appointments/\?date=.*status=no_show"))
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr")).to_contain_text("No-show")


def test_the_front_desks_home_shows_arrivals_long_waits_and_copays_to_collect(page: Page, clinic):
    busy_day(clinic)
    later = todays_visit(clinic, hour=7, patient=PatientFactory(home_location=clinic))
    CoverageFactory(patient=later.patient)  # $25.00 copay, not paid yet
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))
    panel = page.get_by_test_id("desk-day")
    expect(panel.get_by_test_id("desk-arrivals").get_by_role("listitem")).to_have_count(2)
    expect(panel.get_by_test_id("desk-too-long").get_by_role("listitem")).to_have_count(1)
    expect(panel.get_by_test_id("desk-to-collect")).to_contain_text(
        f"{later.patient.last_name}, {later.patient.first_name}"
    )
    save_screenshot(page, "home-front-desk")


def test_hrs_home_shows_users_locked_accounts_and_pending_enrolments(page: Page, clinic):
    staff(Role.BILLER, mfa=False, username="newbiller")
    log_in(page, staff(Role.HR))
    panel = page.get_by_test_id("accounts")
    expect(panel).to_be_visible()
    expect(page.get_by_test_id("accounts-mfa-pending").locator(".stat")).to_have_text("1")
    page.get_by_test_id("accounts-mfa-pending").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr")).to_contain_text("newbiller")
