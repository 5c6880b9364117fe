"""Billing's pages."""

from medoffice.billing.views.payments import (
    PaymentList,
    receipt,
    receipt_pdf,
    refund,
    void,
)

__all__ = [
    "PaymentList",
    "receipt",
    "receipt_pdf",
    "refund",
    "void",
]
