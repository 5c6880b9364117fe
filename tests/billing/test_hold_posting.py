"""The practice option "hold posting until the deposit is matched": an 835 imported while
it is on stores its payments waiting for their deposit and posts nothing; matching the
deposit posts each payment, once, through the same posting as an import."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from medoffice.billing.models import (
    EraPayment,
    EraPaymentStatus,
    EraStatus,
    LedgerEntry,
    ProviderAccountEntry,
    ProviderAdjustmentKind,
)
from medoffice.billing.services.deposits import match_deposit
from medoffice.billing.services.era import import_era, post_waiting_payment
from medoffice.billing.services.options import hold_posting, set_hold_posting
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_deposits import deposit
from tests.billing.factories_deposits import hold_posting as turn_on
from tests.billing.factories_era import D, denied_answer, era_for, submitted_claim
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


def era_entries():
    return sorted(
        LedgerEntry.objects.filter(source_kind="era").values_list("kind", "party", "amount")
    )


def test_the_option_is_off_until_the_office_manager_turns_it_on():
    assert hold_posting() is False
    set_hold_posting(hold=True, actor=UserFactory(roles=[Role.OFFICE_MANAGER]))
    assert hold_posting() is True


def test_a_biller_cannot_change_the_option():
    with pytest.raises(PermissionDenied):
        set_hold_posting(hold=True, actor=UserFactory(roles=[Role.BILLER]))


def test_changing_the_option_is_audited():
    turn_on()
    assert AuditEvent.objects.filter(detail__contains="off → on").exists()


def test_with_the_option_on_an_import_posts_nothing_and_the_payment_waits(claim):
    turn_on()
    result = post(era_for(claim))
    assert not LedgerEntry.objects.filter(source_kind="era").exists()
    assert EraPayment.objects.get().status == EraPaymentStatus.WAITING
    assert result.era_file.status == EraStatus.WAITING
    assert result.payments_waiting == [
        "payment EFT0001 of " + claim.payer.name.upper() + " ($90.00)"
    ]


def test_with_the_option_on_a_payment_of_nothing_posts_at_once(claim):
    turn_on()
    post(era_for(claim, denied_answer(claim)))
    assert EraPayment.objects.get().status == EraPaymentStatus.POSTED


def test_matching_the_deposit_posts_the_waiting_payment_as_an_import_would(claim):
    unheld = submitted_claim()
    post(era_for(unheld, trace="EFT0009"), name="unheld.835")
    expected = era_entries()
    turn_on()
    post(era_for(claim))
    deposit("90.00", "EFT0001")
    waiting = EraPayment.objects.get(trace_number="EFT0001")
    assert waiting.status == EraPaymentStatus.POSTED
    held_entries = sorted(
        LedgerEntry.objects.filter(source_kind="era", claim=claim).values_list(
            "kind", "party", "amount"
        )
    )
    assert held_entries == expected


def test_a_waiting_payment_matched_by_hand_posts_once_however_often_it_is_asked(claim):
    turn_on()
    post(era_for(claim))
    made = deposit("95.00", "BANK-1")  # not the payment's amount: not matched by itself
    assert EraPayment.objects.get().status == EraPaymentStatus.WAITING
    posted = match_deposit(
        deposit_id=made.pk, payment_ids=[EraPayment.objects.get().pk], actor=SYSTEM
    )
    before = LedgerEntry.objects.count()
    assert posted == 1
    assert post_waiting_payment(EraPayment.objects.get().pk, actor=SYSTEM) is None
    assert (
        match_deposit(deposit_id=made.pk, payment_ids=[EraPayment.objects.get().pk], actor=SYSTEM)
        == 0
    )
    assert LedgerEntry.objects.count() == before


def test_the_file_is_posted_once_its_last_waiting_payment_is(claim):
    turn_on()
    result = post(era_for(claim))
    deposit("90.00", "EFT0001")
    result.era_file.refresh_from_db()
    assert result.era_file.status == EraStatus.POSTED
    assert result.era_file.payment_count == 1
    assert result.era_file.total_paid == D("90.00")


def test_a_waiting_payment_posts_its_plb_items_only_when_matched(claim):
    turn_on()
    post(era_for(claim, plb=(("L6", "INT1", D("-2.50")),)))
    assert not ProviderAccountEntry.objects.exists()
    deposit("92.50", "EFT0001")
    entry = ProviderAccountEntry.objects.get()
    assert (entry.kind, entry.amount) == (ProviderAdjustmentKind.INTEREST, D("2.50"))
