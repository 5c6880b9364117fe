"""The patient record in the browser: the banner, no sideways scrolling at 1280×800, and
ending a coverage through its confirmation step."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from medoffice.core.roles import Role
from medoffice.patients.models import Coverage
from tests.browser.helpers import log_in, save_screenshot, staff
from tests.factories import LocationFactory, PatientFactory
from tests.frontdesk.factories import CoverageFactory, open_all_week, todays_visit
from tests.patients.factories import AlertFactory, ConsentFactory, PayerFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def patient(practice, clock_at):
    clock_at(10)
    clinic = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    open_all_week(clinic)
    patient = PatientFactory(home_location=clinic, last_name="Okafor", first_name="Chidi")
    CoverageFactory(
        patient=patient,
        payer=PayerFactory(name="Blue Cross Blue Shield of Massachusetts"),
        plan_name="PPO Saver Plus with Dental and Vision Riders",
        member_id="XQJ123456789012",
        group_number="GRP-0098765",
    )
    CoverageFactory(
        patient=patient,
        order=2,
        payer=PayerFactory(name="Harvard Pilgrim Health Care"),
        member_id="HP987654321",
    )
    ConsentFactory(patient=patient)
    AlertFactory(patient=patient, text="Prefers morning visits")
    todays_visit(clinic, patient=patient, hour=1)
    return patient


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_the_record_fits_1280_pixels_without_scrolling_sideways(page: Page, patient):
    log_in(page, staff(Role.FRONT_DESK, locations=[patient.home_location]))
    page.goto(f"/patients/{patient.pk}/")
    expect(page.get_by_test_id("patient-banner")).to_be_visible()
    assert no_sideways_scroll(page)
    # Nor inside the record: no table scrolls within its box (the End button was clipped).
    clipped = page.evaluate(
        "[...document.querySelectorAll('main *:not(.visually-hidden)')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1"
        " && getComputedStyle(e).overflowX !== 'visible')"
        ".map(e => e.className)"
    )
    assert clipped == []
    expect(page.get_by_test_id("end-coverage").first).to_be_in_viewport()


def test_the_banner_shows_the_patients_key_facts(page: Page, patient):
    log_in(page, staff(Role.FRONT_DESK, locations=[patient.home_location]))
    page.goto(f"/patients/{patient.pk}/")
    banner = page.get_by_test_id("patient-banner")
    expect(banner.get_by_test_id("banner-mrn")).to_have_text(patient.mrn)
    expect(banner.get_by_test_id("banner-coverage")).to_contain_text("Blue Cross")
    expect(banner.get_by_test_id("banner-balance")).to_contain_text("No balance")
    expect(banner.get_by_test_id("patient-alert")).to_contain_text("Prefers morning visits")
    expect(page.get_by_test_id("visit-row")).to_have_count(1)
    save_screenshot(page, "patient-record-banner")


def test_end_asks_for_confirmation_and_cancel_leaves_the_coverage_as_it_was(page: Page, patient):
    log_in(page, staff(Role.FRONT_DESK, locations=[patient.home_location]))
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_test_id("end-coverage").first.click()
    confirm = page.get_by_test_id("confirm-end")
    expect(confirm.get_by_label("Last day covered")).to_be_visible()
    save_screenshot(page, "coverage-end-confirm")
    confirm.get_by_role("link", name="Cancel").click()
    expect(page.get_by_test_id("patient-banner")).to_be_visible()
    assert Coverage.objects.filter(patient=patient, is_active=True).count() == 2


def test_confirming_the_end_ends_the_coverage_on_the_date_given(page: Page, patient):
    log_in(page, staff(Role.FRONT_DESK, locations=[patient.home_location]))
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_test_id("end-coverage").first.click()
    confirm = page.get_by_test_id("confirm-end")
    confirm.get_by_label("Last day covered").fill("2026-06-30")
    confirm.get_by_role("button", name="End coverage").click()
    expect(page.get_by_text("Coverage ended.")).to_be_visible()
    assert Coverage.objects.filter(patient=patient, is_active=True).count() == 1
