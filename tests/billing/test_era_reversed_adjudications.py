"""A payer's reversal (835 CLP02 22) takes back the line adjudications the reversed posting
stored: the underpayment report no longer counts them, and a corrected claim sent in the
same payment as the reversal (before or after it) keeps its own adjudication."""

from __future__ import annotations

import pytest

from medoffice.billing.choices import LedgerParty
from medoffice.billing.era_build import ClaimAnswer, LineAnswer, PaymentAnswer, era_text
from medoffice.billing.models import LineAdjudication
from medoffice.billing.selectors import ledger as balances
from medoffice.billing.selectors.contracts import underpayments
from medoffice.billing.services.contracts import reverse_adjudications
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_contracts import ContractFactory
from tests.billing.factories_era import PAID_ON, D, submitted_claim
from tests.billing.test_era_posting import charge_lines, post
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
INS, PAT = LedgerParty.INSURANCE, LedgerParty.PATIENT


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture
def claim():
    claim = submitted_claim()
    # 60 % of charges: 99213 ($150) is expected at $90, 36415 ($20) at $12
    ContractFactory(payer=claim.payer, method="charges", percent=D("60"))
    return claim


def answer(claim, paid, write_off, *, status="1", sign=1):
    """99213 paid ``paid`` with CO-45 ``write_off`` and PR-2 $10 (allowed = paid + 10);
    36415 paid nothing, CO-45 $5 and PR-1 $15. ``sign=-1``: the same answer reversed."""
    day = claim.date_of_service
    return ClaimAnswer(
        claim.control_number,
        (
            LineAnswer(
                "99213",
                sign * D("150"),
                sign * D(paid),
                (("CO", "45", sign * D(write_off)), ("PR", "2", sign * D("10"))),
                ("25",),
                day,
            ),
            LineAnswer(
                "36415",
                sign * D("20"),
                D("0"),
                (("CO", "45", sign * D("5")), ("PR", "1", sign * D("15"))),
                (),
                day,
            ),
        ),
        status=status,
    )


def original(claim):
    return answer(claim, "60", "80")  # allowed 70, expected 90: underpaid


def reversal(claim):
    return answer(claim, "60", "80", status="22", sign=-1)


def corrected(claim):
    return answer(claim, "75", "65")  # allowed 85, expected 90: still underpaid, by 5


def payment(claim, *answers, trace):
    payer = claim.payer
    return era_text(
        [PaymentAnswer(trace, payer.name.upper(), payer.payer_id, answers, PAID_ON)]
    ).encode()


def counted(claim):
    """The 99213 line's allowed amounts the underpayment report counts."""
    return [row.allowed for row in underpayments(SYSTEM, audit=False).lines if row.code == "99213"]


def test_the_original_postings_underpaid_line_is_in_the_report(claim):
    post(payment(claim, original(claim), trace="EFT1"))

    assert counted(claim) == [D("70.00")]


def test_a_reversal_marks_the_reversed_postings_adjudications_taken_back(claim):
    post(payment(claim, original(claim), trace="EFT1"))
    post(payment(claim, reversal(claim), trace="EFT2"))

    rows = list(LineAdjudication.objects.filter(claim=claim))
    assert len(rows) == 2
    assert all(row.reversed_at is not None for row in rows)
    assert {row.reversed_by_source.split()[0] for row in rows} == {"claim"}


def test_the_underpayment_report_no_longer_counts_a_reversed_line(claim):
    post(payment(claim, original(claim), trace="EFT1"))
    post(payment(claim, reversal(claim), trace="EFT2"))

    assert counted(claim) == []


def test_a_reversal_then_the_corrected_claim_in_one_payment_keeps_the_corrected_adjudication(
    claim,
):
    post(payment(claim, original(claim), trace="EFT1"))
    post(payment(claim, reversal(claim), corrected(claim), trace="EFT2"))

    assert counted(claim) == [D("85.00")]


def test_the_corrected_claim_then_the_reversal_in_one_payment_keeps_the_corrected_adjudication(
    claim,
):
    post(payment(claim, original(claim), trace="EFT1"))
    post(payment(claim, corrected(claim), reversal(claim), trace="EFT2"))

    assert counted(claim) == [D("85.00")]


def test_the_corrected_claim_then_the_reversal_in_one_payment_keeps_the_corrected_posting(
    claim,
):
    post(payment(claim, original(claim), trace="EFT1"))
    post(payment(claim, corrected(claim), reversal(claim), trace="EFT2"))

    visit, _ = charge_lines(claim)
    # $150 − 75 paid − 65 written off − 10 moved to the patient
    assert balances.party_balance_of(visit.pk, INS, claim.payer_id) == 0
    assert balances.party_balance_of(visit.pk, PAT, None) == D("10")


def test_a_reversal_then_the_corrected_claim_in_one_payment_keeps_the_corrected_posting(claim):
    post(payment(claim, original(claim), trace="EFT1"))
    post(payment(claim, reversal(claim), corrected(claim), trace="EFT2"))

    visit, _ = charge_lines(claim)
    assert balances.party_balance_of(visit.pk, INS, claim.payer_id) == 0
    assert balances.party_balance_of(visit.pk, PAT, None) == D("10")


def test_the_what_if_volume_leaves_out_a_reversed_line(claim):
    from medoffice.billing.selectors.contracts import volume

    post(payment(claim, original(claim), trace="EFT1"))
    post(payment(claim, reversal(claim), trace="EFT2"))

    _rows, source = volume(SYSTEM, claim.payer_id, until=claim.date_of_service)
    assert source == "charges"  # no adjudication left to count: the lines billed instead


def test_taking_back_adjudications_again_changes_nothing(claim):
    post(payment(claim, original(claim), trace="EFT1"))
    post(payment(claim, reversal(claim), trace="EFT2"))
    before = list(LineAdjudication.objects.values_list("reversed_at", "reversed_by_source"))

    again = reverse_adjudications(
        claim_ids=[claim.pk],
        source_kind="era",
        source_ids=[row.source_id for row in LineAdjudication.objects.all()],
        reversed_by="a second reversal",
        actor=SYSTEM,
    )

    assert again == 0
    assert list(LineAdjudication.objects.values_list("reversed_at", "reversed_by_source")) == (
        before
    )
