"""Checks for the identifiers a practice uses. Pure module: no Django import."""

from __future__ import annotations

import re

from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.us import ein

# re.ASCII: \d must not match other scripts' digits (e.g. "١"), which Luhn cannot read.
_NPI_RE = re.compile(r"^[12]\d{9}\Z", re.ASCII)
_SSN_RE = re.compile(r"^(?!000|666|9\d\d)\d{3}-?(?!00)\d{2}-?(?!0000)\d{4}\Z", re.ASCII)


def npi_check_digit(first_nine: str) -> str:
    """The NPI check digit: Luhn over the prefix "80840" and the first nine digits."""
    return luhn.calc_check_digit("80840" + first_nine)


def is_valid_npi(value: str) -> bool:
    """Ten digits, starting with 1 or 2, with a correct check digit (CMS's NPI rule)."""
    if not isinstance(value, str) or not _NPI_RE.match(value):
        return False
    return npi_check_digit(value[:9]) == value[9]


def normalize_ein(value: str) -> str | None:
    """An EIN as NN-NNNNNNN, or None when it is not a valid employer identification number."""
    try:
        return ein.format(ein.validate(value))
    except StdnumError:
        return None


def normalize_ssn(value: str) -> str | None:
    """An SSN as NNN-NN-NNNN, or None when it cannot be one (SSA's never-issued ranges)."""
    value = value.strip()
    if not _SSN_RE.match(value):
        return None
    digits = value.replace("-", "")
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def mask_ssn(value: str) -> str:
    """Only the last four digits, as printed on statements."""
    if not value:
        return ""
    return "***-**-" + value[-4:]
