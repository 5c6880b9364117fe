"""Registering patients in the browser, and the warning about a patient we may already have."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from medoffice.core.roles import Role
from medoffice.patients.models import Patient
from tests.browser.helpers import log_in, save_screenshot, staff
from tests.factories import LocationFactory, PatientFactory
from tests.patients.factories import PayerFactory

pytestmark = pytest.mark.browser


def _fill_registration(page: Page) -> None:
    page.goto("/patients/new/")
    page.get_by_label("Legal first name").fill("Marisol")
    page.get_by_label("Legal last name").fill("Quintero")
    page.get_by_label("Date of birth", exact=True).fill("03/09/1984")
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

    PatientFactory(
        first_name="Rosa", last_name="Delgado", phone="+14135550142", home_location=clinic
    )
    _fill_registration(page)
    page.get_by_label("Legal first name").fill("Marisól")
    page.get_by_test_id("save-patient").click()
    warning = page.get_by_test_id("duplicate-warning")
    expect(warning).to_contain_text(first.mrn)
    candidates = warning.get_by_test_id("duplicate-candidate")
    expect(candidates).to_have_count(2)
    expect(candidates.nth(0)).to_contain_text("Strong match")
    expect(candidates.nth(0)).to_contain_text("Why: same birth date, same name, same phone")
    expect(candidates.nth(1)).to_contain_text("Weak hint")
    expect(candidates.nth(1)).to_contain_text("Why: same phone")
    warning.scroll_into_view_if_needed()
    save_screenshot(page, "patient-duplicate-warning")
    assert Patient.objects.filter(last_name="Quintero").count() == 1

    page.get_by_label("These are different people: create the new record anyway").check()
    page.get_by_test_id("save-patient").click()
    expect(page.get_by_text("Registered Marisól Quintero")).to_be_visible()
    assert Patient.objects.filter(last_name="Quintero").count() == 2


def test_every_error_of_the_registration_shows_at_once_and_the_summary_leads_to_each(
    page: Page, practice
):
    clinic = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))
    _fill_registration(page)
    page.get_by_label("Date of birth", exact=True).fill("02/30/1984")
    page.get_by_label("Mobile phone", exact=True).fill("abc")
    page.get_by_label("ZIP code").fill("1234")
    page.get_by_label("Social security number").fill("123")
    page.get_by_test_id("save-patient").click()

    summary = page.get_by_test_id("form-errors")
    expect(summary).to_contain_text("4 things to fix before saving")
    expect(summary).to_contain_text("30 February 1984 is not a date")
    for label in ("Date of birth", "ZIP code", "Mobile phone", "Social security number"):
        expect(summary.get_by_role("link", name=label)).to_be_visible()
    # The cursor starts in the first field to fix, marked invalid and described by its message.
    birth = page.get_by_label("Date of birth", exact=True)
    expect(birth).to_be_focused()
    expect(birth).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_date_of_birth_error")).to_contain_text("is not a date")
    page.evaluate("window.scrollTo(0, 0)")
    save_screenshot(page, "patient-register-errors")

    summary.get_by_role("link", name="ZIP code").click()
    expect(page.get_by_label("ZIP code")).to_be_focused()
    summary.get_by_role("link", name="Mobile phone").click()
    expect(page.get_by_label("Mobile phone", exact=True)).to_be_focused()
    assert not Patient.objects.exists()


def test_a_day_the_month_lacks_typed_in_a_date_picker_is_named_not_taken_for_a_blank(
    page: Page, practice
):
    clinic = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    patient = PatientFactory(home_location=clinic)
    PayerFactory(name="Pioneer Valley Health")
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))
    page.goto(f"/patients/{patient.pk}/coverages/add/")
    page.get_by_label("Member ID").fill("PV123456")
    page.get_by_label("Effective from").click()
    page.keyboard.type("02302026")
    page.get_by_test_id("save-coverage").click()

    summary = page.get_by_test_id("form-errors")
    expect(summary).to_contain_text("Effective from")
    expect(page.locator("#id_effective_from_error")).to_contain_text("This is not a date")
    expect(page.locator("#id_effective_from_error")).not_to_contain_text("required")
