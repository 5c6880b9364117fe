"""Billing's test objects made from the models directly (no service writes claims yet)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone


def office_visit_claim(location: Any = None) -> Any:
    """A primary claim of one office visit (models made directly: a test fixture)."""
    from medoffice.billing.models import Claim, ClaimLine, Encounter
    from tests.factories import LocationFactory
    from tests.frontdesk.factories import local_today, todays_visit
    from tests.patients.factories import CoverageFactory

    visit = todays_visit(location or LocationFactory())
    coverage = CoverageFactory(patient=visit.patient)
    today = local_today()
    encounter = Encounter.objects.create(
        appointment=visit,
        patient=visit.patient,
        location=visit.location,
        rendering_provider=visit.provider,
        date_of_service=today,
        place_of_service="11",
    )
    claim = Claim.objects.create(
        encounter=encounter,
        patient=visit.patient,
        payer=coverage.payer,
        coverage=coverage,
        responsibility="P",
        control_number=f"PCN{encounter.pk:06d}",
        date_of_service=today,
        total_charge=Decimal("125.00"),
        diagnoses="E119",
        place_of_service="11",
        created_at=timezone.now(),
    )
    ClaimLine.objects.create(
        claim=claim,
        line_number=1,
        procedure_code="99213",
        units=Decimal("1"),
        charge=Decimal("125.00"),
        diagnosis_pointers="1",
        service_from=today,
    )
    return claim
