"""Billing's forms."""

from medoffice.billing.forms.eligibility import CheckAgainForm, Import271Form
from medoffice.billing.forms.payments import (
    BalancePaymentForm,
    PaymentForm,
    RefundForm,
    VoidForm,
)

__all__ = [
    "BalancePaymentForm",
    "CheckAgainForm",
    "Import271Form",
    "PaymentForm",
    "RefundForm",
    "VoidForm",
]
