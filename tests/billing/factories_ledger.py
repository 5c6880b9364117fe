"""Ledger test objects: claimed visits whose charges the claim posted, and desk payments.

Visits come from the charge-capture factories (99213 $150 and 36415 $20, needs
``office_visit_codes()``), so their charges reach the ledger the way the office's do.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from medoffice.billing.choices import ClaimFrequency
from medoffice.billing.models import ChargeLine, Claim, Encounter, PatientPayment
from medoffice.billing.services.payments import take_payment
from medoffice.core.roles import Role
from tests.billing.factories_claims import claimed_encounter
from tests.factories import LocationFactory, PatientFactory, UserFactory
from tests.patients.factories import CoverageFactory


def claimed_visit(
    patient: Any = None, *, location: Any = None, insured: bool = True, days_ago: int = 3
) -> Encounter:
    """A visit of ``patient`` claimed to their primary payer (self-pay when not insured)."""
    location = location or LocationFactory()
    patient = patient or PatientFactory(home_location=location)
    if insured and not patient.coverages.exists():
        CoverageFactory(patient=patient, order=1)
    return claimed_encounter(patient=patient, location=location, days_ago=days_ago)


def claim_of(encounter: Encounter) -> Claim:
    return Claim.objects.get(encounter=encounter, frequency=ClaimFrequency.ORIGINAL)


def lines_of(encounter: Encounter) -> list[ChargeLine]:
    return list(ChargeLine.objects.filter(encounter=encounter).order_by("line_number"))


def desk_payment(patient: Any, amount: str, *, location: Any = None, actor: Any = None):
    """A cash payment the patient made at the desk (unapplied until applied)."""
    payment: PatientPayment = take_payment(
        actor=actor or UserFactory(roles=[Role.FRONT_DESK]),
        patient=patient,
        location=location or patient.home_location or LocationFactory(),
        amount=Decimal(amount),
        method="cash",
    )
    return payment
