"""The biller sends claims: scrubs a claim and sees what is wrong, overrides a warning with a
reason, submits the ready claims as a batch, downloads its 837P, imports the
clearinghouse's 999 that rejects one claim, and finds that claim in the rejection queue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from medoffice.billing.models import Claim, ClaimBatch
from medoffice.core.models import Practice
from medoffice.core.roles import Role
from medoffice.x12.respond import Rejection, acknowledge_837
from medoffice.x12.writer import InterchangeHeader
from tests.billing.factories_claims import billable_claim, office_visit_codes
from tests.browser.helpers import log_in, save_screenshot, staff
from tests.factories import LocationFactory

pytestmark = pytest.mark.browser


def _claim(clinic, outbox: Path, **patient) -> Claim:
    return billable_claim(clinic, outbox, **patient)


def test_the_biller_scrubs_submits_and_works_a_rejection(page: Page, practice, tmp_path):
    office_visit_codes()
    Practice.objects.update(postal_code="01103-2211", phone="(413) 555-0100")
    clinic = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    good = _claim(clinic, tmp_path / "outbox")
    flawed = _claim(clinic, tmp_path / "outbox")
    flawed.lines.filter(line_number=2).update(diagnosis_pointers="")
    flawed.payer.billing.clearinghouse = good.payer.billing.clearinghouse
    flawed.payer.billing.save()
    log_in(page, staff(Role.BILLER))

    page.goto(f"/billing/claims/{flawed.pk}/")
    page.get_by_test_id("claim-scrub").click()
    findings = page.get_by_test_id("claim-findings")
    expect(findings).to_contain_text("line 2")
    expect(findings).to_contain_text("How to fix")
    expect(page.get_by_test_id("claim-status")).to_have_text("Scrubbed, needs fixing")
    save_screenshot(page, "claim-scrubbed")

    flawed.lines.filter(line_number=2).update(diagnosis_pointers="1")  # the coder's fix
    page.get_by_test_id("claim-scrub").click()
    expect(page.get_by_test_id("claim-status")).to_have_text("Ready to submit")
    page.goto(f"/billing/claims/{good.pk}/")
    page.get_by_test_id("claim-scrub").click()
    expect(page.get_by_test_id("claim-status")).to_have_text("Ready to submit")

    page.goto("/billing/batches/")
    page.get_by_test_id("submit-ready").click()
    expect(page.locator(".messages")).to_contain_text("Submitted 2 claim(s) in 1 batch(es)")
    batch = ClaimBatch.objects.get()
    page.get_by_role("link", name=f"{batch.interchange_control_number:09d}").click()
    with page.expect_download() as download:
        page.get_by_test_id("batch-download").click()
    saved = tmp_path / "batch.x12"
    download.value.save_as(saved)
    assert saved.read_text() == batch.content

    answer = tmp_path / "answer.999"
    answer.write_text(
        acknowledge_837(
            batch.content,
            {flawed.control_number: Rejection(segment_id="NM1", element=9, loop="2010BA")},
            InterchangeHeader(
                sender_id="SYNXCHG",
                receiver_id="MEDOFFICE",
                interchange_control_number=5,
                group_control_number=5,
                created=dt.datetime(2026, 11, 30, 9, 0),
            ),
        )
    )
    page.goto("/billing/acknowledgements/import/")
    page.get_by_label("The file (999 or 277CA)").set_input_files(answer)
    page.get_by_test_id("ack-import").click()
    report = page.get_by_test_id("ack-report")
    expect(report).to_contain_text("0 accepted, 2 rejected")
    expect(report).to_contain_text("NM1 at position")
    save_screenshot(page, "acknowledgement-report")

    page.goto("/billing/claims/rejected/")
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=flawed.control_number, exact=True)
    )
    expect(row).to_contain_text("element NM109")
    save_screenshot(page, "rejection-queue")
