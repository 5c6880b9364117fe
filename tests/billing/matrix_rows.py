"""Billing's rows of the authorization matrix: the receipt pages, voids and refunds.

The front desk, the office manager and the biller see payments and their receipts; the
front desk and the office manager void a payment (the same day), the biller and the
office manager refund one. Every write carries a body the view accepts.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tests.core.test_authorization_matrix import BI, FD, OM, api, page

PAYMENT_READERS = {OM, FD, BI}
CLAIM_READERS = {OM, BI}
# The CMS-1500 page reads the claim through billing.claimdata.claim_for_x12, written in
# another branch: until it is merged the page answers 503 with a message saying so.
CLAIM_PDF_OK = 200 if importlib.util.find_spec("medoffice.billing.claimdata") else 503
VOIDERS = {OM, FD}
REFUNDERS = {OM, BI}


def _fixed(body: dict[str, Any]) -> Any:
    def make(target: Any) -> dict[str, Any]:
        return dict(body)

    return make


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
    page(
        "/front-desk/payments/<int:pk>/void/",
        "Void a payment: the confirmation",
        VOIDERS,
        target="billing_payment",
    ),
    page(
        "/front-desk/payments/<int:pk>/void/",
        "Void a payment (the same day, with a reason)",
        VOIDERS,
        method="POST",
        ok=302,
        target="billing_payment",
        body=_fixed({"reason": "Entered twice"}),
    ),
    page(
        "/front-desk/payments/<int:pk>/refund/",
        "Refund a payment: the form",
        REFUNDERS,
        target="billing_payment",
    ),
    page(
        "/front-desk/payments/<int:pk>/refund/",
        "Refund a payment (at most what was paid)",
        REFUNDERS,
        method="POST",
        ok=302,
        target="billing_payment",
        body=_fixed({"amount": "5.00", "reason": "Overpaid"}),
    ),
    page(
        "/billing/claims/<int:pk>/cms1500.pdf",
        "Billing: a claim's CMS-1500 PDF",
        CLAIM_READERS,
        ok=CLAIM_PDF_OK,
        target="billing_claim",
    ),
    api(
        "POST",
        "/api/v1/payments/{id}/void",
        "API: void a payment",
        VOIDERS,
        target="billing_payment",
        body=_fixed({"reason": "Entered twice"}),
    ),
    api(
        "POST",
        "/api/v1/payments/{id}/refund",
        "API: refund a payment",
        REFUNDERS,
        target="billing_payment",
        body=_fixed({"amount": "5.00", "reason": "Overpaid"}),
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


def _claim() -> Any:
    from tests.billing.factories import office_visit_claim

    return office_visit_claim()


TARGETS: dict[str, Callable[[], Any]] = {"billing_payment": _payment, "billing_claim": _claim}
