"""`medoffice backup [--output PATH]`: a consistent snapshot of the database, taken live.

SQLite: SQLite's online backup API copies the database page by page under a read
transaction, so the server keeps running and the copy is one moment's state.
PostgreSQL: ``pg_dump --format=custom`` (one snapshot transaction). The command
works on the database the live connection points at (in tests, the test database).
The backup is written beside its final name and renamed when complete, readable
by the owner only. The export is recorded in the audit log as the snapshot begins
(so the backup holds it), and a failure after it.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, AuditOutcome
from medoffice.core.permissions import SystemActor

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return f"uid {os.getuid()}"


def backup_kind(path: Path) -> str:
    """``sqlite``, ``postgresql`` or ``unknown``, from the file's first bytes."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return "unknown"


def postgres_command(program: str, settings_dict: dict[str, Any]) -> tuple[list[str], dict]:
    """The pg_dump/pg_restore command line and environment for a Django database."""
    executable = shutil.which(program)
    if executable is None:
        raise CommandError(f"{program} is not on PATH; install the PostgreSQL client tools.")
    args = [executable, "--no-password"]
    if settings_dict.get("HOST"):
        args.append(f"--host={settings_dict['HOST']}")
    if settings_dict.get("PORT"):
        args.append(f"--port={settings_dict['PORT']}")
    if settings_dict.get("USER"):
        args.append(f"--username={settings_dict['USER']}")
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def default_output(vendor: str) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if vendor == "sqlite" else "dump"
    return Path(settings.VAR_DIR) / "backups" / f"medoffice-{stamp}.{suffix}"


def write_backup(output: Path) -> Path:
    """Snapshot the live database into ``output`` (which must not exist yet)."""
    if connection.vendor not in {"sqlite", "postgresql"}:
        raise CommandError(f"Backups of {connection.vendor} databases are not supported.")
    if output.exists():
        raise CommandError(f"--output: {output} already exists; choose another name.")
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if connection.vendor == "sqlite":
            _backup_sqlite(partial)
        else:
            _backup_postgres(partial)
        partial.chmod(0o600)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return output


def _backup_sqlite(target: Path) -> None:
    connection.ensure_connection()
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        # One self-contained file: no -wal/-shm beside it when it is opened later.
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()


def _backup_postgres(target: Path) -> None:
    args, env = postgres_command("pg_dump", connection.settings_dict)
    args += ["--format=custom", f"--file={target}", f"--dbname={connection.settings_dict['NAME']}"]
    # A fixed program from PATH; every argument comes from settings, none through a shell.
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise CommandError(f"pg_dump failed: {done.stderr.strip()}")


# The audit log records this command's work as done by the system.
COMMAND = SystemActor("command: backup")


class Command(BaseCommand):
    help = "Write a consistent backup of the database while the server runs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="File to write (default: var/backups/medoffice-YYYYmmdd-HHMMSS.sqlite3|.dump).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = (options["output"] or default_output(connection.vendor)).resolve()
        # Recorded before the snapshot, so that the backup holds its own entry and a
        # restore straight after it discards no audit entry (restore's docstring).
        record_event(
            AuditAction.EXPORT,
            user=COMMAND,
            object_type="database",
            data_category="backup",
            detail=f"backup to {output} by {os_user()} on the command line",
        )
        try:
            write_backup(output)
        except CommandError as exc:
            record_event(
                AuditAction.EXPORT,
                user=COMMAND,
                object_type="database",
                data_category="backup",
                outcome=AuditOutcome.FAILURE,
                detail=f"backup by {os_user()} on the command line failed: {exc}",
            )
            raise
        size = output.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written to {output} ({size:,} bytes)."))
