"""The demo's ledger: every claimed visit's lines charged once, copays applied, and the
balances the services would keep (nothing below zero, nothing applied twice)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Count, F, Q, Sum

from medoffice.billing.choices import LedgerKind, LedgerParty
from medoffice.billing.models import ChargeLine, Claim, LedgerEntry, PatientPayment
from medoffice.billing.selectors import ledger as balances
from medoffice.billing.selectors.ledger import cents_sum

pytestmark = pytest.mark.django_db


def test_every_line_of_a_claimed_visit_is_charged_once(demo):
    claimed = set(
        ChargeLine.objects.filter(encounter__claims__frequency="1", charge__gt=0).values_list(
            "pk", flat=True
        )
    )
    charges = dict(
        LedgerEntry.objects.filter(kind=LedgerKind.CHARGE)
        .order_by()
        .values("charge_line_id")
        .annotate(n=Count("pk"))
        .values_list("charge_line_id", "n")
    )
    assert claimed
    assert (set(charges), set(charges.values())) == (claimed, {1})


def test_a_line_is_charged_its_charge(demo):
    wrong = LedgerEntry.objects.filter(kind=LedgerKind.CHARGE).exclude(
        amount=F("charge_line__charge")
    )
    assert not wrong.exists()


def test_a_voided_claims_charges_are_reversed(demo):
    voided = Claim.objects.filter(status="voided", frequency="1").values("encounter_id")
    left = LedgerEntry.objects.filter(charge_line__encounter_id__in=voided).aggregate(
        t=Sum("amount")
    )["t"]
    assert left in (None, Decimal("0.00"))


def test_copays_of_claimed_visits_are_applied(demo):
    applied = PatientPayment.objects.filter(allocations__kind=LedgerKind.PATIENT_PAYMENT)
    assert applied.exists()
    assert all(balances.unapplied_of(p) == 0 for p in applied)


def test_no_party_owes_below_zero_on_a_line_unless_it_is_a_credit(demo):
    # A credit: a copay paid at the desk above the share the payer gave the patient.
    rows = (
        LedgerEntry.objects.order_by()
        .values("charge_line_id", "party", "payer_id")
        .annotate(
            total=cents_sum("amount"),  # SQLite adds decimals in floating point
            credits=Count("pk", filter=Q(allows_credit=True)),
        )
        .filter(total__lt=0, credits=0)
    )
    assert not rows.exists()


def test_the_patient_share_is_the_applied_copays_and_self_pay_charges(demo):
    from medoffice.core.permissions import SystemActor

    ar = balances.total_ar(SystemActor("demo check"))
    patient = LedgerEntry.objects.filter(party=LedgerParty.PATIENT).aggregate(t=Sum("amount"))
    assert ar.patient == patient["t"]
