"""Factories of billing's reference rows: codes, NCCI edits, payers' profiles, fee schedules."""

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
from medoffice.patients.models import Payer

START = dt.date(2026, 1, 1)


class PayerFactory(DjangoModelFactory):
    class Meta:
        model = Payer

    name = factory.Sequence(lambda n: f"Test Payer {n}")
    payer_id = factory.Sequence(lambda n: f"TP{n:04d}")


class ClearinghouseFactory(DjangoModelFactory):
    class Meta:
        model = Clearinghouse

    name = factory.Sequence(lambda n: f"Clearinghouse {n}")
    submitter_id = "SUB123"
    receiver_id = "RCV456"
    receiver_name = "TEST RECEIVER"


class PayerProfileFactory(DjangoModelFactory):
    class Meta:
        model = PayerProfile

    payer = factory.SubFactory(PayerFactory)
    clearinghouse = factory.SubFactory(ClearinghouseFactory)


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    payer = factory.SubFactory(PayerFactory)
    name = factory.Sequence(lambda n: f"Plan {n}")


class ProcedureCodeFactory(DjangoModelFactory):
    class Meta:
        model = ProcedureCode
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90000 + n % 9999:05d}")
    code_set = "cpt"
    short_description = factory.Sequence(lambda n: f"Test procedure {n}")


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
