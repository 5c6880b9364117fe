"""The revenue KPIs (billing.kpis): the formulas of REFERENCE.md's "Practice KPIs", zero
denominators answering None, Decimal rounding, and the good / watch / act bands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from medoffice.billing import kpis
from medoffice.billing.kpis import Band

AMOUNTS = st.decimals(min_value=0, max_value=10_000_000, places=2)
POSITIVE = st.decimals(min_value=Decimal("0.01"), max_value=10_000_000, places=2)
COUNTS = st.integers(min_value=0, max_value=1_000_000)
DATES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))


def d(text: str) -> Decimal:
    return Decimal(text)


# --- days in A/R ---------------------------------------------------------------------------


def test_days_in_ar_is_ar_over_the_average_daily_adjusted_charges():
    # $365,000 of adjusted charges in 365 days is $1,000 a day; $45,000 of A/R is 45 days.
    assert kpis.days_in_ar(d("45000"), d("365000"), 365) == d("45.0")


def test_days_in_ar_subtracts_credit_balances_as_the_aafp_does():
    assert kpis.days_in_ar(d("45000"), d("365000"), 365, credit_balances=d("5000")) == d("40.0")


def test_days_in_ar_never_goes_below_zero_when_credits_exceed_the_ar():
    assert kpis.days_in_ar(d("100"), d("365000"), 365, credit_balances=d("500")) == d("0.0")


def test_days_in_ar_is_rounded_to_a_tenth_of_a_day():
    assert kpis.days_in_ar(d("1000"), d("3000"), 90) == d("30.0")
    assert kpis.days_in_ar(d("1000"), d("7000"), 90) == d("12.9")


def test_days_in_ar_without_charges_is_unknown():
    assert kpis.days_in_ar(d("45000"), d("0"), 365) is None


def test_days_in_ar_of_a_period_without_days_is_unknown():
    assert kpis.days_in_ar(d("45000"), d("365000"), 0) is None


def test_a_negative_ar_is_a_typed_error_naming_it():
    with pytest.raises(kpis.KpiInputError, match="total_ar"):
        kpis.days_in_ar(d("-1"), d("365000"), 365)


def test_money_as_a_float_is_a_typed_error():
    with pytest.raises(kpis.KpiInputError, match="adjusted_charges must be a Decimal"):
        kpis.days_in_ar(d("1"), 365000.0, 365)  # type: ignore[arg-type]


def test_a_non_finite_amount_is_a_typed_error():
    with pytest.raises(kpis.KpiInputError, match="finite"):
        kpis.days_in_ar(Decimal("NaN"), d("1"), 1)


@given(AMOUNTS, POSITIVE, st.integers(1, 3660))
def test_days_in_ar_is_never_negative(ar, charges, days):
    result = kpis.days_in_ar(ar, charges, days)
    assert result is not None
    assert result >= 0


@given(AMOUNTS, AMOUNTS, POSITIVE, st.integers(1, 3660))
def test_more_ar_never_means_fewer_days(ar, more, charges, days):
    assert kpis.days_in_ar(ar + more, charges, days) >= kpis.days_in_ar(ar, charges, days)


@given(AMOUNTS, POSITIVE, st.integers(1, 3660))
def test_days_in_ar_scales_with_the_ar(ar, charges, days):
    once = kpis.days_in_ar(ar, charges, days)
    twice = kpis.days_in_ar(ar * 2, charges, days)
    # Each is rounded to 0.05 day at most: doubling the A/R doubles the days to within 0.15.
    assert abs(twice - 2 * once) <= d("0.15")


@given(POSITIVE, st.integers(1, 3660))
def test_ar_equal_to_the_periods_charges_is_the_whole_period(charges, days):
    assert kpis.days_in_ar(charges, charges, days) == Decimal(days)


# --- collection rates ----------------------------------------------------------------------


def test_gross_collection_rate_is_payments_over_charges():
    assert kpis.gross_collection_rate(d("62500"), d("100000")) == d("0.625")


def test_gross_collection_rate_without_charges_is_unknown():
    assert kpis.gross_collection_rate(d("100"), d("0")) is None


def test_net_collection_rate_leaves_out_the_contractual_adjustments():
    # $100,000 billed, $40,000 written off by contract: $57,000 of $60,000 collectable.
    assert kpis.net_collection_rate(d("57500"), d("500"), d("100000"), d("40000")) == d("0.950")


def test_net_collection_rate_when_the_contract_took_everything_is_unknown():
    assert kpis.net_collection_rate(d("0"), d("0"), d("100"), d("100")) is None


def test_refunds_above_payments_give_a_net_rate_of_zero():
    assert kpis.net_collection_rate(d("10"), d("50"), d("100"), d("0")) == d("0.000")


def test_contractual_adjustments_above_charges_are_a_typed_error():
    with pytest.raises(kpis.KpiInputError, match="contractual_adjustments"):
        kpis.net_collection_rate(d("0"), d("0"), d("100"), d("101"))


def test_rates_are_rounded_half_to_even_to_a_tenth_of_a_percent():
    assert kpis.gross_collection_rate(d("1"), d("3")) == d("0.333")
    assert kpis.gross_collection_rate(d("2.5"), d("1000")) == d("0.002")  # 0.0025 → even
    assert kpis.gross_collection_rate(d("3.5"), d("1000")) == d("0.004")  # 0.0035 → even


@given(AMOUNTS, AMOUNTS, AMOUNTS, AMOUNTS)
def test_net_collection_rate_stays_within_0_and_1_for_consistent_inputs(
    payments, refunds, contractual, rest
):
    charges = contractual + rest
    assume(payments <= rest)
    rate = kpis.net_collection_rate(payments, refunds, charges, contractual)
    assert rate is None or d("0") <= rate <= d("1")


@given(AMOUNTS, AMOUNTS, POSITIVE)
def test_net_collection_rate_is_at_least_the_gross_without_refunds(payments, contractual, rest):
    charges = contractual + rest
    net = kpis.net_collection_rate(payments, d("0"), charges, contractual)
    gross = kpis.gross_collection_rate(payments, charges)
    assert net >= gross


@given(AMOUNTS, POSITIVE)
def test_gross_collection_rate_is_within_0_and_1_when_payments_do_not_exceed_charges(
    payments, charges
):
    assume(payments <= charges)
    assert d("0") <= kpis.gross_collection_rate(payments, charges) <= d("1")


def test_point_of_service_collection_rate_is_collected_over_due_at_the_visit():
    assert kpis.point_of_service_collection_rate(d("1800"), d("2000")) == d("0.900")


def test_point_of_service_collection_rate_with_nothing_due_is_unknown():
    assert kpis.point_of_service_collection_rate(d("0"), d("0")) is None


# --- claim rates ---------------------------------------------------------------------------


def test_denial_rate_in_claims():
    assert kpis.denial_rate(7, 100) == d("0.070")


def test_denial_rate_in_dollars():
    assert kpis.denial_rate(d("4250.00"), d("85000.00")) == d("0.050")


def test_denial_rate_with_nothing_submitted_is_unknown():
    assert kpis.denial_rate(0, 0) is None


def test_more_denied_than_submitted_is_a_typed_error():
    with pytest.raises(kpis.KpiInputError, match="denied"):
        kpis.denial_rate(11, 10)


def test_clean_claim_rate_is_clean_over_scrubbed():
    assert kpis.clean_claim_rate(96, 100) == d("0.960")


def test_first_pass_resolution_rate_is_paid_first_time_over_submitted():
    assert kpis.first_pass_resolution_rate(45, 50) == d("0.900")


def test_a_negative_count_is_a_typed_error_naming_it():
    with pytest.raises(kpis.KpiInputError, match="scrubbed cannot be negative"):
        kpis.clean_claim_rate(0, -1)


def test_a_count_that_is_not_a_whole_number_is_a_typed_error():
    with pytest.raises(kpis.KpiInputError, match="whole number"):
        kpis.first_pass_resolution_rate(True, 2)


@given(COUNTS, COUNTS)
def test_count_rates_stay_within_0_and_1(part, extra):
    whole = part + extra
    for rate in (
        kpis.denial_rate(part, whole),
        kpis.clean_claim_rate(part, whole),
        kpis.first_pass_resolution_rate(part, whole),
    ):
        assert (rate is None) == (whole == 0)
        assert rate is None or d("0") <= rate <= d("1")


@given(st.integers(0, 100_000), st.integers(1, 100_000))
def test_the_clean_claim_rate_agrees_with_the_scrubs(clean, more):
    from medoffice.billing.services.scrub import CleanClaimRate

    scrubbed = clean + more
    assert kpis.clean_claim_rate(clean, scrubbed) * 100 == CleanClaimRate(clean, scrubbed).rate


# --- A/R aging -----------------------------------------------------------------------------


def test_a_balance_91_days_old_is_over_90_days():
    as_of = dt.date(2026, 4, 2)  # 91 days after 1 January 2026
    assert kpis.ar_older_than([(dt.date(2026, 1, 1), d("100"))], as_of, 90) == d("100")


def test_a_balance_exactly_90_days_old_is_not_over_90_days():
    as_of = dt.date(2026, 4, 1)
    assert kpis.ar_older_than([(dt.date(2026, 1, 1), d("100"))], as_of, 90) == d("0")


def test_a_credit_balance_in_the_aging_is_a_typed_error():
    with pytest.raises(kpis.KpiInputError, match="a balance cannot be negative"):
        kpis.ar_older_than([(dt.date(2026, 1, 1), d("-5"))], dt.date(2026, 6, 1), 90)


def test_ar_over_share_is_the_old_ar_over_all_ar():
    assert kpis.ar_over_share(d("12000"), d("100000")) == d("0.120")


def test_ar_over_share_without_ar_is_unknown():
    assert kpis.ar_over_share(d("0"), d("0")) is None


def test_more_old_ar_than_ar_is_a_typed_error():
    with pytest.raises(kpis.KpiInputError, match="ar_over"):
        kpis.ar_over_share(d("2"), d("1"))


@given(st.lists(st.tuples(DATES, AMOUNTS), max_size=30), DATES)
def test_ar_over_120_never_exceeds_ar_over_90_nor_the_total(balances, as_of):
    total = sum((amount for _, amount in balances), Decimal(0))
    over_90 = kpis.ar_older_than(balances, as_of, 90)
    over_120 = kpis.ar_older_than(balances, as_of, 120)
    assert over_120 <= over_90 <= total
    share_90 = kpis.ar_over_share(over_90, total)
    share_120 = kpis.ar_over_share(over_120, total)
    assert (share_90 is None) == (total == 0)
    if share_90 is not None:
        assert d("0") <= share_120 <= share_90 <= d("1")


@given(DATES, AMOUNTS, st.integers(0, 400), st.integers(0, 400))
def test_a_balance_is_over_n_days_exactly_when_more_than_n_days_have_passed(
    since, amount, age, days
):
    as_of = since + dt.timedelta(days=age)
    expected = amount if age > days else Decimal(0)
    assert kpis.ar_older_than([(since, amount)], as_of, days) == expected


# --- bands ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kpi", "value", "expected"),
    [
        ("days_in_ar", "35.0", Band.GOOD),
        ("days_in_ar", "40.0", Band.GOOD),
        ("days_in_ar", "45.0", Band.WATCH),
        ("days_in_ar", "50.0", Band.WATCH),
        ("days_in_ar", "50.1", Band.ACT),
        ("net_collection_rate", "0.960", Band.GOOD),
        ("net_collection_rate", "0.950", Band.GOOD),
        ("net_collection_rate", "0.920", Band.WATCH),
        ("net_collection_rate", "0.899", Band.ACT),
        ("denial_rate", "0.030", Band.GOOD),
        ("denial_rate", "0.070", Band.WATCH),
        ("denial_rate", "0.101", Band.ACT),
        ("clean_claim_rate", "0.970", Band.GOOD),
        ("clean_claim_rate", "0.930", Band.WATCH),
        ("clean_claim_rate", "0.850", Band.ACT),
        ("first_pass_resolution_rate", "0.900", Band.GOOD),
        ("first_pass_resolution_rate", "0.870", Band.WATCH),
        ("first_pass_resolution_rate", "0.800", Band.ACT),
        ("ar_over_120_share", "0.100", Band.GOOD),
        ("ar_over_120_share", "0.200", Band.WATCH),
        ("ar_over_120_share", "0.300", Band.ACT),
    ],
)
def test_a_value_is_banded_against_its_benchmark(kpi, value, expected):
    assert kpis.band(kpi, Decimal(value)) is expected


@pytest.mark.parametrize("kpi", sorted(kpis.TREND_ONLY))
def test_a_kpi_without_a_benchmark_is_not_banded(kpi):
    assert kpis.band(kpi, d("0.5")) is None


def test_an_unknown_value_is_not_banded():
    assert kpis.band("days_in_ar", None) is None


def test_an_unknown_kpi_is_a_typed_error_listing_the_kpis():
    with pytest.raises(kpis.KpiInputError, match="days_in_ar"):
        kpis.band("days_in_az", d("1"))


_ORDER = {Band.GOOD: 0, Band.WATCH: 1, Band.ACT: 2}


@given(
    st.sampled_from(sorted(kpis.BENCHMARKS)),
    st.decimals(min_value=0, max_value=200, places=3),
    st.decimals(min_value=0, max_value=200, places=3),
)
def test_a_worse_value_never_gets_a_better_band(kpi, a, b):
    benchmark = kpis.BENCHMARKS[kpi]
    better, worse = (max(a, b), min(a, b)) if benchmark.higher_is_better else (min(a, b), max(a, b))
    assert _ORDER[kpis.band(kpi, worse)] >= _ORDER[kpis.band(kpi, better)]


def test_every_benchmark_has_its_good_limit_on_the_good_side_of_its_act_limit():
    for benchmark in kpis.BENCHMARKS.values():
        if benchmark.higher_is_better:
            assert benchmark.good > benchmark.act
        else:
            assert benchmark.good < benchmark.act
