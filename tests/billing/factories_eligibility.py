"""Factories for eligibility: a clearinghouse, a payer sent through it, checks, visits.

``visit_on(day, location)`` books a real visit (the front desk's ``book``) on a day in the
practice's zone; ``insured(patient)`` gives the patient a coverage of a payer whose
billing profile sends through a clearinghouse writing into ``outbox``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from medoffice.billing.models import EligibilityCheck
from tests.billing.factories_reference import ClearinghouseFactory, PayerProfileFactory
from tests.frontdesk.factories import TZ, at, book, working_provider
from tests.patients.factories import CoverageFactory

__all__ = [
    "ClearinghouseFactory",
    "CoverageFactory",
    "EligibilityCheckFactory",
    "PayerProfileFactory",
    "insured",
    "local_day",
    "visit_on",
]


class EligibilityCheckFactory(DjangoModelFactory):
    class Meta:
        model = EligibilityCheck

    coverage = factory.SubFactory(CoverageFactory)
    location = factory.LazyAttribute(lambda o: o.coverage.patient.home_location)
    service_date = factory.LazyFunction(lambda: timezone.now().astimezone(TZ).date())
    trace_number = factory.Sequence(lambda n: f"T{n:08d}")
    status = "active"
    requested_at = factory.LazyFunction(timezone.now)


def local_day(days: int = 0) -> dt.date:
    return timezone.now().astimezone(TZ).date() + dt.timedelta(days=days)


def visit_on(day: dt.date, location: Any, *, patient: Any = None, hour: int = 10) -> Any:
    return book(
        provider=working_provider(location), location=location, start=at(day, hour), patient=patient
    )


def insured(patient: Any, outbox: Any = "", **coverage: Any) -> Any:
    """A coverage in effect since 2024 of a payer sent through a clearinghouse."""
    profile = PayerProfileFactory(clearinghouse__outbox=str(outbox))
    coverage.setdefault("copay", Decimal("25.00"))
    return CoverageFactory(patient=patient, payer=profile.payer, **coverage)
