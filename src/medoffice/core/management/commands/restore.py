"""`medoffice restore PATH --yes`: put a backup back in place of the current database.

SQLite: SQLite's online backup API copies the backup into the configured database
file. PostgreSQL: ``pg_restore --clean --if-exists --no-owner --single-transaction``
into the configured database (the append-only triggers come back with their
tables). Either way it is all or nothing.

The audit log is never discarded silently. Before anything is replaced, the
backup's chain head (its last entry's number and hash) is read from the backup
itself; audit entries written since then would be lost, so the restore refuses,
saying how many, unless ``--discard-newer-audit`` is given. Then those entries
are first exported, every column, as JSON lines to a file beside the backup. After
the restore a keyed checkpoint of the backup's head is written outside the
database (core/auditcheckpoints.py: the deliberate cut is not reported as a cut
tail), and the restore event records the backup's head, the discarded range and
the export file; then the whole chain is verified and the result printed. The
restore event takes the next number of the restored chain, which is the first
discarded number: the export file and the event say so. A backup made by an older
version gets this version's migrations applied before anything is recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from medoffice.core import auditcheckpoints
from medoffice.core.audit import record_event, signing_key, verify_chain
from medoffice.core.management.commands.backup import backup_kind, os_user, postgres_command
from medoffice.core.models import AuditAction, AuditEvent
from medoffice.core.permissions import SystemActor

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


@dataclass(frozen=True)
class ChainHead:
    seq: int  # 0: the backup's audit log is empty
    entry_hash: str


def backup_chain_head(path: Path) -> ChainHead:
    """The last audit entry in the backup at ``path`` (which ``check_backup`` accepted)."""
    if backup_kind(path) == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = source.execute(
                "SELECT seq, entry_hash FROM core_auditevent ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        finally:
            source.close()
        return ChainHead(*row) if row else ChainHead(0, "")
    return _postgres_dump_chain_head(path)


def _postgres_dump_chain_head(path: Path) -> ChainHead:
    """Stream the dump's audit rows (``pg_restore --data-only``, COPY text) and keep the last."""
    args, env = postgres_command("pg_restore", connection.settings_dict)
    args += ["--data-only", "--table=core_auditevent", "--file=-", str(path)]
    # A fixed program from PATH; every argument comes from settings, none through a shell.
    with subprocess.Popen(  # noqa: S603
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        columns: list[str] | None = None
        best = ChainHead(0, "")
        for line in process.stdout:
            if columns is None:
                if line.startswith("COPY ") and "core_auditevent" in line:
                    columns = [c.strip() for c in line.split("(", 1)[1].split(")", 1)[0].split(",")]
                continue
            if line.startswith("\\."):
                break
            values = dict(zip(columns, line.rstrip("\n").split("\t"), strict=False))
            if int(values["seq"]) > best.seq:
                best = ChainHead(int(values["seq"]), values["entry_hash"])
        process.stdout.read()
        stderr = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        raise CommandError(f"pg_restore could not read the backup's audit log: {stderr.strip()}")
    return best


def export_newer_entries(head: ChainHead, backup: Path) -> tuple[int, int, Path] | None:
    """Write the entries after ``head`` beside the backup, every column, one JSON object a line.

    Returns (first number, last number, file), or None when there are none.
    """
    newer = AuditEvent.objects.filter(seq__gt=head.seq).order_by("seq")
    bounds = newer.values_list("seq", flat=True)
    first, last = bounds.first(), newer.order_by("-seq").values_list("seq", flat=True).first()
    if first is None or last is None:
        return None
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    target = backup.with_name(f"{backup.name}.discarded-audit-{first}-{last}-{stamp}.jsonl")
    columns = [field.attname for field in AuditEvent._meta.concrete_fields]
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w") as handle:
        for row in newer.values(*columns).iterator(chunk_size=2000):
            handle.write(json.dumps(row, default=_json_value, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return first, last, target


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="microseconds")
    return str(value)


def anchor_restored_head(head: ChainHead) -> list[str]:
    """A keyed checkpoint of the restored chain's head, outside the database (see the module)."""
    key_id, key = signing_key()
    unkeyed = AuditEvent.objects.filter(seq__lte=head.seq, mac_key_id="").count()
    content = auditcheckpoints.body(
        ok=True,
        count=head.seq,
        seq=head.seq or None,
        digest=head.entry_hash,
        unkeyed=unkeyed,
        at=dt.datetime.now(dt.UTC),
    )
    return auditcheckpoints.publish(
        {**auditcheckpoints.seal(content, key_id, key), "message": "restored from a backup"}
    )


def bring_schema_up_to_date() -> bool:
    """Apply the migrations a backup from an older version lacks; True when there were some.

    The restore event and the checkpoint are written with this version's audit
    columns (a backup from before core migration 0006 has no key id or HMAC).
    """
    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return False
    call_command("migrate", interactive=False, verbosity=0)
    return True


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


# The audit log records this command's work as done by the system.
COMMAND = SystemActor("command: restore")


class Command(BaseCommand):
    help = "Replace the database with a backup made by `medoffice backup`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path, help="The backup file.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirm: everything written since the backup is lost.",
        )
        parser.add_argument(
            "--discard-newer-audit",
            action="store_true",
            help=(
                "Go ahead although audit entries were written since the backup; they are "
                "exported beside the backup first."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"].resolve()
        check_backup(path)
        if not options["yes"]:
            raise CommandError(
                "--yes: a restore replaces the whole database and loses everything written "
                f"since the backup. Run `medoffice restore {path} --yes` to go ahead."
            )
        head = backup_chain_head(path)
        newer = AuditEvent.objects.filter(seq__gt=head.seq).count()
        if newer and not options["discard_newer_audit"]:
            last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
            span = f"#{head.seq + 1}" if newer == 1 else f"#{head.seq + 1}–#{last}"
            raise CommandError(
                f"--discard-newer-audit: {newer} audit {'entry was' if newer == 1 else 'entries were'} "
                f"written since the backup ({span}; the backup ends at #{head.seq}) and would be "
                "lost. Nothing was changed. Run again with --discard-newer-audit to export them "
                "to a file beside the backup and restore."
            )
        exported = export_newer_entries(head, path) if newer else None
        if exported:
            self.stdout.write(
                f"Exported the {newer} audit entries written since the backup "
                f"(#{exported[0]}–#{exported[1]}) to {exported[2]}."
            )
        restore_backup(path)
        if bring_schema_up_to_date():
            self.stdout.write("The backup was made by an older version: applied its migrations.")
        problems = anchor_restored_head(head)
        discarded = (
            f"audit entries #{exported[0]}–#{exported[1]} of the replaced database discarded, "
            f"exported to {exported[2].name} beside the backup; this entry takes number "
            f"#{exported[0]}"
            if exported
            else "no audit entries discarded"
        )
        record_event(
            AuditAction.SECURITY,
            user=COMMAND,
            object_type="database",
            data_category="backup",
            detail=(
                f"database restored from {path} by {os_user()} on the command line; the "
                f"backup's chain head: #{head.seq} {head.entry_hash or '(empty)'}; {discarded}"
            ),
        )
        self.stdout.write(self.style.SUCCESS(f"Restored the database from {path}."))
        for problem in problems:
            self.stderr.write(f"Warning: {problem}")
        report = verify_chain(save=True)
        if not report.ok:
            raise CommandError(
                f"Audit log after the restore: the chain is broken: {report.message}", returncode=1
            )
        self.stdout.write(f"Audit log after the restore: {report.message}")
