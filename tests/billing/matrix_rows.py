"""Billing's rows of the authorization matrix: the receipt pages.

The front desk, the office manager and the biller see payments and their receipts.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tests.core.test_authorization_matrix import BI, FD, OM, page

PAYMENT_READERS = {OM, FD, BI}

ROWS = [
    page("/front-desk/payments/", "Payments list", PAYMENT_READERS),
    page(
        "/front-desk/payments/<int:pk>/receipt/",
        "Front desk: receipt",
        PAYMENT_READERS,
        target="billing_payment",
    ),
    page(
        "/front-desk/payments/<int:pk>/receipt.pdf",
        "Front desk: receipt PDF",
        PAYMENT_READERS,
        target="billing_payment",
    ),
]


def _payment() -> Any:
    from medoffice.billing.services import take_payment
    from medoffice.core.roles import Role
    from tests.factories import LocationFactory, UserFactory
    from tests.frontdesk.factories import todays_visit

    visit = todays_visit(LocationFactory())
    return take_payment(
        actor=UserFactory(roles=[Role.FRONT_DESK]),
        patient=visit.patient,
        location=visit.location,
        appointment=visit,
        amount=Decimal("20.00"),
        method="cash",
    )


TARGETS: dict[str, Callable[[], Any]] = {"billing_payment": _payment}
