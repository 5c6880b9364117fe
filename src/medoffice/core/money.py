"""Money as people type it: one parser for every amount the product accepts.

Pure module (no Django). Digits with an optional decimal point and at most two decimals,
optional thousands separators in the usual places, an optional leading dollar sign; never
exponents, ``NaN``, ``Infinity``, signs or spaces inside. ``Decimal("1e3")`` is a thousand
dollars to Python but a typo to a receptionist, so it is refused, not read.
"""

from __future__ import annotations

import re
from decimal import Decimal

CENT = Decimal("0.01")

_AMOUNT = re.compile(
    r"""
    \$?                                   # an optional dollar sign
    (?P<whole>\d{1,3}(?:,\d{3})+|\d+)?    # 1,250 or 1250 (or nothing before a point)
    (?:\.(?P<cents>\d*))?                 # .5 .50 (more decimals are refused below)
    """,
    re.VERBOSE | re.ASCII,  # ASCII digits only: "٣" is a digit to Python, not to a payer
)


class MoneyError(ValueError):
    """An amount that cannot be taken; ``str()`` is the message to show at the field."""


def format_money(amount: Decimal) -> str:
    """``$1,250.00``: the one way amounts are written on pages, receipts and exports."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount.quantize(CENT)):,.2f}"


def format_amount(amount: Decimal) -> str:
    """``1,250.00``: an amount as a money field shows it for editing (no dollar sign)."""
    return format_money(amount).replace("$", "", 1)


def parse_money(
    value: str | Decimal | int,
    *,
    maximum: Decimal,
    allow_zero: bool = False,
) -> Decimal:
    """The amount in ``value`` with cents, between zero (or a cent) and ``maximum``.

    Strings are read strictly (see the module's docstring); a ``Decimal`` or ``int``
    from code is held to the same range and precision. Raises ``MoneyError``.
    """
    if isinstance(value, bool):
        raise MoneyError(_FORMAT)
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError(_FORMAT)
        amount = value
    else:
        amount = _read(value)
    if amount < 0:
        raise MoneyError("The amount cannot be negative.")
    if amount > maximum:
        raise MoneyError(f"The amount can be at most {format_money(maximum)}.")
    if amount != amount.quantize(CENT):
        raise MoneyError(_CENTS)
    if amount == 0 and not allow_zero:
        raise MoneyError("The amount must be more than zero.")
    return amount.quantize(CENT)


_FORMAT = "Enter the amount in dollars and cents, e.g. 25.00 or 1,250.00."
_CENTS = "The amount can have at most two decimals (cents)."


def _read(text: str) -> Decimal:
    text = text.strip()
    if not text:
        raise MoneyError("Enter the amount.")
    if len(text) > 32:  # longer than any amount a practice takes; keeps the regex cheap
        raise MoneyError(_FORMAT)
    match = _AMOUNT.fullmatch(text)
    if match is None or not (match["whole"] or match["cents"]):
        raise MoneyError(_FORMAT)
    cents = match["cents"] or ""
    if len(cents) > 2:
        raise MoneyError(_CENTS)
    whole = (match["whole"] or "0").replace(",", "")
    return Decimal(f"{whole}.{cents or '0'}")
