"""The ledger: every balance is the sum of the entries on a service line.

A claim posts its visit's charges; transfers, payments, adjustments and write-offs move
them; a desk payment is unapplied until applied; voids and refunds take applications back;
nothing is ever changed or deleted, only reversed; nothing goes below zero unless posted
as a credit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from medoffice.billing.choices import ClaimStatus, LedgerKind, LedgerParty
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import ChargeLine, LedgerEntry, LedgerIsAppendOnly
from medoffice.billing.selectors import ledger as balances
from medoffice.billing.services import claims as claim_service
from medoffice.billing.services import ledger as service
from medoffice.billing.services.encounters import (
    LineInput,
    review_encounter,
    save_charges,
    send_to_review,
)
from medoffice.billing.services.payments import refund_payment, void_payment
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes, simple_charges
from tests.billing.factories_ledger import claim_of, claimed_visit, desk_payment, lines_of
from tests.factories import SYSTEM, LocationFactory, PatientFactory, UserFactory
from tests.patients.factories import PayerFactory

pytestmark = pytest.mark.django_db
INS, PAT = LedgerParty.INSURANCE, LedgerParty.PATIENT
D = Decimal


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture
def visit():
    return claimed_visit()


@pytest.fixture
def payer_id(visit):
    return claim_of(visit).payer_id


def error_codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def owed(line, party=INS, payer_id=None):
    return balances.party_balance_of(line.pk, party, payer_id)


def patient_owes(visit, line, amount="30.00"):
    """Move ``amount`` of the line from the visit's payer to the patient."""
    service.transfer(
        actor=SYSTEM,
        line=line,
        amount=amount,
        from_party=INS,
        from_payer_id=claim_of(visit).payer_id,
        to_party=PAT,
    )


# --- charges --------------------------------------------------------------------------------


def test_a_new_claim_charges_each_line_to_its_payer(visit, payer_id):
    first, second = lines_of(visit)
    assert (owed(first, INS, payer_id), owed(second, INS, payer_id)) == (D("150.00"), D("20.00"))


def test_a_self_pay_claim_charges_the_patient():
    visit = claimed_visit(insured=False)
    assert balances.line_balance_of(lines_of(visit)[0].pk) == balances.Balance(
        insurance=D("0.00"), patient=D("150.00")
    )


def test_posting_the_charges_again_posts_nothing(visit):
    assert service.post_charges(encounter=visit, claim=claim_of(visit), actor=SYSTEM) == []


def test_a_line_removed_by_a_correction_has_its_charge_taken_back(visit, payer_id):
    claim_service.correct_claim(claim=claim_of(visit), actor=SYSTEM)
    data = simple_charges(lines=[LineInput(procedure_code="99213", pointers=["A"])])
    save_charges(actor=SYSTEM, encounter=visit, data=data)
    review_encounter(
        actor=SYSTEM, encounter=send_to_review(actor=SYSTEM, encounter=visit), approve=True
    )
    removed = ChargeLine.with_removed.get(encounter=visit, line_number=2)
    assert (removed.removed_at is not None, owed(removed, INS, payer_id)) == (True, D("0.00"))


def test_a_corrected_charge_posts_only_the_difference(visit, payer_id):
    claim_service.correct_claim(claim=claim_of(visit), actor=SYSTEM)
    data = simple_charges()
    data.lines[1].charge = "35.00"
    save_charges(actor=SYSTEM, encounter=visit, data=data)
    review_encounter(
        actor=SYSTEM, encounter=send_to_review(actor=SYSTEM, encounter=visit), approve=True
    )
    line = lines_of(visit)[1]
    assert list(line.ledger_entries.values_list("amount", flat=True)) == [D("20.00"), D("15.00")]


def test_a_claim_voided_with_the_payer_takes_its_charges_back(visit, payer_id):
    claim = claim_of(visit)
    for status in (ClaimStatus.READY, ClaimStatus.SUBMITTED):
        claim = claim_service.transition(claim=claim, to=status, actor=SYSTEM)
    claim = claim_service.mark_accepted(claim=claim, actor=SYSTEM, payer_claim_number="PCN-9")
    claim_service.void_claim(claim=claim, actor=SYSTEM, reason="Billed in error")
    assert balances.payer_balances(SYSTEM) == {payer_id: D("0.00")}


# --- the ledger is append-only ----------------------------------------------------------------


def test_an_entry_cannot_be_changed(visit):
    entry = LedgerEntry.objects.first()
    entry.amount = D("1.00")
    with pytest.raises(LedgerIsAppendOnly):
        entry.save()


def test_an_entry_cannot_be_deleted(visit):
    with pytest.raises(LedgerIsAppendOnly):
        LedgerEntry.objects.first().delete()


def test_entries_cannot_be_updated_in_bulk(visit):
    with pytest.raises(LedgerIsAppendOnly):
        LedgerEntry.objects.all().update(amount=D("1.00"))


# --- transfers, payments, write-offs -----------------------------------------------------------


def test_a_transfer_moves_the_balance_to_the_patient(visit, payer_id):
    line = lines_of(visit)[0]
    patient_owes(visit, line, "30.00")
    assert (owed(line, INS, payer_id), owed(line, PAT)) == (D("120.00"), D("30.00"))


def test_balances_are_exact_to_the_cent_however_the_database_adds(visit, payer_id):
    """SQLite adds decimals in floating point; the balance is still 150.00 - 0.10 x 3."""
    line = lines_of(visit)[0]
    for _ in range(3):
        patient_owes(visit, line, "0.10")
    assert owed(line, INS, payer_id) == D("149.70")
    assert balances.total_ar(SYSTEM).total == balances.line_balance_of(line.pk).total + sum(
        (balances.line_balance_of(other.pk).total for other in lines_of(visit)[1:]), D("0")
    )


def test_a_line_paid_to_zero_in_odd_cents_is_not_a_credit(visit, payer_id):
    line = lines_of(visit)[0]
    balance = owed(line, INS, payer_id)
    for part in ("0.10", "0.20"):
        patient_owes(visit, line, part)
    service.post_insurance_payment(
        actor=SYSTEM, line=line, payer_id=payer_id, amount=str(balance - D("0.30"))
    )
    assert owed(line, INS, payer_id) == D("0.00")
    assert not balances.credit_line_rows(SYSTEM).filter(pk=line.pk).exists()


def test_the_receiving_half_of_a_transfer_names_the_giving_half(visit):
    line = lines_of(visit)[0]
    giving, receiving = service.transfer(
        actor=SYSTEM, line=line, amount="5.00", from_party=INS,
        from_payer_id=claim_of(visit).payer_id, to_party=PAT,
    )  # fmt: skip
    assert (receiving.counterpart, giving.amount, receiving.amount) == (
        giving,
        D("-5.00"),
        D("5.00"),
    )


def test_a_transfer_to_the_next_payer_moves_it_between_payers(visit, payer_id):
    line = lines_of(visit)[0]
    secondary = PayerFactory()
    service.transfer(
        actor=SYSTEM, line=line, amount="40.00", from_party=INS, from_payer_id=payer_id,
        to_party=INS, to_payer_id=secondary.pk,
    )  # fmt: skip
    assert balances.payer_balances_on_line(line.pk) == {
        payer_id: D("110.00"),
        secondary.pk: D("40.00"),
    }


def test_a_transfer_of_more_than_the_party_owes_is_refused(visit, payer_id):
    with pytest.raises(ValidationError) as exc:
        service.transfer(
            actor=SYSTEM, line=lines_of(visit)[1], amount="20.01", from_party=INS,
            from_payer_id=payer_id, to_party=PAT,
        )  # fmt: skip
    assert error_codes(exc.value) == {"amount": [Code.LEDGER_WOULD_GO_NEGATIVE]}


def test_a_transfer_to_the_same_party_is_refused(visit, payer_id):
    with pytest.raises(ValidationError) as exc:
        service.transfer(
            actor=SYSTEM, line=lines_of(visit)[0], amount="1.00", from_party=INS,
            from_payer_id=payer_id, to_party=INS, to_payer_id=payer_id,
        )  # fmt: skip
    assert error_codes(exc.value) == {"to_party": [Code.LEDGER_SAME_PARTY]}


def test_an_insurance_balance_without_its_payer_is_refused(visit):
    with pytest.raises(ValidationError) as exc:
        service.transfer(
            actor=SYSTEM, line=lines_of(visit)[0], amount="1.00", from_party=INS, to_party=PAT
        )
    assert error_codes(exc.value) == {"payer": [Code.LEDGER_PAYER_REQUIRED]}


def test_an_amount_given_as_a_float_is_refused(visit, payer_id):
    with pytest.raises(ValidationError) as exc:
        service.post_insurance_payment(
            actor=SYSTEM, line=lines_of(visit)[0], payer_id=payer_id, amount=10.5
        )
    assert error_codes(exc.value) == {"amount": [Code.AMOUNT_NOT_DECIMAL]}


def test_an_insurance_overpayment_is_refused_unless_posted_as_a_credit(visit, payer_id):
    line = lines_of(visit)[1]
    with pytest.raises(ValidationError) as exc:
        service.post_insurance_payment(actor=SYSTEM, line=line, payer_id=payer_id, amount="25.00")
    assert error_codes(exc.value) == {"amount": [Code.LEDGER_WOULD_GO_NEGATIVE]}


def test_an_overpayment_posted_as_a_credit_shows_in_the_credit_balances(visit, payer_id):
    line = lines_of(visit)[1]
    service.post_insurance_payment(
        actor=SYSTEM, line=line, payer_id=payer_id, amount="25.00", allows_credit=True
    )
    assert [(c.charge_line_id, c.balance.insurance) for c in balances.credit_lines(SYSTEM)] == [
        (line.pk, D("-5.00"))
    ]


def test_a_write_off_needs_a_reason(visit, payer_id):
    with pytest.raises(ValidationError) as exc:
        service.write_off(
            actor=SYSTEM, line=lines_of(visit)[0], kind=LedgerKind.CONTRACTUAL, amount="50.00",
            party=INS, payer_id=payer_id,
        )  # fmt: skip
    assert error_codes(exc.value) == {"reason_code": [Code.REASON_REQUIRED]}


def test_a_contractual_adjustment_keeps_its_group_and_reason_codes(visit, payer_id):
    entry = service.write_off(
        actor=SYSTEM, line=lines_of(visit)[0], kind=LedgerKind.CONTRACTUAL, amount="50.00",
        party=INS, payer_id=payer_id, group_code="co", reason_code="45", remark_codes="N130, M15",
    )  # fmt: skip
    assert (entry.amount, entry.group_code, entry.reason_code, entry.remark_codes) == (
        D("-50.00"), "CO", "45", "N130,M15",
    )  # fmt: skip


def test_a_payment_is_not_a_write_off_kind(visit, payer_id):
    with pytest.raises(ValidationError) as exc:
        service.write_off(
            actor=SYSTEM, line=lines_of(visit)[0], kind=LedgerKind.PATIENT_PAYMENT,
            amount="5.00", party=INS, payer_id=payer_id, note="x",
        )  # fmt: skip
    assert error_codes(exc.value) == {"kind": [Code.LEDGER_KIND_INVALID]}


def test_a_malformed_reason_code_is_refused(visit, payer_id):
    with pytest.raises(ValidationError) as exc:
        service.write_off(
            actor=SYSTEM, line=lines_of(visit)[0], kind=LedgerKind.CONTRACTUAL, amount="5.00",
            party=INS, payer_id=payer_id, reason_code="45-ABC",
        )  # fmt: skip
    assert error_codes(exc.value) == {"reason_code": [Code.LEDGER_CODE_INVALID]}


# --- desk payments ----------------------------------------------------------------------------


def test_a_desk_payment_is_unapplied_credit_until_applied(visit):
    desk_payment(visit.patient, "40.00")
    assert balances.patient_unapplied_of(visit.patient_id) == D("40.00")


def test_applying_goes_to_the_oldest_patient_balance_first(visit):
    older = claimed_visit(visit.patient, days_ago=20)
    patient_owes(visit, lines_of(visit)[0], "30.00")
    patient_owes(older, lines_of(older)[0], "25.00")
    payment = desk_payment(visit.patient, "40.00")
    entries = service.apply_payment(actor=SYSTEM, payment=payment)
    assert [(e.charge_line_id, e.amount) for e in entries] == [
        (lines_of(older)[0].pk, D("-25.00")),
        (lines_of(visit)[0].pk, D("-15.00")),
    ]


def test_applying_to_chosen_lines_leaves_the_rest_unapplied(visit):
    line = lines_of(visit)[0]
    patient_owes(visit, line, "30.00")
    payment = desk_payment(visit.patient, "40.00")
    service.apply_payment(actor=SYSTEM, payment=payment, lines={line.pk: "10.00"})
    assert (owed(line, PAT), balances.unapplied_of(payment)) == (D("20.00"), D("30.00"))


def test_applying_more_than_is_unapplied_is_refused(visit):
    line = lines_of(visit)[0]
    patient_owes(visit, line, "30.00")
    payment = desk_payment(visit.patient, "10.00")
    with pytest.raises(ValidationError) as exc:
        service.apply_payment(actor=SYSTEM, payment=payment, lines={line.pk: "10.01"})
    assert error_codes(exc.value) == {"lines": [Code.LEDGER_ALLOCATION_TOO_LARGE]}


def test_applying_to_another_patients_line_is_refused(visit):
    other = claimed_visit()
    patient_owes(other, lines_of(other)[0], "30.00")
    payment = desk_payment(visit.patient, "10.00")
    with pytest.raises(ValidationError) as exc:
        service.apply_payment(actor=SYSTEM, payment=payment, lines={lines_of(other)[0].pk: "5.00"})
    assert error_codes(exc.value) == {"lines": [Code.LEDGER_LINE_OF_OTHER_PATIENT]}


def test_applying_past_the_patient_balance_is_refused(visit):
    line = lines_of(visit)[0]
    patient_owes(visit, line, "5.00")
    payment = desk_payment(visit.patient, "10.00")
    with pytest.raises(ValidationError) as exc:
        service.apply_payment(actor=SYSTEM, payment=payment, lines={line.pk: "6.00"})
    assert error_codes(exc.value) == {"lines": [Code.LEDGER_WOULD_GO_NEGATIVE]}


def test_a_voided_payment_takes_its_applications_back(visit):
    line = lines_of(visit)[0]
    patient_owes(visit, line, "30.00")
    payment = desk_payment(visit.patient, "30.00")
    service.apply_payment(actor=SYSTEM, payment=payment)
    void_payment(
        actor=UserFactory(roles=[Role.OFFICE_MANAGER]), payment=payment, reason="Rang up twice"
    )
    assert (owed(line, PAT), balances.patient_unapplied_of(visit.patient_id)) == (
        D("30.00"),
        D("0.00"),
    )


def test_a_refund_comes_out_of_the_unapplied_money_first(visit):
    line = lines_of(visit)[0]
    patient_owes(visit, line, "30.00")
    payment = desk_payment(visit.patient, "50.00")
    service.apply_payment(actor=SYSTEM, payment=payment, lines={line.pk: "30.00"})
    refund_payment(
        actor=UserFactory(roles=[Role.OFFICE_MANAGER]),
        payment=payment,
        amount="20.00",
        reason="Overpaid",
    )
    assert (owed(line, PAT), balances.unapplied_of(payment)) == (D("0.00"), D("0.00"))


def test_a_refund_past_the_unapplied_money_takes_it_back_from_the_line(visit):
    line = lines_of(visit)[0]
    patient_owes(visit, line, "30.00")
    payment = desk_payment(visit.patient, "30.00")
    service.apply_payment(actor=SYSTEM, payment=payment)
    refund_payment(
        actor=UserFactory(roles=[Role.OFFICE_MANAGER]),
        payment=payment,
        amount="12.00",
        reason="Card charged twice",
    )
    kinds = list(line.ledger_entries.filter(party=PAT).values_list("kind", "amount"))
    assert (owed(line, PAT), kinds[-1]) == (D("12.00"), (LedgerKind.PATIENT_REFUND, D("12.00")))


def test_a_fully_applied_payment_cannot_be_applied_again(visit):
    patient_owes(visit, lines_of(visit)[0], "30.00")
    payment = desk_payment(visit.patient, "10.00")
    service.apply_payment(actor=SYSTEM, payment=payment)
    with pytest.raises(ValidationError) as exc:
        service.apply_payment(actor=SYSTEM, payment=payment)
    assert error_codes(exc.value) == {NON_FIELD_ERRORS: [Code.LEDGER_NOTHING_UNAPPLIED]}


# --- reversals ---------------------------------------------------------------------------------


def test_reversing_a_transfer_reverses_both_halves(visit, payer_id):
    line = lines_of(visit)[0]
    giving, _ = service.transfer(
        actor=SYSTEM,
        line=line,
        amount="30.00",
        from_party=INS,
        from_payer_id=payer_id,
        to_party=PAT,
    )
    reversals = service.reverse_entry(actor=SYSTEM, entry=giving, reason="Wrong line")
    assert (len(reversals), owed(line, INS, payer_id), owed(line, PAT)) == (
        2,
        D("150.00"),
        D("0.00"),
    )


def test_an_entry_is_reversed_only_once(visit, payer_id):
    entry = service.post_insurance_payment(
        actor=SYSTEM, line=lines_of(visit)[0], payer_id=payer_id, amount="10.00"
    )
    service.reverse_entry(actor=SYSTEM, entry=entry, reason="Posted to the wrong visit")
    with pytest.raises(ValidationError) as exc:
        service.reverse_entry(actor=SYSTEM, entry=entry, reason="Again")
    assert error_codes(exc.value) == {NON_FIELD_ERRORS: [Code.LEDGER_ALREADY_REVERSED]}


def test_a_reversal_is_not_reversed(visit, payer_id):
    entry = service.post_insurance_payment(
        actor=SYSTEM, line=lines_of(visit)[0], payer_id=payer_id, amount="10.00"
    )
    (reversal,) = service.reverse_entry(actor=SYSTEM, entry=entry, reason="Wrong visit")
    with pytest.raises(ValidationError) as exc:
        service.reverse_entry(actor=SYSTEM, entry=reversal, reason="Undo")
    assert error_codes(exc.value) == {NON_FIELD_ERRORS: [Code.LEDGER_REVERSAL_OF_REVERSAL]}


def test_a_refunds_entry_is_not_reversed(visit):
    line = lines_of(visit)[0]
    patient_owes(visit, line, "30.00")
    payment = desk_payment(visit.patient, "30.00")
    service.apply_payment(actor=SYSTEM, payment=payment)
    refund_payment(
        actor=UserFactory(roles=[Role.OFFICE_MANAGER]),
        payment=payment,
        amount="5.00",
        reason="Overpaid",
    )
    with pytest.raises(ValidationError) as exc:
        service.reverse_entry(
            actor=SYSTEM, entry=line.ledger_entries.get(kind=LedgerKind.PATIENT_REFUND), reason="x"
        )
    assert error_codes(exc.value) == {NON_FIELD_ERRORS: [Code.LEDGER_KIND_INVALID]}


def test_an_application_a_refund_took_money_back_from_is_not_reversed(visit):
    line = lines_of(visit)[0]
    patient_owes(visit, line, "30.00")
    payment = desk_payment(visit.patient, "30.00")
    (applied,) = service.apply_payment(actor=SYSTEM, payment=payment)
    refund_payment(
        actor=UserFactory(roles=[Role.OFFICE_MANAGER]),
        payment=payment,
        amount="5.00",
        reason="Overpaid",
    )
    with pytest.raises(ValidationError) as exc:
        service.reverse_entry(actor=SYSTEM, entry=applied, reason="Wrong line")
    assert error_codes(exc.value) == {NON_FIELD_ERRORS: [Code.LEDGER_KIND_INVALID]}


def test_reversing_an_application_makes_the_money_unapplied_again(visit):
    line = lines_of(visit)[0]
    patient_owes(visit, line, "30.00")
    payment = desk_payment(visit.patient, "30.00")
    (applied,) = service.apply_payment(actor=SYSTEM, payment=payment)
    service.reverse_entry(actor=SYSTEM, entry=applied, reason="Wrong line")
    assert (owed(line, PAT), balances.unapplied_of(payment)) == (D("30.00"), D("30.00"))


def test_reversing_a_charge_after_a_payment_is_refused_unless_a_credit(visit, payer_id):
    line = lines_of(visit)[1]
    service.post_insurance_payment(actor=SYSTEM, line=line, payer_id=payer_id, amount="10.00")
    with pytest.raises(ValidationError) as exc:
        service.reverse_entry(actor=SYSTEM, entry=line.ledger_entries.first(), reason="Not done")
    assert error_codes(exc.value) == {"amount": [Code.LEDGER_WOULD_GO_NEGATIVE]}


def test_a_reversal_is_audited(visit, payer_id):
    entry = service.post_insurance_payment(
        actor=SYSTEM, line=lines_of(visit)[0], payer_id=payer_id, amount="10.00"
    )
    service.reverse_entry(actor=SYSTEM, entry=entry, reason="Wrong visit")
    assert AuditEvent.objects.filter(
        data_category="ledger", detail__startswith="reversal of", patient_id=visit.patient_id
    ).exists()


# --- who may post -----------------------------------------------------------------------------


def test_the_front_desk_does_not_post_transfers(visit, payer_id):
    desk = UserFactory(roles=[Role.FRONT_DESK])
    with pytest.raises(PermissionDenied):
        service.transfer(
            actor=desk, line=lines_of(visit)[0], amount="1.00", from_party=INS,
            from_payer_id=payer_id, to_party=PAT,
        )  # fmt: skip


def test_the_front_desk_applies_desk_payments(visit):
    patient_owes(visit, lines_of(visit)[0], "30.00")
    payment = desk_payment(visit.patient, "10.00")
    desk = UserFactory(roles=[Role.FRONT_DESK])
    assert len(service.apply_payment(actor=desk, payment=payment)) == 1


def test_the_biller_reverses_entries(visit, payer_id):
    entry = service.post_insurance_payment(
        actor=SYSTEM, line=lines_of(visit)[0], payer_id=payer_id, amount="10.00"
    )
    biller = UserFactory(roles=[Role.BILLER])
    assert (
        service.reverse_entry(actor=biller, entry=entry, reason="Wrong visit")[0].posted_by
        == biller
    )


# --- balances ---------------------------------------------------------------------------------


def test_the_patient_share_is_not_due_while_a_payer_still_holds_the_claim(visit):
    patient_owes(visit, lines_of(visit)[0], "30.00")
    assert balances.patient_due(SYSTEM, visit.patient_id) == D("0.00")


def test_the_patient_share_is_due_once_every_payer_adjudicated(visit):
    patient_owes(visit, lines_of(visit)[0], "30.00")
    claim = claim_of(visit)
    for status in (ClaimStatus.READY, ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED):
        claim = claim_service.transition(claim=claim, to=status, actor=SYSTEM)
    claim_service.mark_adjudicated(claim=claim, actor=SYSTEM)
    assert balances.patient_due(SYSTEM, visit.patient_id) == D("30.00")


def test_a_self_pay_visit_is_due_at_once():
    visit = claimed_visit(insured=False)
    assert balances.patient_due(SYSTEM, visit.patient_id) == D("170.00")


def test_total_ar_splits_insurance_and_patient(visit):
    patient_owes(visit, lines_of(visit)[0], "30.00")
    claimed_visit(insured=False)
    assert balances.total_ar(SYSTEM) == balances.Balance(insurance=D("140.00"), patient=D("200.00"))


def test_a_payer_balance_sums_its_entries_over_visits(visit, payer_id):
    claimed_visit(visit.patient)
    assert balances.payer_balances(SYSTEM) == {payer_id: D("340.00")}


def test_a_patient_whose_balance_is_below_zero_is_a_credit_patient(visit, payer_id):
    service.post_insurance_payment(
        actor=SYSTEM, line=lines_of(visit)[1], payer_id=payer_id, amount="175.00",
        allows_credit=True,
    )  # fmt: skip
    assert balances.credit_patients(SYSTEM) == {
        visit.patient_id: balances.Balance(insurance=D("-5.00"), patient=D("0.00"))
    }


def test_a_user_limited_to_another_location_sees_no_entries(visit):
    biller = UserFactory(roles=[Role.BILLER], locations=[LocationFactory()])
    assert balances.patient_balance(biller, visit.patient_id) == balances.Balance()


def test_a_role_without_the_ledger_sees_no_entries(visit):
    clinical = UserFactory(roles=[Role.CLINICAL])
    assert balances.total_ar(clinical) == balances.Balance()


def test_a_patient_with_no_visits_owes_nothing():
    assert balances.patient_balance(SYSTEM, PatientFactory().pk) == balances.Balance()
