"""The suite passes at any time of day: a sample of it runs just before and just after midnight.

CI runs at any hour. ``MEDOFFICE_TEST_CLOCK=HH:MM`` starts every test's clock at that
practice time (tests/conftest.py); here a sample of the suite that works with "today"
runs in a child pytest at 23:58 and at 00:02 New York time.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import CLOCK_VARIABLE, PRACTICE_ZONE

ROOT = Path(__file__).resolve().parents[2]
THIS = "tests/core/test_any_time_of_day.py"
CLOCK_CHECK = f"{THIS}::test_the_clock_stands_where_the_variable_put_it"
SAMPLE = [
    "tests/frontdesk",
    "tests/messaging",
    "tests/scheduling/test_booking_rules.py",
    "tests/scheduling/test_pages.py",
    "tests/core/test_idle_logoff.py",
    "tests/core/test_smoke.py",
    "tests/scheduling/test_demo.py",
    "tests/reports/test_reports.py",
    CLOCK_CHECK,
]


@pytest.mark.skipif(not os.environ.get(CLOCK_VARIABLE), reason="runs inside the sample only")
def test_the_clock_stands_where_the_variable_put_it():
    hour, minute = (int(part) for part in os.environ[CLOCK_VARIABLE].split(":"))
    now = dt.datetime.now(PRACTICE_ZONE)
    started = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    assert dt.timedelta(0) <= now - started < dt.timedelta(minutes=1)


@pytest.mark.skipif(
    os.environ.get(CLOCK_VARIABLE) is not None, reason="the sample does not run itself"
)
@pytest.mark.parametrize("clock", ["23:58", "00:02"])
def test_a_sample_of_the_suite_passes_around_midnight(clock, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the sample runs on SQLite, once per suite run")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    environment |= {
        CLOCK_VARIABLE: clock,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'sample.sqlite3'}",
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist"]
        + ["-m", "not browser", "-q", "-rA", "--no-header", *SAMPLE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert f"PASSED {CLOCK_CHECK}" in run.stdout
