"""Reads of billing's data for other apps' pages: the payments of one visit."""

from __future__ import annotations

from typing import Any

from medoffice.billing.models import PatientPayment
from medoffice.core.models import User


def visit_payments(user: User, appointment: Any) -> list[PatientPayment]:
    """The payments taken for ``appointment`` that the user may see."""
    return list(PatientPayment.objects.restrict(user, "view").filter(appointment=appointment))
