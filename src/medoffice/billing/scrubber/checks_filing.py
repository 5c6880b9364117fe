"""Timely filing and duplicate claims: the claim against the calendar and other claims."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import cast

from medoffice.billing.scrubber.codes import ScrubCode as C
from medoffice.billing.scrubber.model import OtherClaimStatus, Severity
from medoffice.billing.scrubber.registry import Context, Hit, rule

E, W = Severity.ERROR, Severity.WARNING


# --- timely filing and duplicates -------------------------------------------------------------

NEAR_DAYS = 30


def plus_one_year(day: dt.date) -> dt.date:
    """The same day a year later (29 February → 28 February); the last date there is at
    the calendar's end."""
    if day.year == dt.MAXYEAR:
        return dt.date.max
    if day.month == 2 and day.day == 29:
        return dt.date(day.year + 1, 2, 28)
    return day.replace(year=day.year + 1)


def _deadline(ctx: Context, service: dt.date) -> dt.date | None:
    limit = ctx.inp.timely_filing
    if limit.medicare:
        return plus_one_year(service)
    if limit.days is not None:
        try:
            return service + dt.timedelta(days=limit.days)
        except OverflowError:  # past the calendar's end: never late
            return dt.date.max
    return None


def _deadlines(ctx: Context) -> list[tuple[dt.date, dt.date]]:
    """(date of service, filing limit) of each date the lines start on, when the payer has
    a limit."""
    found = cast("list[tuple[dt.date, dt.date]] | None", ctx.memo.get("deadlines"))
    if found is None:
        limit = ctx.inp.timely_filing
        found = []
        if limit.medicare or limit.days is not None:
            for day in ctx.by_day:
                deadline = _deadline(ctx, day)
                if deadline is not None:
                    found.append((day, deadline))
        ctx.memo["deadlines"] = found
    return found


def _filed_on(ctx: Context) -> tuple[dt.date, bool]:
    """The date the claim counts as filed, and whether that was an earlier filing."""
    earlier = [f.submitted for f in ctx.inp.previous_filings if not f.rejected]
    return (min(earlier), True) if earlier else (ctx.today, False)


def _lines_of(ctx: Context, day: dt.date, deadline: dt.date, verb: str) -> Iterator[Hit]:
    for index in ctx.by_day[day]:
        number = index + 1
        yield Hit(
            f"Line {number}: the filing limit for {day.isoformat()} {verb} {deadline.isoformat()}.",
            number,
            f"lines[{number}].service_from",
        )


@rule(
    C.TIMELY_FILING_EXCEEDED,
    E,
    "The payer's filing limit has passed: send it only with proof of timely filing (an earlier "
    "acceptance report) or a reason the payer accepts; otherwise write the line off.",
)
def timely_filing_exceeded(ctx: Context) -> Iterator[Hit]:
    deadlines = _deadlines(ctx)
    if not deadlines:
        return
    filed, _ = _filed_on(ctx)
    for day, deadline in deadlines:
        if filed > deadline:
            yield from _lines_of(ctx, day, deadline, "was")


@rule(
    C.TIMELY_FILING_NEAR,
    W,
    "Send this claim now: the payer's filing limit is less than 30 days away.",
)
def timely_filing_near(ctx: Context) -> Iterator[Hit]:
    deadlines = _deadlines(ctx)
    if not deadlines:
        return
    filed, earlier = _filed_on(ctx)
    if earlier:
        return
    for day, deadline in deadlines:
        if filed <= deadline and (deadline - filed).days <= NEAR_DAYS:
            yield from _lines_of(ctx, day, deadline, "is")


_NOT_DUPLICATES = frozenset({OtherClaimStatus.VOID, OtherClaimStatus.REJECTED})


def _overlaps(ctx: Context, *, denied: bool) -> Iterator[Hit]:
    """Other claims billing the same code on the same date (replacements and voids excepted:
    they are meant to repeat the original; void and rejected claims do not count)."""
    claim = ctx.claim
    if claim.frequency_code in ("7", "8") or not ctx.inp.other_claims:
        return
    ours = {
        (line.service_from, line.procedure_code): number for number, line in reversed(ctx.lines)
    }
    for other in ctx.inp.other_claims:
        if other.control_number == claim.control_number or other.status in _NOT_DUPLICATES:
            continue
        if (other.status == OtherClaimStatus.DENIED) != denied:
            continue
        common = sorted(set(other.services) & ours.keys())
        if common:
            day, code = common[0]
            number = ours[common[0]]
            yield Hit(
                f"Line {number}: {code} on {day.isoformat()} is already on claim "
                f"{other.control_number} ({other.status}).",
                number,
                f"lines[{number}].procedure_code",
            )


@rule(
    C.DUPLICATE_CLAIM,
    E,
    "The service is already billed on another claim: void or correct that claim (frequency 7) "
    "instead of sending it again.",
)
def duplicate_claim(ctx: Context) -> Iterator[Hit]:
    return _overlaps(ctx, denied=False)


@rule(
    C.DUPLICATE_OF_DENIED_CLAIM,
    W,
    "The service was denied on another claim: fix the reason of the denial and send a "
    "corrected claim (frequency 7) or an appeal, not a new claim.",
)
def duplicate_of_denied_claim(ctx: Context) -> Iterator[Hit]:
    return _overlaps(ctx, denied=True)
