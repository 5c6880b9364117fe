"""One way to write dates and times: the core filters, and no template writing its own format."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from medoffice.core.formats import as_date, as_datetime, as_month, as_time, as_weekday_date

SRC = Path(__file__).resolve().parents[2] / "src" / "medoffice"
NEW_YORK = ZoneInfo("America/New_York")
# 19:30 UTC on Tuesday 1 December 2026 is 2:30 PM in New York.
MOMENT = dt.datetime(2026, 12, 1, 19, 30, tzinfo=dt.UTC)
# A format of the template's own: |date or |time with or without an argument, except
# |date:"Y-m-d", the ISO date an <input type="date"> and a link's query take.
OWN_FORMAT = re.compile(r"""\|(?:date|time)\b(?!:(["'])Y-m-d\1)""")


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_a_date_is_month_day_year():
    assert as_date(dt.date(2026, 12, 1)) == "12/01/2026"


def test_a_time_is_the_twelve_hour_clock():
    assert as_time(dt.time(14, 30)) == "2:30 PM"
    assert as_time(dt.time(9, 5)) == "9:05 AM"


def test_a_date_and_time_is_the_date_then_the_time():
    with timezone.override(NEW_YORK):
        assert as_datetime(MOMENT) == "12/01/2026 2:30 PM"


def test_a_days_heading_puts_the_weekday_before_the_date():
    assert as_weekday_date(dt.date(2026, 12, 1)) == "Tue 12/01/2026"


def test_an_aware_moment_is_shown_in_the_practices_time_zone():
    with timezone.override(NEW_YORK):
        assert as_time(MOMENT) == "2:30 PM"
        assert as_date(dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)) == "12/01/2026"


def test_a_naive_moment_is_taken_as_already_local():
    with timezone.override(NEW_YORK):
        assert as_datetime(dt.datetime(2026, 12, 1, 8, 0)) == "12/01/2026 8:00 AM"


def test_nothing_is_written_for_a_missing_value():
    assert [as_date(None), as_time(None), as_datetime(None), as_weekday_date(None)] == [""] * 4


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_every_date_reads_back_as_itself(day):
    written = as_date(day)
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", written)
    month, dom, year = (int(part) for part in written.split("/"))
    assert dt.date(year, month, dom) == day


@given(st.datetimes(min_value=dt.datetime(2, 1, 1), max_value=dt.datetime(9998, 12, 31)))
def test_every_moment_is_written_as_its_date_and_its_time(moment):
    aware = moment.replace(tzinfo=dt.UTC)
    with timezone.override(NEW_YORK):
        local = aware.astimezone(NEW_YORK)
        assert as_datetime(aware) == f"{as_date(local)} {as_time(local)}"


def test_the_filters_are_in_every_template_without_loading_them():
    with timezone.override(NEW_YORK):
        html = render(
            "{{ m|as_date }}|{{ m|as_time }}|{{ m|as_datetime }}|{{ m|as_weekday_date }}",
            m=MOMENT,
        )
    assert html == "12/01/2026|2:30 PM|12/01/2026 2:30 PM|Tue 12/01/2026"


def test_a_date_rendered_as_it_is_uses_the_same_format():
    # a list page's cell, {{ value }}: Django's format module (medoffice/core/formats/en)
    assert render("{{ d }}", d=dt.date(2026, 12, 1)) == as_date(dt.date(2026, 12, 1))
    assert render("{{ t }}", t=dt.time(14, 30)) == as_time(dt.time(14, 30))


def own_formats(text: str) -> list[str]:
    return [m.group(0) for m in OWN_FORMAT.finditer(text)]


def test_the_template_scan_finds_a_format_of_a_templates_own():
    assert own_formats('{{ v|date:"M j" }} {{ v|time:"H:i" }} {{ v|date }}') == [
        "|date",
        "|time",
        "|date",
    ]
    assert own_formats("<input value=\"{{ v|date:'Y-m-d' }}\"> {{ v|as_date }}") == []


def test_no_template_writes_a_date_or_time_format_of_its_own():
    offenders = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()[:120]}"
        for path in sorted(SRC.glob("**/templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if own_formats(line)
    ]
    assert not offenders, (
        "Write dates with |as_date, |as_time, |as_datetime, |as_weekday_date or |as_month "
        '(medoffice.core.formats), or |date:"Y-m-d" for an input\'s value:\n' + "\n".join(offenders)
    )


@given(st.dates())
def test_a_date_is_written_as_django_writes_the_practice_date_format(day):
    from django.utils import dateformat

    assert as_date(day) == dateformat.format(day, "m/d/Y")


@given(st.datetimes(timezones=st.just(dt.UTC), min_value=dt.datetime(2, 1, 1)))
def test_an_aware_date_time_is_written_as_its_local_date(moment):
    from django.utils import dateformat

    assert as_date(moment) == dateformat.format(timezone.localtime(moment), "m/d/Y")


def test_a_month_is_written_with_its_name_and_year():
    assert as_month(dt.date(2026, 12, 1)) == "December 2026"
