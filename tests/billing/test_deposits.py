"""Insurance deposits: entered or imported from the bank's CSV, matched to the remittances'
payments by trace (TRN02) and amount (BPR02), automatically when exact, by hand otherwise;
unmatching is audited."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import EraPayment, InsuranceDeposit
from medoffice.billing.services.deposits import (
    import_bank_file,
    match_deposit,
    unmatch_payment,
)
from medoffice.billing.services.era import import_era
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_deposits import DEPOSITED_ON, deposit
from tests.billing.factories_era import D, era_for, submitted_claim
from tests.factories import SYSTEM, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture(autouse=True)
def late_november():
    with time_machine.travel("2026-11-25 15:00:00-05:00", tick=False):
        yield


@pytest.fixture
def claim():
    return submitted_claim()


def post(data, name="remit.835"):
    return import_era(data=data, filename=name, actor=SYSTEM)


def payment(trace="EFT0001"):
    return EraPayment.objects.get(trace_number=trace)


def codes_of(error: ValidationError, field_name: str) -> list[str]:
    return [e.code for e in error.error_dict[field_name]]


def test_a_deposit_with_the_payments_trace_and_amount_is_matched_automatically(claim):
    post(era_for(claim))
    made = deposit("90.00", "EFT0001")
    assert payment().deposit == made


def test_a_deposit_entered_before_the_835_is_matched_when_the_835_is_imported(claim):
    made = deposit("90.00", "EFT0001")
    post(era_for(claim))
    assert payment().deposit == made


def test_a_check_deposit_matches_on_its_check_number(claim):
    post(era_for(claim, trace="100234"))
    made = deposit("90.00", "", method="check", check_number="100234")
    assert payment("100234").deposit == made


def test_a_deposit_of_another_amount_is_not_matched_automatically(claim):
    post(era_for(claim))
    deposit("89.00", "EFT0001")
    assert payment().deposit is None


def test_a_deposit_is_matched_by_hand_to_several_payments_of_one_payer(claim):
    post(era_for(claim, trace="EFT0001"))
    post(era_for(claim, trace="EFT0002"), name="second.835")
    made = deposit("180.00", "BANK-77")
    match_deposit(
        deposit_id=made.pk, payment_ids=[payment("EFT0001").pk, payment("EFT0002").pk], actor=SYSTEM
    )
    assert set(made.payments.values_list("trace_number", flat=True)) == {"EFT0001", "EFT0002"}


def test_matching_by_hand_refuses_payments_of_two_payers(claim):
    other = submitted_claim()
    post(era_for(claim, trace="EFT0001"))
    post(era_for(other, trace="EFT0009"), name="other.835")
    made = deposit("180.00", "BANK-77")
    with pytest.raises(ValidationError) as refused:
        match_deposit(
            deposit_id=made.pk,
            payment_ids=[payment("EFT0001").pk, payment("EFT0009").pk],
            actor=SYSTEM,
        )
    assert codes_of(refused.value, "payments") == [Code.DEPOSIT_PAYERS_MIXED]
    assert not made.payments.exists()


def test_a_payment_matched_to_one_deposit_is_refused_to_another(claim):
    post(era_for(claim))
    deposit("90.00", "EFT0001")
    second = deposit("90.00", "BANK-2")
    with pytest.raises(ValidationError) as refused:
        match_deposit(deposit_id=second.pk, payment_ids=[payment().pk], actor=SYSTEM)
    assert codes_of(refused.value, "payments") == [Code.DEPOSIT_PAYMENT_TAKEN]


def test_unmatching_needs_a_reason_and_is_audited(claim):
    post(era_for(claim))
    made = deposit("90.00", "EFT0001")
    with pytest.raises(ValidationError) as refused:
        unmatch_payment(payment_id=payment().pk, reason=" ", actor=SYSTEM)
    assert codes_of(refused.value, "reason") == [Code.DEPOSIT_REASON_REQUIRED]
    unmatch_payment(payment_id=payment().pk, reason="wrong bank line", actor=SYSTEM)
    assert payment().deposit is None
    event = AuditEvent.objects.filter(detail__contains="unmatched").get()
    assert f"deposit {made.pk}" in event.detail
    assert "wrong bank line" in event.detail


def test_a_deposit_form_shows_every_error_at_once():
    with pytest.raises(ValidationError) as refused:
        deposit("1e309", "", deposit_date=DEPOSITED_ON.replace(year=9999), method="cash")
    assert set(refused.value.error_dict) == {"deposit_date", "amount", "method", "reference"}
    assert codes_of(refused.value, "amount") == [Code.DEPOSIT_AMOUNT_INVALID]


@pytest.mark.parametrize("reference", ["EFT\x00", "EFT 🙂" * 20, "9" * 51])
def test_odd_references_are_refused(reference):
    with pytest.raises(ValidationError) as refused:
        deposit("90.00", reference)
    assert codes_of(refused.value, "reference") == [Code.DEPOSIT_REFERENCE_INVALID]


def test_a_front_desk_user_cannot_enter_deposits():
    desk = UserFactory(roles=[Role.FRONT_DESK])
    with pytest.raises(PermissionDenied):
        deposit("90.00", actor=desk)


# --- the bank's CSV ---------------------------------------------------------------------

BANK = b'Date,Amount,Reference\n2026-11-23,90.00,EFT0001\n11/24/2026,"1,250.00",EFT0002\n'


def test_a_bank_file_imports_each_row_as_a_deposit_and_matches_them(claim):
    post(era_for(claim))
    result = import_bank_file(data=BANK, method="eft", actor=SYSTEM)
    assert sorted(d.amount for d in result.created) == [D("90.00"), D("1250.00")]
    assert result.matched == 1
    assert payment().deposit is not None


def test_a_bank_file_with_bad_rows_imports_nothing_and_names_each_row():
    data = BANK + b"2026-13-01,5.00,X1\n2026-11-20,-3.00,X2\n"
    with pytest.raises(ValidationError) as refused:
        import_bank_file(data=data, method="eft", actor=SYSTEM)
    messages = refused.value.message_dict["file"]
    assert [m.split(":")[0] for m in messages] == ["Row 4", "Row 5"]
    assert not InsuranceDeposit.objects.exists()


def test_a_bank_file_imported_twice_enters_its_deposits_once():
    import_bank_file(data=BANK, method="eft", actor=SYSTEM)
    again = import_bank_file(data=BANK, method="eft", actor=SYSTEM)
    assert again.created == []
    assert len(again.skipped) == 2
    assert InsuranceDeposit.objects.count() == 2
