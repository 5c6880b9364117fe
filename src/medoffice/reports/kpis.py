"""Front-office KPI formulas. Pure module: no Django import.

Fed plain values (numbers, aware datetimes, dates and small objects with the
attributes named below), so the formulas can be tested with hypothesis alone.

* **Percentiles** use linear interpolation between closest ranks (R's type 7, the
  "inclusive" method of ``statistics.quantiles``, the default of spreadsheets'
  PERCENTILE.INC): sort the n values, the p-th percentile sits at rank
  ``(n - 1) * p / 100`` counted from 0, and a fractional rank interpolates between
  its two neighbours. The median is the 50th percentile, so it equals
  ``statistics.median``. One value is every percentile of itself; no values give None.
* **Phases of a visit** (minutes): arrived → roomed, roomed → with provider, with
  provider → done, and arrived → with provider (the total wait). "Done" is the first of
  check-out and completion. A phase whose two time stamps are not both present, or
  run backwards, is left out (None) rather than guessed.
* **Rates** are a count over a count between 0 and 1, None when the denominator is 0.
* **Utilisation** is booked minutes ÷ available minutes, None when nothing was
  available (shown as "—"); overbooking can take it above 1.
* **Third-next-available** is the number of days from today to the local date of the
  third earliest open slot, None when fewer than three slots are open.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "PART_OF_DAY",
    "PHASES",
    "Summary",
    "as_percent",
    "available_minutes",
    "booked_minutes",
    "median",
    "part_of_day",
    "percentile",
    "phase_durations",
    "rate",
    "summarize",
    "third_next_available",
    "utilisation",
    "week_start",
]

# Phase key → label, in the order of the visit.
PHASES: dict[str, str] = {
    "arrival_to_roomed": "Arrived → roomed",
    "roomed_to_provider": "Roomed → with provider",
    "provider_to_done": "With provider → done",
    "arrival_to_provider": "Arrived → with provider (total wait)",
}

PART_OF_DAY: dict[str, str] = {
    "morning": "Morning (before 12:00)",
    "afternoon": "Afternoon (12:00–17:00)",
    "evening": "Evening (17:00 and later)",
}


def percentile(values: Iterable[float], p: float) -> float | None:
    """The p-th percentile (0 ≤ p ≤ 100) by linear interpolation between closest ranks."""
    if not 0 <= p <= 100:
        raise ValueError(f"p must be between 0 and 100, got {p}")
    data = sorted(values)
    if not data:
        return None
    rank = (len(data) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(data) - 1)
    fraction = rank - low
    return data[low] + (data[high] - data[low]) * fraction


def median(values: Iterable[float]) -> float | None:
    return percentile(values, 50)


@dataclass(frozen=True)
class Summary:
    count: int
    median: float | None
    p90: float | None


def summarize(values: Sequence[float]) -> Summary:
    data = sorted(values)  # once: sorting a sorted list again takes one pass
    return Summary(count=len(data), median=median(data), p90=percentile(data, 90))


def _minutes(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 60


def phase_durations(
    arrived: dt.datetime | None,
    roomed: dt.datetime | None,
    with_provider: dt.datetime | None,
    checkout: dt.datetime | None = None,
    completed: dt.datetime | None = None,
) -> dict[str, float | None]:
    """Minutes of each phase of ``PHASES`` from a visit's time stamps (None when unknown)."""
    done_candidates = [t for t in (checkout, completed) if t is not None]
    done = min(done_candidates) if done_candidates else None
    return {
        "arrival_to_roomed": _minutes(arrived, roomed),
        "roomed_to_provider": _minutes(roomed, with_provider),
        "provider_to_done": _minutes(with_provider, done),
        "arrival_to_provider": _minutes(arrived, with_provider),
    }


def part_of_day(local: dt.datetime | dt.time) -> str:
    """ "morning" before 12:00, "afternoon" 12:00–16:59, "evening" from 17:00 (local wall time)."""
    hour = local.hour
    if hour < 12:
        return "morning"
    if hour < 17:
        return "afternoon"
    return "evening"


def rate(numerator: int, denominator: int) -> float | None:
    if numerator < 0 or denominator < 0:
        raise ValueError("counts cannot be negative")
    if numerator > denominator:
        raise ValueError(f"numerator {numerator} exceeds denominator {denominator}")
    if denominator == 0:
        return None
    return numerator / denominator


def utilisation(booked: float, available: float) -> float | None:
    if available <= 0:
        return None
    return booked / available


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def third_next_available(
    today: dt.date, slot_starts: Iterable[dt.datetime], tz: dt.tzinfo | None = None, nth: int = 3
) -> int | None:
    """Days from ``today`` to the local date of the ``nth`` earliest slot start."""
    starts = sorted(slot_starts, key=lambda s: s.astimezone(dt.UTC) if s.tzinfo else s)
    if len(starts) < nth:
        return None
    chosen = starts[nth - 1]
    if tz is not None and chosen.tzinfo is not None:
        chosen = chosen.astimezone(tz)
    return (chosen.date() - today).days


# --- utilisation: minutes booked and available ---------------------------------------------


# Read-only members, so that frozen dataclasses (the availability engine's) match too.
class BlockLike(Protocol):
    @property
    def provider_id(self) -> int: ...
    @property
    def location_id(self) -> int: ...
    @property
    def weekday(self) -> int: ...
    @property
    def start(self) -> dt.time: ...
    @property
    def end(self) -> dt.time: ...
    @property
    def effective_from(self) -> dt.date: ...
    @property
    def effective_to(self) -> dt.date | None: ...


class UnavailabilityLike(Protocol):
    @property
    def start(self) -> dt.datetime: ...
    @property
    def end(self) -> dt.datetime: ...
    @property
    def provider_id(self) -> int | None: ...
    @property
    def location_id(self) -> int | None: ...


def _subtract(
    interval: tuple[float, float], holes: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    pieces = [interval]
    for h_start, h_end in holes:
        next_pieces = []
        for start, end in pieces:
            if h_end <= start or h_start >= end:
                next_pieces.append((start, end))
                continue
            if start < h_start:
                next_pieces.append((start, h_start))
            if h_end < end:
                next_pieces.append((h_end, end))
        pieces = next_pieces
    return pieces


def available_minutes(
    blocks: Iterable[BlockLike],
    unavailability: Iterable[UnavailabilityLike],
    start_date: dt.date,
    end_date: dt.date,
    tz: dt.tzinfo,
) -> dict[tuple[int, dt.date], float]:
    """Template minutes per (provider, Monday of the week), minus time off, closures, holidays.

    Days run from ``start_date`` to ``end_date`` inclusive, local to ``tz``. Wall times
    become instants as in the availability engine (``datetime.combine`` with ``tz``).
    Overlapping unavailability is removed once.
    """
    blocks = list(blocks)
    closed = [
        (u.start.timestamp(), u.end.timestamp(), u.provider_id, u.location_id)
        for u in unavailability
    ]
    # Each block's holes are chosen once: those for its provider and location.
    holes_of = [
        [
            (s, e)
            for s, e, pid, lid in closed
            if (pid is None or pid == b.provider_id) and (lid is None or lid == b.location_id)
        ]
        for b in blocks
    ]
    out: dict[tuple[int, dt.date], float] = defaultdict(float)
    week = dt.timedelta(days=7)
    for b, unsorted_holes in zip(blocks, holes_of, strict=True):
        # Sorted by start, so each day looks only at the holes that can touch it: those
        # starting before the block ends and no longer ago than the longest hole lasts.
        block_holes = sorted(unsorted_holes)
        starts = [h[0] for h in block_holes]
        longest = max((e - s for s, e in block_holes), default=0.0)
        # The block's own weekdays only: its first in the period, then a week at a time.
        first = max(start_date, b.effective_from)
        day = first + dt.timedelta(days=(b.weekday - first.weekday()) % 7)
        last = end_date if b.effective_to is None else min(end_date, b.effective_to)
        while day <= last:
            begin = dt.datetime.combine(day, b.start, tzinfo=tz).timestamp()
            finish = dt.datetime.combine(day, b.end, tzinfo=tz).timestamp()
            if finish > begin:
                near = block_holes[
                    bisect.bisect_left(starts, begin - longest) : bisect.bisect_left(starts, finish)
                ]
                holes = [(s, e) for s, e in near if s < finish and e > begin]
                pieces = _subtract((begin, finish), holes)
                out[(b.provider_id, week_start(day))] += sum(e - s for s, e in pieces) / 60
            day += week
    return dict(out)


def booked_minutes(
    appointments: Iterable[tuple[int, dt.datetime, dt.datetime]], tz: dt.tzinfo
) -> dict[tuple[int, dt.date], float]:
    """Scheduled minutes per (provider, Monday of the week of the local start date)."""
    out: dict[tuple[int, dt.date], float] = defaultdict(float)
    for provider_id, start, end in appointments:
        minutes = max((end - start).total_seconds() / 60, 0.0)
        out[(provider_id, week_start(start.astimezone(tz).date()))] += minutes
    return dict(out)


def as_percent(value: float | None) -> str:
    """A rate as "12.5 %", or "—" when unknown."""
    return "—" if value is None else f"{value * 100:.1f} %"
