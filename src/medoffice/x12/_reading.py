"""What the acknowledgment and response readers share: reading with envelope problems kept.

``read_checked`` returns the segments of a whole file (999s, 277CAs and 271s are small) and
the envelope problems found; a file that ends inside an envelope raises ``TruncatedError``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from medoffice.x12.errors import ContentError, TruncatedError, X12Error
from medoffice.x12.reader import Segment, Source, X12Reader


def read_checked(
    source: Source, expected: str, *, sets_required: bool = True
) -> tuple[list[Segment], tuple[X12Error, ...]]:
    """The segments of ``source`` and its envelope problems; it must hold ``expected`` sets."""
    reader = X12Reader(source, strict=False)
    listed = list(reader)
    for error in reader.errors:
        if isinstance(error, TruncatedError):
            raise error
    sets = [segment for segment in listed if segment.id == "ST"]
    if not sets and sets_required:
        raise ContentError(f"the file holds no transaction set (a {expected} was expected)")
    for segment in sets:
        if segment.get(1) != expected:
            raise ContentError(
                f"transaction set {segment.get(1)!r} where a {expected} was expected",
                segment_number=segment.number,
                segment_id="ST",
                element=1,
            )
    return listed, tuple(reader.errors)


def require(segment: Segment, position: int, what: str) -> str:
    """Element ``position`` of ``segment``, or a ``ContentError`` naming it when empty."""
    value = segment.get(position).strip()
    if not value:
        raise ContentError(
            f"{what} ({segment.id}{position:02d}) is missing",
            segment_number=segment.number,
            segment_id=segment.id,
            element=position,
        )
    return value


def one_of(segment: Segment, position: int, allowed: set[str] | dict[str, str], what: str) -> str:
    value = require(segment, position, what)
    if value not in allowed:
        raise ContentError(
            f"{what} {value!r} ({segment.id}{position:02d}) is not one of {sorted(allowed)}",
            segment_number=segment.number,
            segment_id=segment.id,
            element=position,
        )
    return value


def date8(segment: Segment, position: int) -> dt.date | None:
    """Element ``position`` as a CCYYMMDD date (None when empty); ``ContentError`` otherwise."""
    value = segment.get(position).strip()
    if not value:
        return None
    try:
        if len(value) != 8 or not value.isdigit():
            raise ValueError(value)
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise ContentError(
            f"{value[:20]!r} is not a date (CCYYMMDD)",
            segment_number=segment.number,
            segment_id=segment.id,
            element=position,
        ) from None


def amount(segment: Segment, position: int) -> Decimal | None:
    """Element ``position`` as a Decimal amount (None when empty); ``ContentError`` otherwise."""
    value = segment.get(position).strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ContentError(
            f"{value[:20]!r} is not an amount",
            segment_number=segment.number,
            segment_id=segment.id,
            element=position,
        )
    return number
