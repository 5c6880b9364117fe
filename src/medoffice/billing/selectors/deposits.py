"""Reads of insurance deposits, their reconciliation with the remittances' payments, and the
provider account. Practice-level money, no patient data: whoever sees the ledger sees them
(``VIEW_LEDGER``), whatever their locations; nothing here names a patient, so nothing here
is a patient-data access to audit (the pages audit their opening as ledger reads)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from medoffice.billing.models import (
    EraClaimPayment,
    EraPayment,
    EraProviderAdjustment,
    InsuranceDeposit,
    ProviderAccountEntry,
)
from medoffice.core.permissions import Actor

ZERO = Decimal(0)
_MONEY = DecimalField(max_digits=14, decimal_places=2)


def deposits(user: Actor) -> QuerySet[InsuranceDeposit]:
    return (
        InsuranceDeposit.objects.restrict(user, "view")
        .select_related("location", "entered_by")
        .annotate(
            matched_total=Coalesce(
                Subquery(
                    EraPayment.objects.filter(deposit=OuterRef("pk"))
                    .order_by()
                    .values("deposit")
                    .annotate(total=Sum("amount"))
                    .values("total"),
                    output_field=_MONEY,
                ),
                Value(ZERO),
                output_field=_MONEY,
            )
        )
    )


def matched_total(deposit: InsuranceDeposit) -> Decimal:
    """The BPR02 total of the deposit's payments (annotated by ``deposits()``)."""
    value: Decimal = getattr(deposit, "matched_total", ZERO)
    return value


def balance_gap(payment: EraPayment) -> Decimal:
    """BPR02 − (Σ CLP04 − Σ PLB) of a payment annotated by ``payments()``: zero when the
    payment balances."""
    paid: Decimal = getattr(payment, "claims_paid", ZERO)
    plb: Decimal = getattr(payment, "plb_total", ZERO)
    return payment.amount - (paid - plb)


def payments(user: Actor) -> QuerySet[EraPayment]:
    """Remittance payments with their claims' paid total (Σ CLP04) and PLB total."""
    return (
        EraPayment.objects.restrict(user, "view")
        .select_related("era_file", "deposit")
        .annotate(
            claims_paid=Coalesce(
                Subquery(
                    EraClaimPayment.objects.filter(payment=OuterRef("pk"))
                    .order_by()
                    .values("payment")
                    .annotate(total=Sum("paid"))
                    .values("total"),
                    output_field=_MONEY,
                ),
                Value(ZERO),
                output_field=_MONEY,
            ),
            plb_total=Coalesce(
                Subquery(
                    EraProviderAdjustment.objects.filter(payment=OuterRef("pk"))
                    .order_by()
                    .values("payment")
                    .annotate(total=Sum("amount"))
                    .values("total"),
                    output_field=_MONEY,
                ),
                Value(ZERO),
                output_field=_MONEY,
            ),
        )
    )


@dataclass
class DepositView:
    deposit: InsuranceDeposit
    payments: list[EraPayment]
    candidates: list[EraPayment]  # payments not matched yet, the likeliest first

    @property
    def matched_total(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.deposit.amount - self.matched_total


def get_deposit(user: Actor, pk: int) -> DepositView:
    deposit = deposits(user).filter(pk=pk).first()
    if deposit is None:
        raise Http404("No such deposit.")
    matched = list(payments(user).filter(deposit=deposit).order_by("pk"))
    open_payments = list(
        payments(user).filter(deposit__isnull=True).order_by("-payment_date", "-pk")[:200]
    )
    traces = {deposit.reference, deposit.check_number} - {""}
    open_payments.sort(
        key=lambda p: (p.trace_number not in traces, p.amount != deposit.amount, -p.pk)
    )
    return DepositView(deposit=deposit, payments=matched, candidates=open_payments)


@dataclass
class DayTotals:
    day: dt.date
    deposited: Decimal = ZERO
    paid: Decimal = ZERO  # BPR02 of the remittances paid that day

    @property
    def difference(self) -> Decimal:
        return self.deposited - self.paid


@dataclass
class DepositDifference:
    deposit: InsuranceDeposit
    matched: Decimal

    @property
    def difference(self) -> Decimal:
        return self.deposit.amount - self.matched


@dataclass
class Reconciliation:
    start: dt.date
    end: dt.date
    payments_without_deposit: list[EraPayment]
    deposits_without_payment: list[InsuranceDeposit]
    differences: list[DepositDifference]  # matched, but not to the cent
    unbalanced: list[EraPayment]  # BPR02 ≠ Σ CLP04 − Σ PLB
    days: list[DayTotals] = field(default_factory=list)

    @property
    def deposited(self) -> Decimal:
        return sum((d.deposited for d in self.days), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((d.paid for d in self.days), ZERO)


def reconciliation(user: Actor, *, start: dt.date, end: dt.date) -> Reconciliation:
    """Deposits by their date and remittance payments by their payment date (BPR16), from
    ``start`` to ``end``."""
    rows = list(deposits(user).filter(deposit_date__range=(start, end)).order_by("deposit_date"))
    paid = list(
        payments(user).filter(payment_date__range=(start, end)).order_by("payment_date", "pk")
    )
    days: dict[dt.date, DayTotals] = defaultdict(lambda: DayTotals(day=start))
    for d in rows:
        totals = days.setdefault(d.deposit_date, DayTotals(day=d.deposit_date))
        totals.deposited += d.amount
    for p in paid:
        if p.payment_date is not None:
            totals = days.setdefault(p.payment_date, DayTotals(day=p.payment_date))
            totals.paid += p.amount
    return Reconciliation(
        start=start,
        end=end,
        # a payment of $0 or less moves no money: the bank has nothing to show for it
        payments_without_deposit=[p for p in paid if p.deposit_id is None and p.amount > 0],
        deposits_without_payment=[d for d in rows if not matched_total(d)],
        differences=[
            DepositDifference(d, matched_total(d))
            for d in rows
            if matched_total(d) and matched_total(d) != d.amount
        ],
        unbalanced=[p for p in paid if balance_gap(p)],
        days=[days[k] for k in sorted(days)],
    )


@dataclass
class PayerBalance:
    payer_name: str
    interest: Decimal
    takebacks: Decimal
    forward: Decimal
    other: Decimal
    balance: Decimal


def provider_entries(user: Actor) -> QuerySet[ProviderAccountEntry]:
    return ProviderAccountEntry.objects.restrict(user, "view").select_related(
        "payment", "claim", "payer"
    )


def provider_balances(user: Actor) -> list[PayerBalance]:
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for name, kind, total in (
        provider_entries(user)
        .order_by()
        .values("payer_name", "kind")
        .annotate(total=Sum("amount"))
        .values_list("payer_name", "kind", "total")
    ):
        sums[name][kind] += total or ZERO
    return [
        PayerBalance(
            payer_name=name,
            interest=k["interest"],
            takebacks=k["takeback"],
            forward=k["forward"],
            other=k["other"],
            balance=sum(k.values(), ZERO),
        )
        for name, k in sorted(sums.items())
    ]
