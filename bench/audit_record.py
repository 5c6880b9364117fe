"""Bench: the cost of recording one audit event, as every request that reads patient data does.

`medoffice.core.audit.record_event` (under the chain's lock: read its tail, hash, insert;
on PostgreSQL one call of the append function, on SQLite one BEGIN IMMEDIATE transaction) timed over 2,000 calls after 50 warm-up calls, on a freshly migrated SQLite
database in a temporary folder (WAL, synchronous=NORMAL, as settings.py configures) and
on PostgreSQL (a database `medoffice_bench` made for the run and dropped after). Also
times one walk of the whole chain (`verify_chain`). Issue target: median ≤ 1 ms.
Prints only its markdown section on stdout. Run: .venv/bin/python bench/audit_record.py
"""

from __future__ import annotations

import itertools
import time

from _common import (
    PostgresUnreachable,
    arguments,
    postgres_database,
    print_result,
    print_section,
    production_env,
    run_child,
    setup_django,
    temporary_folder,
    temporary_sqlite,
    time_runs,
)

CALLS = 2000
WARM_UP = 50
TARGET_MS = 1.0
BENCH_DB = "medoffice_bench"


def measure(calls: int) -> dict:
    """In a child process whose DATABASE_URL names the database to use."""
    setup_django()
    from django.db import connection

    from medoffice.core.audit import record_event, verify_chain
    from medoffice.core.models import AuditAction, RoleAssignment, User
    from medoffice.core.roles import Role

    user = User.objects.create(username="bench.reader")
    RoleAssignment.objects.create(user=user, role=Role.OFFICE_MANAGER.value)

    def record(n: int) -> None:
        record_event(
            AuditAction.READ,
            user=user,
            object_type="patients.patient",
            object_id=n,
            patient_id=n,
            data_category="demographics",
        )

    for n in range(WARM_UP):
        record(n)
    numbers = itertools.count()
    timings = time_runs(calls, lambda: record(next(numbers)))
    w0 = time.perf_counter()
    report = verify_chain(save=False)
    verify_ms = (time.perf_counter() - w0) * 1000
    assert report.ok, report.message
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            mode = f"journal_mode={cursor.fetchone()[0]}"
        else:
            cursor.execute("SHOW synchronous_commit")
            mode = f"synchronous_commit={cursor.fetchone()[0]}"
    return {
        "vendor": connection.vendor,
        "mode": mode,
        "calls": calls,
        **timings.summary(),
        "entries": report.entries_checked,
        "verify_ms": verify_ms,
    }


def on_sqlite(calls: int) -> dict:
    with temporary_sqlite() as database:
        return run_child(
            __file__, "--calls", str(calls), env=production_env(database.url, database.folder)
        )


def on_postgres(calls: int) -> dict | str:
    try:
        with postgres_database(BENCH_DB) as url, temporary_folder() as var_dir:
            return run_child(__file__, "--calls", str(calls), env=production_env(url, var_dir))
    except PostgresUnreachable as exc:
        return str(exc)


def main() -> None:
    args = arguments(__doc__, "--calls", CALLS)
    if args.child:
        print_result(measure(args.calls))
        return

    results: list[tuple[str, dict | str]] = [("SQLite", on_sqlite(args.calls))]
    results.append(("PostgreSQL", on_postgres(args.calls)))
    lines = [
        "## Audit log: recording one event",
        "",
        f"`record_event` wall time over {args.calls:,} calls (after {WARM_UP} warm-up calls) "
        "on a freshly migrated database, committed each time: under the chain's lock, read "
        "its last entry, hash, insert (PostgreSQL: one call of the append function, one round "
        "trip; SQLite: one BEGIN IMMEDIATE transaction). Issue target: median ≤ 1 ms.",
        "",
        "| database | settings | calls | p50 ms | p95 ms | max ms | p50 CPU ms | target |"
        " verify whole chain |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for label, result in results:
        if isinstance(result, str):
            lines.append(f"| {label} | not measured: {result} | | | | | | | |")
            continue
        met = "met" if result["p50"] <= TARGET_MS else "**missed**"
        lines.append(
            f"| {label} | {result['mode']} | {result['calls']:,} | {result['p50']:.3f} "
            f"| {result['p95']:.3f} | {result['max']:.2f} | {result['cpu_p50']:.3f} | {met} "
            f"| {result['entries']:,} entries in {result['verify_ms']:.0f} ms |"
        )
    lines += [
        "",
        "Wall-clock is `time.perf_counter`; the CPU column (`time.process_time`, this process "
        "only: the PostgreSQL server's work is not in it) is steadier when the machine is busy.",
    ]
    print_section(lines, __file__)


if __name__ == "__main__":
    main()
