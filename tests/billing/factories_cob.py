"""A patient with a primary and a secondary (and a tertiary) coverage, their primary claim
accepted by the payer, and the EOB entry that bills the next payer."""

from __future__ import annotations

from typing import Any

from medoffice.billing.models import Claim
from medoffice.billing.services import claims as claim_services
from medoffice.billing.services.cob import AdjustmentEntry, LineEntry, bill_next_payer
from medoffice.core.models import Practice
from tests.billing.factories_claims import claimed_encounter, seen_visit
from tests.billing.factories_reference import PayerProfileFactory
from tests.factories import SYSTEM, LocationFactory, PatientFactory
from tests.patients.factories import CoverageFactory, PayerFactory


def insured_twice(*, tertiary: bool = False, **patient_fields: Any) -> Any:
    """A patient with an address, a primary and a secondary coverage (and a tertiary)."""
    Practice.objects.update(postal_code="01103-2211", phone="(413) 555-0100")
    location = LocationFactory(postal_code="01103-2211")
    patient = PatientFactory(
        home_location=location,
        address_line1="12 Elm Street",
        city="Springfield",
        state="MA",
        postal_code="01103",
        **patient_fields,
    )
    for order in (1, 2, 3) if tertiary else (1, 2):
        payer = PayerFactory()
        PayerProfileFactory(payer=payer, filing_indicator="CI")
        CoverageFactory(patient=patient, payer=payer, order=order)
    return patient, location


def accepted_primary(*, tertiary: bool = False) -> Claim:
    """The primary payer's claim (99213 $150 + 36415 $20), accepted by the payer."""
    patient, location = insured_twice(tertiary=tertiary)
    encounter = claimed_encounter(seen_visit(location=location, patient=patient))
    claim = encounter.claims.get()
    for status in ("ready", "submitted"):
        claim = claim_services.transition(claim=claim, to=status, actor=SYSTEM)
    return claim_services.mark_accepted(claim=claim, actor=SYSTEM, payer_claim_number="PRI-1")


def eob_lines() -> list[LineEntry]:
    """The EOB of the standard claim: line 1 paid 100 (CO-45 30, PR-2 20), line 2 paid 16
    (PR-1 4)."""
    return [
        LineEntry(
            1,
            "100.00",
            [AdjustmentEntry("CO", "45", "30.00"), AdjustmentEntry("PR", "2", "20.00")],
        ),
        LineEntry(2, "16.00", [AdjustmentEntry("PR", "1", "4.00")]),
    ]


def bill_secondary(claim: Claim, **changes: Any) -> Claim:
    entry: dict[str, Any] = {
        "adjudicated_on": claim.date_of_service,
        "paid": "116.00",
        "lines": eob_lines(),
        "actor": SYSTEM,
    }
    entry.update(changes)
    return bill_next_payer(claim=claim, **entry)
