"""What the desk types into addresses and dates: US states, ZIP codes, calendar dates and
birth dates. Pure module (no Django): each check returns the value normalised or raises
``ValueError`` with the sentence the user reads under the field.

Forms (``core.forms``), the patients' services and the practice's model validators all
call these, so a state, a ZIP code or a date is refused with the same words everywhere.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

# The 50 states, the District of Columbia and the territories with US ZIP codes (USPS).
US_STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
}
STATE_CHOICES: list[tuple[str, str]] = [
    (code, f"{code} — {name}") for code, name in sorted(US_STATES.items())
]

STATE_MESSAGE = "Choose a US state or territory (two letters, e.g. MA)."
ZIP_MESSAGE = "Enter a ZIP code as 12345 or 12345-6789."
DATE_MESSAGE = "Enter the date as MM/DD/YYYY, e.g. 04/02/1970."
BIRTH_YEARS = 130

_ZIP_RE = re.compile(r"(\d{5})(?:[- ]?(\d{4}))?")
# Month first as the office writes it (04/02/1970, 4-2-70), or ISO (1970-04-02).
_US_DATE_RE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})")
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def one_line(text: str | None) -> str:
    """A typed note as one line: runs of spaces, tabs and line breaks become one space, and
    characters that print nothing (NUL among them, which PostgreSQL refuses) are dropped."""
    kept = "".join(c for c in text or "" if c.isprintable() or c.isspace())
    return " ".join(kept.split())


def normalize_state(text: str) -> str:
    """ "ma " → "MA"; ValueError for anything that is not a state or territory."""
    code = (text or "").strip().upper()
    if code not in US_STATES:
        raise ValueError(STATE_MESSAGE)
    return code


def normalize_zip(text: str) -> str:
    """ "01060", "01060-1234", "010601234", "01060 1234" → "01060" or "01060-1234"."""
    match = _ZIP_RE.fullmatch((text or "").strip())
    if match is None:
        raise ValueError(ZIP_MESSAGE)
    five, four = match.groups()
    if five == "00000" or four == "0000":
        raise ValueError(ZIP_MESSAGE)
    return f"{five}-{four}" if four else five


def _century(two_digits: int, today: dt.date) -> int:
    """A two-digit year as the latest year ending so that is not after ``today``'s year."""
    year = today.year // 100 * 100 + two_digits
    return year - 100 if year > today.year else year


def parse_date(text: str, *, today: dt.date) -> dt.date:
    """A typed date: MM/DD/YYYY (or MM/DD/YY, with - or .), or YYYY-MM-DD.

    A two-digit year is the latest such year not after ``today``'s. A day the month does
    not have is named: "30 February 2026 is not a date (February
    2026 has 28 days)." Anything else that is not a date gets :data:`DATE_MESSAGE`.
    """
    text = (text or "").strip()
    us = _US_DATE_RE.fullmatch(text)
    iso = _ISO_DATE_RE.fullmatch(text)
    if us is not None:
        month, day, year = (int(part) for part in us.groups())
        if len(us.group(3)) == 2:
            year = _century(year, today)
    elif iso is not None:
        year, month, day = (int(part) for part in iso.groups())
    else:
        raise ValueError(DATE_MESSAGE)
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        raise ValueError(DATE_MESSAGE)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        name = calendar.month_name[month]
        if day < 1 or day > 31:
            raise ValueError(DATE_MESSAGE)
        raise ValueError(f"{day} {name} {year} is not a date ({name} {year} has {days} days).")
    return dt.date(year, month, day)


def birth_date_problem(born: dt.date, today: dt.date, *, whose: str = "The") -> str | None:
    """Why ``born`` cannot be a living record's birth date: in the future, or more than
    :data:`BIRTH_YEARS` years ago. ``whose`` starts the sentence ("The guarantor's")."""
    if born > today:
        return f"{whose} date of birth cannot be in the future."
    if born < earliest_birth_date(today):
        return f"{whose} date of birth is more than {BIRTH_YEARS} years ago; check the year."
    return None


def earliest_birth_date(today: dt.date) -> dt.date:
    """The earliest birth date taken on ``today``: the same day :data:`BIRTH_YEARS` years ago
    (28 February when that year has no 29th)."""
    year = today.year - BIRTH_YEARS
    day = min(today.day, calendar.monthrange(year, today.month)[1])
    return dt.date(year, today.month, day)
