"""Money in, as the biller and the office manager do it: the biller imports a payer's 835,
sees the payments it posted and the claim it denied, and appeals the denial with a letter;
runs the month's statements and opens one; the office manager finds an underpaid line on
the contract report."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from medoffice.billing.era_build import ClaimAnswer, LineAnswer
from medoffice.billing.models import Denial
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_contracts import ContractFactory, adjudicated_visit, allowed_schedule
from tests.billing.factories_era import D, era_for, paid_in_full_answer, submitted_claim
from tests.billing.factories_ledger import claimed_visit
from tests.browser.helpers import log_in, save_screenshot, staff
from tests.factories import LocationFactory, PatientFactory
from tests.patients.factories import PayerFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


def _denied(claim) -> ClaimAnswer:
    return ClaimAnswer(
        claim.control_number,
        (
            LineAnswer("99213", D("150"), D("0"), (("CO", "197", D("150")),), ("25",)),
            LineAnswer("36415", D("20"), D("0"), (("CO", "197", D("20")),)),
        ),
        status="4",
    )


def test_the_biller_imports_an_835_sees_payments_and_a_denial_and_appeals_it(page: Page, tmp_path):
    paid = submitted_claim()
    denied = submitted_claim()
    denied.payer = paid.payer
    denied.save(update_fields=["payer"])
    remit = tmp_path / "remit.835"
    remit.write_bytes(era_for(paid, paid_in_full_answer(paid), _denied(denied)))
    log_in(page, staff(Role.BILLER))

    page.goto("/billing/remittances/import/")
    page.get_by_label("The file (835)").set_input_files(remit)
    page.get_by_test_id("era-import").click()
    report = page.get_by_test_id("era-report")
    expect(report).to_contain_text("1 payment posted")
    expect(report).to_contain_text("2 of 2 claims matched")
    expect(report).to_contain_text("1 denial")
    report.get_by_role("link", name="Open the file").click()
    claims = page.get_by_test_id("era-claims")
    expect(claims).to_contain_text(paid.control_number)
    expect(claims).to_contain_text("$90.00")
    expect(claims).to_contain_text("denied")
    save_screenshot(page, "remittance-file")

    page.goto("/billing/denials/")
    expect(page.get_by_test_id("denial-groups")).to_contain_text("197")
    denial = Denial.objects.filter(claim=denied).order_by("-amount").first()
    page.goto(f"/billing/denials/{denial.pk}/")
    expect(page.get_by_test_id("denial-reason")).to_contain_text("197")
    save_screenshot(page, "denial-detail")
    page.get_by_test_id("denial-appeal").click()
    page.get_by_test_id("appeal-template").first.click()
    page.get_by_test_id("appeal-save").click()
    expect(page.get_by_test_id("denial-status")).to_contain_text("Appealed")
    letter = page.get_by_test_id("appeal-pdf").first
    answer = page.request.get(letter.get_attribute("href"))
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")


def test_the_biller_runs_the_statements_and_opens_one(page: Page):
    location = LocationFactory(name="Main Street Clinic")
    patient = PatientFactory(home_location=location, last_name="Quorvane")
    claimed_visit(patient, location=location, insured=False)  # $170 due, self-pay
    log_in(page, staff(Role.BILLER))

    page.goto("/billing/statements/")
    page.get_by_test_id("statement-preview").click()
    page.get_by_test_id("statement-run").click()
    expect(page.get_by_role("table")).to_contain_text("Quorvane")
    save_screenshot(page, "statement-run")
    link = page.get_by_role("row").filter(has_text="Quorvane").get_by_role("link").first
    answer = page.request.get(link.get_attribute("href"))
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")


def test_the_office_manager_finds_an_underpaid_line_on_the_contract_report(page: Page):
    payer = PayerFactory(name="Harbor Synthetic Health")
    schedule = allowed_schedule(payer, {"99213": "100.00", "36415": "10.00"})
    ContractFactory(payer=payer, method="schedule", fee_schedule=schedule, percent=None)
    short, _ = adjudicated_visit(payer=payer, allowed=("90.00", "10.00"))
    log_in(page, staff(Role.OFFICE_MANAGER))

    page.goto("/billing/contracts/underpayments/")
    lines = page.get_by_test_id("underpayment-lines")
    expect(lines).to_contain_text(short.claim.control_number)
    expect(lines).to_contain_text("$10.00")
    expect(page.get_by_test_id("underpayment-by-payer")).to_contain_text("Harbor Synthetic Health")
    save_screenshot(page, "underpayments")
