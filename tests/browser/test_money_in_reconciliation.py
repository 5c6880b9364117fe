"""The newest money-in pages, as the biller works them: the bank's deposits imported from
its CSV, one matched by hand, and the reconciliation with the remittances; a corrected
insured a payer sent, confirmed onto the coverage; a posting rule changed after nonsense
was refused; the statement schedule set after nonsense was refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from medoffice.billing.era_build import PaymentAnswer, era_text
from medoffice.billing.models import InsuranceDeposit, PostingRule, StatementSchedule
from medoffice.billing.services.era import import_era
from medoffice.billing.services.era_rules import seed_posting_rules
from medoffice.billing.services.posting_rules import save_posting_rule
from medoffice.core.models import practice_zone
from medoffice.core.roles import Role
from medoffice.patients.models import Coverage
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_era import paid_in_full_answer, submitted_claim
from tests.browser.helpers import log_in, save_screenshot, staff
from tests.factories import SYSTEM

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


def _today() -> dt.date:
    return timezone.now().astimezone(practice_zone()).date()


def _remit(claim, *, trace: str, paid_on: dt.date, **answer) -> None:
    payer = claim.payer
    payment = PaymentAnswer(
        trace=trace,
        payer_name=payer.name.upper(),
        payer_id=payer.payer_id,
        claims=(paid_in_full_answer(claim, **answer),),
        paid_on=paid_on,
    )
    import_era(data=era_text([payment]).encode(), filename=f"{trace}.835", actor=SYSTEM)


def test_the_biller_imports_the_banks_csv_matches_a_deposit_and_sees_the_reconciliation(
    page: Page, tmp_path
):
    today = _today()
    paid_on = today - dt.timedelta(days=6)
    _remit(submitted_claim(), trace="EFT7001", paid_on=paid_on)
    _remit(submitted_claim(), trace="EFT7002", paid_on=paid_on)
    day = (today - dt.timedelta(days=5)).isoformat()
    bank = tmp_path / "bank.csv"
    bank.write_text(
        "Date,Amount,Reference,Check number\n"
        f"{day},90.00,EFT7001,\n"  # the 835's trace: matched by itself
        f"{day},90.00,BANKCR5521,\n"  # the bank's own reference: matched by hand
        f"{day},250.00,,7781\n"  # a check no remittance explains yet
    )
    log_in(page, staff(Role.BILLER))

    page.goto("/billing/deposits/")
    page.get_by_role("link", name="Import the bank's CSV").click()
    page.get_by_label("The bank's file (CSV: date, amount, reference)").set_input_files(bank)
    page.get_by_label("Method of rows that do not say").select_option("eft")
    page.get_by_test_id("deposit-import").click()
    report = page.get_by_test_id("deposit-import-report")
    expect(report).to_contain_text("3 deposits entered")
    expect(report).to_contain_text("1 matched to a remittance")
    save_screenshot(page, "deposit-import")

    report.get_by_role("link", name="All deposits").click()
    page.get_by_role("row").filter(has_text="BANKCR5521").get_by_role("link").first.click()
    page.get_by_label("Match payment EFT7002").check()
    page.get_by_test_id("deposit-match").click()
    expect(page.get_by_text("Matched.")).to_be_visible()
    expect(page.get_by_test_id("deposit-payments")).to_contain_text("EFT7002")
    expect(page.get_by_test_id("deposit-difference")).to_contain_text("difference $0.00")
    save_screenshot(page, "deposit-detail")

    page.get_by_role("link", name="All deposits").click()
    page.get_by_role("link", name="Reconciliation").click()
    page.get_by_label("From").fill((today - dt.timedelta(days=10)).isoformat())
    page.get_by_label("To").fill(today.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("$430.00 deposited, $180.00 paid by remittances")).to_be_visible()
    expect(page.get_by_test_id("reconciliation-payments")).to_contain_text("None.")
    expect(page.get_by_test_id("reconciliation-deposits")).to_contain_text("7781")
    expect(page.get_by_test_id("reconciliation-deposits")).to_contain_text("$250.00")
    save_screenshot(page, "deposit-reconciliation")
    assert InsuranceDeposit.objects.filter(payments__trace_number="EFT7002").get().reference == (
        "BANKCR5521"
    )


def test_the_biller_confirms_a_corrected_insured_and_sees_the_coverage_changed(page: Page):
    claim = submitted_claim()
    patient = claim.patient
    _remit(
        claim,
        trace="EFT7101",
        paid_on=_today(),
        patient_last=patient.last_name.upper(),
        patient_first=patient.first_name.upper(),
        corrected_member_id="W9876543201",
    )
    before = Coverage.objects.get(pk=claim.coverage_id).member_id
    log_in(page, staff(Role.BILLER))

    page.goto("/billing/remittances/corrected-insured/")
    queue = page.get_by_test_id("era-proposals")
    expect(queue).to_contain_text("W9876543201")
    queue.get_by_role("link", name="To confirm").click()
    comparison = page.get_by_test_id("era-proposal")
    expect(comparison).to_contain_text(before)
    expect(comparison).to_contain_text("W9876543201")
    save_screenshot(page, "corrected-insured")
    page.get_by_test_id("proposal-confirm").click()
    expect(page.get_by_text("The coverage now has the payer's correction.")).to_be_visible()
    expect(page.get_by_test_id("era-proposals")).to_contain_text("Nothing to confirm.")

    page.get_by_role("link", name="Also those decided").click()
    row = page.get_by_test_id("era-proposals").get_by_role("row").filter(has_text="Confirmed")
    expect(row).to_contain_text("W9876543201")
    assert Coverage.objects.get(pk=claim.coverage_id).member_id == "W9876543201"


def test_the_biller_changes_a_posting_rule_after_nonsense_is_refused(page: Page):
    payer = submitted_claim().payer
    seed_posting_rules()
    rule = save_posting_rule(
        actor=SYSTEM,
        payer=payer,
        group_code="CO",
        reason_code="45",
        remark_code="N381",
        action="contractual_write_off",
    )
    log_in(page, staff(Role.BILLER))

    page.goto("/billing/remittances/rules/")
    page.get_by_label("Payer").select_option(label=payer.name)
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#list-table").get_by_role("row").filter(has_text="N381")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name="CO").click()
    page.get_by_label("CARC").fill("4 5!")
    page.get_by_label("RARC").fill("X99")
    page.get_by_label("CLP02").fill("99")
    page.get_by_label("What the posting does").select_option("other_adjustment")
    page.get_by_role("button", name="Save").click()
    errors = page.get_by_test_id("form-errors")
    expect(errors).to_contain_text("3 things to fix before saving")
    expect(errors).to_contain_text("CARC")
    expect(errors).to_contain_text("RARC")
    expect(errors).to_contain_text("CLP02")
    save_screenshot(page, "posting-rule-errors")
    rule.refresh_from_db()
    assert (rule.reason_code, rule.remark_code, rule.action) == (
        "45",
        "N381",
        "contractual_write_off",
    )

    page.get_by_label("CARC").fill("45")
    page.get_by_label("RARC").fill("N381")
    page.get_by_label("CLP02").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the rule CO-45 RARC N381")).to_be_visible()
    save_screenshot(page, "posting-rules")
    rule.refresh_from_db()
    assert rule.action == "other_adjustment"
    assert PostingRule.objects.filter(payer=payer).count() == 1


def test_the_biller_sets_the_statement_schedule_after_nonsense_is_refused(page: Page):
    log_in(page, staff(Role.BILLER))

    page.goto("/billing/statements/schedule/")
    day = page.get_by_label("Statement day")
    # A day the list does not offer, as a page left open from elsewhere could send it.
    day.evaluate("select => select.add(new Option('31', '31'))")
    day.select_option("31")
    page.get_by_label("Run the statements automatically on that day").check()
    page.get_by_test_id("statement-schedule-save").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("Statement day")
    assert StatementSchedule.objects.filter(automatic=True).count() == 0

    page.get_by_label("Statement day").select_option("3")
    page.get_by_label("Run the statements automatically on that day").check()
    page.get_by_test_id("statement-schedule-save").click()
    expect(page.get_by_text("The statement schedule is saved.")).to_be_visible()
    expect(page.get_by_label("Statement day")).to_have_value("3")
    save_screenshot(page, "statement-schedule")
    schedule = StatementSchedule.objects.get()
    assert (schedule.statement_day, schedule.automatic) == (3, True)
