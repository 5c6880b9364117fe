"""NPI, EIN and SSN rules (core/identifiers.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from medoffice.core.identifiers import (
    is_valid_npi,
    mask_ssn,
    normalize_ein,
    normalize_ssn,
    npi_check_digit,
)

first_nine_digits = st.from_regex(r"[12][0-9]{8}", fullmatch=True)


def test_npi_check_digit_matches_the_cms_worked_example():
    assert npi_check_digit("123456789") == "3"
    assert is_valid_npi("1234567893")


def test_npi_with_a_wrong_check_digit_is_invalid():
    assert not is_valid_npi("1234567890")


def test_npi_must_be_ten_digits_starting_with_1_or_2():
    assert not is_valid_npi("123456789")
    assert not is_valid_npi("12345678931")
    assert not is_valid_npi("3234567891")
    assert not is_valid_npi("12345678a3")
    assert not is_valid_npi("")
    assert not is_valid_npi("1234567893\n")


def test_npi_written_with_non_ascii_digits_is_invalid_not_an_error():
    assert not is_valid_npi("1\u0662\u0663\u0664567893")


@given(first_nine_digits)
def test_every_npi_built_with_its_check_digit_is_valid(first_nine):
    assert is_valid_npi(first_nine + npi_check_digit(first_nine))


@given(first_nine_digits, st.integers(min_value=0, max_value=9), st.integers(1, 9))
def test_changing_any_one_digit_of_an_npi_makes_it_invalid(first_nine, position, shift):
    npi = first_nine + npi_check_digit(first_nine)
    changed = str((int(npi[position]) + shift) % 10)
    altered = npi[:position] + changed + npi[position + 1 :]
    assert not is_valid_npi(altered)


def test_ein_is_normalised_to_two_dash_seven_digits():
    assert normalize_ein("041234567") == "04-1234567"
    assert normalize_ein("04-1234567") == "04-1234567"


def test_ein_with_an_unassigned_prefix_or_wrong_length_is_refused():
    assert normalize_ein("00-1234567") is None
    assert normalize_ein("04-123456") is None
    assert normalize_ein("not an ein") is None


def test_ssn_is_normalised_with_dashes():
    assert normalize_ssn("123456789") == "123-45-6789"
    assert normalize_ssn(" 123-45-6789 ") == "123-45-6789"


def test_ssn_in_never_issued_ranges_is_refused():
    for value in ["000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000"]:
        assert normalize_ssn(value) is None, value


def test_ssn_of_the_wrong_shape_is_refused():
    for value in ["12-345-6789", "1234-5-6789", "12345678", "abc-de-fghi"]:
        assert normalize_ssn(value) is None, value


def test_masked_ssn_shows_only_the_last_four_digits():
    assert mask_ssn("123-45-6789") == "***-**-6789"
    assert mask_ssn("") == ""


def test_ssn_written_with_non_ascii_digits_is_refused():
    assert normalize_ssn("\u0661\u0662\u0663-45-6789") is None


@given(st.from_regex(r"[1-8][0-9]{2}-[1-9][0-9]-[1-9][0-9]{3}", fullmatch=True))
def test_masked_ssn_never_contains_the_first_five_digits(ssn):
    masked = mask_ssn(ssn)
    assert masked.endswith(ssn[-4:])
    assert ssn[:6] not in masked
