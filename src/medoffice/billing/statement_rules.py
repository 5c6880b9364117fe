"""The statement run's rules, pure (no Django): aging buckets by service date, the dunning
stage from the first statement of a balance, whether a balance continues, and the
guarantor's key (the patients billed together)."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Iterable
from decimal import Decimal

ZERO = Decimal("0.00")
# Days since the service date: 0-30, 31-60, 61-90, 91-120, over 120.
AGING_BUCKETS = ("0_30", "31_60", "61_90", "91_120", "over_120")
AGING_LABELS = {
    "0_30": "0–30 days",
    "31_60": "31–60 days",
    "61_90": "61–90 days",
    "91_120": "91–120 days",
    "over_120": "Over 120 days",
}
# Days since the first statement for the balance → dunning stage.
STAGE_DAYS = ((90, 3), (60, 2), (30, 1))
# A balance continues when the guarantor's previous statement is at most this many days
# old (a monthly run misses no month) and was not paid in full since.
CONTINUES_WITHIN_DAYS = 45


def aging_bucket(service_date: dt.date, as_of: dt.date) -> str:
    days = (as_of - service_date).days
    if days <= 30:
        return "0_30"
    if days <= 60:
        return "31_60"
    if days <= 90:
        return "61_90"
    if days <= 120:
        return "91_120"
    return "over_120"


def aging(dues: Iterable[tuple[dt.date, Decimal]], as_of: dt.date) -> dict[str, Decimal]:
    """Each bucket's sum of the (service date, amount) pairs."""
    buckets = dict.fromkeys(AGING_BUCKETS, ZERO)
    for service_date, amount in dues:
        buckets[aging_bucket(service_date, as_of)] += amount
    return buckets


def dunning_stage(balance_since: dt.date, as_of: dt.date) -> int:
    """0 for a first statement; 1, 2, 3 at 30, 60, 90 days since the balance's first."""
    days = (as_of - balance_since).days
    for threshold, stage in STAGE_DAYS:
        if days >= threshold:
            return stage
    return 0


def balance_since(
    as_of: dt.date,
    previous_as_of: dt.date | None,
    previous_since: dt.date | None,
    previous_due: Decimal | None,
    paid_since_previous: Decimal,
) -> dt.date:
    """The first statement date of the balance this statement bills."""
    if previous_as_of is None or previous_since is None or previous_due is None:
        return as_of
    if (as_of - previous_as_of).days > CONTINUES_WITHIN_DAYS:
        return as_of
    if paid_since_previous >= previous_due:
        return as_of
    return previous_since


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


def guarantor_key(
    patient_id: int,
    relationship_is_self: bool,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: dt.date | None = None,
    address: str = "",
) -> str:
    """``p<id>`` when the patient is their own guarantor, else a digest of the guarantor's
    name, date of birth and address, so a parent's children share one statement."""
    if relationship_is_self or not (first_name.strip() or last_name.strip()):
        return f"p{patient_id}"
    raw = "|".join(
        [
            _fold(first_name),
            _fold(last_name),
            date_of_birth.isoformat() if date_of_birth else "",
            _fold(address),
        ]
    )
    return "g" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def automatic_run_due(
    today: dt.date, statement_day: int, last_automatic_period: dt.date | None
) -> bool:
    """Whether the scheduled run makes this month's statements today: on the statement day
    or later in the month (a worker that was stopped on the day catches up), once a month."""
    if today.day < statement_day:
        return False
    return last_automatic_period != month_of(today)
