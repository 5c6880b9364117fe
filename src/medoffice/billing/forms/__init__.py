"""Billing's forms."""

from medoffice.billing.forms.payments import (
    BalancePaymentForm,
    PaymentForm,
    RefundForm,
    VoidForm,
)

__all__ = [
    "BalancePaymentForm",
    "PaymentForm",
    "RefundForm",
    "VoidForm",
]
