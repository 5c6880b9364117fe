"""What an 835's posting hands on: a zero-pay denial opens denials in the queue, and each
line a contracted payer adjudicated is stored with the amount its contract expected."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medoffice.billing.era_build import ClaimAnswer, LineAnswer
from medoffice.billing.models import Denial, EraClaimPayment, EraException, LineAdjudication
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_contracts import ContractFactory
from tests.billing.factories_era import PAID_ON, D, era_for, submitted_claim
from tests.billing.test_era_posting import post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture
def claim():
    return submitted_claim()


def _denied(claim, reason="197"):
    return ClaimAnswer(
        claim.control_number,
        (
            LineAnswer("99213", D("150"), D("0"), (("CO", reason, D("150")),), ("25",)),
            LineAnswer("36415", D("20"), D("0"), (("CO", reason, D("20")),)),
        ),
        status="4",
    )


def test_a_zero_pay_denial_opens_a_denial_per_line_in_the_queue(claim):
    post(era_for(claim, _denied(claim)))
    denials = list(Denial.objects.order_by("amount"))
    assert [(d.group_code, d.reason_code, d.amount) for d in denials] == [
        ("CO", "197", D("20.00")),
        ("CO", "197", D("150.00")),
    ]
    assert {d.claim_id for d in denials} == {claim.pk}
    assert {d.status for d in denials} == {"open"}


def test_the_denials_name_the_claim_payment_and_the_payments_date(claim):
    post(era_for(claim, _denied(claim)))
    cp = EraClaimPayment.objects.get()
    denial = Denial.objects.order_by("amount").last()
    assert (denial.source_kind, denial.source_id) == ("era", str(cp.pk))
    assert denial.denied_on == PAID_ON


def test_importing_the_denial_again_opens_nothing_more(claim):
    data = era_for(claim, _denied(claim))
    post(data)
    post(data)
    assert Denial.objects.count() == 2


def test_a_paid_claim_opens_no_denial(claim):
    post(era_for(claim))
    assert not Denial.objects.exists()
    assert not EraException.objects.exists()


def test_a_contracted_payers_lines_are_stored_with_the_expected_allowed_amount(claim):
    ContractFactory(payer=claim.payer, method="charges", percent=Decimal("60"))
    post(era_for(claim))
    rows = {row.code: row for row in LineAdjudication.objects.all()}
    # 99213 $150 paid 90 + PR 10; 36415 $20 paid 0 + PR 15 (the typical answer)
    assert rows["99213"].allowed == D("100.00")
    assert rows["99213"].paid == D("90.00")
    assert rows["99213"].expected_allowed == D("90.00")
    assert rows["36415"].allowed == D("15.00")
    assert rows["36415"].expected_allowed == D("12.00")


def test_a_payer_without_a_contract_stores_no_adjudications(claim):
    post(era_for(claim))
    assert not LineAdjudication.objects.exists()


def test_a_claim_the_payer_forwarded_is_not_billed_to_the_next_payer(claim):
    from medoffice.billing.services.cob import next_payer_refusal
    from tests.billing.factories_era import paid_in_full_answer

    post(era_for(claim, paid_in_full_answer(claim, status="19", crossover_to="MEDIGAP PLAN")))
    claim.refresh_from_db()
    assert "forwarded claim" in next_payer_refusal(claim)
    assert "MEDIGAP PLAN" in next_payer_refusal(claim)


def test_a_desk_copay_larger_than_the_payers_share_comes_back_and_no_party_goes_below_zero(
    claim,
):
    from medoffice.billing.models import ChargeLine
    from medoffice.billing.selectors import ledger as balances
    from medoffice.billing.services.ledger import transfer
    from tests.factories import SYSTEM

    visit = ChargeLine.objects.filter(encounter=claim.encounter).order_by("line_number").first()
    # the desk moved a $60 copay of the $150 visit to the patient before the payer answered
    transfer(
        actor=SYSTEM,
        line=visit,
        amount="60.00",
        from_party="insurance",
        to_party="patient",
        from_payer_id=claim.payer_id,
        claim=claim,
        group_code="PR",
        reason_code="3",
    )
    # the payer: 99213 paid 90, CO-45 50, the patient's share only PR-2 10
    post(era_for(claim))
    insurance = balances.party_balance_of(visit.pk, "insurance", claim.payer_id)
    patient = balances.party_balance_of(visit.pk, "patient", None)
    assert insurance == D("0.00")
    assert patient == D("10.00")
