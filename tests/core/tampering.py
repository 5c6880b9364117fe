"""How the audit tampering tests get past the append-only triggers, as an attacker would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from medoffice.core import audittriggers

POSTGRES_TRIGGERS = audittriggers.POSTGRES_TRIGGERS


@contextmanager
def triggers_removed() -> Iterator[None]:
    """PostgreSQL: the owner disables the triggers; SQLite: whoever can write the file drops them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table, trigger in POSTGRES_TRIGGERS.items():
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        else:
            for statement in audittriggers.sqlite_drop_statements():
                cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for table, trigger in POSTGRES_TRIGGERS.items():
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
            else:
                for statement in audittriggers.sqlite_create_statements():
                    cursor.execute(statement)
