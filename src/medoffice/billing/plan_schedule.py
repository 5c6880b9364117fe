"""A payment plan's instalments and how payments count toward them (pure: no Django).

``schedule(total, instalment, start, day_of_month)``: monthly instalments of
``instalment`` on ``day_of_month`` (1–28, so every month has it), the first on or after
``start``; the last one is what is left (never more than ``instalment``, never zero).

``standing(instalments, paid, today, grace_days)``: given what the patient has paid since
the plan began, which instalments are covered (in due-date order, a payment fills the
oldest first), the next one due, and whether one is overdue past the grace days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

ZERO = Decimal("0.00")
MAX_INSTALMENTS = 120


@dataclass(frozen=True)
class Instalment:
    number: int
    due_date: dt.date
    amount: Decimal


def _month_later(day: dt.date, months: int, day_of_month: int) -> dt.date:
    month_index = day.year * 12 + (day.month - 1) + months
    return dt.date(month_index // 12, month_index % 12 + 1, day_of_month)


def first_due(start: dt.date, day_of_month: int) -> dt.date:
    """The first ``day_of_month`` on or after ``start``."""
    candidate = dt.date(start.year, start.month, day_of_month)
    return candidate if candidate >= start else _month_later(candidate, 1, day_of_month)


def instalment_count(total: Decimal, instalment: Decimal) -> int:
    """How many instalments of ``instalment`` pay ``total`` (the last one may be less)."""
    return int((total / instalment).to_integral_value(rounding=ROUND_CEILING))


def schedule(
    total: Decimal, instalment: Decimal, start: dt.date, day_of_month: int
) -> list[Instalment]:
    if total <= 0 or instalment <= 0:
        raise ValueError("the total and the instalment are more than zero")
    if instalment > total:
        raise ValueError("the instalment is at most the total")
    if not 1 <= day_of_month <= 28:
        raise ValueError("the day of the month is 1 to 28")
    count = instalment_count(total, instalment)
    if count > MAX_INSTALMENTS:
        raise ValueError(f"at most {MAX_INSTALMENTS} instalments")
    first = first_due(start, day_of_month)
    result = []
    left = total
    for number in range(1, count + 1):
        amount = min(instalment, left)
        result.append(Instalment(number, _month_later(first, number - 1, day_of_month), amount))
        left -= amount
    return result


@dataclass(frozen=True)
class Standing:
    covered: int  # how many instalments the payments cover in full
    paid: Decimal
    left: Decimal  # the plan's total less what was paid (0 at the least)
    next_due: Instalment | None  # the first instalment not covered in full
    next_due_short: Decimal  # what is missing on it
    overdue_days: int  # how long the first uncovered instalment is past due (0: not)

    @property
    def complete(self) -> bool:
        return self.next_due is None


def standing(instalments: list[Instalment], paid: Decimal, today: dt.date) -> Standing:
    total = sum((i.amount for i in instalments), ZERO)
    remaining = max(paid, ZERO)
    covered = 0
    next_due: Instalment | None = None
    short = ZERO
    for item in sorted(instalments, key=lambda i: i.number):
        if remaining >= item.amount:
            remaining -= item.amount
            covered += 1
            continue
        next_due = item
        short = item.amount - remaining
        break
    overdue = (today - next_due.due_date).days if next_due and today > next_due.due_date else 0
    return Standing(
        covered=covered,
        paid=max(paid, ZERO),
        left=max(total - max(paid, ZERO), ZERO),
        next_due=next_due,
        next_due_short=short,
        overdue_days=overdue,
    )
