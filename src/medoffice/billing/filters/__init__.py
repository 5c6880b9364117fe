"""Billing's list filters."""

from medoffice.billing.filters.eligibility import EligibilityFilter
from medoffice.billing.filters.payments import (
    DATE,
    PaymentFilter,
)

__all__ = [
    "DATE",
    "EligibilityFilter",
    "PaymentFilter",
]
