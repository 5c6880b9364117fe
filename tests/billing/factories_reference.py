"""Factories of billing's reference rows: codes, NCCI edits, payers' profiles, fee schedules.

The one home of the clearinghouse, payer-profile and procedure-code factories; the claims' and
eligibility's factory modules import them from here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from medoffice.billing.models import (
    AddOnCode,
    Clearinghouse,
    FeeSchedule,
    FeeScheduleEntry,
    MueLimit,
    PayerProfile,
    Plan,
    ProcedureCode,
    PtpEdit,
)
from tests.patients.factories import PayerFactory

START = dt.date(2026, 1, 1)


class ClearinghouseFactory(DjangoModelFactory):
    class Meta:
        model = Clearinghouse

    name = factory.Sequence(lambda n: f"Synthetic Exchange {n}")
    submitter_id = factory.Sequence(lambda n: f"SUB{n:05d}")
    receiver_id = "SYNXCHG"
    receiver_name = "SYNTHETIC EXCHANGE"


class PayerProfileFactory(DjangoModelFactory):
    """A payer's billing profile: electronic through a clearinghouse, with a claims address."""

    class Meta:
        model = PayerProfile

    payer = factory.SubFactory(PayerFactory)
    clearinghouse = factory.SubFactory(ClearinghouseFactory)
    claims_address_line1 = "PO Box 1000"
    claims_city = "Boston"
    claims_state = "MA"
    claims_postal_code = "02101"


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    payer = factory.SubFactory(PayerFactory)
    name = factory.Sequence(lambda n: f"Plan {n}")


class ProcedureCodeFactory(DjangoModelFactory):
    class Meta:
        model = ProcedureCode
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9{n % 10000:04d}")
    code_set = "cpt"
    short_description = factory.LazyAttribute(lambda p: f"Synthetic procedure {p.code}")


class PtpEditFactory(DjangoModelFactory):
    class Meta:
        model = PtpEdit

    table = "practitioner"
    column1 = "99213"
    column2 = "36415"
    effective_from = START
    modifier_indicator = "1"


class MueLimitFactory(DjangoModelFactory):
    class Meta:
        model = MueLimit

    table = "practitioner"
    code = "36415"
    units = 2
    adjudication = "3"
    effective_from = START


class AddOnCodeFactory(DjangoModelFactory):
    class Meta:
        model = AddOnCode

    addon = "90472"
    primary = "90471"
    effective_from = START


class FeeScheduleFactory(DjangoModelFactory):
    class Meta:
        model = FeeSchedule

    name = factory.Sequence(lambda n: f"Schedule {n}")
    kind = "standard"
    payer = None


class FeeScheduleEntryFactory(DjangoModelFactory):
    class Meta:
        model = FeeScheduleEntry

    schedule = factory.SubFactory(FeeScheduleFactory)
    code = "99213"
    amount = Decimal("125.00")
    effective_from = START
