"""A fingerprint of the whole database, to prove a refused request changed nothing.

``snapshot()`` reads every table and keeps, per table, its row count and a SHA-256 digest
of all its rows (sorted, so the order the database returns them in does not matter).
Left out are the tables that legitimately grow on a refused request: the audit log (a
refusal is recorded), the sessions (a request may touch its own) and django-axes' access
logs. Everything else, the queued background tasks included, must be exactly as it was.
"""

from __future__ import annotations

import hashlib

from django.db import connection

# Tables a refused request may write to: the audit trail, the session, axes' records.
IGNORED_TABLES = frozenset({"core_auditevent", "core_auditverification", "django_session"})
IGNORED_PREFIXES = ("axes_",)

Snapshot = dict[str, tuple[int, str]]


def watched_tables() -> list[str]:
    return sorted(
        name
        for name in connection.introspection.table_names()
        if name not in IGNORED_TABLES and not name.startswith(IGNORED_PREFIXES)
    )


def snapshot() -> Snapshot:
    """Per watched table: (row count, digest of every row)."""
    result: Snapshot = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in watched_tables():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from introspection
            rows = sorted(repr(row) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            result[table] = (len(rows), digest)
    return result


def changed_tables(before: Snapshot, after: Snapshot) -> list[str]:
    """The tables whose rows differ, with their counts before and after."""
    return [
        f"{table}: {before.get(table, (0, ''))[0]} rows before, {after.get(table, (0, ''))[0]} after"
        for table in sorted(set(before) | set(after))
        if before.get(table) != after.get(table)
    ]
