"""What the bench scripts share: child processes, throw-away databases, timings, sections.

A bench script that needs Django runs its measurement in a child process of its own
(``python bench/<script>.py --child …``) whose ``DATABASE_URL`` names a database made
for the run: a SQLite file in a temporary folder (`temporary_sqlite`) or a PostgreSQL
database created and dropped on the local server (`postgres_database`). The child prints
its result as JSON on the last line of stdout (`run_child` reads it back). `run_all.py`
skips this module because its name starts with `_`.
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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL",
    os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
)


# --- the child process ----------------------------------------------------------------------


def production_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """A child's environment on production settings: DEBUG off, fresh keys, var in ``var_dir``."""
    from cryptography.fernet import Fernet

    from medoffice.secrets import new_audit_key

    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDOFFICE_VAR": str(var_dir),
        "SECRET_KEY": Fernet.generate_key().decode() * 2,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "AUDIT_HMAC_KEYS": new_audit_key("bench"),
        "DEBUG": "0",
        "MEDOFFICE_TESTING": "0",
        "LOG_LEVEL": "WARNING",
    }


def testing_env(database_url: str) -> dict[str, str]:
    """A child's environment on the test settings (MEDOFFICE_TESTING=1)."""
    return {**os.environ, "DATABASE_URL": database_url, "MEDOFFICE_TESTING": "1"}


class ChildFailed(RuntimeError):
    """A child exited with an error; the message is the last line of its stderr."""

    def __init__(self, stderr: str) -> None:
        lines = stderr.strip().splitlines()
        super().__init__(lines[-1] if lines else "failed")
        self.stderr = stderr


def run_child(
    script: str, *args: str, env: Mapping[str, str], relay: str | None = None
) -> dict[str, Any]:
    """Run ``python script --child *args`` and return the JSON of its last stdout line.

    Lines of the child's stderr that start with ``relay`` are repeated on this stderr.
    """
    done = subprocess.run(
        [sys.executable, script, "--child", *args],
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ChildFailed(done.stderr)
    if relay is not None:
        for line in done.stderr.splitlines():
            if line.startswith(relay):
                print(line, file=sys.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def arguments(doc: str, option: str, default: int) -> argparse.Namespace:
    """The command line: one count option (``--calls``, ``--requests``) and the hidden ``--child``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument(option, type=int, default=default)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def print_result(result: dict[str, Any]) -> None:
    """In the child: hand the result to `run_child` (JSON on the last line of stdout)."""
    print(json.dumps(result))


def setup_django(*, migrate: bool = True) -> None:
    """In the child: set Django up on the environment's settings and migrate the database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medoffice.settings")
    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


# --- throw-away databases -------------------------------------------------------------------


@contextmanager
def temporary_folder(prefix: str = "medoffice-bench-") -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield Path(folder)


@dataclass(frozen=True)
class SqliteFile:
    folder: Path
    path: Path

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"


@contextmanager
def temporary_sqlite(
    name: str = "bench.sqlite3", prefix: str = "medoffice-bench-"
) -> Iterator[SqliteFile]:
    """A SQLite file (not yet created) in a temporary folder removed afterwards."""
    with temporary_folder(prefix) as folder:
        yield SqliteFile(folder, folder / name)


def psycopg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


class PostgresUnreachable(RuntimeError):
    pass


@contextmanager
def postgres_database(name: str, admin_url: str = PG_ADMIN_URL) -> Iterator[str]:
    """Database ``name`` made afresh on ``admin_url``'s server; yields its URL, drops it after."""
    import psycopg
    from psycopg import sql

    try:
        admin = psycopg.connect(psycopg_url(admin_url), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0]
        raise PostgresUnreachable(f"PostgreSQL unreachable at {admin_url}: {reason}") from exc
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    try:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin.execute(drop)
        admin.close()


# --- timings --------------------------------------------------------------------------------


def percentiles(milliseconds: Sequence[float]) -> dict[str, float]:
    """Median, 95th percentile (nearest rank) and maximum."""
    ordered = sorted(milliseconds)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[round(0.95 * (len(ordered) - 1))],
        "max": ordered[-1],
    }


@dataclass(frozen=True)
class Timings:
    """Wall-clock (``time.perf_counter``) and CPU (``time.process_time``) ms of each run."""

    wall: list[float]
    cpu: list[float]

    def summary(self) -> dict[str, float]:
        """``p50``, ``p95`` and ``max`` wall-clock ms and ``cpu_p50``."""
        return {**percentiles(self.wall), "cpu_p50": statistics.median(self.cpu)}


def time_runs(runs: int, action: Callable[[], object]) -> Timings:
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return Timings(wall, cpu)


# --- output ---------------------------------------------------------------------------------


def print_section(lines: list[str], script: str) -> None:
    """Print a markdown section, closed by the command that reproduces it."""
    command = f"Command: `.venv/bin/python bench/{Path(script).name}`"
    print("\n".join([*lines, "", command, ""]))


def child_on_sqlite(script: str, *args: str) -> dict[str, Any]:
    """``script``'s child run with ``args`` on a fresh SQLite file, production settings."""
    with temporary_sqlite() as database:
        env = production_env(database.url, database.folder)
        return run_child(script, *args, env=env, relay="")


def child_on_postgres(script: str, database_name: str, *args: str) -> dict[str, Any] | str:
    """The same on a PostgreSQL database made (and dropped) for the run; the reason as
    text when the server cannot be reached."""
    try:
        with postgres_database(database_name) as url, temporary_folder() as var_dir:
            return run_child(script, *args, env=production_env(url, var_dir), relay="")
    except PostgresUnreachable as exc:
        return str(exc)
