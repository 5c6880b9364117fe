"""Timely filing: Medicare's one calendar year after the date of service (42 CFR 424.44),
a payer's number of days, and the warning from 30 days before."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medoffice.billing import timely

SERVICE_DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


def test_medicare_takes_a_claim_up_to_the_same_day_next_year():
    assert timely.filing_deadline("medicare", 365, dt.date(2026, 3, 14)) == dt.date(2027, 3, 14)


def test_a_medicare_service_on_29_february_is_due_on_28_february():
    assert timely.filing_deadline("medicare", 365, dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def test_the_days_rule_adds_the_payers_days():
    assert timely.filing_deadline("days", 90, dt.date(2026, 1, 1)) == dt.date(2026, 4, 1)


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="Unknown"):
        timely.filing_deadline("weeks", 3, dt.date(2026, 1, 1))


def test_the_last_year_of_the_calendar_does_not_overflow():
    assert timely.filing_deadline("medicare", 365, dt.date(9999, 6, 1)) == dt.date.max
    assert timely.filing_deadline("days", 3650, dt.date(9999, 6, 1)) == dt.date.max


@given(SERVICE_DATES)
def test_medicare_deadline_is_one_calendar_year_later(day):
    deadline = timely.filing_deadline("medicare", 365, day)
    assert deadline.year == day.year + 1
    assert deadline.month == day.month
    assert deadline.day == day.day or (day.month, day.day, deadline.day) == (2, 29, 28)


@given(SERVICE_DATES, st.integers(1, 3650))
def test_days_deadline_is_that_many_days_later(day, days):
    assert (timely.filing_deadline("days", days, day) - day).days == days


def test_no_warning_more_than_30_days_before():
    assert timely.filing_warning(dt.date(2026, 3, 1), dt.date(2026, 1, 29)) is None


def test_a_warning_30_days_before():
    warning = timely.filing_warning(dt.date(2026, 3, 1), dt.date(2026, 1, 30))
    assert warning is not None
    assert warning.days_left == 30
    assert not warning.late


def test_the_deadline_day_itself_warns_that_it_is_the_last_day():
    warning = timely.filing_warning(dt.date(2026, 3, 1), dt.date(2026, 3, 1))
    assert warning is not None
    assert "today" in warning.message
    assert not warning.late


def test_after_the_deadline_the_line_is_late():
    warning = timely.filing_warning(dt.date(2026, 3, 1), dt.date(2026, 3, 2))
    assert warning is not None
    assert warning.late
    assert "1 days ago" in warning.message


@given(SERVICE_DATES, SERVICE_DATES)
def test_a_warning_is_given_exactly_within_30_days_or_after(deadline, today):
    warning = timely.filing_warning(deadline, today)
    assert (warning is not None) == ((deadline - today).days <= 30)
    if warning is not None:
        assert warning.late == (today > deadline)
