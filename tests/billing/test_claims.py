"""Claims from reviewed charges: one per visit per responsible payer, a self-pay claim
without coverage, unique short claim numbers, lines copied; the status transitions;
voids and corrections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from medoffice.billing.choices import ClaimFrequency, ClaimStatus, EncounterStatus, Responsibility
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import Claim, ClaimTransition
from medoffice.billing.selectors.claims import corrections_chain
from medoffice.billing.services import claims as service
from medoffice.billing.services.encounters import (
    LineInput,
    review_encounter,
    save_charges,
    send_to_review,
)
from medoffice.core.roles import Role
from tests.billing.factories_claims import (
    claimed_encounter,
    office_visit_codes,
    simple_charges,
)
from tests.factories import SYSTEM, PatientFactory, UserFactory
from tests.patients.factories import CoverageFactory

pytestmark = pytest.mark.django_db
S = ClaimStatus


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


def error_codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def claim_of(encounter) -> Claim:
    return Claim.objects.get(encounter=encounter, frequency=ClaimFrequency.ORIGINAL)


def move(claim, *statuses):
    for status in statuses:
        claim = service.transition(claim=claim, to=status, actor=SYSTEM)
    return claim


def accepted(claim, number="PCN-1"):
    claim = move(claim, S.READY, S.SUBMITTED)
    return service.mark_accepted(claim=claim, actor=SYSTEM, payer_claim_number=number)


# --- creation -------------------------------------------------------------------------------


def test_the_primary_coverage_in_force_gets_the_claim():
    patient = PatientFactory()
    CoverageFactory(patient=patient, order=2)
    primary = CoverageFactory(patient=patient, order=1)
    claim = claim_of(claimed_encounter(patient=patient))
    assert (claim.coverage, claim.payer, claim.responsibility) == (
        primary,
        primary.payer,
        Responsibility.PRIMARY,
    )


def test_a_coverage_ended_before_the_visit_does_not_get_the_claim():
    patient = PatientFactory()
    CoverageFactory(patient=patient, effective_to=dt.date(2024, 12, 31))
    claim = claim_of(claimed_encounter(patient=patient))
    assert claim.payer is None
    assert claim.responsibility == Responsibility.PATIENT


def test_without_coverage_the_patient_gets_one_self_pay_claim():
    encounter = claimed_encounter()
    claims = Claim.objects.filter(encounter=encounter)
    assert [(c.responsibility, c.payer_id) for c in claims] == [(Responsibility.PATIENT, None)]


def test_the_claim_copies_the_lines_and_stores_the_total():
    claim = claim_of(claimed_encounter())
    assert [(line.procedure_code, line.charge) for line in claim.lines.all()] == [
        ("99213", Decimal("150.00")),
        ("36415", Decimal("20.00")),
    ]
    assert claim.total_charge == Decimal("170.00")
    assert claim.diagnosis_list == ["E119", "I10"]


def test_claim_numbers_are_unique_and_short():
    numbers = [claim_of(claimed_encounter()).control_number for _ in range(3)]
    assert len(set(numbers)) == 3
    assert all(len(n) <= 20 and n.startswith("C") for n in numbers)


def test_a_new_claim_starts_as_a_draft_with_its_first_transition():
    claim = claim_of(claimed_encounter())
    assert claim.status == S.DRAFT
    assert list(claim.transitions.values_list("from_status", "to_status")) == [("", S.DRAFT)]


def test_a_claimed_encounter_is_locked():
    assert claimed_encounter().is_locked


# --- transitions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        [S.SCRUBBED, S.READY, S.SUBMITTED, S.ACCEPTED, S.ADJUDICATED, S.CLOSED],
        [S.READY, S.SUBMITTED, S.REJECTED, S.DRAFT],
        [S.READY, S.SUBMITTED, S.ACCEPTED, S.REJECTED],
    ],
)
def test_allowed_transitions_are_recorded_one_row_each(path):
    claim = move(claim_of(claimed_encounter()), *path)
    assert claim.status == path[-1]
    assert claim.transitions.count() == len(path) + 1


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ([], S.SUBMITTED),
        ([], S.ACCEPTED),
        ([S.READY, S.SUBMITTED], S.DRAFT),
        ([S.READY, S.SUBMITTED, S.ACCEPTED, S.ADJUDICATED, S.CLOSED], S.SUBMITTED),
    ],
)
def test_illegal_transitions_are_refused_with_a_code(path, to):
    claim = move(claim_of(claimed_encounter()), *path)
    with pytest.raises(ValidationError) as caught:
        service.transition(claim=claim, to=to, actor=SYSTEM)
    assert error_codes(caught.value) == {NON_FIELD_ERRORS: [Code.TRANSITION_NOT_ALLOWED]}
    assert Claim.objects.get(pk=claim.pk).status == claim.status


def test_an_unknown_status_is_refused():
    with pytest.raises(ValidationError) as caught:
        service.transition(claim=claim_of(claimed_encounter()), to="lost", actor=SYSTEM)
    assert error_codes(caught.value) == {NON_FIELD_ERRORS: [Code.STATUS_UNKNOWN]}


def test_a_transition_records_who_and_the_note():
    biller = UserFactory(roles=[Role.BILLER])
    claim = claim_of(claimed_encounter())
    service.transition(claim=claim, to=S.READY, actor=biller, note="clean")
    last = ClaimTransition.objects.filter(claim=claim).last()
    assert (last.by, last.from_status, last.to_status, last.note) == (
        biller,
        S.DRAFT,
        S.READY,
        "clean",
    )


def test_the_front_desk_cannot_change_claims():
    with pytest.raises(PermissionDenied):
        service.transition(
            claim=claim_of(claimed_encounter()),
            to=S.READY,
            actor=UserFactory(roles=[Role.FRONT_DESK]),
        )


def test_submission_marks_the_claims_and_the_first_submission():
    claim = move(claim_of(claimed_encounter()), S.READY)
    [claim] = service.mark_submitted(claims=[claim], batch=None, actor=SYSTEM)
    assert claim.status == S.SUBMITTED
    assert claim.submitted_at == claim.first_submitted_at


def test_a_rejection_keeps_its_reason():
    claim = move(claim_of(claimed_encounter()), S.READY, S.SUBMITTED)
    claim = service.mark_rejected(claim=claim, actor=SYSTEM, reason="Member ID not found")
    assert (claim.status, claim.rejection_reason) == (S.REJECTED, "Member ID not found")


def test_an_acceptance_keeps_the_payer_claim_number():
    assert accepted(claim_of(claimed_encounter())).payer_claim_number == "PCN-1"


# --- voids ----------------------------------------------------------------------------------


def test_a_void_claim_has_frequency_8_and_names_the_original():
    original = accepted(claim_of(claimed_encounter()))
    void = service.void_claim(claim=original, actor=SYSTEM, reason="Billed in error")
    assert (void.frequency, void.replaces, void.status) == (ClaimFrequency.VOID, original, S.DRAFT)
    assert void.control_number != original.control_number
    assert Claim.objects.get(pk=original.pk).status == S.VOIDED


def test_a_claim_without_payer_claim_number_cannot_be_voided():
    claim = move(claim_of(claimed_encounter()), S.READY, S.SUBMITTED, S.ACCEPTED)
    with pytest.raises(ValidationError) as caught:
        service.void_claim(claim=claim, actor=SYSTEM, reason="Billed in error")
    assert error_codes(caught.value) == {NON_FIELD_ERRORS: [Code.NO_PAYER_CLAIM_NUMBER]}
    assert Claim.objects.count() == 1


def test_a_void_needs_a_reason():
    with pytest.raises(ValidationError) as caught:
        service.void_claim(claim=accepted(claim_of(claimed_encounter())), actor=SYSTEM, reason="")
    assert error_codes(caught.value) == {"reason": [Code.REASON_REQUIRED]}


def test_a_claim_is_voided_once():
    original = accepted(claim_of(claimed_encounter()))
    service.void_claim(claim=original, actor=SYSTEM, reason="Billed in error")
    with pytest.raises(ValidationError) as caught:
        service.void_claim(claim=original, actor=SYSTEM, reason="Again")
    assert error_codes(caught.value) == {NON_FIELD_ERRORS: [Code.ALREADY_VOIDED]}


# --- corrections ----------------------------------------------------------------------------


def recode(encounter, lines):
    save_charges(actor=SYSTEM, encounter=encounter, data=simple_charges(lines=lines))
    send_to_review(actor=SYSTEM, encounter=encounter)
    return review_encounter(actor=SYSTEM, encounter=encounter, approve=True)


def test_correcting_reopens_the_charges_as_the_next_revision():
    original = accepted(claim_of(claimed_encounter()))
    encounter = service.correct_claim(claim=original, actor=SYSTEM)
    assert (encounter.status, encounter.revision) == (EncounterStatus.DRAFT, 2)


def test_a_corrected_claim_at_the_payer_gets_a_replacement_with_frequency_7():
    original = accepted(claim_of(claimed_encounter()))
    encounter = service.correct_claim(claim=original, actor=SYSTEM)
    recode(encounter, [LineInput(procedure_code="99213", charge="99.00", pointers=["A"])])
    replacement = Claim.objects.get(replaces=original)
    assert replacement.frequency == ClaimFrequency.REPLACEMENT
    assert replacement.total_charge == Decimal("99.00")


def test_the_original_claims_lines_stay_as_they_were():
    original = accepted(claim_of(claimed_encounter()))
    before = list(original.lines.values_list("procedure_code", "charge"))
    recode(
        service.correct_claim(claim=original, actor=SYSTEM),
        [LineInput(procedure_code="99213", charge="99.00", pointers=["A"])],
    )
    assert list(original.lines.values_list("procedure_code", "charge")) == before


def test_correcting_an_unsent_claim_voids_it_and_makes_a_new_original():
    draft = claim_of(claimed_encounter())
    encounter = service.correct_claim(claim=draft, actor=SYSTEM)
    recode(encounter, [LineInput(procedure_code="36415", pointers=["A"])])
    assert Claim.objects.get(pk=draft.pk).status == S.VOIDED
    newest = Claim.objects.filter(encounter=encounter).latest("pk")
    assert (newest.frequency, newest.replaces) == (ClaimFrequency.ORIGINAL, None)


def test_a_claim_on_its_way_cannot_be_corrected():
    claim = move(claim_of(claimed_encounter()), S.READY, S.SUBMITTED)
    with pytest.raises(ValidationError) as caught:
        service.correct_claim(claim=claim, actor=SYSTEM)
    assert error_codes(caught.value) == {NON_FIELD_ERRORS: [Code.CLAIM_IN_FLIGHT]}


def test_a_claim_at_the_payer_without_its_number_cannot_be_replaced():
    claim = move(claim_of(claimed_encounter()), S.READY, S.SUBMITTED, S.ACCEPTED)
    with pytest.raises(ValidationError) as caught:
        service.correct_claim(claim=claim, actor=SYSTEM)
    assert error_codes(caught.value) == {NON_FIELD_ERRORS: [Code.NO_PAYER_CLAIM_NUMBER]}


def test_a_correction_is_opened_once():
    original = accepted(claim_of(claimed_encounter()))
    service.correct_claim(claim=original, actor=SYSTEM)
    with pytest.raises(ValidationError) as caught:
        service.correct_claim(claim=original, actor=SYSTEM)
    assert error_codes(caught.value) == {NON_FIELD_ERRORS: [Code.CORRECTION_PENDING]}


def test_the_corrections_chain_runs_from_the_original():
    original = accepted(claim_of(claimed_encounter()))
    recode(
        service.correct_claim(claim=original, actor=SYSTEM),
        [LineInput(procedure_code="36415", pointers=["A"])],
    )
    replacement = Claim.objects.get(replaces=original)
    assert corrections_chain(replacement) == [original, replacement]
