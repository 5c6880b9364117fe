"""The demo's money-in pages have something to show: bank deposits imported from the
bank's CSV (matched, one without payment, one payment without deposit), corrected
insured to confirm, the posting rules with a payer's own, and the statement schedule;
a second run adds nothing."""

from __future__ import annotations

import pytest
from django.conf import settings

from medoffice.billing.demo_deposits import FILE_NAME, STRAY_CHECK, build_deposits
from medoffice.billing.demo_era import PERSON_CODE, build_posting_rules
from medoffice.billing.demo_statements import STATEMENT_DAY, build_statement_schedule
from medoffice.billing.models import (
    CoverageUpdateProposal,
    DepositSource,
    EraPayment,
    InsuranceDeposit,
    PostingRule,
    ProposalStatus,
    StatementSchedule,
)

pytestmark = pytest.mark.django_db


def test_the_demo_deposits_come_from_the_banks_file_under_var(demo):
    text = (settings.VAR_DIR / "bank" / FILE_NAME).read_text()

    assert text.splitlines()[0] == "Date,Amount,Reference,Check number,Method"
    assert set(InsuranceDeposit.objects.values_list("source", flat=True)) == {
        DepositSource.BANK_FILE
    }
    assert InsuranceDeposit.objects.count() == len(text.splitlines()) - 1


def test_most_demo_payments_are_matched_to_their_deposit(demo):
    paying = EraPayment.objects.filter(amount__gt=0)

    assert paying.filter(deposit__isnull=False).count() == paying.count() - 1


def test_one_demo_payment_has_no_deposit(demo):
    assert EraPayment.objects.filter(amount__gt=0, deposit__isnull=True).count() == 1


def test_one_demo_deposit_has_no_payment(demo):
    [stray] = InsuranceDeposit.objects.filter(payments__isnull=True)

    assert stray.check_number == STRAY_CHECK


def test_each_matched_demo_deposit_is_its_payments_amount(demo):
    for payment in EraPayment.objects.filter(deposit__isnull=False).select_related("deposit"):
        assert payment.deposit.amount == payment.amount
        assert payment.deposit.reference == payment.trace_number


def test_the_demo_has_corrected_insured_to_confirm(demo):
    proposals = list(CoverageUpdateProposal.objects.select_related("coverage"))

    assert 1 <= len(proposals) <= 2
    for proposal in proposals:
        assert proposal.status == ProposalStatus.PROPOSED
        assert proposal.member_id == f"{proposal.coverage.member_id}{PERSON_CODE}"


def test_the_demo_has_the_default_posting_rules_and_one_payers_own(demo):
    assert PostingRule.objects.filter(payer__isnull=True).count() > 20
    [own] = PostingRule.objects.filter(payer__isnull=False)
    assert (own.group_code, own.reason_code, own.remark_code) == ("CO", "45", "N381")


def test_the_demo_statements_run_by_themselves_each_month(demo):
    schedule = StatementSchedule.objects.get()

    assert (schedule.statement_day, schedule.automatic) == (STATEMENT_DAY, True)


def test_building_them_again_adds_nothing(demo):
    before = (
        InsuranceDeposit.objects.count(),
        PostingRule.objects.count(),
        StatementSchedule.objects.count(),
    )

    build_posting_rules({})
    build_deposits({})
    build_statement_schedule({})

    assert (
        InsuranceDeposit.objects.count(),
        PostingRule.objects.count(),
        StatementSchedule.objects.count(),
    ) == before
