"""``{{ amount|money }}``: amounts on pages, receipts and PDFs, written ``$1,250.00``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from medoffice.core.money import format_money

register = template.Library()


@register.filter
def money(value: Any) -> str:
    """``$1,250.00`` (``core.money.format_money``); empty for no amount."""
    if value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return ""
    if not amount.is_finite():
        return ""
    return format_money(amount)
