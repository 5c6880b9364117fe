"""The expected allowed amount of a contract (``billing/contracts.py``, pure): carve-outs
first, then the method; units; dates; rounding to the cent; never negative; and reading
what people type (percents, carve-outs, a CSV of rates)."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medoffice.billing.contracts import (
    CarveOut,
    ContractTerms,
    Rate,
    Volume,
    expected_allowed,
    is_underpaid,
    parse_percent,
    parse_signed_percent,
    read_carve_outs,
    read_rates_csv,
    what_if,
)

DAY = dt.date(2026, 3, 2)
START = dt.date(2026, 1, 1)


def schedule(*rates: Rate, **fields) -> ContractTerms:
    return ContractTerms(method="schedule", effective_from=START, rates=rates, **fields)


def price(terms, code="99213", modifiers=(), units="1", day=DAY, billed="150.00"):
    return expected_allowed(
        terms,
        code=code,
        modifiers=list(modifiers),
        units=Decimal(units),
        service_date=day,
        billed=Decimal(billed),
    )


def test_no_contract_expects_nothing():
    assert price(None) is None


def test_a_date_outside_the_contract_expects_nothing():
    terms = schedule(Rate("99213", "", Decimal("100"), START), effective_to=dt.date(2026, 2, 1))
    assert price(terms, day=dt.date(2025, 12, 31)) is None
    assert price(terms, day=dt.date(2026, 2, 2)) is None
    assert price(terms, day=dt.date(2026, 2, 1)) == Decimal("100.00")


def test_the_payers_schedule_prices_each_unit():
    terms = schedule(Rate("97110", "", Decimal("31.17"), START))
    assert price(terms, code="97110", units="3") == Decimal("93.51")


def test_a_code_the_schedule_lacks_expects_nothing():
    assert price(schedule(Rate("99213", "", Decimal("100"), START)), code="99214") is None


def test_the_rate_of_a_modifier_the_line_carries_comes_before_the_plain_rate():
    terms = schedule(
        Rate("99213", "", Decimal("100"), START), Rate("99213", "25", Decimal("110"), START)
    )
    assert price(terms, modifiers=["25"]) == Decimal("110.00")
    assert price(terms, modifiers=["59"]) == Decimal("100.00")


def test_the_rate_in_force_on_the_date_of_service_applies():
    terms = schedule(
        Rate("99213", "", Decimal("100"), START, dt.date(2026, 2, 28)),
        Rate("99213", "", Decimal("104"), dt.date(2026, 3, 1)),
    )
    assert price(terms, day=dt.date(2026, 2, 28)) == Decimal("100.00")
    assert price(terms, day=dt.date(2026, 3, 1)) == Decimal("104.00")


def test_percent_of_medicare_is_the_medicare_rate_times_the_percent_and_units():
    terms = ContractTerms(
        method="medicare",
        effective_from=START,
        percent=Decimal("115"),
        rates=[Rate("99213", "", Decimal("92.03"), START)],
    )
    assert price(terms, units="2") == Decimal("211.67")  # 92.03 × 1.15 × 2 = 211.669


def test_percent_of_charges_is_of_the_billed_amount_whatever_the_units():
    terms = ContractTerms(method="charges", effective_from=START, percent=Decimal("62.5"))
    assert price(terms, units="4", billed="200.00") == Decimal("125.00")


def test_a_carve_out_amount_comes_before_the_method_and_is_per_unit():
    terms = schedule(
        Rate("J3490", "", Decimal("10"), START),
        carve_outs=[CarveOut("J3490", amount=Decimal("7.25"))],
    )
    assert price(terms, code="J3490", units="3") == Decimal("21.75")


def test_a_carve_out_percent_is_of_billed_charges():
    terms = schedule(carve_outs=[CarveOut("J3490", percent=Decimal("80"))])
    assert price(terms, code="J3490", billed="55.55") == Decimal("44.44")


def test_a_carve_out_for_the_lines_modifier_comes_before_the_codes_plain_one():
    terms = schedule(
        carve_outs=[
            CarveOut("99213", amount=Decimal("90")),
            CarveOut("99213", "25", amount=Decimal("95")),
        ]
    )
    assert price(terms, modifiers=["25"]) == Decimal("95.00")
    assert price(terms) == Decimal("90.00")


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method"):
        ContractTerms(method="guess", effective_from=START)


amounts = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2)
percents = st.decimals(min_value=0, max_value=1000, places=3)
units = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999"), places=3)


@given(rate=amounts, percent=percents, units=units, billed=amounts)
def test_every_method_rounds_to_the_cent_and_is_never_negative(rate, percent, units, billed):
    for method in ("schedule", "medicare", "charges"):
        terms = ContractTerms(
            method=method,
            effective_from=START,
            percent=percent,
            rates=[Rate("99213", "", rate, START)],
        )
        result = expected_allowed(
            terms, code="99213", modifiers=[], units=units, service_date=DAY, billed=billed
        )
        assert result is not None
        assert result >= 0
        assert result == result.quantize(Decimal("0.01"))


@given(rate=amounts, units=units)
def test_the_schedule_price_is_the_exact_product_within_half_a_cent(rate, units):
    result = price(schedule(Rate("99213", "", rate, START)), units=str(units))
    assert result is not None
    assert abs(result - rate * units) <= Decimal("0.005")


@given(billed=amounts, low=percents, high=percents)
def test_a_higher_percent_never_expects_less(billed, low, high):
    low, high = sorted((low, high))

    def at(p):
        terms = ContractTerms(method="charges", effective_from=START, percent=p)
        return price(terms, billed=str(billed))

    assert at(low) <= at(high)


def test_a_negative_billed_amount_or_unit_count_expects_zero_not_less():
    terms = ContractTerms(method="charges", effective_from=START, percent=Decimal("50"))
    assert price(terms, billed="-10.00") == Decimal("0.00")
    assert price(schedule(Rate("99213", "", Decimal("100"), START)), units="-2") == Decimal("0.00")


def test_underpaid_means_short_by_more_than_both_tolerances():
    assert is_underpaid(expected=Decimal("100"), allowed=Decimal("97"))
    assert not is_underpaid(expected=Decimal("100"), allowed=Decimal("100"))
    assert not is_underpaid(expected=None, allowed=Decimal("1"))
    assert not is_underpaid(
        expected=Decimal("100"), allowed=Decimal("97"), tolerance_amount=Decimal("3")
    )
    assert not is_underpaid(
        expected=Decimal("100"), allowed=Decimal("97"), tolerance_percent=Decimal("5")
    )
    assert is_underpaid(
        expected=Decimal("100"),
        allowed=Decimal("90"),
        tolerance_amount=Decimal("3"),
        tolerance_percent=Decimal("5"),
    )


def test_what_if_prices_the_volume_by_the_current_terms_and_the_proposal():
    terms = schedule(
        Rate("99213", "", Decimal("100"), START), Rate("36415", "", Decimal("10"), START)
    )
    volume = [
        Volume("99213", (), Decimal("1"), Decimal("150"), DAY),
        Volume("99213", (), Decimal("1"), Decimal("150"), DAY),
        Volume("36415", (), Decimal("1"), Decimal("20"), DAY),
    ]
    rows = what_if(volume, current=terms, proposed_rates={"99213": Decimal("110")})
    assert [(r.code, r.lines, r.current, r.proposed) for r in rows] == [
        ("36415", 1, Decimal("10.00"), Decimal("10.00")),
        ("99213", 2, Decimal("200.00"), Decimal("220.00")),
    ]
    assert rows[1].change == Decimal("20.00")
    assert rows[1].change_percent == Decimal("10.0")


def test_what_if_a_percent_change_applies_to_the_codes_without_a_proposed_rate():
    terms = schedule(
        Rate("99213", "", Decimal("100"), START), Rate("36415", "", Decimal("10"), START)
    )
    volume = [
        Volume("99213", (), Decimal("1"), Decimal("150"), DAY),
        Volume("36415", (), Decimal("2"), Decimal("40"), DAY),
    ]
    rows = what_if(
        volume, current=terms, proposed_rates={"99213": Decimal("90")}, percent_change=Decimal("5")
    )
    assert {r.code: r.proposed for r in rows} == {
        "99213": Decimal("90.00"),
        "36415": Decimal("21.00"),
    }


@pytest.mark.parametrize(
    ("typed", "value"), [("110", "110"), ("87.5", "87.5"), ("87.5 %", "87.5"), (".5", "0.5")]
)
def test_a_percent_is_read_as_typed(typed, value):
    assert parse_percent(typed) == Decimal(value)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e309", "as a number"),
        ("NaN", "as a number"),
        ("-5", "negative"),
        ("٣٣", "as a number"),
        ("99999", "as a number"),
        ("1001", "at most 1,000"),
        ("1.2345", "as a number"),
        ("", "as a number"),
    ],
)
def test_a_percent_that_is_not_one_is_refused_with_why(typed, message):
    with pytest.raises(ValueError, match=message):
        parse_percent(typed)


def test_a_percent_change_may_be_a_cut_of_up_to_a_hundred():
    assert parse_signed_percent("-3.5") == Decimal("-3.5")
    assert parse_signed_percent("+5") == Decimal("5")
    with pytest.raises(ValueError, match="at most 100"):
        parse_signed_percent("-150")


@given(st.text(max_size=30))
def test_reading_a_percent_raises_only_value_errors(text):
    try:
        value = parse_percent(text)
    except ValueError:
        return
    assert 0 <= value <= 1000


def test_carve_outs_are_read_one_a_line():
    assert read_carve_outs("99213,25,95.00\nj3490,,80%\n\n36415, 12.50\n") == [
        CarveOut("99213", "25", amount=Decimal("95.00")),
        CarveOut("J3490", "", percent=Decimal("80")),
        CarveOut("36415", "", amount=Decimal("12.50")),
    ]


def test_every_bad_carve_out_line_is_named_at_once():
    with pytest.raises(ValueError, match="Line 1") as caught:
        read_carve_outs("99213,,-5\nABC,,5\n99214,X,5\n99215,,1e309\n36415,,5\n36415,,6")
    text = str(caught.value)
    for expected in ("Line 1", "Line 2", "Line 3", "Line 4", "Line 6: 36415 twice"):
        assert expected in text
    assert "Line 5" not in text


def test_a_rates_csv_is_read_with_or_without_its_header():
    assert read_rates_csv("code,rate\r\n99213,101.50\r\n36415,$9\r\n") == {
        "99213": Decimal("101.50"),
        "36415": Decimal("9.00"),
    }
    assert read_rates_csv("99213,100") == {"99213": Decimal("100.00")}


def test_a_bad_rates_csv_names_each_line():
    with pytest.raises(ValueError, match="Line 2") as caught:
        read_rates_csv("code,rate\n99213\n99214,ten\n99215,100,1\n36415,5\n")
    text = str(caught.value)
    assert "Line 2" in text
    assert "Line 3" in text
    assert "Line 4" in text
    assert "Line 5" not in text


@given(st.text(max_size=200))
def test_reading_carve_outs_raises_only_value_errors(text):
    with contextlib.suppress(ValueError):
        read_carve_outs(text)
