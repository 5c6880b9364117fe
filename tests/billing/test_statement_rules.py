"""The statement run's pure rules: aging buckets, dunning stages, a balance continuing,
the guarantor's key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from medoffice.billing import statement_rules as rules

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1))
cents = st.decimals(min_value=Decimal("-10000"), max_value=Decimal("10000"), places=2)


@given(st.lists(st.tuples(days, cents), max_size=30), days)
def test_aging_buckets_sum_to_the_whole_due(dues, as_of):
    assert sum(rules.aging(dues, as_of).values(), Decimal("0")) == sum(
        (a for _d, a in dues), Decimal("0")
    )


@given(days, st.integers(min_value=0, max_value=400))
def test_a_visit_ages_into_one_bucket_by_days_since_service(as_of, age):
    bucket = rules.aging_bucket(as_of - dt.timedelta(days=age), as_of)
    expected = "0_30" if age <= 30 else "31_60" if age <= 60 else "61_90" if age <= 90 else "91_120"
    assert bucket == (expected if age <= 120 else "over_120")


@given(days, st.integers(min_value=0, max_value=400))
def test_the_dunning_stage_steps_at_30_60_and_90_days(since, age):
    stage = rules.dunning_stage(since, since + dt.timedelta(days=age))
    assert stage == (0 if age < 30 else 1 if age < 60 else 2 if age < 90 else 3)


def test_a_balance_continues_from_last_months_statement():
    day = dt.date(2026, 3, 1)
    assert rules.balance_since(
        day, dt.date(2026, 2, 1), dt.date(2026, 1, 1), Decimal("50"), Decimal("10")
    ) == dt.date(2026, 1, 1)


def test_a_balance_paid_in_full_starts_over():
    day = dt.date(2026, 3, 1)
    assert (
        rules.balance_since(
            day, dt.date(2026, 2, 1), dt.date(2026, 1, 1), Decimal("50"), Decimal("50")
        )
        == day
    )


def test_children_of_one_guarantor_share_a_key_whatever_the_accents_and_case():
    one = rules.guarantor_key(1, False, "José", "Núñez", dt.date(1980, 1, 2), "4 Oak Lane")
    two = rules.guarantor_key(2, False, "jose", "NUNEZ ", dt.date(1980, 1, 2), "4  oak lane")
    assert one == two
    assert one.startswith("g")


def test_a_patient_who_is_their_own_guarantor_has_their_own_key():
    assert rules.guarantor_key(7, True, "Dana", "Okafor") == "p7"
