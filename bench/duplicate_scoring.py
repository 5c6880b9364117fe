"""Bench: scoring the records a registration's duplicate check reads (pure Python).

The check reads every record sharing the new patient's birth date, name or phone (at most
``DUPLICATE_ROWS``, 500) and scores each with ``medoffice.patients.duplicates.ranked``.
This times the scoring of a full 500 (synthetic names, fixed seed): what a busy birth date
of a very large practice costs, on top of the one query. Run: .venv/bin/python
bench/duplicate_scoring.py
"""

from __future__ import annotations

import datetime as dt
import random

from _common import print_section, time_runs
from medoffice.patients.duplicates import Person, ranked

SEED = 20261201
ROWS = 500
RUNS = 200
FIRSTS = ["John", "Jon", "Jonathan", "Maria", "María", "José", "Jose", "Ann", "Anne", "Li", "Wei"]
LASTS = ["Smith", "Smithers", "Núñez", "Nunez", "Garcia", "Johnson", "O'Brien", "Lee", "Nguyen"]
BORN = dt.date(1975, 6, 15)


def main() -> None:
    rng = random.Random(SEED)
    known = {
        pk: Person(
            first_name=rng.choice(FIRSTS) + rng.choice(["", "a", "h"]),
            last_name=rng.choice(LASTS),
            date_of_birth=BORN
            if rng.random() < 0.8
            else BORN + dt.timedelta(days=rng.randint(1, 900)),
            phones=frozenset({f"+1413555{rng.randint(0, 9999):04d}"}),
            address_line1=f"{rng.randint(1, 90)} Main St",
            postal_code="01060",
        )
        for pk in range(1, ROWS + 1)
    }
    new = Person(
        "Jonathan",
        "Smithers",
        BORN,
        frozenset({"+14135550142"}),
        address_line1="12 Main St",
        postal_code="01060",
    )
    found = ranked(new, known)
    result = time_runs(RUNS, lambda: ranked(new, known)).summary()
    lines = [
        "## Duplicate check: scoring",
        "",
        f"Scoring {ROWS} candidate records against a new registration "
        "(`medoffice.patients.duplicates.ranked`, pure Python; the most the check reads). "
        "Target: p50 ≤ 20 ms.",
        "",
        "| rows | runs | matches | p50 ms | p95 ms | max ms | p50 CPU ms |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {ROWS} | {RUNS} | {len(found)} | {result['p50']:.2f} | {result['p95']:.2f} "
        f"| {result['max']:.2f} | {result['cpu_p50']:.2f} |",
        "",
        "p50/p95/max are wall-clock (`time.perf_counter`); the CPU column "
        "(`time.process_time`) is the figure to trust when the machine is busy.",
    ]
    print_section(lines, __file__)


if __name__ == "__main__":
    main()
