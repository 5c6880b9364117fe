"""Registering patients in the browser, and the warning about a patient we may already have."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from medoffice.core.roles import Role
from medoffice.patients.models import Patient
from tests.browser.helpers import log_in, save_screenshot, staff
from tests.factories import LocationFactory

pytestmark = pytest.mark.browser


def _fill_registration(page: Page) -> None:
    page.goto("/patients/new/")
    page.get_by_label("Legal first name").fill("Marisol")
    page.get_by_label("Legal last name").fill("Quintero")
    page.get_by_label("Date of birth", exact=True).fill("1984-03-09")
    page.get_by_label("Sex", exact=True).select_option(label="Female")
    page.get_by_label("Mobile phone", exact=True).fill("(413) 555-0142")


def test_registering_the_same_name_and_birth_date_twice_warns_before_creating(page: Page, practice):
    clinic = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))

    _fill_registration(page)
    page.evaluate("window.scrollTo(0, 0)")
    save_screenshot(page, "patient-register")
    page.get_by_test_id("save-patient").click()
    expect(page.get_by_role("heading", name="Quintero")).to_be_visible()
    first = Patient.objects.get()
    save_screenshot(page, "patient-record")

    _fill_registration(page)
    page.get_by_test_id("save-patient").click()
    warning = page.get_by_test_id("duplicate-warning")
    expect(warning).to_contain_text(first.mrn)
    save_screenshot(page, "patient-duplicate-warning")
    assert Patient.objects.count() == 1

    page.get_by_label("These are different people: create the new record anyway").check()
    page.get_by_test_id("save-patient").click()
    expect(page.get_by_text("Registered Marisol Quintero")).to_be_visible()
    assert Patient.objects.filter(last_name="Quintero").count() == 2
