"""Django's SQLite backend, with a flush that passes the audit log's append-only triggers.

``flush`` (a whole-database wipe: the test suite between transactional tests,
``medoffice flush`` by hand) empties tables with DELETE, which the triggers of
core/audittriggers.py refuse on the audit tables. On PostgreSQL flush uses
TRUNCATE, which row triggers do not see; here the flush drops the triggers,
empties the tables and creates the triggers again, in its one transaction.
Nothing else is changed.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3 import base, operations

from medoffice.core import audittriggers


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        sql = super().sql_flush(style, tables, **kwargs)
        if not sql or not set(audittriggers.APPEND_ONLY_TABLES) & set(tables or ()):
            return sql
        return [
            *audittriggers.sqlite_drop_statements(),
            *sql,
            *audittriggers.sqlite_create_statements(),
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
