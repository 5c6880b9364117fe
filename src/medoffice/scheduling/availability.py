"""Availability search for the appointment book. Pure module: no Django import.

From the providers' weekly template blocks, the unavailability (time off, meetings,
closures, holidays), the existing bookings and the resources they hold, find the open
slots for one appointment type across providers and locations in a range of days.

The rules, which the tests' brute-force oracle implements independently:

* **Days and wall times.** ``start_date`` and ``end_date`` are local dates in the
  practice's time zone ``tz``, both included. A template block's wall times are turned
  into instants for each day with ``datetime.combine(day, wall, tzinfo=tz)`` (``fold=0``)
  normalised through UTC. So on a day when the clocks change, a wall time that does not
  exist (spring forward) is read with the offset in force before the change (02:30 in
  New York on the spring-forward day is 03:30 EDT), and an ambiguous wall time (fall
  back) is its first occurrence. A block ``01:00–04:00`` thus lasts two real hours on the
  spring-forward day and four on the fall-back day; a block that lies wholly inside the
  missing hour is empty that day.
* **Slot starts.** A slot ``[start, start + duration)`` lies inside one template block
  (adjacent blocks are not joined), of that provider and location, on a day within the
  block's effective dates, allowing the type (``appointment_type_ids`` ``None`` = any).
  Starts are the block's start plus whole multiples of ``step`` minutes.
* **Buffers.** The buffered interval ``[start − buffer_before, start + duration +
  buffer_after)`` must be free of the provider's bookings and, for each resource group,
  of the chosen resource's bookings. Buffers need *not* lie inside the block and need
  not be free of unavailability: only the slot proper must lie in the block and clear
  of unavailability. Existing bookings occupy exactly ``[start, end)``; their own buffers
  are not re-applied.
* **Unavailability** applies to a provider at a location when its ``provider_id`` is
  ``None`` or that provider, and its ``location_id`` is ``None`` or that location: so
  ``(None, None)`` closes the whole practice, ``(None, L)`` closes location L,
  ``(P, None)`` takes provider P off everywhere, ``(P, L)`` only at L.
* **Resources.** For each group of ``resource_groups`` one resource of the group must be
  free for the whole buffered interval, and no resource serves two groups at once.
  Resource occupancy comes from the bookings' ``resource_ids``, so ``bookings`` must
  include the bookings of every provider that hold those resources.
* **Minimum notice.** No slot starts before ``now + min_notice``.
* **Per-day limit.** When a provider already has ``max_per_day`` bookings of this type
  starting on that local day, that provider gets no slots of this type that day (at any
  location). The slots returned do not count against the limit.
* **Order.** Slots are ordered by (start, provider_id, location_id), each key once, and
  the first ``limit`` are returned. Slot times are aware datetimes in ``tz``; Python
  compares and subtracts datetimes that share a tzinfo by wall time, so compare them in
  UTC across a fall-back hour.

Times inside the engine are whole seconds since the epoch. A busy interval's start is
rounded down and its end up, so a sub-second booking edge never lets a slot overlap it.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "AppointmentType",
    "Booking",
    "Calendar",
    "Slot",
    "TemplateBlock",
    "Unavailability",
    "find_slots",
]

_ONE_DAY = timedelta(days=1)


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")


@dataclass(frozen=True, slots=True)
class TemplateBlock:
    """A weekly recurring working block of a provider at a location, in local wall time."""

    provider_id: int
    location_id: int
    weekday: int  # 0 = Monday … 6 = Sunday
    start: time
    end: time
    appointment_type_ids: frozenset[int] | None = None  # None = any type
    effective_from: date = date.min
    effective_to: date | None = None  # None = open-ended; both ends included

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(
                f"TemplateBlock.weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}"
            )
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("TemplateBlock.start and end are wall times and take no tzinfo")
        if self.end <= self.start:
            raise ValueError(
                f"TemplateBlock.end ({self.end}) must be after TemplateBlock.start ({self.start})"
            )
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError(
                f"TemplateBlock.effective_to ({self.effective_to}) must not be before "
                f"effective_from ({self.effective_from})"
            )

    def applies_on(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and self.effective_from <= day
            and (self.effective_to is None or day <= self.effective_to)
        )


@dataclass(frozen=True, slots=True)
class Unavailability:
    """Time off, a meeting, a closure or a holiday; ``None`` ids widen it to everyone/everywhere."""

    start: datetime
    end: datetime
    provider_id: int | None = None
    location_id: int | None = None

    def __post_init__(self) -> None:
        _require_aware(self.start, "Unavailability.start")
        _require_aware(self.end, "Unavailability.end")
        if self.end <= self.start:
            raise ValueError("Unavailability.end must be after Unavailability.start")


@dataclass(frozen=True, slots=True)
class Booking:
    """An existing (not cancelled) appointment; it occupies exactly ``[start, end)``."""

    provider_id: int
    start: datetime
    end: datetime
    appointment_type_id: int
    resource_ids: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        _require_aware(self.start, "Booking.start")
        _require_aware(self.end, "Booking.end")
        if self.end <= self.start:
            raise ValueError("Booking.end must be after Booking.start")


@dataclass(frozen=True, slots=True)
class AppointmentType:
    """What is being booked; all lengths are in minutes."""

    id: int
    duration: int
    buffer_before: int = 0
    buffer_after: int = 0
    min_notice: int = 0
    max_per_day: int | None = None  # per provider per local day, existing bookings included
    provider_ids: frozenset[int] | None = None  # None = any provider
    resource_groups: tuple[frozenset[int], ...] = ()

    def __post_init__(self) -> None:
        if self.duration <= 0:
            raise ValueError(f"AppointmentType.duration must be positive, got {self.duration}")
        for name in ("buffer_before", "buffer_after", "min_notice"):
            if getattr(self, name) < 0:
                raise ValueError(f"AppointmentType.{name} must not be negative")
        if self.max_per_day is not None and self.max_per_day < 0:
            raise ValueError("AppointmentType.max_per_day must not be negative")
        if any(not group for group in self.resource_groups):
            raise ValueError("AppointmentType.resource_groups must not contain an empty group")


@dataclass(frozen=True, slots=True)
class Slot:
    """An open slot: ``[start, end)`` with ``end = start + duration``, both aware in ``tz``."""

    provider_id: int
    location_id: int
    start: datetime
    end: datetime


# Possibly overlapping half-open intervals, kept as their starts and their ends, each list
# sorted on its own: enough to count and to join the intervals that meet a window.
_Occupancy = tuple[list[int], list[int]]
_EMPTY: _Occupancy = ([], [])


def _is_free(occupancy: _Occupancy, a: int, b: int) -> bool:
    """Whether ``[a, b)`` (``a < b``) meets none of the intervals.

    The intervals meeting it are those starting before ``b`` less those ending by ``a``
    (an interval ending by ``a`` also starts before ``b``).
    """
    starts, ends = occupancy
    return bisect.bisect_left(starts, b) == bisect.bisect_right(ends, a)


def _joined_within(occupancy: _Occupancy, a: int, b: int) -> list[tuple[int, int]]:
    """The union of the intervals, clipped to ``[a, b)``, as sorted disjoint spans."""
    starts, ends = occupancy
    i = bisect.bisect_right(ends, a)  # ends[:i] are over by a
    stop = bisect.bisect_left(starts, b)  # starts[:stop] begin before b
    if stop == i:
        return []
    k = bisect.bisect_right(starts, a)
    depth = k - i  # intervals covering a
    opened = a
    spans: list[tuple[int, int]] = []
    while k < stop or depth:
        if k < stop and (not depth or starts[k] <= ends[i]):
            if not depth:
                opened = starts[k]
            depth += 1
            k += 1
        else:
            end = ends[i]
            if end >= b:
                spans.append((opened, b))
                break
            depth -= 1
            i += 1
            if not depth:
                spans.append((opened, end))
    return spans


def _epoch(day: date, wall: time, tz: ZoneInfo) -> int:
    """The instant of a wall time on a day: ``fold=0``, normalised through UTC."""
    return math.floor(datetime.combine(day, wall, tzinfo=tz).timestamp())


_MIDNIGHT = time(0)


class Calendar:
    """The prepared indexes of one practice's calendar, reusable across searches.

    Build it once from the templates, unavailability and bookings (the Django layer may
    cache it until one of them changes) and call :meth:`find_slots` as often as needed.

    Building only files each booking under the date of its start (one cheap pass); a
    search turns the bookings of the days it reaches, and a few days around them, into
    sorted per-provider, per-type and per-resource indexes, which are kept for later
    searches. A search that stops after two days never reads the other weeks' bookings.
    Searches on one calendar are serialised by a lock.
    """

    __slots__ = (
        "_blocks_by_weekday",
        "_busy",
        "_by_date",
        "_loaded",
        "_lock",
        "_lookback",
        "_resource_busy",
        "_type_starts",
        "_unavailability",
        "_unavailability_at",
        "tz",
    )

    def __init__(
        self,
        *,
        templates: Iterable[TemplateBlock],
        unavailability: Iterable[Unavailability],
        bookings: Iterable[Booking],
        tz: ZoneInfo,
    ) -> None:
        self.tz = tz
        by_weekday: list[list[TemplateBlock]] = [[] for _ in range(7)]
        for block in templates:
            by_weekday[block.weekday].append(block)
        self._blocks_by_weekday = by_weekday

        # Bookings by the ordinal of their start's date, in whatever zone the start is
        # given; the longest booking, in dates spanned, bounds how far back to look.
        by_date: dict[int, list[Booking]] = {}
        longest = 0
        for booking in bookings:
            ordinal = booking.start.toordinal()
            bucket = by_date.get(ordinal)
            if bucket is None:
                by_date[ordinal] = [booking]
            else:
                bucket.append(booking)
            spanned = booking.end.toordinal() - ordinal
            if spanned > longest:
                longest = spanned
        self._by_date = by_date
        # Dates of one instant seen in two zones differ by at most two days, and so may
        # the dates spanned; keep a day more in hand.
        self._lookback = longest + 5
        self._loaded: set[int] = set()
        self._busy: dict[int, _Occupancy] = {}
        self._type_starts: dict[tuple[int, int], list[int]] = {}
        self._resource_busy: dict[int, _Occupancy] = {}
        self._lock = threading.Lock()

        floor, ceil = math.floor, math.ceil
        scoped: dict[tuple[int | None, int | None], list[tuple[int, int]]] = {}
        for item in unavailability:
            span = (floor(item.start.timestamp()), ceil(item.end.timestamp()))
            scoped.setdefault((item.provider_id, item.location_id), []).append(span)
        self._unavailability = scoped
        self._unavailability_at: dict[tuple[int, int], _Occupancy] = {}

    def _load(self, first: int, last: int) -> None:
        """Index the bookings filed under the date ordinals ``first`` to ``last``."""
        floor, ceil, insort = math.floor, math.ceil, bisect.insort
        busy, type_starts, resource_busy = self._busy, self._type_starts, self._resource_busy
        for ordinal in range(first, last + 1):
            if ordinal in self._loaded:
                continue
            self._loaded.add(ordinal)
            for booking in self._by_date.get(ordinal, ()):
                start = floor(booking.start.timestamp())
                end = ceil(booking.end.timestamp())
                provider = booking.provider_id
                occupancy = busy.get(provider)
                if occupancy is None:
                    occupancy = busy[provider] = ([], [])
                insort(occupancy[0], start)
                insort(occupancy[1], end)
                key = (provider, booking.appointment_type_id)
                starts = type_starts.get(key)
                if starts is None:
                    type_starts[key] = [start]
                else:
                    insort(starts, start)
                for resource in booking.resource_ids:
                    occupancy = resource_busy.get(resource)
                    if occupancy is None:
                        occupancy = resource_busy[resource] = ([], [])
                    insort(occupancy[0], start)
                    insort(occupancy[1], end)

    def _bookings_of_type(self, provider: int, type_id: int, a: int, b: int) -> int:
        """How many of the provider's bookings of the type start in ``[a, b)``."""
        starts = self._type_starts.get((provider, type_id), ())
        return bisect.bisect_left(starts, b) - bisect.bisect_left(starts, a)

    def _unavailable(self, provider: int, location: int) -> _Occupancy:
        """The unavailability that applies to ``provider`` at ``location``."""
        key = (provider, location)
        found = self._unavailability_at.get(key)
        if found is None:
            spans: list[tuple[int, int]] = []
            scoped = self._unavailability
            for scope in ((None, None), (None, location), (provider, None), (provider, location)):
                spans.extend(scoped.get(scope, ()))
            found = (sorted(s for s, _ in spans), sorted(e for _, e in spans)) if spans else _EMPTY
            self._unavailability_at[key] = found
        return found

    def _resources_free(self, groups: list[list[int]], a: int, b: int) -> bool:
        """Whether each group can get its own resource free for all of ``[a, b)``."""
        resource_busy = self._resource_busy
        options: list[list[int]] = []
        for group in groups:
            free = [r for r in group if _is_free(resource_busy.get(r, _EMPTY), a, b)]
            if not free:
                return False
            options.append(free)
        if len(options) == 1:
            return True
        # Match groups to distinct resources (augmenting paths; the groups are few).
        holder: dict[int, int] = {}

        def assign(group_index: int, seen: set[int]) -> bool:
            for r in options[group_index]:
                if r in seen:
                    continue
                seen.add(r)
                if r not in holder or assign(holder[r], seen):
                    holder[r] = group_index
                    return True
            return False

        return all(assign(i, set()) for i in range(len(options)))

    def find_slots(
        self,
        appointment_type: AppointmentType,
        *,
        start_date: date,
        end_date: date,
        now: datetime,
        provider_ids: Iterable[int] | None = None,
        location_ids: Iterable[int] | None = None,
        step: int = 5,
        limit: int | None = None,
    ) -> list[Slot]:
        """The open slots for ``appointment_type`` from ``start_date`` to ``end_date``."""
        _require_aware(now, "now")
        if end_date < start_date:
            raise ValueError(f"end_date ({end_date}) must not be before start_date ({start_date})")
        if end_date >= date.max:
            raise ValueError("end_date must be before date.max")
        if step <= 0:
            raise ValueError(f"step must be a positive number of minutes, got {step}")
        if limit is not None and limit < 0:
            raise ValueError(f"limit must not be negative, got {limit}")
        if limit == 0:
            return []
        with self._lock:
            return self._search(
                appointment_type,
                start_date=start_date,
                end_date=end_date,
                now=now,
                provider_ids=provider_ids,
                location_ids=location_ids,
                step=step,
                limit=limit,
            )

    def _search(
        self,
        kind: AppointmentType,
        *,
        start_date: date,
        end_date: date,
        now: datetime,
        provider_ids: Iterable[int] | None,
        location_ids: Iterable[int] | None,
        step: int,
        limit: int | None,
    ) -> list[Slot]:
        """The search proper, walking the days in order (see the module's rules)."""
        tz = self.tz
        duration = kind.duration * 60
        before = kind.buffer_before * 60
        after = kind.buffer_after * 60
        stride = step * 60
        earliest = math.ceil(now.timestamp()) + kind.min_notice * 60
        max_per_day = kind.max_per_day
        groups = [sorted(group) for group in kind.resource_groups]
        wanted_providers = None if provider_ids is None else frozenset(provider_ids)
        wanted_locations = None if location_ids is None else frozenset(location_ids)

        def eligible(block: TemplateBlock) -> bool:
            return (
                (wanted_providers is None or block.provider_id in wanted_providers)
                and (kind.provider_ids is None or block.provider_id in kind.provider_ids)
                and (wanted_locations is None or block.location_id in wanted_locations)
                and (block.appointment_type_ids is None or kind.id in block.appointment_type_ids)
            )

        blocks_by_weekday = [
            [block for block in blocks if eligible(block)] for blocks in self._blocks_by_weekday
        ]

        reach_days = -(-(before + after) // 86400)
        found: list[tuple[int, int, int]] = []  # (start, provider, location)
        seen: set[tuple[int, int, int]] = set()
        day = start_date
        day_start = _epoch(day, _MIDNIGHT, tz)
        while day <= end_date:
            next_day = day + _ONE_DAY
            next_start = _epoch(next_day, _MIDNIGHT, tz)
            # Bookings that can meet this day's blocks, buffers included, are filed
            # under dates near it.
            ordinal = day.toordinal()
            self._load(ordinal - self._lookback - reach_days, ordinal + 3 + reach_days)
            at_limit: dict[int, bool] = {}
            for block in blocks_by_weekday[day.weekday()]:
                if block.effective_from > day or (
                    block.effective_to is not None and day > block.effective_to
                ):
                    continue
                provider = block.provider_id
                if max_per_day is not None:
                    full = at_limit.get(provider)
                    if full is None:
                        count = self._bookings_of_type(provider, kind.id, day_start, next_start)
                        full = at_limit[provider] = count >= max_per_day
                    if full:
                        continue
                block_start = _epoch(day, block.start, tz)
                last = _epoch(day, block.end, tz) - duration  # the last possible start
                first = block_start
                if earliest > first:
                    first += -((first - earliest) // stride) * stride  # ceil to the step
                if first > last:
                    continue

                # Starts s that are ruled out lie in open intervals (lo, hi):
                # booked time [x, y) (overlapping bookings joined) rules out
                # x - duration - after < s < y + before,
                # unavailability [x, y) rules out x - duration < s < y.
                blocked = [
                    (x - duration - after, y + before)
                    for x, y in _joined_within(
                        self._busy.get(provider, _EMPTY), first - before, last + duration + after
                    )
                ]
                blocked += [
                    (x - duration, y)
                    for x, y in _joined_within(
                        self._unavailable(provider, block.location_id), first, last + duration
                    )
                ]
                blocked.sort()
                blocked.append((last + 1, last + 1))  # sentinel: emit up to `last`

                location = block.location_id
                emitted = 0
                s = first
                for lo, hi in blocked:
                    while s <= lo and s <= last:
                        if not groups or self._resources_free(
                            groups, s - before, s + duration + after
                        ):
                            key = (s, provider, location)
                            if key not in seen:
                                seen.add(key)
                                found.append(key)
                            emitted += 1
                            if limit is not None and emitted >= limit:
                                # Later starts of this block cannot make the first `limit`.
                                s = last + 1
                                break
                        s += stride
                    if s > last:
                        break
                    if s < hi:
                        s += -((s - hi) // stride) * stride  # first aligned start >= hi
                        if s > last:
                            break

            if limit is not None and len(found) >= limit:
                found.sort()
                del found[limit:]
                # Any slot of a later day starts at or after that day's local midnight.
                if found[-1][0] < next_start:
                    break
            day, day_start = next_day, next_start

        found.sort()
        if limit is not None:
            del found[limit:]
        fromtimestamp = datetime.fromtimestamp
        return [
            Slot(provider, location, fromtimestamp(s, tz), fromtimestamp(s + duration, tz))
            for s, provider, location in found
        ]


def find_slots(
    appointment_type: AppointmentType,
    *,
    templates: Iterable[TemplateBlock],
    unavailability: Iterable[Unavailability],
    bookings: Iterable[Booking],
    tz: ZoneInfo,
    start_date: date,
    end_date: date,
    now: datetime,
    provider_ids: Iterable[int] | None = None,
    location_ids: Iterable[int] | None = None,
    step: int = 5,
    limit: int | None = None,
) -> list[Slot]:
    """The open slots for ``appointment_type``; builds a :class:`Calendar` and searches it.

    See the module's documentation for the rules.
    """
    calendar = Calendar(
        templates=templates, unavailability=unavailability, bookings=bookings, tz=tz
    )
    return calendar.find_slots(
        appointment_type,
        start_date=start_date,
        end_date=end_date,
        now=now,
        provider_ids=provider_ids,
        location_ids=location_ids,
        step=step,
        limit=limit,
    )
