"""What the 835 reader reads a segment's elements with: amounts, dates, CAS, PLB, the layout.

Amounts, dates and names repeat through a remittance; they are read once and the
(immutable) result is reused. Every problem is a ``ContentError`` naming the segment
number, its id and the element.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal, InvalidOperation
from typing import IO

from medoffice.x12.errors import ContentError
from medoffice.x12.reader import CHUNK_SIZE, ISA_ELEMENTS, Segment, Source
from medoffice.x12.remittance import (
    ADJUSTMENT_GROUPS,
    PLB_PAIRS,
    PROCEDURE_QUALIFIERS,
    TRIPLETS,
    Adjustment,
    Contact,
    Dated,
    Figure,
    Name,
    ProviderAdjustment,
    ReadWarning,
    Reference,
)

# --- small readers --------------------------------------------------------------------------


def _error(segment: Segment, position: int, message: str) -> ContentError:
    return ContentError(
        message, segment_number=segment.number, segment_id=segment.id, element=position
    )


def _required(segment: Segment, position: int, what: str) -> str:
    elements = segment.elements
    value = elements[position - 1].strip() if position <= len(elements) else ""
    if not value:
        raise _error(segment, position, f"{what} ({segment.id}{position:02d}) is missing")
    return value


def _money(segment: Segment, position: int, what: str) -> Decimal:
    return _decimal(_required(segment, position, what), segment, position)


_NUMBERS: dict[str, Decimal] = {}
_DATES: dict[tuple[str, ...], Dated] = {}
_NAMES: dict[tuple[str, ...], Name] = {}
_CACHE_LIMIT = 20_000


def _decimal(value: str, segment: Segment, position: int) -> Decimal:
    """``value`` as a finite Decimal; the same text read again is the same (immutable) value."""
    found = _NUMBERS.get(value)
    if found is not None:
        return found
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _error(segment, position, f"{value[:20]!r} is not a number") from None
    if not number.is_finite():
        raise _error(segment, position, f"{value[:20]!r} is not a number")
    if len(_NUMBERS) >= _CACHE_LIMIT:
        _NUMBERS.clear()
    _NUMBERS[value] = number
    return number


def _optional_decimal(segment: Segment, position: int) -> Decimal | None:
    value = segment.get(position).strip()
    return _decimal(value, segment, position) if value else None


def _date(segment: Segment, position: int, what: str) -> dt.date:
    value = _required(segment, position, what)
    try:
        if len(value) != 8 or not value.isdigit() or not value.isascii():
            raise ValueError(value)
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise _error(segment, position, f"{value[:20]!r} is not a date (CCYYMMDD)") from None


def _raw(values: tuple[str, ...]) -> tuple[str, ...]:
    end = len(values)
    while end and not values[end - 1]:
        end -= 1
    return values[:end]


def _reference(segment: Segment) -> Reference:
    return Reference(_required(segment, 1, "the reference qualifier"), segment.get(2))


def _dated(segment: Segment) -> Dated:
    key = segment.elements
    found = _DATES.get(key)
    if found is None:
        found = Dated(_required(segment, 1, "the date qualifier"), _date(segment, 2, "the date"))
        if len(_DATES) >= _CACHE_LIMIT:
            _DATES.clear()
        _DATES[key] = found
    return found


def _figure(segment: Segment) -> Figure:
    return Figure(_required(segment, 1, "the qualifier"), _money(segment, 2, "the value"))


def _contact(segment: Segment) -> Contact:
    numbers = tuple(
        (segment.get(at), segment.get(at + 1)) for at in (3, 5, 7) if segment.get(at + 1)
    )
    return Contact(_required(segment, 1, "the contact function"), segment.get(2), numbers)


def _name(segment: Segment) -> Name:
    found = _NAMES.get(segment.elements)
    if found is None:
        found = _new_name(segment)
        if len(_NAMES) >= _CACHE_LIMIT:
            _NAMES.clear()
        _NAMES[segment.elements] = found
    return found


def _new_name(segment: Segment) -> Name:
    elements = segment.elements
    if len(elements) < 9:
        elements = elements + ("",) * (9 - len(elements))
    return Name(
        _required(segment, 1, "the entity code"),
        elements[1],
        elements[2],
        elements[3],
        elements[4],
        elements[6],
        elements[7],
        elements[8],
    )


def _adjustments(segment: Segment) -> list[Adjustment]:
    elements = segment.elements
    if len(elements) == 3 and elements[0] in ADJUSTMENT_GROUPS and elements[1]:  # the usual
        return [
            Adjustment(
                elements[0],
                elements[1],
                _NUMBERS.get(elements[2]) or _decimal(elements[2], segment, 3),
                None,
                segment.number,
            )
        ]
    group = elements[0].strip() if elements else ""
    if group not in ADJUSTMENT_GROUPS:
        raise _error(
            segment, 1, f"adjustment group {group[:10]!r} is not one of {sorted(ADJUSTMENT_GROUPS)}"
        )
    found: list[Adjustment] = []
    size = len(elements)
    for triplet in range(TRIPLETS):
        at = 2 + 3 * triplet  # CAS02, CAS05, …, CAS17
        reason = elements[at - 1].strip() if at <= size else ""
        value = elements[at].strip() if at < size else ""
        quantity = elements[at + 1].strip() if at + 1 < size else ""
        if not reason:
            if value or quantity:
                raise _error(segment, at, f"an adjustment amount (CAS{at + 1:02d}) has no reason")
            if triplet == 0:
                raise _error(segment, 2, "the adjustment reason (CAS02) is missing")
            continue
        if not value:
            raise _error(segment, at + 1, f"the adjustment amount (CAS{at + 1:02d}) is missing")
        found.append(
            Adjustment(
                group,
                reason,
                _decimal(value, segment, at + 1),
                _decimal(quantity, segment, at + 2) if quantity else None,
                segment.number,
            )
        )
    if size > 3 * TRIPLETS + 1:
        raise _error(segment, 3 * TRIPLETS + 2, "a CAS holds at most six adjustments")
    return found


def _provider_adjustments(segment: Segment) -> list[ProviderAdjustment]:
    provider = _required(segment, 1, "the provider identifier")
    period = _date(segment, 2, "the fiscal period date")
    found: list[ProviderAdjustment] = []
    for pair in range(PLB_PAIRS):
        at = 3 + 2 * pair
        parts = segment.components(at)
        value = segment.get(at + 1).strip()
        if not parts or not parts[0].strip():
            if value:
                raise _error(segment, at, f"a provider adjustment (PLB{at + 1:02d}) has no reason")
            if pair == 0:
                raise _error(segment, 3, "the adjustment reason (PLB03) is missing")
            continue
        if not value:
            raise _error(segment, at + 1, f"the adjustment amount (PLB{at + 1:02d}) is missing")
        found.append(
            ProviderAdjustment(
                provider,
                period,
                parts[0].strip(),
                parts[1] if len(parts) > 1 else "",
                _decimal(value, segment, at + 1),
                segment.number,
            )
        )
    if len(segment.elements) > 2 + 2 * PLB_PAIRS:
        raise _error(segment, 3 + 2 * PLB_PAIRS, "a PLB holds at most six adjustments")
    return found


def _foreign_separator(raw: str) -> str:
    """The character a composite was really split on, when it is not ISA16 (or "")."""
    for index, char in enumerate(raw):
        if char.isalnum() or char == " ":
            continue
        return char if raw[:index] in PROCEDURE_QUALIFIERS and index + 1 < len(raw) else ""
    return ""


# --- the layout warnings --------------------------------------------------------------------


class _Prefixed:
    """A file object whose first chunk was already read to look at the layout."""

    def __init__(self, first: str | bytes, rest: IO[str] | IO[bytes]) -> None:
        self._first: str | bytes | None = first
        self._rest = rest

    def read(self, size: int = -1) -> str | bytes:
        if self._first is not None:
            first, self._first = self._first, None
            if first:
                return first
        return self._rest.read(size)


def _head(source: Source) -> tuple[Source, str]:
    """The first few KiB of ``source`` as text (for the layout), and the source to read."""
    if isinstance(source, str):
        return source, source[:4096]
    if isinstance(source, (bytes, bytearray)):
        return source, bytes(source[:4096]).decode("utf-8", "replace")
    if isinstance(source, os.PathLike):
        try:
            with open(os.fspath(source), "rb") as handle:
                return source, handle.read(4096).decode("utf-8", "replace")
        except OSError:
            return source, ""  # the tokenizer reports it
    try:
        first = source.read(CHUNK_SIZE)
    except (OSError, UnicodeDecodeError):
        return source, ""
    text = first if isinstance(first, str) else first[:4096].decode("utf-8", "replace")
    return _Prefixed(first, source), text[:4096]  # type: ignore[return-value]


def _layout_warnings(head: str) -> list[ReadWarning]:
    found: list[ReadWarning] = []
    if head.startswith("\ufeff"):
        found.append(
            ReadWarning("byte-order-mark", "a UTF-8 byte-order mark precedes the ISA", 1, "ISA")
        )
    text = head.lstrip("\ufeff \t\r\n")
    if not text.startswith("ISA") or len(text) < 4:
        return found
    marks = [i for i, char in enumerate(text[:150]) if char == text[3]]
    if len(marks) < ISA_ELEMENTS or marks[ISA_ELEMENTS - 1] + 3 >= len(text):
        return found
    terminator_at = marks[ISA_ELEMENTS - 1] + 2
    terminator, after = text[terminator_at], text[terminator_at + 1 : terminator_at + 3]
    if terminator in "\r\n":
        return found
    if after.startswith("\r\n"):
        found.append(ReadWarning("crlf", "segments end in CRLF (line breaks skipped)", 1, "ISA"))
    elif after.startswith("\n"):
        found.append(ReadWarning("lf", "segments end in a line feed (skipped)", 1, "ISA"))
    elif "\n" not in text.rstrip() and "\r" not in text.rstrip():
        found.append(ReadWarning("one-line", "the whole file is on one line", 1, "ISA"))
    return found
