"""Managed-care contract test objects: a payer's contract (with its allowed-amount schedule)
and claimed visits whose lines a payer adjudicated.

Visits come from the ledger factories (99213 $150 with modifier 25, 36415 $20; needs
``office_visit_codes()``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from medoffice.billing.models import Contract, FeeSchedule, FeeScheduleEntry, LineAdjudication
from medoffice.billing.services.contracts import record_adjudication
from tests.billing.factories_ledger import claim_of, claimed_visit, lines_of
from tests.factories import SYSTEM, LocationFactory, PatientFactory
from tests.patients.factories import CoverageFactory, PayerFactory

START = dt.date(2020, 1, 1)


def allowed_schedule(payer: Any, rates: dict[str, str], *, since: dt.date = START) -> FeeSchedule:
    """The payer's allowed amounts: ``{"99213": "100.00", "99213-25": "110.00"}``."""
    schedule = FeeSchedule.objects.create(
        name=f"{payer.name} allowed {FeeSchedule.objects.count()}", kind="allowed", payer=payer
    )
    for key, amount in rates.items():
        code, _, modifier = key.partition("-")
        FeeScheduleEntry.objects.create(
            schedule=schedule,
            code=code,
            modifier=modifier,
            amount=Decimal(amount),
            effective_from=since,
        )
    return schedule


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract

    payer = factory.SubFactory(PayerFactory)
    name = factory.Sequence(lambda n: f"Contract {n}")
    effective_from = START
    effective_to = None
    method = "charges"
    percent = Decimal("60")
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


def adjudicated_visit(
    *,
    payer: Any = None,
    location: Any = None,
    allowed: tuple[str, str] = ("100.00", "16.00"),
    days_ago: int = 3,
) -> list[LineAdjudication]:
    """A claimed visit (99213-25 $150, 36415 $20) to ``payer`` (a new one if None) whose
    payer allowed ``allowed`` per line (paid 80 % of it), recorded from an EOB."""
    location = location or LocationFactory()
    patient = PatientFactory(home_location=location)
    CoverageFactory(patient=patient, order=1, **({"payer": payer} if payer else {}))
    encounter = claimed_visit(patient, location=location, days_ago=days_ago)
    claim = claim_of(encounter)
    rows = []
    for line, amount in zip(lines_of(encounter), allowed, strict=True):
        rows.append(
            record_adjudication(
                charge_line=line,
                claim=claim,
                payer=claim.payer,
                allowed=Decimal(amount),
                paid=(Decimal(amount) * Decimal("0.8")).quantize(Decimal("0.01")),
                source_kind="eob",
                source_id=f"test-{claim.pk}",
                actor=SYSTEM,
            )
        )
    return rows
