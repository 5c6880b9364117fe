"""The ranges every date and id the product accepts must fall in. Pure module (no Django).

A date outside 1900–2100 is a typo in a medical office (a birth date, a visit, a
report's period), and at the edges of Python's calendar (year 1, year 9999) adding a
day overflows. Ids are the database's 64-bit integers. Forms (``core.forms``), the
API's types (``api.common``), page parameters (``core.params``) and the database
lookups (``core.lookups``) all read these.
"""

from __future__ import annotations

import datetime as dt

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
MAX_ID = 2**63 - 1  # PostgreSQL's bigint and SQLite's INTEGER

DATE_RANGE_MESSAGE = (
    f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year} (year-month-day)."
)
ID_RANGE_MESSAGE = f"Enter a whole number from 1 to {MAX_ID}."


def date_problem(value: dt.date) -> str | None:
    """Why ``value`` (a date or datetime) cannot be taken, or None."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if day < EARLIEST_DATE or day > LATEST_DATE:
        return DATE_RANGE_MESSAGE
    return None


def id_problem(value: int) -> str | None:
    """Why ``value`` cannot be a row's id, or None."""
    if isinstance(value, bool) or not 1 <= value <= MAX_ID:
        return ID_RANGE_MESSAGE
    return None
