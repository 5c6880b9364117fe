"""The triggers that keep the audit log and its checkpoints append-only, on both databases.

ONC 170.315(d)(2): entries cannot be changed, overwritten or deleted. PostgreSQL
has had a trigger on the log since core migration 0002; core migration 0006 adds
one on the checkpoint table and the same pair on SQLite. They stop the app and
anyone with SQL access who does not deliberately remove them (on PostgreSQL
``ALTER TABLE ... DISABLE TRIGGER`` needs ownership; on SQLite ``DROP TRIGGER``
needs write access to the file). What they cannot stop, the keyed chain finds.

SQLite drops a table's triggers with the table: a later migration that makes
Django rebuild ``core_auditevent`` or ``core_auditverification`` on SQLite (most
column changes do) must call ``create_sqlite_triggers`` again afterwards;
``tests/core/test_audit_tampering.py`` fails when a trigger is missing.
"""

from __future__ import annotations

from typing import Any

APPEND_ONLY_TABLES = ("core_auditevent", "core_auditverification")

SQLITE_MESSAGE = "the audit log is append-only: {op} on {table} is not allowed"


def sqlite_trigger_names() -> list[str]:
    return [
        f"{table}_no_{op.lower()}" for table in APPEND_ONLY_TABLES for op in ("UPDATE", "DELETE")
    ]


def sqlite_create_statements() -> list[str]:
    statements = []
    for table in APPEND_ONLY_TABLES:
        for op in ("UPDATE", "DELETE"):
            message = SQLITE_MESSAGE.format(op=op, table=table)
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    return statements


def sqlite_drop_statements() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in sqlite_trigger_names()]


def create_sqlite_triggers(execute: Any) -> None:
    for statement in sqlite_create_statements():
        execute(statement)


POSTGRES_CHECKPOINT_TRIGGER = """
CREATE OR REPLACE FUNCTION core_auditverification_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on core_auditverification is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditverification_append_only ON core_auditverification;
CREATE TRIGGER core_auditverification_append_only
    BEFORE UPDATE OR DELETE ON core_auditverification
    FOR EACH ROW EXECUTE FUNCTION core_auditverification_append_only();
"""

POSTGRES_CHECKPOINT_TRIGGER_DROP = """
DROP TRIGGER IF EXISTS core_auditverification_append_only ON core_auditverification;
DROP FUNCTION IF EXISTS core_auditverification_append_only();
"""


POSTGRES_TRIGGERS = {
    "core_auditevent": "core_auditevent_append_only",
    "core_auditverification": "core_auditverification_append_only",
}


def missing_triggers(connection: Any) -> list[str]:
    """The append-only triggers that are not there (or, on PostgreSQL, disabled)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s) AND tgenabled <> 'D'",
                [list(POSTGRES_TRIGGERS.values())],
            )
            expected = list(POSTGRES_TRIGGERS.values())
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            expected = sqlite_trigger_names()
        else:
            return []
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in expected if name not in present]
