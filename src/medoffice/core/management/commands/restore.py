"""`medoffice restore PATH --yes`: put a backup back in place of the current database.

SQLite: SQLite's online backup API copies the backup into the configured database
file. PostgreSQL: ``pg_restore --clean --if-exists --no-owner --single-transaction``
into the configured database (the append-only trigger on the audit log comes back
with its table). Either way it is all or nothing. The restore is recorded in the
audit log, then the whole chain is verified and the result printed.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from medoffice.core.audit import record_event, verify_chain
from medoffice.core.management.commands.backup import backup_kind, os_user, postgres_command
from medoffice.core.models import AuditAction

KIND_NAMES = {"sqlite": "a SQLite database", "postgresql": "a PostgreSQL dump"}


def check_backup(path: Path) -> None:
    """Refuse, with a clear message, a file that cannot be restored into this database."""
    if not path.is_file():
        raise CommandError(f"PATH: {path} is not a file.")
    kind = backup_kind(path)
    if kind == "unknown":
        raise CommandError(
            f"PATH: {path} is not a MedOffice backup (neither a SQLite database nor a "
            "PostgreSQL custom-format dump)."
        )
    if kind != connection.vendor:
        raise CommandError(
            f"PATH: {path} is {KIND_NAMES[kind]}, but this installation's database is "
            f"{connection.vendor}; restore it into a {kind} installation."
        )
    if kind == "sqlite":
        _check_sqlite_backup(path)


def _check_sqlite_backup(path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (status,) = source.execute("PRAGMA quick_check").fetchone()
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise CommandError(f"PATH: {path} cannot be read as a SQLite database: {exc}") from exc
    finally:
        source.close()
    if status != "ok":
        raise CommandError(f"PATH: {path} is damaged (SQLite quick_check: {status}).")
    if not {"django_migrations", "core_auditevent"} <= tables:
        raise CommandError(f"PATH: {path} is a SQLite database, but not a MedOffice one.")


def restore_backup(path: Path) -> None:
    """Replace the database with the backup at ``path``, which ``check_backup`` accepted."""
    if connection.in_atomic_block:
        raise CommandError("A restore cannot run inside a transaction.")
    if connection.vendor == "sqlite":
        _restore_sqlite(path)
    else:
        _restore_postgres(path)


def _restore_sqlite(path: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_postgres(path: Path) -> None:
    args, env = postgres_command("pg_restore", connection.settings_dict)
    args += [
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={connection.settings_dict['NAME']}",
        str(path),
    ]
    connection.close()  # the tables are dropped and made anew under it
    # A fixed program from PATH; every argument comes from settings, none through a shell.
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise CommandError(f"pg_restore failed, nothing was changed: {done.stderr.strip()}")


class Command(BaseCommand):
    help = "Replace the database with a backup made by `medoffice backup`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path, help="The backup file.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirm: everything written since the backup is lost.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"].resolve()
        check_backup(path)
        if not options["yes"]:
            raise CommandError(
                "--yes: a restore replaces the whole database and loses everything written "
                f"since the backup. Run `medoffice restore {path} --yes` to go ahead."
            )
        restore_backup(path)
        record_event(
            AuditAction.SECURITY,
            object_type="database",
            data_category="backup",
            detail=f"database restored from {path} by {os_user()} on the command line",
        )
        self.stdout.write(self.style.SUCCESS(f"Restored the database from {path}."))
        report = verify_chain(save=True)
        if not report.ok:
            raise CommandError(
                f"Audit log after the restore: the chain is broken: {report.message}", returncode=1
            )
        self.stdout.write(f"Audit log after the restore: {report.message}")
