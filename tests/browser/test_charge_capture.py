"""Coding a visit from the day view: pick a diagnosis by typing, add a line and see its
charge fill in, send it to review; the biller approves it and sees the claim."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from medoffice.billing.models import Claim
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes, seen_visit
from tests.browser.helpers import log_in, log_out, save_screenshot, staff
from tests.factories import LocationFactory

pytestmark = pytest.mark.browser


def test_the_desk_codes_a_visit_and_the_biller_approves_it(page: Page, practice, clock_at):
    clock_at(10)
    office_visit_codes()
    clinic = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    visit = seen_visit(location=clinic, days_ago=0)
    log_in(page, staff(Role.FRONT_DESK, locations=[clinic]))

    page.goto(f"/front-desk/day/?date={visit.start.date().isoformat()}&location={clinic.pk}")
    page.get_by_test_id(f"charges-{visit.pk}").click()
    expect(page.get_by_test_id("encounter-status")).to_have_text("Not coded yet")

    page.get_by_test_id("dx-A-search").press_sequentially("E11.9")
    expect(page.get_by_test_id("dx-option").first).to_be_visible()
    page.get_by_test_id("dx-A-search").press("ArrowDown")
    page.get_by_test_id("dx-A-search").press("Enter")
    expect(page.get_by_test_id("dx-A-chosen")).to_contain_text("Type 2 diabetes mellitus")

    page.get_by_test_id("code-1-search").press_sequentially("9921")
    expect(page.get_by_test_id("code-option").first).to_be_visible()
    page.get_by_test_id("code-option").first.click()
    expect(page.get_by_test_id("code-1-chosen")).to_contain_text("99213")
    expect(page.get_by_test_id("charge-1")).to_have_value("150.00")
    page.get_by_test_id("units-1").fill("2")
    page.get_by_test_id("units-1").blur()
    expect(page.get_by_test_id("charge-1")).to_have_value("300.00")
    page.get_by_test_id("pointers-1").fill("A")
    save_screenshot(page, "charge-capture")
    page.get_by_test_id("send-to-review").click()
    expect(page.get_by_test_id("encounter-status")).to_have_text("Waiting for coder review")

    log_out(page)
    log_in(page, staff(Role.BILLER))
    page.goto("/billing/coding/")
    page.locator(f'a[href="/billing/visits/{visit.pk}/charges/"]').click()
    page.get_by_test_id("review-submit").click()
    expect(page.get_by_test_id("encounter-status")).to_have_text("Claimed (locked)")
    claim = Claim.objects.get(encounter__appointment=visit)
    page.get_by_role("link", name=claim.control_number).click()
    expect(page.get_by_test_id("claim-total")).to_have_text("$300.00")
    expect(page.get_by_test_id("claim-diagnoses")).to_contain_text("E11.9")
    save_screenshot(page, "claim-detail")
