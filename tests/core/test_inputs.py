"""Dates, ZIP codes and states as the desk types them (core/inputs.py, a pure module)."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medoffice.core import inputs

TODAY = dt.date(2026, 12, 1)


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_a_real_date_reads_back_the_same_in_us_and_iso_forms(day):
    us = day.strftime("%m/%d/") + f"{day.year:04d}"
    assert inputs.parse_date(us, today=TODAY) == day
    assert inputs.parse_date(f"{day.year:04d}-{day.month:02d}-{day.day:02d}", today=TODAY) == day


@given(
    st.integers(min_value=1, max_value=9999),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=29, max_value=31),
)
def test_a_day_the_month_lacks_is_named_as_not_a_date(year, month, day):
    if day <= calendar.monthrange(year, month)[1]:
        return
    with pytest.raises(
        ValueError, match=f"^{day} {calendar.month_name[month]} {year} is not a date"
    ):
        inputs.parse_date(f"{month:02d}/{day:02d}/{year:04d}", today=TODAY)


def test_30_february_is_not_a_date():
    with pytest.raises(ValueError, match=r"30 February 2026 is not a date \(February 2026 has 28"):
        inputs.parse_date("2026-02-30", today=TODAY)


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_a_sentence_about_the_date(text):
    try:
        outcome: object = inputs.parse_date(text, today=TODAY)
    except ValueError as exc:
        outcome = str(exc)
    assert isinstance(outcome, dt.date) or "date" in str(outcome)


def test_a_two_digit_year_is_the_latest_not_after_this_year():
    assert inputs.parse_date("04/02/70", today=TODAY) == dt.date(1970, 4, 2)
    assert inputs.parse_date("04/02/26", today=TODAY) == dt.date(2026, 4, 2)
    assert inputs.parse_date("04/02/27", today=TODAY) == dt.date(1927, 4, 2)


@given(st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_a_birth_date_is_taken_when_within_130_years_and_not_in_the_future(born):
    problem = inputs.birth_date_problem(born, TODAY)
    earliest = dt.date(TODAY.year - 130, TODAY.month, TODAY.day)
    assert (problem is None) == (earliest <= born <= TODAY)


def test_the_earliest_birth_date_on_29_february_is_28_february():
    assert inputs.earliest_birth_date(dt.date(2024, 2, 29)) == dt.date(1894, 2, 28)


@given(st.from_regex(r"\A[0-9]{5}\Z"), st.one_of(st.none(), st.from_regex(r"\A[0-9]{4}\Z")))
def test_a_zip_or_zip_plus_four_is_normalised_with_one_dash(five, four):
    if five == "00000" or four == "0000":
        return
    typed = five if four is None else f"{five}{four}"
    expected = five if four is None else f"{five}-{four}"
    assert inputs.normalize_zip(typed) == expected
    assert inputs.normalize_zip(f" {expected} ") == expected
    assert inputs.normalize_zip(expected) == expected


@given(st.text(max_size=12))
def test_anything_else_is_not_a_zip_code(text):
    digits = text.replace("-", "").replace(" ", "").strip()
    try:
        zip_code = inputs.normalize_zip(text)
    except ValueError as exc:
        zip_code = str(exc)
    if zip_code != inputs.ZIP_MESSAGE:
        assert zip_code.replace("-", "") == digits
        assert len(digits) in (5, 9)


@pytest.mark.parametrize("text", ["1234", "123456", "12345-123", "ABCDE", "00000", "12345-0000"])
def test_short_long_or_empty_zip_codes_are_refused(text):
    with pytest.raises(ValueError, match="ZIP code"):
        inputs.normalize_zip(text)


def test_the_states_are_the_fifty_dc_and_the_territories():
    assert len(inputs.US_STATES) == 50 + 1 + 5
    assert inputs.normalize_state(" ma") == "MA"
    assert inputs.normalize_state("pr") == "PR"
    with pytest.raises(ValueError, match="US state"):
        inputs.normalize_state("ZZ")
