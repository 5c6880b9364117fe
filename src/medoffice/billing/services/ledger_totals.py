"""Keeping the ledger's daily totals (``billing.models.ledger_totals``) up to date.

``fold()`` adds the entries written since the mark (``LedgerTotalsMark``) to the daily
totals, in two grouped ``INSERT … SELECT … ON CONFLICT DO UPDATE`` statements (SQLite and
PostgreSQL speak the same), and moves the mark to the last entry, in one transaction.
Whatever wrote the entries (the ledger's services, the 835 posting's bulk writer, the
demo, a bulk load) they are folded in: the mark, not the writer, says what is included.

The mark is only safe if no entry below it can still appear. On SQLite a write
transaction starts with the database's one write lock (``BEGIN IMMEDIATE``), so every
entry is committed when the fold reads the last id. On PostgreSQL ids come from a
sequence and a slower transaction can commit a lower id later, so the fold first takes
the ledger table in SHARE mode (which waits for no one: ``NOWAIT``), a lock no writer
holds while the fold runs. When it cannot have the lock at once the fold gives up and
says so (``False``); the caller then reads the ledger itself.

``after_commit()`` is the one call a writer of many entries adds (the 835 posting): the
fold runs once its transaction committed (a failed fold is harmless, the next one takes
the entries). A writer that does not call it loses nothing: the aging's ``catch_up``
folds in whatever was written since the mark before it reads.

Nothing here is audited: the rows are figures derived from audited postings.
"""

from __future__ import annotations

import logging

from django.db import OperationalError, connection, transaction
from django.db.models import Max

from medoffice.billing.models import (
    LedgerEntry,
    LedgerTotalsMark,
    PatientDayTotal,
    PayerDayTotal,
)

logger = logging.getLogger(__name__)

MARK_ID = 1


def _fold_sql(table: str, key: str, key_column: str, only_patients: bool) -> str:
    """The grouped upsert of one totals table from the entries in (mark, last]."""
    q = connection.ops.quote_name
    ledger = q(LedgerEntry._meta.db_table)
    where = f"{q('id')} > %s AND {q('id')} <= %s"
    if only_patients:
        where += f" AND {q('payer_id')} IS NULL"
    group = f"{key}, {q('location_id')}, {q('service_date')}, {q('effective_date')}"
    columns = f"{q(key_column)}, {q('location_id')}, {q('service_date')}, {q('effective_date')}"
    cents = f"CAST(ROUND(SUM({q('amount')}) * 100) AS BIGINT)"
    # table and column names from the models; the ids are parameters
    return (
        f"INSERT INTO {q(table)} ({columns}, {q('cents')}) "  # noqa: S608
        f"SELECT {group}, {cents} FROM {ledger} WHERE {where} GROUP BY {group} "
        f"HAVING {cents} <> 0 "
        f"ON CONFLICT ({columns}) DO UPDATE "
        f"SET {q('cents')} = {q(table)}.{q('cents')} + excluded.{q('cents')}"
    )


def _lock_ledger() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(LedgerEntry._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE MODE NOWAIT")


def fold() -> bool:
    """Fold the entries written since the mark into the daily totals. True when the totals
    include every committed entry; False when the ledger was busy (nothing changed)."""
    try:
        with transaction.atomic():
            _lock_ledger()
            mark, _ = LedgerTotalsMark.objects.select_for_update().get_or_create(pk=MARK_ID)
            last = LedgerEntry._base_manager.aggregate(last=Max("pk"))["last"]
            if last is None or last <= mark.last_entry_id:
                return True
            q = connection.ops.quote_name
            payers = _fold_sql(
                PayerDayTotal._meta.db_table, f"COALESCE({q('payer_id')}, 0)", "payer_key", False
            )
            patients = _fold_sql(
                PatientDayTotal._meta.db_table, q("patient_id"), "patient_id", True
            )
            with connection.cursor() as cursor:
                cursor.execute(payers, [mark.last_entry_id, last])
                cursor.execute(patients, [mark.last_entry_id, last])
            LedgerTotalsMark.objects.filter(pk=MARK_ID).update(last_entry_id=last)
            return True
    except OperationalError:
        logger.info("ledger totals: the ledger is busy; folded later")
        return False


def is_current() -> bool:
    """Whether the totals include every committed entry."""
    mark = (
        LedgerTotalsMark.objects.filter(pk=MARK_ID).values_list("last_entry_id", flat=True).first()
    )
    return not LedgerEntry._base_manager.filter(pk__gt=mark or 0).exists()


def catch_up() -> bool:
    """Bring the totals up to date if entries were written since the mark: True when they
    are (the aging may read them), False when the ledger was busy."""
    return is_current() or fold()


def _fold_after_commit() -> None:
    fold()


def after_commit() -> None:
    """For a writer: fold its entries in once its transaction has committed (once however
    often a transaction asks)."""
    waiting = getattr(connection, "run_on_commit", [])
    if any(item[1] is _fold_after_commit for item in waiting):
        return
    transaction.on_commit(_fold_after_commit, robust=True)


__all__ = ["after_commit", "catch_up", "fold", "is_current"]
