"""Bench: how long `make demo` spends building the demo practice, fresh and a second time.

A fresh SQLite database in a temporary folder: `medoffice migrate`, then `medoffice
demo-data` (the full demo: 8 providers, about 5,000 patients, 14 months of visits), then
`medoffice demo-data` again (it finds its rows and adds nothing). Each step runs as its own
process, as `make demo` runs it. Prints only its markdown section on stdout.
Run: .venv/bin/python bench/demo_build.py
"""

from __future__ import annotations

import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, print_section, temporary_sqlite, testing_env

CLI = Path(sys.executable).with_name("medoffice")
COUNTED = [
    ("patients", "patients_patient"),
    ("appointments", "scheduling_appointment"),
    ("slot claims", "scheduling_slotclaim"),
    ("status changes", "scheduling_statuschange"),
    ("copay payments", "billing_patientpayment"),
]


def step(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one CLI run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([str(CLI), *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    with temporary_sqlite("demo.sqlite3", prefix="medoffice-demo-bench-") as database:
        env = testing_env(database.url)
        migrate = step(["migrate", "--noinput", "-v0"], env)
        fresh = step(["demo-data", "--quiet-logins"], env)
        again = step(["demo-data", "--quiet-logins"], env)
        with sqlite3.connect(database.path) as db:
            counts = [
                (label, db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
                for label, table in COUNTED
            ]
    lines = [
        "## Demo build",
        "",
        "`make demo` on a fresh SQLite database: `medoffice migrate`, then `medoffice "
        "demo-data` (bulk inserts, one transaction per builder), then `medoffice demo-data` "
        "again, which finds the demo's rows and adds nothing. Each is its own process, timed "
        "wall-clock and in CPU time (user + system), including Python and Django start-up; on a busy machine the CPU figure is the steadier one. Budget: a fresh `make demo` serves "
        "within 3 minutes, a second run within 20 s.",
        "",
        "| step | wall-clock s | CPU s |",
        "| --- | ---: | ---: |",
        f"| `medoffice migrate` (fresh database) | {migrate[0]:.1f} | {migrate[1]:.1f} |",
        f"| `medoffice demo-data` (fresh) | {fresh[0]:.1f} | {fresh[1]:.1f} |",
        f"| `medoffice demo-data` (second run) | {again[0]:.1f} | {again[1]:.1f} |",
        "",
        "| rows built | count |",
        "| --- | ---: |",
        *(f"| {label} | {count:,} |" for label, count in counts),
    ]
    print_section(lines, __file__)


if __name__ == "__main__":
    main()
