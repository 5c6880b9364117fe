"""Billing's writes: desk payments (``payments``); code sets, fee schedules, charges and claims in their own modules."""

from medoffice.billing.services.payments import (
    CARD_DIGITS,
    CHECK_NUMBER,
    MAX_PAYMENT,
    MAX_REASON,
    PAYMENT_KINDS,
    clean_amount,
    next_receipt_number,
    receipt_prefix,
    reference_problem,
    refund_payment,
    refunded_total,
    take_payment,
    void_payment,
)

__all__ = [
    "CARD_DIGITS",
    "CHECK_NUMBER",
    "MAX_PAYMENT",
    "MAX_REASON",
    "PAYMENT_KINDS",
    "clean_amount",
    "next_receipt_number",
    "receipt_prefix",
    "reference_problem",
    "refund_payment",
    "refunded_total",
    "take_payment",
    "void_payment",
]
