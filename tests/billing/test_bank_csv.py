"""The bank's deposit file (pure parser): rows read, every bad row named, never another
exception whatever the file holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from medoffice.billing.bank_csv import parse_bank_csv

TODAY = dt.date(2026, 11, 25)


def test_columns_are_found_by_name_in_any_order_and_case():
    rows, errors = parse_bank_csv("REFERENCE,amount,Date\nEFT1,12.50,2026-11-02\n", latest=TODAY)
    assert errors == []
    assert (rows[0].reference, rows[0].amount, rows[0].deposit_date) == (
        "EFT1",
        Decimal("12.50"),
        dt.date(2026, 11, 2),
    )


def test_a_header_without_the_amount_is_refused_naming_the_column():
    _rows, errors = parse_bank_csv("date,reference\n2026-11-02,EFT1\n", latest=TODAY)
    assert errors == ["Row 1: the header has no column amount."]


def test_every_bad_row_is_named_with_its_column():
    text = "date,amount,reference\n0001-01-01,5,A\n2026-11-02,1e309,B\n2026-11-02,5,\n"
    _rows, errors = parse_bank_csv(text, latest=TODAY)
    assert [e.split(":")[0] for e in errors] == ["Row 2", "Row 3", "Row 4"]
    assert "date" in errors[0]
    assert "amount" in errors[1]
    assert "reference" in errors[2]


def test_a_deposit_dated_after_today_is_refused():
    _rows, errors = parse_bank_csv("date,amount,reference\n9999-12-31,5,A\n", latest=TODAY)
    assert errors[0].startswith("Row 2: date 9999-12-31")


def test_a_nul_character_refuses_the_file():
    _rows, errors = parse_bank_csv("date,amount,reference\n2026-11-02,5,A\x00\n", latest=TODAY)
    assert errors == ["The file holds NUL characters: is it a CSV file?"]


@given(st.text(max_size=400))
def test_any_text_gives_rows_or_errors_never_an_exception(text):
    rows, errors = parse_bank_csv("date,amount,reference\n" + text, latest=TODAY)
    assert all(r.amount > 0 for r in rows)
    assert rows or errors


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=TODAY),
)
def test_any_amount_and_date_in_range_read_back_as_written(amount, day):
    rows, errors = parse_bank_csv(
        f"date,amount,reference\n{day.isoformat()},{amount},EFT\n", latest=TODAY
    )
    assert errors == []
    assert (rows[0].amount, rows[0].deposit_date) == (amount, day)
