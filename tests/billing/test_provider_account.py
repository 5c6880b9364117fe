"""PLB items post to the provider account: the practice's account with the payer, apart
from the patients' lines, each item its own transaction linked to its payment; a forward
balance naming one of the payer's claims is linked to it."""

from __future__ import annotations

import pytest

from medoffice.billing.models import LedgerEntry, ProviderAccountEntry, ProviderAdjustmentKind
from medoffice.billing.selectors.deposits import provider_balances
from medoffice.billing.services.era import import_era
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_era import D, era_for, submitted_claim
from tests.factories import SYSTEM, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture
def claim():
    return submitted_claim()


def post(data, name="remit.835"):
    return import_era(data=data, filename=name, actor=SYSTEM)


def test_interest_is_money_to_the_practice(claim):
    post(era_for(claim, plb=(("L6", "INT", D("-3.20")),)))
    entry = ProviderAccountEntry.objects.get()
    assert (entry.kind, entry.amount) == (ProviderAdjustmentKind.INTEREST, D("3.20"))


def test_a_takeback_is_money_taken_from_the_payment(claim):
    post(era_for(claim, plb=(("WO", "OVERPAID1", D("25.00")),)))
    entry = ProviderAccountEntry.objects.get()
    assert (entry.kind, entry.amount) == (ProviderAdjustmentKind.TAKEBACK, D("-25.00"))


def test_each_plb_item_is_its_own_transaction_linked_to_its_payment(claim):
    result = post(era_for(claim, plb=(("L6", "INT", D("-1.00")), ("72", "RET", D("4.00")))))
    payment = result.era_file.payments.get()
    entries = ProviderAccountEntry.objects.order_by("pk")
    assert [(e.reason, e.payment_id) for e in entries] == [("L6", payment.pk), ("72", payment.pk)]


def test_a_forward_balance_naming_a_claim_of_the_payer_is_linked_to_it(claim):
    earlier = submitted_claim()  # of the same payer: a forward balance names its claims
    earlier.payer = claim.payer
    earlier.save(update_fields=["payer"])
    post(era_for(claim, plb=(("FB", earlier.control_number, D("12.00")),)))
    entry = ProviderAccountEntry.objects.get()
    assert (entry.kind, entry.claim_id) == (ProviderAdjustmentKind.FORWARD_BALANCE, earlier.pk)


def test_a_forward_balance_naming_no_claim_of_ours_is_posted_without_a_claim(claim):
    post(era_for(claim, plb=(("FB", "NOT-OURS-77", D("12.00")),)))
    assert ProviderAccountEntry.objects.get().claim_id is None


def test_plb_items_touch_no_patients_line(claim):
    post(era_for(claim))
    without_plb = LedgerEntry.objects.count()
    other = submitted_claim()
    post(era_for(other, trace="EFT0002", plb=(("L6", "INT", D("-5.00")),)), name="b.835")
    assert LedgerEntry.objects.count() == 2 * without_plb


def test_the_balance_per_payer_sums_its_transactions(claim):
    post(era_for(claim, plb=(("L6", "INT", D("-2.00")), ("WO", "X", D("10.00")))))
    (balance,) = provider_balances(UserFactory(roles=[Role.BILLER]))
    assert (balance.interest, balance.takebacks, balance.balance) == (
        D("2.00"),
        D("-10.00"),
        D("-8.00"),
    )


def test_the_front_desk_sees_no_provider_account(claim):
    post(era_for(claim, plb=(("L6", "INT", D("-2.00")),)))
    assert provider_balances(UserFactory(roles=[Role.FRONT_DESK])) == []
