"""Bench: the cost of recording one audit event, as every request that reads patient data does.

`medoffice.core.audit.record_event` (under the chain's lock: read its tail, hash, insert;
on PostgreSQL one call of the append function, on SQLite one BEGIN IMMEDIATE transaction) timed over 2,000 calls after 50 warm-up calls, on a freshly migrated SQLite
database in a temporary folder (WAL, synchronous=NORMAL, as settings.py configures) and
on PostgreSQL (a database `medoffice_bench` made for the run and dropped after). Also
times one walk of the whole chain (`verify_chain`). Issue target: median ≤ 1 ms.
Prints only its markdown section on stdout. Run: .venv/bin/python bench/audit_record.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet

CALLS = 2000
WARM_UP = 50
TARGET_MS = 1.0
BENCH_DB = "medoffice_bench"
PG_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL",
    os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
)


def measure(calls: int) -> dict:
    """In a child process whose DATABASE_URL names the database to use."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medoffice.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
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
    wall: list[float] = []
    cpu: list[float] = []
    for n in range(calls):
        w0, c0 = time.perf_counter(), time.process_time()
        record(n)
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    w0 = time.perf_counter()
    report = verify_chain(save=False)
    verify_ms = (time.perf_counter() - w0) * 1000
    assert report.ok, report.message
    wall.sort()
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
        "p50": statistics.median(wall),
        "p95": wall[round(0.95 * (len(wall) - 1))],
        "max": wall[-1],
        "cpu_p50": statistics.median(cpu),
        "entries": report.entries_checked,
        "verify_ms": verify_ms,
    }


def run_child(database_url: str, var_dir: Path, calls: int) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDOFFICE_VAR": str(var_dir),
        "SECRET_KEY": Fernet.generate_key().decode() * 2,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DEBUG": "0",
        "MEDOFFICE_TESTING": "0",
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--calls", str(calls)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def on_sqlite(calls: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="medoffice-bench-") as tmp:
        return run_child(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", Path(tmp), calls)


def on_postgres(calls: int) -> dict | str:
    import psycopg
    from psycopg import sql

    admin_url = PG_ADMIN_URL.replace("postgres://", "postgresql://", 1)
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        return f"PostgreSQL unreachable at {PG_ADMIN_URL}: {str(exc).strip().splitlines()[0]}"
    name = sql.Identifier(BENCH_DB)
    bench_url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{BENCH_DB}"
    try:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
        with tempfile.TemporaryDirectory(prefix="medoffice-bench-") as tmp:
            return run_child(bench_url, Path(tmp), calls)
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=CALLS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.calls)))
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
        "",
        "Command: `.venv/bin/python bench/audit_record.py`",
        "",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
