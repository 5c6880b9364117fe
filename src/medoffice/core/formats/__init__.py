"""One way to write dates and times: the practice's date, time, date-time and weekday date.

The formats are in ``medoffice/core/formats/en/formats.py`` (Django's format module, so
``{{ value }}`` of a date renders the same way). Aware date-times are shown in the
practice's time zone (the active zone, which the middleware sets per request); a naive
one is taken as already local. Templates use the filters of the same names
(``{{ visit.start|as_datetime }}``, core/templatetags/dates.py, built in to every
template); Python code that writes a date for people to read (messages, labels, errors,
PDFs) calls these. Machine values stay ISO 8601 (``|date:"Y-m-d"`` in an input's value
or a link, ``isoformat()``, CSV files, the API, the audit log).
"""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat, timezone

from medoffice.core.formats.en import formats as _formats

DATE_FORMAT = _formats.DATE_FORMAT
TIME_FORMAT = _formats.TIME_FORMAT
DATETIME_FORMAT = _formats.DATETIME_FORMAT
WEEKDAY_DATE_FORMAT = _formats.WEEKDAY_DATE_FORMAT
YEAR_MONTH_FORMAT = _formats.YEAR_MONTH_FORMAT

Moment = dt.date | dt.datetime | dt.time


def local(value: Moment) -> Moment:
    """``value`` in the active (the practice's) time zone when it is an aware date-time."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _format(value: Moment | None, pattern: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.time):
        return dateformat.time_format(value, pattern)
    return dateformat.format(local(value), pattern)


def as_date(value: dt.date | dt.datetime | None) -> str:
    """12/01/2026"""
    if DATE_FORMAT == "m/d/Y" and isinstance(value, dt.date):
        # The same text as Django's date format, without its parser: reports write
        # hundreds of dates per page.
        day = local(value)
        assert isinstance(day, dt.date)  # a date stays a date; a date-time, its local one
        return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"
    return _format(value, DATE_FORMAT)


def as_time(value: dt.datetime | dt.time | None) -> str:
    """2:30 PM"""
    return _format(value, TIME_FORMAT)


def as_datetime(value: dt.datetime | None) -> str:
    """12/01/2026 2:30 PM"""
    return _format(value, DATETIME_FORMAT)


def as_weekday_date(value: dt.date | dt.datetime | None) -> str:
    """Tue 12/01/2026 (a day's heading)"""
    return _format(value, WEEKDAY_DATE_FORMAT)


def as_month(value: dt.date | dt.datetime | None) -> str:
    """December 2026 (a month: a statement run's, a monthly figure's)"""
    return _format(value, YEAR_MONTH_FORMAT)


__all__ = [
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "TIME_FORMAT",
    "WEEKDAY_DATE_FORMAT",
    "YEAR_MONTH_FORMAT",
    "as_date",
    "as_datetime",
    "as_month",
    "as_time",
    "as_weekday_date",
    "local",
]
