"""Values as X12 writes them: amounts without exponents, text without separators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medoffice.x12.errors import WriteError
from medoffice.x12.writer import (
    InterchangeHeader,
    SegmentWriter,
    decimal_text,
    digits,
    open_interchange,
    text,
)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("125.00"), "125"),
        (Decimal("125.50"), "125.5"),
        (Decimal("0.25"), "0.25"),
        (Decimal("1E+3"), "1000"),
        (Decimal("0"), "0"),
        (Decimal("-0.00"), "0"),
        (Decimal("12.345"), "12.34"),
    ],
)
def test_amounts_are_written_plainly(value: Decimal, written: str) -> None:
    assert decimal_text(value) == written


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False, places=2))
def test_an_amount_reads_back_to_its_value(value: Decimal) -> None:
    written = decimal_text(value)
    assert "E" not in written.upper()
    assert Decimal(written) == value


def test_an_infinite_amount_is_a_write_error() -> None:
    with pytest.raises(WriteError):
        decimal_text(Decimal("Infinity"))


@given(st.text(max_size=60))
def test_text_never_holds_a_separator_or_lowercase(value: str) -> None:
    cleaned = text(value)
    assert not set(cleaned) & set("*:^~")
    assert cleaned == cleaned.upper()
    assert all(" " <= char <= "~" for char in cleaned)


def test_accents_are_folded_to_ascii() -> None:
    assert text("Núñez-O'Brien") == "NUNEZ-O'BRIEN"


def test_digits_keeps_only_digits() -> None:
    assert digits("(413) 555-0100") == "4135550100"


def test_trailing_empty_elements_and_components_are_dropped() -> None:
    out = SegmentWriter(line_breaks=False)
    out.add("SV1", ("HC", "99213", "", ""), "125", "", "")
    assert out.text() == "SV1*HC:99213*125~"


def test_the_isa_is_106_characters() -> None:
    out = SegmentWriter(line_breaks=False)
    header = InterchangeHeader("ME", "YOU", 1, 1, dt.datetime(2026, 1, 2, 3, 4))
    open_interchange(out, header, "HC", "005010X222A1")
    assert len(out.parts[0]) == 106


def test_a_sender_id_longer_than_isa06_is_refused() -> None:
    header = InterchangeHeader("X" * 16, "YOU", 1, 1, dt.datetime(2026, 1, 2, 3, 4))
    with pytest.raises(WriteError, match="ISA06"):
        open_interchange(SegmentWriter(), header, "HC", "005010X222A1")


def test_a_usage_indicator_other_than_t_or_p_is_refused() -> None:
    header = InterchangeHeader("ME", "YOU", 1, 1, dt.datetime(2026, 1, 2, 3, 4), usage="X")
    with pytest.raises(WriteError, match="usage"):
        open_interchange(SegmentWriter(), header, "HC", "005010X222A1")
