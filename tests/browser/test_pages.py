"""The main pages open cleanly in the browser; lists and forms work with htmx."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from medoffice.core.roles import Role
from tests.browser.helpers import log_in, save_screenshot, staff
from tests.factories import LocationFactory, LocationHoursFactory, PatientFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def clinics(practice):
    main = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    north = LocationFactory(practice=practice, name="North End Clinic", code="NORTH")
    for weekday in range(5):
        LocationHoursFactory(location=main, weekday=weekday)
        LocationHoursFactory(location=north, weekday=weekday, opens=dt.time(9))
    return main, north


def test_office_manager_opens_each_main_page(page: Page, clinics):
    main, north = clinics
    for n in range(12):
        PatientFactory(home_location=main if n % 3 else north)
    for role in (Role.FRONT_DESK, Role.BILLER, Role.PROVIDER):
        staff(role, locations=[main])
    log_in(page, staff(Role.OFFICE_MANAGER, first_name="Morgan"))

    for path, heading, screenshot in [
        ("/practice/", "Test Family Practice", "practice"),
        ("/patients/", "Patients", "patients-list"),
        ("/users/", "Users", None),
        ("/audit/", "Audit log", None),
        ("/patients/emergency-accesses/", "Emergency accesses", None),
        ("/accounts/mfa/recovery-codes/", "Two-step log-in", None),
    ]:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        if screenshot:
            save_screenshot(page, screenshot)


def test_patient_search_narrows_the_list_as_you_type(page: Page, clinics):
    main, _ = clinics
    PatientFactory(home_location=main, last_name="Abernathy", first_name="Ruth")
    PatientFactory(home_location=main, last_name="Okafor", first_name="Chidi")
    log_in(page, staff(Role.FRONT_DESK, locations=[main]))
    page.goto("/patients/")
    expect(page.locator("#list-table tbody tr")).to_have_count(2)
    page.locator("form.list-filter").get_by_role("searchbox").first.press_sequentially("okaf")
    expect(page.locator("#list-table tbody tr")).to_have_count(1)
    expect(page.locator("#list-table tbody")).to_contain_text("Okafor, Chidi")
    expect(page).to_have_url(re.compile(r"q=okaf"))


def test_new_api_token_is_shown_once(page: Page):
    log_in(page, staff(Role.FRONT_DESK))
    page.goto("/accounts/tokens/")
    page.get_by_label("What is it for?").fill("Nightly export script")
    page.get_by_role("checkbox", name="Scheduling").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_test_id("new-token")).not_to_be_empty()
    expect(page.get_by_role("cell", name="Nightly export script")).to_be_visible()
    save_screenshot(page, "tokens")
    page.goto("/accounts/tokens/")
    expect(page.get_by_test_id("new-token")).to_have_count(0)
    expect(page.get_by_role("cell", name="Nightly export script")).to_have_count(1)
