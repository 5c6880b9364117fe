"""Writing X12: X12-safe values, numbers without exponents, segments and the envelopes.

``SegmentWriter`` joins elements with the separators, drops trailing empty elements and
components, and counts segments (for SE01). ``text`` uppercases free text, folds accents
to ASCII and strips every separator character; ``ident`` does the same without touching
case. ``decimal_text`` writes 125, 125.5 or 0.25, never an exponent.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from medoffice.x12.errors import WriteError
from medoffice.x12.reader import DEFAULT_SEPARATORS, Separators

Element = str | Sequence[str]

_SPACES = re.compile(r"\s+")


def _ascii(value: str) -> str:
    if value.isascii() and value.isprintable():  # the usual case: nothing to fold or drop
        return value
    folded = unicodedata.normalize("NFKD", value)
    return "".join(char for char in folded if " " <= char <= "~")


def _clean(value: str, separators: Separators) -> str:
    cleaned = _ascii(value)
    for char in (
        separators.element,
        separators.component,
        separators.repetition,
        separators.segment,
    ):
        if char and char in cleaned:
            cleaned = cleaned.replace(char, " ")
    if "  " in cleaned:  # printable ASCII now: the only white space left is the space
        cleaned = _SPACES.sub(" ", cleaned)
    return cleaned.strip()


# Cleaned values with the default separators, by value: a batch repeats its names, codes
# and identifiers thousands of times. Emptied when full, so it stays small.
_IDENTS: dict[str, str] = {}
_TEXTS: dict[str, str] = {}
_CACHE_LIMIT = 50_000


def ident(value: str, separators: Separators = DEFAULT_SEPARATORS) -> str:
    """``value`` in printable ASCII without separator characters, spaces collapsed."""
    if separators is not DEFAULT_SEPARATORS:
        return _clean(value, separators)
    found = _IDENTS.get(value)
    if found is None:
        if len(_IDENTS) >= _CACHE_LIMIT:
            _IDENTS.clear()
        found = _IDENTS[value] = _clean(value, separators)
    return found


def text(value: str, separators: Separators = DEFAULT_SEPARATORS) -> str:
    """Free text (names, addresses, descriptions) uppercased and X12-safe."""
    if separators is not DEFAULT_SEPARATORS:
        return _clean(value, separators).upper()
    found = _TEXTS.get(value)
    if found is None:
        if len(_TEXTS) >= _CACHE_LIMIT:
            _TEXTS.clear()
        found = _TEXTS[value] = ident(value).upper()
    return found


def digits(value: str) -> str:
    """Only the digits of ``value`` (phone numbers, ZIP codes, tax ids)."""
    return "".join(char for char in value if char.isascii() and char.isdigit())


def decimal_text(value: Decimal, places: int = 2) -> str:
    """``value`` rounded to ``places`` and written without exponent or trailing zeros."""
    try:
        rounded = value.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation as exc:
        raise WriteError(f"{value!r} is not a writable amount") from exc
    written = f"{rounded:f}"
    if "." in written:
        written = written.rstrip("0").rstrip(".")
    return "0" if written in {"-0", ""} else written


def date8(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def date6(value: dt.date) -> str:
    return value.strftime("%y%m%d")


def time4(value: dt.datetime | dt.time) -> str:
    return value.strftime("%H%M")


class SegmentWriter:
    """Collects segments; ``count`` is the number written since the last ``start_count``."""

    def __init__(
        self, separators: Separators = DEFAULT_SEPARATORS, *, line_breaks: bool = True
    ) -> None:
        self.separators = separators
        self.end = separators.segment + ("\n" if line_breaks else "")
        self._element = separators.element
        self._join = separators.element.join
        self.parts: list[str] = []
        self.count = 0

    def start_count(self) -> None:
        self.count = 0

    def add(self, segment_id: str, *elements: Element) -> None:
        """Write one segment; a sequence element is a composite."""
        values = [
            element if isinstance(element, str) else self._composite(element)
            for element in elements
        ]
        while values and not values[-1]:
            values.pop()
        if values:
            self.parts.append(f"{segment_id}{self._element}{self._join(values)}{self.end}")
        else:
            self.parts.append(segment_id + self.end)
        self.count += 1

    def _composite(self, element: Sequence[str]) -> str:
        parts = list(element)
        while parts and not parts[-1]:
            parts.pop()
        return self.separators.component.join(parts)

    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class InterchangeHeader:
    """What the ISA and GS carry; the control numbers come from the caller."""

    sender_id: str
    receiver_id: str
    interchange_control_number: int  # ISA13 (IEA02)
    group_control_number: int  # GS06 (GE02)
    created: dt.datetime
    usage: str = "T"  # ISA15: T test, P production
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    application_sender: str = ""  # GS02, the sender id when empty
    application_receiver: str = ""  # GS03, the receiver id when empty
    acknowledgment_requested: bool = False  # ISA14: a TA1 wanted


def _fixed(value: str, width: int, what: str) -> str:
    cleaned = ident(value)
    if len(cleaned) > width:
        raise WriteError(f"{what} {value!r} is longer than {width} characters")
    return cleaned.ljust(width)


def _control(number: int, width: int, what: str) -> str:
    if not 0 < number < 10**width:
        raise WriteError(f"{what} {number} is not between 1 and {10**width - 1}")
    return str(number).zfill(width) if width == 9 else str(number)


def open_interchange(
    out: SegmentWriter, header: InterchangeHeader, functional_id: str, version: str
) -> None:
    """Write ISA and GS."""
    if header.usage not in {"T", "P"}:
        raise WriteError(f"usage indicator {header.usage!r} is not T or P")
    seps = out.separators
    out.add(
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        _fixed(header.sender_qualifier, 2, "ISA05"),
        _fixed(header.sender_id, 15, "ISA06"),
        _fixed(header.receiver_qualifier, 2, "ISA07"),
        _fixed(header.receiver_id, 15, "ISA08"),
        date6(header.created),
        time4(header.created),
        seps.repetition or "U",
        "00501",
        _control(header.interchange_control_number, 9, "ISA13"),
        "1" if header.acknowledgment_requested else "0",
        header.usage,
        seps.component,
    )
    out.add(
        "GS",
        functional_id,
        ident(header.application_sender or header.sender_id),
        ident(header.application_receiver or header.receiver_id),
        date8(header.created),
        time4(header.created),
        _control(header.group_control_number, 9, "GS06").lstrip("0"),
        "X",
        version,
    )


def close_interchange(out: SegmentWriter, header: InterchangeHeader, sets: int) -> None:
    """Write GE and IEA (one functional group of ``sets`` transaction sets)."""
    out.add("GE", str(sets), str(header.group_control_number))
    out.add("IEA", "1", _control(header.interchange_control_number, 9, "ISA13"))


def transaction_control(number: int) -> str:
    """ST02/SE02: at least four digits, at most nine."""
    if not 0 < number < 10**9:
        raise WriteError(f"transaction set control number {number} is not between 1 and 999999999")
    return str(number).zfill(4)
