"""Balances, always summed from the ledger's entries (``LedgerEntry``): per service line
(insurance and patient), per patient, per payer, the whole A/R, what a patient is due to pay,
a patient's unapplied desk money, and the credit balances.

Nothing here reads a stored balance: there is none. The ``*_of`` functions are unscoped and
serve the services (which lock the rows first); the others take the user and see only the
entries ``restrict(user, "view")`` lets them see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Round

from medoffice.billing.choices import ClaimStatus, LedgerParty, Responsibility
from medoffice.billing.models import Claim, LedgerEntry, PatientPayment, PaymentRefund
from medoffice.core.models import User
from medoffice.core.permissions import SystemActor

ZERO = Decimal("0.00")
INSURANCE = LedgerParty.INSURANCE
PATIENT = LedgerParty.PATIENT
# A payer's claim in these has not been adjudicated yet: the patient's share is not due.
WAITING_FOR_PAYER = frozenset(
    {
        ClaimStatus.DRAFT,
        ClaimStatus.SCRUBBED,
        ClaimStatus.READY,
        ClaimStatus.SUBMITTED,
        ClaimStatus.ACCEPTED,
        ClaimStatus.REJECTED,
    }
)


_CENTS = DecimalField(max_digits=14, decimal_places=2)


def cents_sum(field: str, condition: Q | None = None) -> Round:
    """The sum of ``field`` in cents, 0 when there is nothing to sum.

    SQLite sums a decimal column in binary floating point (74.13 came back as
    74.1300000000001, a zero balance as -1e-14), so the sum is rounded to the cent in the
    query itself: comparisons with zero in SQL (the credit report) then hold too.
    """
    return Round(
        Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=_CENTS),
        2,
        output_field=_CENTS,
    )


def _sum(condition: Q | None = None) -> Round:
    return cents_sum("amount", condition)


@dataclass(frozen=True)
class Balance:
    """What is owed: by the payers (insurance) and by the patient."""

    insurance: Decimal = ZERO
    patient: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.insurance + self.patient

    @property
    def is_credit(self) -> bool:
        return self.insurance < 0 or self.patient < 0


def _balance(entries: QuerySet[LedgerEntry]) -> Balance:
    row = entries.order_by().aggregate(
        insurance=_sum(Q(party=INSURANCE)), patient=_sum(Q(party=PATIENT))
    )
    return Balance(insurance=row["insurance"], patient=row["patient"])


def _by(entries: QuerySet[LedgerEntry], field: str) -> dict[Any, Balance]:
    return {
        row[field]: Balance(insurance=row["insurance"], patient=row["patient"])
        for row in entries.order_by()
        .values(field)
        .annotate(insurance=_sum(Q(party=INSURANCE)), patient=_sum(Q(party=PATIENT)))
    }


# --- unscoped: for the services, under their row locks ---------------------------------


def line_balance_of(line_id: int) -> Balance:
    """The line's insurance and patient balance."""
    return _balance(LedgerEntry.objects.filter(charge_line_id=line_id))


def party_balance_of(line_id: int, party: str, payer_id: int | None) -> Decimal:
    """What one party (a payer, or the patient) owes on the line."""
    entries = LedgerEntry.objects.filter(charge_line_id=line_id, party=party)
    if party == INSURANCE and payer_id is not None:
        entries = entries.filter(payer_id=payer_id)
    return entries.order_by().aggregate(total=_sum())["total"]


def payer_balances_on_line(line_id: int) -> dict[int, Decimal]:
    """Each payer's balance on the line (payers with no entries left out)."""
    return {
        row["payer_id"]: row["total"]
        for row in LedgerEntry.objects.filter(charge_line_id=line_id, party=INSURANCE)
        .order_by()
        .values("payer_id")
        .annotate(total=_sum())
    }


def line_balances_of(line_ids: Iterable[int]) -> dict[int, Balance]:
    return _by(LedgerEntry.objects.filter(charge_line_id__in=list(line_ids)), "charge_line_id")


def allocated_of(payment: PatientPayment) -> Decimal:
    """How much of the desk payment sits on lines (its allocations less what came back)."""
    total = LedgerEntry.objects.filter(patient_payment=payment).order_by().aggregate(t=_sum())["t"]
    return -total


def unapplied_of(payment: PatientPayment) -> Decimal:
    """What of the desk payment is a credit on the patient not applied to any line yet:
    nothing when void; else paid, less refunds, less what sits on lines."""
    if payment.is_void:
        return ZERO
    refunded = PaymentRefund.objects.filter(payment=payment).aggregate(t=Sum("amount"))["t"]
    return payment.amount - (refunded or ZERO) - allocated_of(payment)


def patient_unapplied_of(patient_id: int) -> Decimal:
    """The patient's desk money not applied to a line yet (all their payments)."""
    payments = PatientPayment.objects.filter(patient_id=patient_id, voided_at__isnull=True)
    paid = payments.aggregate(t=Sum("amount"))["t"] or ZERO
    refunded = (
        PaymentRefund.objects.filter(payment__in=payments.values("pk")).aggregate(t=Sum("amount"))[
            "t"
        ]
        or ZERO
    )
    allocated = -(
        LedgerEntry.objects.filter(patient_payment__in=payments.values("pk"))
        .order_by()
        .aggregate(t=_sum())["t"]
    )
    return paid - refunded - allocated


def visits_waiting_for_payer(encounter_ids: Iterable[int]) -> set[int]:
    """Of these visits, those with a payer's claim not adjudicated yet."""
    return set(
        Claim.objects.filter(encounter_id__in=list(encounter_ids), status__in=WAITING_FOR_PAYER)
        .exclude(responsibility=Responsibility.PATIENT)
        .values_list("encounter_id", flat=True)
    )


# --- scoped: what the user may see ------------------------------------------------------


def entries_for(user: User | SystemActor) -> QuerySet[LedgerEntry]:
    """The ledger entries the user may see (the permission and their locations)."""
    return LedgerEntry.objects.restrict(user, "view")


def line_balances(user: User | SystemActor, patient_id: int) -> dict[int, Balance]:
    """Each of the patient's lines: its insurance and patient balance."""
    return _by(entries_for(user).filter(patient_id=patient_id), "charge_line_id")


def patient_balance(user: User | SystemActor, patient_id: int) -> Balance:
    return _balance(entries_for(user).filter(patient_id=patient_id))


def patient_balances(user: User | SystemActor) -> dict[int, Balance]:
    """Every patient with entries: their insurance and patient balance."""
    return _by(entries_for(user), "patient_id")


def payer_balances(user: User | SystemActor) -> dict[int, Decimal]:
    """What each payer owes in all."""
    return {
        row["payer_id"]: row["total"]
        for row in entries_for(user)
        .filter(party=INSURANCE)
        .order_by()
        .values("payer_id")
        .annotate(total=_sum())
    }


def total_ar(user: User | SystemActor) -> Balance:
    """The whole accounts receivable the user may see, split insurance and patient."""
    return _balance(entries_for(user))


def patient_due(user: User | SystemActor, patient_id: int) -> Decimal:
    """What the patient is due to pay now: their balance on the visits every payer has
    adjudicated (a visit with a payer's claim still waiting does not count yet)."""
    entries = entries_for(user).filter(patient_id=patient_id, party=PATIENT)
    by_visit = {
        row["charge_line__encounter_id"]: row["total"]
        for row in entries.order_by().values("charge_line__encounter_id").annotate(total=_sum())
    }
    waiting = visits_waiting_for_payer(by_visit)
    return sum((t for v, t in by_visit.items() if v not in waiting), ZERO)


@dataclass(frozen=True)
class CreditLine:
    charge_line_id: int
    patient_id: int
    balance: Balance


def credit_lines(user: User | SystemActor) -> list[CreditLine]:
    """The lines where the insurance or the patient balance is below zero."""
    rows = (
        entries_for(user)
        .order_by()
        .values("charge_line_id", "patient_id")
        .annotate(insurance=_sum(Q(party=INSURANCE)), patient=_sum(Q(party=PATIENT)))
        .filter(Q(insurance__lt=0) | Q(patient__lt=0))
        .order_by("patient_id", "charge_line_id")
    )
    return [
        CreditLine(r["charge_line_id"], r["patient_id"], Balance(r["insurance"], r["patient"]))
        for r in rows
    ]


def credit_patients(user: User | SystemActor) -> dict[int, Balance]:
    """The patients whose balance in all (insurance and patient) is below zero."""
    return {pid: b for pid, b in patient_balances(user).items() if b.total < 0}


# --- the patient's ledger page -----------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    """One entry as the patient's ledger shows it, with the line's balances after it."""

    entry: LedgerEntry
    insurance: Decimal  # the entry's amount when it moved insurance, else None-like zero
    patient: Decimal
    line_insurance: Decimal  # the line's balances after this entry
    line_patient: Decimal
    running_total: Decimal  # the patient's whole balance after this entry


@dataclass
class LedgerLine:
    line: Any
    rows: list[LedgerRow]


@dataclass
class LedgerVisit:
    encounter: Any
    lines: list[LedgerLine]


def patient_ledger(user: User | SystemActor, patient_id: int) -> list[LedgerVisit]:
    """The patient's entries the user may see, by visit (oldest first) and line, each with
    the running balances: the line's insurance and patient balance, and the patient's total
    (summed in the order the visits and lines are shown)."""
    entries = (
        entries_for(user)
        .filter(patient_id=patient_id)
        .select_related(
            "charge_line__encounter__rendering_provider",
            "charge_line__encounter__location",
            "payer",
            "posted_by",
        )
        .order_by(
            "charge_line__encounter__date_of_service",
            "charge_line__encounter_id",
            "charge_line__line_number",
            "charge_line_id",
            "posted_at",
            "pk",
        )
    )
    visits: list[LedgerVisit] = []
    total = ZERO
    for entry in entries:
        line = entry.charge_line
        if not visits or visits[-1].encounter.pk != line.encounter_id:
            visits.append(LedgerVisit(line.encounter, []))
        lines = visits[-1].lines
        if not lines or lines[-1].line.pk != line.pk:
            lines.append(LedgerLine(line, []))
        rows = lines[-1].rows
        before_ins = rows[-1].line_insurance if rows else ZERO
        before_pat = rows[-1].line_patient if rows else ZERO
        ins = entry.amount if entry.party == INSURANCE else ZERO
        pat = entry.amount if entry.party == PATIENT else ZERO
        total += entry.amount
        rows.append(LedgerRow(entry, ins, pat, before_ins + ins, before_pat + pat, total))
    return visits


def patient_unapplied(user: User | SystemActor, patient_id: int) -> Decimal:
    """The patient's desk money not applied yet, of the payments the user may see."""
    total = ZERO
    for payment in PatientPayment.objects.restrict(user, "view").filter(
        patient_id=patient_id, voided_at__isnull=True
    ):
        total += unapplied_of(payment)
    return total


def credit_line_rows(user: User | SystemActor) -> QuerySet[Any]:
    """The lines in credit as rows for the credit-balance report: each with its insurance
    and patient balance (``insurance_balance``, ``patient_balance``) and ``patient_id``.

    One grouped query over the ledger finds the lines in credit (the ``ledger_line_balance``
    index covers it); the rows are then those few lines, each balance summed from the
    line's own entries: the page's count, its page and the CSV never sum the ledger again.
    """
    from django.db.models import F, OuterRef, Subquery

    from medoffice.billing.models import ChargeLine

    in_credit = list(
        entries_for(user)
        .order_by()
        .values("charge_line_id")
        .annotate(insurance=_sum(Q(party=INSURANCE)), patient=_sum(Q(party=PATIENT)))
        .filter(Q(insurance__lt=0) | Q(patient__lt=0))
        .values_list("charge_line_id", flat=True)
    )
    on_line = entries_for(user).filter(charge_line_id=OuterRef("pk")).order_by()

    def balance(party: str) -> Coalesce:
        total = on_line.filter(party=party).values("charge_line_id").annotate(total=_sum())
        return Coalesce(
            Subquery(total.values("total"), output_field=_CENTS), Value(ZERO), output_field=_CENTS
        )

    return (
        ChargeLine.with_removed.filter(pk__in=in_credit)
        .annotate(
            insurance_balance=balance(INSURANCE),
            patient_balance=balance(PATIENT),
            patient_id=F("encounter__patient_id"),
        )
        .select_related("encounter__patient", "encounter__location")
    )


def record_banner(user: User, patient: Any, params: Mapping[str, str]) -> dict[str, Any]:
    """The patient record's banner fact (``patients.record``): the balances, and the way to
    the ledger."""
    return {"balance": patient_balance(user, patient.pk), "patient_id": patient.pk}
