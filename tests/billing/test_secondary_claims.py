"""Billing the secondary (then tertiary) payer once the primary adjudicated the claim: the EOB
entry is checked as an 835 balances, stored, and the next claim carries it in its 837P."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from medoffice.billing.choices import ClaimStatus, Responsibility
from medoffice.billing.claimdata import claim_for_x12
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import Claim, PayerAdjudication
from medoffice.billing.services import claims as claim_services
from medoffice.billing.services.cob import AdjustmentEntry, LineEntry, next_payer_refusal
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from medoffice.x12.p837 import write_837p
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_cob import accepted_primary, bill_secondary, eob_lines
from tests.factories import SYSTEM, UserFactory
from tests.x12 import builders as b
from tests.x12.pyx12check import pyx12_errors

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


def error_codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def test_the_secondary_claim_goes_to_the_second_coverage():
    primary = accepted_primary()
    follow = bill_secondary(primary)
    second = primary.patient.coverages.get(order=2)
    assert (follow.coverage, follow.payer, follow.responsibility, follow.status) == (
        second,
        second.payer,
        Responsibility.SECONDARY,
        ClaimStatus.DRAFT,
    )
    assert follow.prior_payer_claim == primary
    assert follow.lines.count() == 2


def test_the_primary_claim_records_its_adjudication_as_a_transition():
    primary = accepted_primary()
    bill_secondary(primary)
    primary.refresh_from_db()
    last = primary.transitions.last()
    assert (primary.status, last.from_status, last.to_status) == (
        ClaimStatus.ADJUDICATED,
        ClaimStatus.ACCEPTED,
        ClaimStatus.ADJUDICATED,
    )
    assert "paid $116.00" in last.note


def test_the_primary_claims_lines_are_not_changed():
    primary = accepted_primary()
    before = list(primary.lines.values_list("charge", "procedure_code"))
    bill_secondary(primary)
    assert list(primary.lines.values_list("charge", "procedure_code")) == before


def test_the_adjudication_is_stored_with_its_lines_and_adjustments():
    primary = accepted_primary()
    bill_secondary(primary)
    adjudication = PayerAdjudication.objects.get(claim=primary)
    assert adjudication.paid == Decimal("116.00")
    assert [(line.claim_line.line_number, line.paid) for line in adjudication.lines.all()] == [
        (1, Decimal("100.00")),
        (2, Decimal("16.00")),
    ]
    assert sorted(adjudication.adjustments.values_list("group", "reason", "amount")) == [
        ("CO", "45", Decimal("30.00")),
        ("PR", "1", Decimal("4.00")),
        ("PR", "2", Decimal("20.00")),
    ]


def test_entering_the_adjudication_is_audited():
    primary = accepted_primary()
    follow = bill_secondary(primary)
    details = list(
        AuditEvent.objects.filter(patient_id=primary.patient_id).values_list("detail", flat=True)
    )
    assert any(d.startswith(f"adjudication of claim {primary.control_number}") for d in details)
    assert any(d.startswith(f"secondary claim {follow.control_number}") for d in details)


def test_a_line_that_does_not_balance_is_refused_naming_it():
    primary = accepted_primary()
    lines = eob_lines()
    lines[1] = LineEntry(2, "15.00", [AdjustmentEntry("PR", "1", "4.00")])
    with pytest.raises(ValidationError) as caught:
        bill_secondary(primary, paid="115.00", lines=lines)
    assert error_codes(caught.value) == {"line_2": [Code.ADJUDICATION_UNBALANCED]}
    assert not PayerAdjudication.objects.exists()
    assert Claim.objects.count() == 1


def test_every_error_is_reported_at_once():
    primary = accepted_primary()
    lines = [
        LineEntry(1, "abc", [AdjustmentEntry("XX", "", "30.00")]),
    ]
    with pytest.raises(ValidationError) as caught:
        bill_secondary(primary, adjudicated_on="01/02/2026", paid="-5", lines=lines)
    assert error_codes(caught.value) == {
        "adjudicated_on": [Code.DATE_INVALID],
        "paid": [Code.INVALID_AMOUNT],
        "line_1_paid": [Code.INVALID_AMOUNT],
        "line_1_adjustment_1": [Code.ADJUSTMENT_GROUP_INVALID, Code.ADJUSTMENT_REASON_INVALID],
        "line_2": [Code.LINE_MISSING],
    }


def test_a_missing_payment_date_asks_for_the_eobs_payment_date():
    primary = accepted_primary()
    with pytest.raises(ValidationError) as caught:
        bill_secondary(primary, adjudicated_on="", paid="115.00", lines=eob_lines())
    (message,) = caught.value.message_dict["adjudicated_on"]
    assert "EOB's payment date" in message


def test_the_claim_total_must_balance_with_the_paid_amount():
    primary = accepted_primary()
    with pytest.raises(ValidationError) as caught:
        bill_secondary(primary, paid="120.00")
    assert error_codes(caught.value) == {"paid": [Code.ADJUDICATION_UNBALANCED]}


def test_a_claim_level_adjustment_balances_the_claim():
    primary = accepted_primary()
    follow = bill_secondary(
        primary, paid="110.00", adjustments=[AdjustmentEntry("OA", "23", "6.00")]
    )
    assert follow.responsibility == Responsibility.SECONDARY


def test_a_claim_not_yet_accepted_cannot_bill_the_next_payer():
    primary = accepted_primary()
    Claim.objects.filter(pk=primary.pk).update(status=ClaimStatus.SUBMITTED)
    primary.refresh_from_db()
    assert "accepted and adjudicated" in next_payer_refusal(primary)
    with pytest.raises(ValidationError) as caught:
        bill_secondary(primary)
    assert error_codes(caught.value) == {NON_FIELD_ERRORS: [Code.NEXT_PAYER_NOT_BILLABLE]}


def test_without_an_active_secondary_coverage_nothing_is_billed():
    primary = accepted_primary()
    primary.patient.coverages.filter(order=2).update(is_active=False)
    assert "no further coverage" in next_payer_refusal(primary)


def test_the_adjudication_is_entered_once():
    primary = accepted_primary()
    bill_secondary(primary)
    primary.refresh_from_db()
    assert "already entered" in next_payer_refusal(primary)


def test_a_role_that_does_not_change_claims_is_refused():
    primary = accepted_primary()
    with pytest.raises(PermissionDenied):
        bill_secondary(primary, actor=UserFactory(roles=[Role.FRONT_DESK]))


def test_the_secondary_claim_carries_the_primary_payer_and_its_adjudication():
    primary = accepted_primary()
    follow = bill_secondary(primary)
    built = claim_for_x12(follow)
    (other,) = built.other_subscribers
    assert other.payer is not None
    assert other.payer.payer_id == primary.payer.payer_id
    assert other.payer_responsibility == "P"
    assert built.subscriber.payer_responsibility == "S"
    assert other.adjudication is not None
    assert other.adjudication.paid == Decimal("116.00")
    assert [(a.line, a.paid) for a in other.adjudication.lines] == [
        (1, Decimal("100.00")),
        (2, Decimal("16.00")),
    ]


def test_the_secondary_claims_837p_validates_in_pyx12():
    follow = bill_secondary(accepted_primary())
    assert pyx12_errors(write_837p([claim_for_x12(follow)], b.envelope())) == []


def test_a_tertiary_claim_follows_the_adjudicated_secondary_and_validates():
    follow = bill_secondary(accepted_primary(tertiary=True))
    for status in ("ready", "submitted", "accepted"):
        follow = claim_services.transition(claim=follow, to=status, actor=SYSTEM)
    lines = [
        LineEntry(1, "20.00", [AdjustmentEntry("CO", "45", "130.00")]),
        LineEntry(2, "4.00", [AdjustmentEntry("CO", "45", "16.00")]),
    ]
    third = bill_secondary(follow, paid="24.00", lines=lines)
    assert third.responsibility == Responsibility.TERTIARY
    built = claim_for_x12(third)
    assert [o.payer_responsibility for o in built.other_subscribers] == ["P", "S"]
    assert pyx12_errors(write_837p([built], b.envelope())) == []


def test_the_secondary_claim_scrubs_clean_and_is_no_duplicate_of_the_primary():
    from medoffice.billing.services import scrub

    follow = bill_secondary(accepted_primary())
    scrub.scrub_claims(actor=SYSTEM, claims=Claim.objects.filter(pk=follow.pk))
    follow.refresh_from_db()
    assert list(follow.findings.values_list("code", flat=True)) == []
    assert follow.status == ClaimStatus.READY


def test_the_demo_bills_a_few_secondary_payers():
    from medoffice.billing.demo_cob import bill_secondaries

    primaries = [accepted_primary() for _ in range(3)]
    made = bill_secondaries(actor=SYSTEM, today=primaries[0].date_of_service, count=2)
    assert made == 2
    assert Claim.objects.filter(responsibility=Responsibility.SECONDARY).count() == 2
    assert PayerAdjudication.objects.count() == 2


def test_a_correction_of_the_visit_replaces_the_primary_claim_not_the_secondary():
    from medoffice.billing.services.encounters import review_encounter, send_to_review

    primary = accepted_primary()
    follow = bill_secondary(primary)
    for status in ("ready", "submitted", "accepted"):
        follow = claim_services.transition(claim=follow, to=status, actor=SYSTEM)
    primary.refresh_from_db()
    encounter = claim_services.correct_claim(claim=primary, actor=SYSTEM, note="wrong code")
    encounter = send_to_review(actor=SYSTEM, encounter=encounter)
    review_encounter(actor=SYSTEM, encounter=encounter, approve=True)
    replacement = Claim.objects.get(frequency="7")
    assert replacement.replaces == primary
    assert replacement.responsibility == Responsibility.PRIMARY
