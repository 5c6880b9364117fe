"""The KPI formulas (reports/kpis.py) against reference implementations and by hand."""

from __future__ import annotations

import datetime as dt
import statistics
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medoffice.reports import kpis

NY = ZoneInfo("America/New_York")
minutes = st.lists(
    st.floats(min_value=0, max_value=600, allow_nan=False, allow_infinity=False),
    min_size=2,
    max_size=60,
)


@given(minutes)
def test_median_equals_statistics_median(values):
    assert kpis.median(values) == pytest.approx(statistics.median(values))


@given(minutes, st.integers(min_value=1, max_value=99))
def test_percentile_equals_statistics_quantiles_inclusive(values, p):
    reference = statistics.quantiles(values, n=100, method="inclusive")[p - 1]
    assert kpis.percentile(values, p) == pytest.approx(reference, abs=1e-9)


@given(minutes)
def test_p90_lies_between_the_median_and_the_largest_value(values):
    assert kpis.median(values) <= kpis.percentile(values, 90) + 1e-9 <= max(values) + 2e-9


def test_p90_of_three_waits_by_hand():
    assert kpis.percentile([20, 5, 10], 90) == pytest.approx(18)


def test_percentile_of_nothing_is_none_and_of_one_value_is_that_value():
    assert kpis.percentile([], 90) is None
    assert kpis.percentile([7.5], 90) == 7.5


def test_percentile_outside_0_to_100_is_refused():
    with pytest.raises(ValueError, match="between 0 and 100"):
        kpis.percentile([1, 2], 101)


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_rates_lie_between_0_and_1(a, b):
    numerator, denominator = min(a, b), max(a, b)
    value = kpis.rate(numerator, denominator)
    if denominator == 0:
        assert value is None
    else:
        assert 0 <= value <= 1


def test_a_rate_with_more_events_than_appointments_is_refused():
    with pytest.raises(ValueError, match="exceeds"):
        kpis.rate(3, 2)


@given(st.floats(min_value=0, max_value=1e6), st.floats(max_value=0, min_value=-1e6))
def test_utilisation_with_no_available_minutes_is_none(booked, available):
    assert kpis.utilisation(booked, available) is None


def test_utilisation_is_booked_over_available_and_may_pass_100_percent():
    assert kpis.utilisation(60, 120) == 0.5
    assert kpis.utilisation(150, 120) == 1.25
    assert kpis.as_percent(None) == "—"


def test_phase_durations_from_the_flow_time_stamps():
    t = dt.datetime(2026, 3, 2, 9, tzinfo=NY)
    got = kpis.phase_durations(
        t,
        t + dt.timedelta(minutes=10),
        t + dt.timedelta(minutes=25),
        t + dt.timedelta(minutes=40),
        t + dt.timedelta(minutes=45),
    )
    assert got == {
        "arrival_to_roomed": 10,
        "roomed_to_provider": 15,
        "provider_to_done": 15,
        "arrival_to_provider": 25,
    }


def test_a_missing_or_backwards_time_stamp_leaves_its_phases_out():
    t = dt.datetime(2026, 3, 2, 9, tzinfo=NY)
    got = kpis.phase_durations(t, None, t - dt.timedelta(minutes=5), None, None)
    assert got == {
        "arrival_to_roomed": None,
        "roomed_to_provider": None,
        "provider_to_done": None,
        "arrival_to_provider": None,
    }


@pytest.mark.parametrize(
    ("hour", "part"),
    [(0, "morning"), (11, "morning"), (12, "afternoon"), (16, "afternoon"), (17, "evening")],
)
def test_part_of_day_boundaries(hour, part):
    assert kpis.part_of_day(dt.time(hour, 59 if hour in (11, 16) else 0)) == part


def test_third_next_available_counts_days_to_the_third_slot_in_local_time():
    today = dt.date(2026, 3, 2)
    slots = [
        dt.datetime(2026, 3, 9, 23, 30, tzinfo=NY),  # 04:30 UTC on the 10th, local the 9th
        dt.datetime(2026, 3, 3, 9, tzinfo=NY),
        dt.datetime(2026, 3, 4, 9, tzinfo=NY),
    ]
    assert kpis.third_next_available(today, slots, NY) == 7


def test_third_next_available_with_fewer_than_three_slots_is_none():
    today = dt.date(2026, 3, 2)
    assert kpis.third_next_available(today, [dt.datetime(2026, 3, 3, tzinfo=NY)], NY) is None


def _block(**kw):
    base = {
        "provider_id": 1,
        "location_id": 1,
        "weekday": 0,
        "start": dt.time(9),
        "end": dt.time(12),
        "effective_from": dt.date(2026, 1, 1),
        "effective_to": None,
    }
    return SimpleNamespace(**(base | kw))


def test_available_minutes_subtract_time_off_once_per_week():
    monday = dt.date(2026, 3, 2)
    off = SimpleNamespace(
        start=dt.datetime(2026, 3, 2, 10, tzinfo=NY),
        end=dt.datetime(2026, 3, 2, 11, tzinfo=NY),
        provider_id=1,
        location_id=None,
    )
    overlapping = SimpleNamespace(
        start=dt.datetime(2026, 3, 2, 10, 30, tzinfo=NY),
        end=dt.datetime(2026, 3, 2, 11, 30, tzinfo=NY),
        provider_id=None,
        location_id=1,
    )
    other_provider = SimpleNamespace(
        start=dt.datetime(2026, 3, 9, 9, tzinfo=NY),
        end=dt.datetime(2026, 3, 9, 12, tzinfo=NY),
        provider_id=2,
        location_id=None,
    )
    got = kpis.available_minutes(
        [_block()], [off, overlapping, other_provider], monday, monday + dt.timedelta(days=13), NY
    )
    assert got == {(1, monday): 90, (1, monday + dt.timedelta(days=7)): 180}


def test_available_minutes_respect_effective_dates():
    monday = dt.date(2026, 3, 2)
    block = _block(effective_from=dt.date(2026, 3, 3))
    got = kpis.available_minutes([block], [], monday, monday + dt.timedelta(days=13), NY)
    assert got == {(1, monday + dt.timedelta(days=7)): 180}


def test_booked_minutes_by_provider_and_local_week():
    sunday_night = dt.datetime(2026, 3, 8, 23, 30, tzinfo=NY)  # Monday in UTC
    got = kpis.booked_minutes([(1, sunday_night, sunday_night + dt.timedelta(minutes=20))], NY)
    assert got == {(1, dt.date(2026, 3, 2)): 20}
