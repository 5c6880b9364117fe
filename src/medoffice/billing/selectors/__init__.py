"""Billing's reads, scoped to what the user may see."""

from medoffice.billing.selectors.payments import (
    HistoryEntry,
    can_refund_now,
    can_void_now,
    copays_by_method,
    counted_payments,
    history,
    net_amount,
    refunded,
    refunds_of,
    visit_net_total,
    visit_payments,
)

__all__ = [
    "HistoryEntry",
    "can_refund_now",
    "can_void_now",
    "copays_by_method",
    "counted_payments",
    "history",
    "net_amount",
    "refunded",
    "refunds_of",
    "visit_net_total",
    "visit_payments",
]
