"""Posting an 835: payments, write-offs and patient shares land on the claim's lines; a
file posts once; a bad file posts nothing; what cannot be matched goes to exceptions."""

from __future__ import annotations

import pytest

from medoffice.billing.choices import ClaimStatus, LedgerKind, LedgerParty
from medoffice.billing.era_build import ClaimAnswer, LineAnswer
from medoffice.billing.models import (
    ChargeLine,
    Claim,
    ClaimNote,
    CoverageUpdateProposal,
    EraClaimPayment,
    EraException,
    EraExceptionKind,
    EraFile,
    EraPayment,
    EraProviderAdjustment,
    LedgerEntry,
    PostingRule,
)
from medoffice.billing.selectors import ledger as balances
from medoffice.billing.services.era import EraFileRefused, import_era
from medoffice.billing.services.era_exceptions import match_exception
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_era import D, era_for, paid_in_full_answer, submitted_claim
from tests.factories import SYSTEM, UserFactory

pytestmark = pytest.mark.django_db
INS, PAT = LedgerParty.INSURANCE, LedgerParty.PATIENT


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture
def claim():
    return submitted_claim()


def charge_lines(claim):
    return list(ChargeLine.objects.filter(encounter=claim.encounter).order_by("line_number"))


def owed(line, party, payer_id=None):
    return balances.party_balance_of(line.pk, party, payer_id)


def post(data, name="remit.835", actor=SYSTEM):
    return import_era(data=data, filename=name, actor=actor)


def test_a_payment_posts_paid_amounts_write_offs_and_patient_shares_per_line(claim):
    post(era_for(claim))
    visit, lab = charge_lines(claim)
    assert owed(visit, INS, claim.payer_id) == 0
    assert owed(visit, PAT) == D("10.00")
    assert owed(lab, INS, claim.payer_id) == 0
    assert owed(lab, PAT) == D("15.00")
    kinds = sorted(LedgerEntry.objects.filter(source_kind="era").values_list("kind", flat=True))
    assert kinds.count(LedgerKind.INSURANCE_PAYMENT) == 1
    assert kinds.count(LedgerKind.CONTRACTUAL) == 2
    assert kinds.count(LedgerKind.TRANSFER) == 4


def test_the_claim_becomes_adjudicated_through_accepted_and_keeps_the_payer_number(claim):
    post(era_for(claim))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ADJUDICATED
    assert claim.payer_claim_number == f"PCN{claim.control_number}"
    moves = list(claim.transitions.values_list("from_status", "to_status"))
    assert moves[-2:] == [("submitted", "accepted"), ("accepted", "adjudicated")]


def test_the_result_counts_payments_claims_and_paid_dollars(claim):
    result = post(era_for(claim))
    assert (result.payments_posted, result.claims, result.claims_matched) == (1, 1, 1)
    assert result.exceptions == 0
    assert result.paid_total == D("90.00")
    assert result.auto_posting_rate == 1
    assert result.era_file.matched_count == 1


def test_importing_the_same_payment_again_posts_nothing_and_says_when(claim):
    data = era_for(claim)
    post(data)
    before = LedgerEntry.objects.count()
    again = post(data, "again.835")
    assert LedgerEntry.objects.count() == before
    assert again.payments_posted == 0
    assert "already imported on" in again.already_imported[0]
    assert again.era_file.status == "duplicate"


def test_one_audit_event_records_the_file(claim):
    before = AuditEvent.objects.filter(object_type="billing.erafile").count()
    post(era_for(claim))
    assert AuditEvent.objects.filter(object_type="billing.erafile").count() == before + 1


def test_a_truncated_file_posts_nothing_and_names_the_segment(claim):
    data = era_for(claim)
    cut = data[: data.index(b"SE*")]
    with pytest.raises(EraFileRefused) as refused:
        post(cut)
    assert refused.value.segment_number > 0
    assert not EraFile.objects.exists()
    assert not LedgerEntry.objects.filter(source_kind="era").exists()


def test_an_unbalanced_claim_refuses_the_file_naming_the_clp(claim):
    text = era_for(claim).decode()
    text = text.replace("CAS*CO*45*50~", "CAS*CO*45*55~", 1)
    with pytest.raises(EraFileRefused) as refused:
        post(text.encode())
    assert refused.value.segment_id in {"CLP", "SVC", "BPR"}
    assert not EraPayment.objects.exists()


def test_a_file_that_is_not_text_is_refused(claim):
    with pytest.raises(EraFileRefused, match="not text"):
        post(b"\xff\xfe\x00garbage")


def test_a_claim_that_is_not_ours_becomes_an_exception_and_the_import_succeeds(claim):
    stranger = ClaimAnswer(
        "OLD-SYSTEM-1",
        (LineAnswer("99214", D("200"), D("120"), (("CO", "45", D("80")),)),),
    )
    result = post(era_for(claim, stranger))
    assert result.claims_matched == 0
    exception = EraException.objects.get()
    assert exception.kind == EraExceptionKind.UNKNOWN_CLAIM
    assert exception.amount == D("120")
    assert result.auto_posting_rate == 0


def test_claims_of_another_payer_are_not_matched(claim):
    other = submitted_claim()
    result = post(era_for(claim, paid_in_full_answer(other)))
    assert result.claims_matched == 0


def test_a_zero_pay_denial_is_flagged_and_nothing_is_written_off(claim):
    denial = ClaimAnswer(
        claim.control_number,
        (
            LineAnswer("99213", D("150"), D("0"), (("CO", "197", D("150")),), ("25",)),
            LineAnswer("36415", D("20"), D("0"), (("CO", "197", D("20")),)),
        ),
        status="4",
    )
    result = post(era_for(claim, denial))
    cp = EraClaimPayment.objects.get()
    assert cp.is_denial
    assert result.denials == [cp]
    visit, _ = charge_lines(claim)
    assert owed(visit, INS, claim.payer_id) == D("150")


def test_a_reversal_takes_back_the_earlier_posting(claim):
    post(era_for(claim))
    original = paid_in_full_answer(claim)
    reversal = ClaimAnswer(
        claim.control_number,
        tuple(
            LineAnswer(
                ln.code,
                -ln.charge,
                -ln.paid,
                tuple((g, r, -a) for g, r, a in ln.adjustments),
                ln.modifiers,
                ln.service_date,
            )
            for ln in original.lines
        ),
        status="22",
    )
    result = post(era_for(claim, reversal, trace="EFT0002"), "reversal.835")
    assert result.reversals == 1
    visit, lab = charge_lines(claim)
    assert owed(visit, INS, claim.payer_id) == D("150")
    assert owed(visit, PAT) == 0
    assert owed(lab, PAT) == 0


def test_a_reversal_with_nothing_posted_before_is_an_exception(claim):
    reversal = ClaimAnswer(
        claim.control_number,
        (LineAnswer("99213", D("-150"), D("-90"), (("CO", "45", D("-60")),), ("25",)),),
        status="22",
    )
    post(era_for(claim, reversal))
    assert EraException.objects.get().kind == EraExceptionKind.NOT_REVERSIBLE


def test_a_dropped_modifier_still_matches_the_line(claim):
    answer = paid_in_full_answer(claim)
    first = answer.lines[0]
    object.__setattr__(first, "modifiers", ())
    post(era_for(claim, answer))
    visit, _ = charge_lines(claim)
    assert owed(visit, INS, claim.payer_id) == 0


@pytest.mark.parametrize("code", ["9921325", "99213 25"])
def test_a_modifier_glued_to_the_code_still_matches(claim, code):
    answer = paid_in_full_answer(claim)
    object.__setattr__(answer.lines[0], "code", code)
    object.__setattr__(answer.lines[0], "modifiers", ())
    result = post(era_for(claim, answer))
    assert result.exceptions == 0


def test_svc06_the_code_billed_matches_when_the_payer_paid_another(claim):
    answer = paid_in_full_answer(claim)
    object.__setattr__(answer.lines[0], "code", "99212")
    object.__setattr__(answer.lines[0], "original", ("99213", ("25",)))
    result = post(era_for(claim, answer))
    assert result.exceptions == 0
    visit, _ = charge_lines(claim)
    assert owed(visit, INS, claim.payer_id) == 0


def test_a_line_that_matches_nothing_goes_to_exceptions(claim):
    answer = paid_in_full_answer(claim)
    object.__setattr__(answer.lines[1], "code", "80053")
    post(era_for(claim, answer))
    assert EraException.objects.get().kind == EraExceptionKind.UNMATCHED_LINE


def test_claim_level_adjustments_with_no_lines_are_spread_on_the_lines(claim):
    answer = ClaimAnswer(
        claim.control_number,
        (),
        claim_adjustments=(("CO", "45", D("51.00")), ("PR", "3", D("25.00"))),
        charge=D("170.00"),
        paid=D("94.00"),
    )
    post(era_for(claim, answer))
    visit, lab = charge_lines(claim)
    assert owed(visit, INS, claim.payer_id) + owed(lab, INS, claim.payer_id) == 0
    assert owed(visit, PAT) + owed(lab, PAT) == D("25.00")


def test_an_unknown_reason_code_goes_to_exceptions_and_the_rest_posts(claim):
    answer = paid_in_full_answer(claim)
    object.__setattr__(
        answer.lines[1], "adjustments", (("CO", "Z99", D("5")), ("PR", "1", D("15")))
    )
    result = post(era_for(claim, answer))
    exception = EraException.objects.get()
    assert exception.kind == EraExceptionKind.UNKNOWN_CODE
    assert "Z99" in exception.message
    _, lab = charge_lines(claim)
    assert owed(lab, PAT) == D("15")
    assert result.auto_posting_rate == 0


def test_the_rule_table_is_seeded_with_the_defaults_on_first_import(claim):
    assert not PostingRule.objects.exists()
    post(era_for(claim))
    assert PostingRule.objects.filter(group_code="CO", reason_code="45").exists()


def test_a_payer_rule_overrides_the_default(claim):
    post(era_for(claim, trace="SEED"), "seed.835")  # seeds the table
    other = submitted_claim()
    PostingRule.objects.create(
        payer=other.payer, group_code="CO", reason_code="45", action="other_adjustment"
    )
    post(era_for(other, trace="T2"), "t2.835")
    assert (
        LedgerEntry.objects.filter(
            claim=other, kind=LedgerKind.OTHER_ADJUSTMENT, reason_code="45"
        ).count()
        == 2
    )


def test_a_crossover_marks_the_claim_forwarded(claim):
    answer = paid_in_full_answer(claim, status="19", crossover_to="MEDIGAP PLAN")
    result = post(era_for(claim, answer))
    cp = EraClaimPayment.objects.get()
    assert cp.forwarded_to == "MEDIGAP PLAN"
    assert result.crossovers == 1
    assert "Forwarded to MEDIGAP PLAN" in ClaimNote.objects.get(claim=claim).text


def test_a_corrected_insured_becomes_a_proposed_coverage_update(claim):
    answer = paid_in_full_answer(claim, corrected_member_id="1EG4TE5MK73")
    post(era_for(claim, answer))
    proposal = CoverageUpdateProposal.objects.get()
    assert proposal.member_id == "1EG4TE5MK73"
    assert proposal.coverage_id == claim.coverage_id
    assert proposal.status == "proposed"


def test_provider_level_adjustments_are_stored_with_their_payment(claim):
    plb = (("L6", "INTEREST", D("-2.50")), ("WO", "OVERPAY123", D("30.00")))
    post(era_for(claim, plb=plb))
    rows = list(EraProviderAdjustment.objects.values_list("reason", "amount"))
    assert rows == [("L6", D("-2.50")), ("WO", D("30.00"))]
    assert EraPayment.objects.get().amount == D("62.50")


def test_a_payment_of_zero_imports(claim):
    denial = ClaimAnswer(
        claim.control_number,
        (LineAnswer("99213", D("150"), D("0"), (("CO", "50", D("150")),), ("25",)),),
        status="4",
    )
    result = post(era_for(claim, denial))
    assert result.payments_posted == 1
    assert EraPayment.objects.get().amount == 0


def test_a_biller_matches_an_unknown_claim_by_hand_and_it_posts(claim):
    stranger = paid_in_full_answer(claim, claim_id="TYPO-" + claim.control_number)
    post(era_for(claim, stranger))
    exception = EraException.objects.get()
    biller = UserFactory(roles=[Role.BILLER])
    match_exception(exception=exception, claim=claim, actor=biller)
    exception.refresh_from_db()
    assert exception.resolved_at is not None
    visit, _ = charge_lines(claim)
    assert owed(visit, INS, claim.payer_id) == 0
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.ADJUDICATED


def test_a_front_desk_user_cannot_import(claim):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        post(era_for(claim), actor=UserFactory(roles=[Role.FRONT_DESK]))
