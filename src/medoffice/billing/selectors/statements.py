"""Reads of statements and collections, scoped to what the user may see (the permission
and their locations): runs, a run's statements, a patient's statement history, the
accounts in collections and the agency's export rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404

from medoffice.billing.models import (
    CollectionsFlag,
    PatientPayment,
    Statement,
    StatementDelivery,
    StatementRun,
)
from medoffice.billing.selectors.ledger import ZERO, patient_due
from medoffice.core.models import User
from medoffice.core.permissions import SystemActor

Viewer = User | SystemActor


def statements_for(user: Viewer) -> QuerySet[Statement]:
    return Statement.objects.restrict(user, "view")


def runs(user: Viewer) -> QuerySet[StatementRun]:
    """The statement runs, newest first, each with the count and total of its statements
    the user may see (``seen``, ``total_due``, ``emailed``, ``printed``)."""
    seen = statements_for(user).values("pk")
    inside = Q(statements__in=seen)
    return StatementRun.objects.restrict(user, "view").annotate(
        seen=Count("statements", filter=inside),
        total_due=Sum("statements__amount_due", filter=inside),
        emailed=Count(
            "statements", filter=inside & Q(statements__delivery=StatementDelivery.EMAIL)
        ),
        printed=Count(
            "statements", filter=inside & Q(statements__delivery=StatementDelivery.PRINT)
        ),
    )


def get_run(user: Viewer, pk: int) -> StatementRun:
    run = runs(user).filter(pk=pk).first()
    if run is None:
        raise Http404("No such statement run.")
    return run


def run_statements_seen(user: Viewer, run: StatementRun) -> QuerySet[Statement]:
    return statements_for(user).filter(run=run).select_related("patient", "message")


def patient_statements(user: Viewer, patient_id: int) -> QuerySet[Statement]:
    """The patient's statement history, newest first (who, when, amount, stage, delivery)."""
    return (
        statements_for(user)
        .filter(patients=patient_id)
        .select_related("run", "created_by", "message")
        .order_by("-as_of", "-pk")
    )


def get_statement(user: Viewer, pk: int, patient_id: int | None = None) -> Statement:
    found = statements_for(user).filter(pk=pk)
    if patient_id is not None:
        found = found.filter(patients=patient_id)
    statement = found.select_related("patient").first()
    if statement is None:
        raise Http404("No such statement.")
    return statement


def flags(user: Viewer, *, active: bool | None = True) -> QuerySet[CollectionsFlag]:
    rows = CollectionsFlag.objects.restrict(user, "view").select_related(
        "patient", "flagged_by", "reversed_by"
    )
    if active is True:
        rows = rows.filter(reversed_at__isnull=True)
    elif active is False:
        rows = rows.filter(reversed_at__isnull=False)
    return rows


def get_flag(user: Viewer, pk: int) -> CollectionsFlag:
    flag = flags(user, active=None).filter(pk=pk).first()
    if flag is None:
        raise Http404("No such collections flag.")
    return flag


def active_flag_of(user: Viewer, guarantor_key: str) -> CollectionsFlag | None:
    return flags(user).filter(guarantor_key=guarantor_key).first()


@dataclass(frozen=True)
class AgencyRow:
    flag: CollectionsFlag
    name: str
    address: str
    date_of_birth: Any
    phone: str
    balance: Decimal
    last_payment: Any  # date or None
    last_payment_amount: Decimal | None
    last_statement: Any  # date or None


def agency_rows(user: Viewer) -> list[AgencyRow]:
    """The accounts in collections the user may see, for the agency's CSV: the guarantor's
    name, address, date of birth and phone, what the patient owes now, the last payment
    and the last statement."""
    from medoffice.billing.services.statements import guarantor_address_of, guarantor_name_of

    rows = []
    for flag in flags(user).order_by("patient__last_name", "patient__first_name", "pk"):
        patient = flag.patient
        self_pays = flag.guarantor_key.startswith("p")
        last_payment = (
            PatientPayment.objects.filter(patient=patient, voided_at__isnull=True)
            .order_by("-received_at", "-pk")
            .first()
        )
        last_statement = Statement.objects.filter(guarantor_key=flag.guarantor_key).aggregate(
            d=Max("as_of")
        )["d"]
        rows.append(
            AgencyRow(
                flag=flag,
                name=guarantor_name_of(patient),
                address=guarantor_address_of(patient),
                date_of_birth=patient.date_of_birth
                if self_pays
                else patient.guarantor_date_of_birth,
                phone=(patient.phone or patient.phone_home)
                if self_pays
                else (patient.guarantor_phone or patient.phone),
                balance=patient_due(user, patient.pk) if patient else ZERO,
                last_payment=last_payment.received_at.date() if last_payment else None,
                last_payment_amount=last_payment.amount if last_payment else None,
                last_statement=last_statement,
            )
        )
    return rows
