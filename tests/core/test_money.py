"""One money parser for every amount: digits, at most two decimals, no exponents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medoffice.core.money import MoneyError, format_money, parse_money

LIMIT = Decimal("99999999.99")
cents = st.integers(min_value=1, max_value=9_999_999_999)


def money(text, **kwargs):
    return parse_money(text, maximum=kwargs.pop("maximum", LIMIT), **kwargs)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("25", "25.00"),
        ("25.5", "25.50"),
        ("25.", "25.00"),
        (".50", "0.50"),
        ("$1,250.00", "1250.00"),
        ("1,000", "1000.00"),
        ("  40.00 ", "40.00"),
        ("1000000", "1000000.00"),
    ],
)
def test_amounts_typed_the_usual_ways_are_read(typed, amount):
    assert money(typed) == Decimal(amount)


@pytest.mark.parametrize(
    "typed",
    ["1e3", "1E3", "1e309", "NaN", "Infinity", "-inf", "sNaN", "0x10", "1_000", "+25"]
    + ["25,00", "1,00,000", "12,34.00", "abc", "$", ".", "1 000", "٣٥", "25$", "--5"],
)
def test_anything_else_is_refused_with_the_format_to_use(typed):
    with pytest.raises(MoneyError, match=r"dollars and cents|cannot be negative"):
        money(typed)


def test_more_than_two_decimals_is_refused_naming_cents():
    with pytest.raises(MoneyError, match="two decimals"):
        money("25.005")


def test_an_amount_over_the_limit_names_the_limit():
    with pytest.raises(MoneyError, match=r"at most \$500\.00"):
        money("500.01", maximum=Decimal("500.00"))


def test_zero_is_refused_unless_the_use_allows_it():
    with pytest.raises(MoneyError, match="more than zero"):
        money("0.00")
    assert money("0", allow_zero=True) == Decimal("0.00")


def test_an_empty_amount_asks_for_one():
    with pytest.raises(MoneyError, match="Enter the amount"):
        money("  ")


def test_decimals_from_code_are_held_to_the_same_rules():
    assert money(Decimal("12.3")) == Decimal("12.30")
    for bad in (Decimal("1E+309"), Decimal("NaN"), Decimal("0.001"), Decimal("-1")):
        with pytest.raises(MoneyError):
            money(bad)


@given(cents)
def test_every_amount_written_with_separators_reads_back_to_itself(n):
    amount = Decimal(n) / 100
    assert money(format_money(amount)) == amount
    assert money(f"{amount:.2f}") == amount


@given(st.text(max_size=40))
def test_any_text_gives_an_amount_in_range_or_a_money_error(text):
    try:
        amount = money(text)
    except MoneyError as error:
        message = str(error)
        amount = None
    if amount is None:
        assert message
    else:
        assert Decimal("0.01") <= amount <= LIMIT
        assert amount == amount.quantize(Decimal("0.01"))


def test_amounts_are_written_with_thousands_separators():
    assert format_money(Decimal("1000")) == "$1,000.00"
    assert format_money(Decimal("-12.5")) == "-$12.50"


# --- the one form field and the one API type ---------------------------------------------

FIELD_LIMIT = Decimal("2500.00")


def field(**kwargs):
    from medoffice.core.forms import MoneyField

    return MoneyField(maximum=kwargs.pop("maximum", FIELD_LIMIT), **kwargs)


def api_amount(value, **kwargs):
    from typing import Annotated

    from pydantic import TypeAdapter

    from medoffice.api.common import Money

    adapter = TypeAdapter(Annotated[Decimal, Money(kwargs.pop("maximum", FIELD_LIMIT), **kwargs)])
    return adapter.validate_python(value)


@pytest.mark.parametrize("typed", ["1e3", "NaN", "Infinity", "1,00", "2,500.01", "12.345"])
def test_the_money_field_refuses_what_the_parser_refuses(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        field().clean(typed)
    assert caught.value.code == "invalid_amount"


def test_the_money_field_reads_thousands_separators():
    assert field().clean("1,000") == Decimal("1000.00")


def test_the_money_field_shows_an_amount_with_separators_for_editing():
    assert field(maximum=LIMIT).prepare_value(Decimal("1250")) == "1,250.00"


def test_an_empty_optional_money_field_is_no_amount():
    assert field(required=False).clean("  ") is None


@given(st.text(max_size=40))
def test_the_money_field_and_the_parser_agree_on_any_text(text):
    from django.core.exceptions import ValidationError

    try:
        expected = parse_money(text, maximum=FIELD_LIMIT)
    except MoneyError:
        expected = None
    try:
        got = field(required=False).clean(text)
    except ValidationError:
        got = None
    if text.strip():
        assert got == expected
    else:
        assert got is None


@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=True)))
def test_the_api_money_type_takes_what_the_parser_takes_and_never_a_float(value):
    from pydantic import ValidationError

    try:
        expected = None if isinstance(value, float) else parse_money(value, maximum=FIELD_LIMIT)
    except MoneyError:
        expected = None
    try:
        got = api_amount(value)
    except ValidationError:
        got = None
    assert got == expected


def test_the_api_money_type_refuses_a_json_number_in_exponent_form():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="as a string"):
        api_amount(1e3)


# --- display -----------------------------------------------------------------------------


@given(cents)
def test_the_money_filter_writes_what_format_money_writes(n):
    from medoffice.core.templatetags.money import money as money_filter

    amount = Decimal(n) / 100
    assert money_filter(amount) == format_money(amount)


def test_the_money_filter_is_on_every_template_without_a_load():
    from django.template import engines

    template = engines["django"].from_string("{{ amount|money }}")
    assert template.render({"amount": Decimal("1000")}) == "$1,000.00"


def test_the_money_filter_shows_nothing_for_no_amount():
    from medoffice.core.templatetags.money import money as money_filter

    assert money_filter(None) == ""
