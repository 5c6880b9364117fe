"""Reads of billing's data for other apps' pages: the payments of one visit, a payment's
history, the payments that count (the payments list and the home page's copays), a day's
copays by method."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone

from medoffice.billing.choices import PaymentMethod
from medoffice.billing.models import PatientPayment, PaymentRefund
from medoffice.core.models import User, practice_zone
from medoffice.core.money import CENT
from medoffice.core.roles import Permission


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a payment's history: received, refunded or voided."""

    what: str  # "received", "refund", "void"
    at: dt.datetime
    by: Any
    amount: Decimal
    reason: str = ""


def refunds_of(payment: PatientPayment) -> list[PaymentRefund]:
    """The payment's refunds, oldest first (prefetched ones when the caller asked for them)."""
    return list(payment.refunds.all())


def refunded(payment: PatientPayment) -> Decimal:
    return sum((r.amount for r in refunds_of(payment)), Decimal("0.00"))


def net_amount(payment: PatientPayment) -> Decimal:
    """What the practice keeps of the payment: nothing when void, less its refunds."""
    if payment.is_void:
        return Decimal("0.00")
    return payment.amount - refunded(payment)


def history(payment: PatientPayment) -> list[HistoryEntry]:
    """Received, then refunds and the void in the order they happened."""
    entries = [HistoryEntry("received", payment.received_at, payment.received_by, payment.amount)]
    entries += [
        HistoryEntry("refund", r.refunded_at, r.refunded_by, r.amount, r.reason)
        for r in refunds_of(payment)
    ]
    if payment.voided_at is not None:
        entries.append(
            HistoryEntry(
                "void", payment.voided_at, payment.voided_by, payment.amount, payment.void_reason
            )
        )
    return sorted(entries, key=lambda e: e.at)


def can_void_now(user: User, payment: PatientPayment, now: dt.datetime) -> bool:
    """Whether to offer the void: the permission, the same practice day, not void, no refund."""
    zone = practice_zone()
    return (
        user.has_perm(Permission.VOID_PATIENTPAYMENT)
        and not payment.is_void
        and payment.received_at.astimezone(zone).date() == now.astimezone(zone).date()
        and not refunds_of(payment)
    )


def can_refund_now(user: User, payment: PatientPayment) -> bool:
    return (
        user.has_perm(Permission.REFUND_PATIENTPAYMENT)
        and not payment.is_void
        and net_amount(payment) > 0
    )


def visit_payments(user: User, appointment: Any) -> list[PatientPayment]:
    """The payments taken for ``appointment`` that the user may see, with their refunds."""
    return list(
        PatientPayment.objects.restrict(user, "view")
        .filter(appointment=appointment)
        .prefetch_related(
            Prefetch("refunds", queryset=PaymentRefund.objects.select_related("refunded_by"))
        )
    )


def visit_net_total(payments: list[PatientPayment]) -> Decimal:
    """What the visit's payments come to: voids count nothing, refunds are taken off."""
    return sum((net_amount(p) for p in payments), Decimal("0.00"))


def counted_payments(user: User) -> QuerySet[PatientPayment]:
    """The payments the user may see that count as money taken (a voided one does not): the
    one place that says which do, read by the payments list and the home page's figures."""
    return PatientPayment.objects.restrict(user, "view").filter(voided_at__isnull=True)


def copays_by_method(user: User, day: dt.date) -> dict[str, Any]:
    """The copays taken on ``day`` (the practice's day) in the user's locations: how many
    and how much in all, and per method (cash, card, check, HSA/FSA card) in that order;
    voided copays count nothing and refunds are taken off."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
    taken = counted_payments(user).filter(
        kind="copay", received_at__gte=start, received_at__lt=start + dt.timedelta(days=1)
    )
    rows = {
        method: (n, total)
        for method, n, total in taken.order_by()
        .values_list("method")
        .annotate(n=Count("pk"), total=Sum("amount"))
    }
    # What was refunded of those copays is not money kept: taken off per method.
    refunded = dict(
        PaymentRefund.objects.filter(payment__in=taken.values("pk"))
        .order_by()
        .values_list("payment__method")
        .annotate(total=Sum("amount"))
    )
    for method, (n, total) in rows.items():
        rows[method] = (n, (total or Decimal(0)) - (refunded.get(method) or Decimal(0)))
    methods = [
        {
            "method": method.value,
            "label": method.label,
            "count": rows.get(method.value, (0, None))[0],
            "total": (rows.get(method.value, (0, None))[1] or Decimal(0)).quantize(CENT),
        }
        for method in PaymentMethod
    ]
    return {
        "count": sum(m["count"] for m in methods),
        "total": sum((m["total"] for m in methods), Decimal("0.00")),
        "methods": methods,
    }
