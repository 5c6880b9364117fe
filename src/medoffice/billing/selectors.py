"""Reads of billing's data for other apps' pages: the payments of one visit, the payments
that count (the payments list and the home page's copays), a day's copays by method."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from medoffice.billing.choices import PaymentMethod
from medoffice.billing.models import PatientPayment
from medoffice.core.models import User
from medoffice.core.money import CENT


def visit_payments(user: User, appointment: Any) -> list[PatientPayment]:
    """The payments taken for ``appointment`` that the user may see."""
    return list(PatientPayment.objects.restrict(user, "view").filter(appointment=appointment))


def counted_payments(user: User) -> QuerySet[PatientPayment]:
    """The payments the user may see that count as money taken: the one place that says
    which do (a voided payment will not, when payments can be voided), read by the
    payments list and the home page's figures alike."""
    return PatientPayment.objects.restrict(user, "view")


def copays_by_method(user: User, day: dt.date) -> dict[str, Any]:
    """The copays taken on ``day`` (the practice's day) in the user's locations: how many
    and how much in all, and per method (cash, card, check, HSA/FSA card) in that order."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
    rows = {
        method: (n, total)
        for method, n, total in counted_payments(user)
        .filter(kind="copay", received_at__gte=start, received_at__lt=start + dt.timedelta(days=1))
        .order_by()
        .values_list("method")
        .annotate(n=Count("pk"), total=Sum("amount"))
    }
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
