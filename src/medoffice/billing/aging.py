"""The A/R aging's buckets: how old a balance is, counted from its date of service.
Pure module: no Django import.

A balance's age on the day ``as_of`` is ``(as_of − date of service).days``. The buckets
are 0–30, 31–60, 61–90, 91–120 and over 120 days: a service 30 days before ``as_of`` is
still in 0–30, 31 days before in 31–60; 120 days in 91–120, 121 in 120+. A service dated
after ``as_of`` (not possible for an entry posted by then) counts as 0–30.

The SQL (``billing.selectors.aging``) compares the date of service with each bucket's
earliest date (``cutoffs``), so the database sums every bucket in one pass with plain
date comparisons; ``bucket_of`` is the same rule in Python, which the tests hold the SQL to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

__all__ = ["BUCKETS", "Bucket", "bucket_of", "cutoffs", "share", "share_text"]


@dataclass(frozen=True)
class Bucket:
    key: str  # the column's name in rows, CSV and the API
    label: str
    oldest_days: int | None  # the age of the bucket's oldest balance; None: no limit


BUCKETS: tuple[Bucket, ...] = (
    Bucket("days_0_30", "0–30", 30),
    Bucket("days_31_60", "31–60", 60),
    Bucket("days_61_90", "61–90", 90),
    Bucket("days_91_120", "91–120", 120),
    Bucket("days_over_120", "120+", None),
)
SHARE_PLACES = Decimal("0.001")


def bucket_of(service_date: dt.date, as_of: dt.date) -> str:
    """The key of the bucket a balance from ``service_date`` is in on ``as_of``."""
    age = (as_of - service_date).days
    for bucket in BUCKETS:
        if bucket.oldest_days is None or age <= bucket.oldest_days:
            return bucket.key
    raise AssertionError("the last bucket has no limit")  # pragma: no cover


def cutoffs(as_of: dt.date) -> list[tuple[str, dt.date | None]]:
    """Each bucket with the earliest date of service it holds on ``as_of`` (None for the
    last, which holds everything older). A date of service is in the first bucket whose
    earliest date it is on or after.

    ``as_of`` must be at least 121 days after ``date.min`` (the selectors' dates are
    1900–2100).
    """
    return [
        (b.key, None if b.oldest_days is None else as_of - dt.timedelta(days=b.oldest_days))
        for b in BUCKETS
    ]


def share(part: Decimal, total: Decimal) -> Decimal | None:
    """``part`` ÷ ``total`` as a fraction rounded to 0.1 % (half to even); None when the
    total is not positive (nothing owed, or the credits outweigh the balances)."""
    if total <= 0:
        return None
    return (part / total).quantize(SHARE_PLACES, rounding=ROUND_HALF_EVEN)


def share_text(value: Decimal | None) -> str:
    """A share as the pages show it: ``12.3 %``, or ``—`` when unknown."""
    if value is None:
        return "—"
    return f"{value * 100:.1f} %"
