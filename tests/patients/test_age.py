"""A patient's age on a day: full years, a February 29 birthday counted from March 1."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from tests.factories import PatientFactory


def birthday_in(born: dt.date, year: int) -> dt.date:
    try:
        return born.replace(year=year)
    except ValueError:  # February 29 in a common year
        return dt.date(year, 3, 1)


@given(
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    later=st.integers(min_value=0, max_value=40000),
)
def test_age_is_the_number_of_birthdays_that_have_come(born, later):
    day = born + dt.timedelta(days=later)
    patient = PatientFactory.build(date_of_birth=born)
    expected = sum(
        1 for year in range(born.year + 1, day.year + 1) if birthday_in(born, year) <= day
    )
    assert patient.age_on(day) == expected


def test_a_february_29_birthday_counts_from_march_1_in_a_common_year():
    patient = PatientFactory.build(date_of_birth=dt.date(2000, 2, 29))
    assert patient.age_on(dt.date(2026, 2, 28)) == 25
    assert patient.age_on(dt.date(2026, 3, 1)) == 26
