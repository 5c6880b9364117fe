"""The pure schedule of a payment plan and how payments count toward its instalments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medoffice.billing import plan_schedule as ps

D = Decimal
cents = st.integers(min_value=1, max_value=10_000_000).map(lambda c: D(c) / 100)


def test_instalments_fall_on_the_day_of_the_month_from_the_start():
    items = ps.schedule(D("300.00"), D("100.00"), dt.date(2026, 1, 20), 15)
    assert [i.due_date for i in items] == [
        dt.date(2026, 2, 15),
        dt.date(2026, 3, 15),
        dt.date(2026, 4, 15),
    ]


def test_the_first_instalment_is_on_the_start_day_when_it_is_the_day_of_the_month():
    assert ps.schedule(D("50"), D("50"), dt.date(2026, 3, 1), 1)[0].due_date == dt.date(2026, 3, 1)


def test_the_last_instalment_is_what_is_left():
    items = ps.schedule(D("250.00"), D("100.00"), dt.date(2026, 1, 1), 1)
    assert [i.amount for i in items] == [D("100.00"), D("100.00"), D("50.00")]


def test_a_schedule_across_new_year_goes_on_into_january():
    items = ps.schedule(D("200"), D("100"), dt.date(2026, 12, 2), 1)
    assert [i.due_date for i in items] == [dt.date(2027, 1, 1), dt.date(2027, 2, 1)]


@pytest.mark.parametrize(
    ("total", "instalment", "day"),
    [("0", "1", 1), ("10", "0", 1), ("10", "11", 1), ("10", "5", 29), ("10", "5", 0)],
)
def test_impossible_plans_are_refused(total, instalment, day):
    with pytest.raises(ValueError, match="the "):
        ps.schedule(D(total), D(instalment), dt.date(2026, 1, 1), day)


@given(cents, cents, st.integers(1, 28), st.dates(dt.date(2000, 1, 1), dt.date(2090, 1, 1)))
def test_the_instalments_add_up_to_the_total_and_none_is_over_the_instalment(
    total, instalment, day, start
):
    if instalment > total or ps.instalment_count(total, instalment) > ps.MAX_INSTALMENTS:
        return
    items = ps.schedule(total, instalment, start, day)
    assert sum(i.amount for i in items) == total
    assert all(D("0") < i.amount <= instalment for i in items)
    assert all(i.due_date.day == day and i.due_date >= start for i in items)


def test_a_payment_covers_the_oldest_instalment_first():
    items = ps.schedule(D("300"), D("100"), dt.date(2026, 1, 1), 1)
    standing = ps.standing(items, D("150"), dt.date(2026, 1, 5))
    assert standing.covered == 1
    assert standing.next_due is not None
    assert standing.next_due.number == 2
    assert standing.next_due_short == D("50")


def test_an_uncovered_instalment_past_its_date_is_overdue_by_the_days_since():
    items = ps.schedule(D("300"), D("100"), dt.date(2026, 1, 1), 1)
    assert ps.standing(items, D("0"), dt.date(2026, 1, 21)).overdue_days == 20


def test_a_plan_paid_in_full_is_complete():
    items = ps.schedule(D("300"), D("100"), dt.date(2026, 1, 1), 1)
    standing = ps.standing(items, D("300"), dt.date(2026, 1, 2))
    assert standing.complete
    assert standing.left == D("0")
