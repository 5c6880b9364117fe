"""Timely filing: the last day a payer takes a claim line, and when to warn about it.

Pure module (no Django). Two rules (``billing.choices.TimelyFilingRule``):

- ``days``: the payer's number of days after the line's from-date (the date of service):
  from-date + N days is the last day a claim is taken.
- ``medicare``: 42 CFR 424.44(a)(1) — a claim must be filed "no later than the close of the
  period ending 1 calendar year after the date of service". The deadline is the same month
  and day one year after the from-date (a service on 14 March 2026 may be filed up to and
  including 14 March 2027). A service on 29 February has its deadline on 28 February of
  the next year (that year has no 29th; the earlier day, so no claim is late by a day).

A warning is due from ``WARNING_DAYS`` (30) days before the deadline; after the deadline
the line is late.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

WARNING_DAYS = 30
MEDICARE = "medicare"
DAYS = "days"


def one_calendar_year_after(day: dt.date) -> dt.date:
    """The same month and day a year later; 29 February → 28 February. Capped at date.max."""
    if day.year >= dt.MAXYEAR:
        return dt.date.max
    year = day.year + 1
    return dt.date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def filing_deadline(rule: str, days: int, from_date: dt.date) -> dt.date:
    """The last day a claim line with this from-date is taken under the rule."""
    if rule == MEDICARE:
        return one_calendar_year_after(from_date)
    if rule != DAYS:
        raise ValueError(f"Unknown timely filing rule {rule!r}.")
    if days < 1:
        raise ValueError("A timely filing limit is at least one day.")
    try:
        return from_date + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max


@dataclass(frozen=True)
class FilingWarning:
    """``late``: the deadline has passed; else it is within the warning window."""

    deadline: dt.date
    days_left: int
    late: bool

    @property
    def message(self) -> str:
        when = self.deadline.strftime("%m/%d/%Y")
        if self.late:
            return f"Past the timely filing limit ({when}, {-self.days_left} days ago)."
        if self.days_left == 0:
            return f"Last day for timely filing: today ({when})."
        return f"Timely filing limit in {self.days_left} days ({when})."


def filing_warning(deadline: dt.date, today: dt.date) -> FilingWarning | None:
    """A warning from ``WARNING_DAYS`` days before the deadline on; None before that."""
    days_left = (deadline - today).days
    if days_left > WARNING_DAYS:
        return None
    return FilingWarning(deadline=deadline, days_left=days_left, late=days_left < 0)
