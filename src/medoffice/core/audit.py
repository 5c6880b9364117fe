"""Recording and checking the audit log (HIPAA 164.312(b), ONC 170.315(d)(2)-(3)).

``record_event`` is the only writer of AuditEvent. It appends under a lock so
that concurrent requests form one chain with no forks: PostgreSQL takes a
transaction-scoped advisory lock; SQLite serializes writers with BEGIN
IMMEDIATE (settings.py). The unique ``seq`` and ``prev_hash`` columns are the
database's own guarantee.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from medoffice.core import auditchain
from medoffice.core import context as request_context
from medoffice.core.models import AuditAction, AuditEvent, AuditOutcome, AuditVerification

_PG_LOCK_KEY = 0x4D65644F6666  # "MedOff"


def _actor(user: Any) -> tuple[int | None, str, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "", ""
    roles = ",".join(sorted(r.value for r in user.role_set))
    return user.pk, user.get_username(), roles


def record_event(
    action: AuditAction | str,
    *,
    user: Any = None,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    patient_id: int | None = None,
    data_category: str = "",
    outcome: AuditOutcome | str = AuditOutcome.SUCCESS,
    detail: str = "",
    username: str = "",
) -> AuditEvent:
    """Append one entry to the audit log and return it.

    ``user`` defaults to the request's user; ``username`` records the name typed
    at a failed log-in, where there is no user. Never include clinical content
    in ``detail``: categories and identifiers only.
    """
    ctx = request_context.current()
    if user is None:
        user = ctx.user
    user_id, name, roles = _actor(user)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    for attempt in range(5):
        try:
            return _append(
                {
                    "user_id": user_id,
                    "username": name or username[:150],
                    "roles": roles,
                    "action": str(action),
                    "object_type": object_type,
                    "object_id": str(object_id or ""),
                    "patient_id": patient_id,
                    "data_category": data_category,
                    "outcome": str(outcome),
                    "client_ip": auditchain.canonical_ip(ctx.client_ip),
                    "request_id": ctx.request_id,
                    "detail": detail[:500],
                }
            )
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


_INSERT_FIELDS = (*auditchain.HASHED_FIELDS, "prev_hash", "entry_hash")


def _append(fields: dict[str, Any]) -> AuditEvent:
    """Append one entry under the chain lock: the lock, the tail, the hash, the insert.

    Raw SQL, not the ORM, because this runs on every request that touches patient
    data (bench/audit_record.py): on PostgreSQL one call of the append function
    (core migration 0005) in a single round trip; on SQLite two plain statements
    in a BEGIN IMMEDIATE transaction.
    """
    if connection.vendor == "postgresql":
        return _append_on_postgres(fields)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, entry_hash FROM {table} ORDER BY seq DESC LIMIT 1")  # noqa: S608
        last = cursor.fetchone()
        seq = last[0] + 1 if last else 1
        prev = last[1] if last else auditchain.GENESIS_HASH
        entry = {**fields, "seq": seq, "occurred_at": dt.datetime.now(dt.UTC)}
        entry["prev_hash"] = prev
        entry["entry_hash"] = auditchain.entry_hash(entry, prev)
        columns = []
        values = []
        for name in _INSERT_FIELDS:
            field = AuditEvent._meta.get_field(name)
            columns.append(connection.ops.quote_name(field.column))
            values.append(field.get_db_prep_save(entry[name], connection))
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) RETURNING id",  # noqa: S608
            values,
        )
        pk = cursor.fetchone()[0]
    return _loaded(pk, entry)


# The append function's content parameters, in its order (core migration 0005).
PG_CONTENT_FIELDS = tuple(
    name for name in auditchain.HASHED_FIELDS if name not in auditchain.DATABASE_FILLED
)
_PG_APPEND = (
    "SELECT new_id, new_seq, new_occurred_at, new_prev_hash, new_entry_hash "
    "FROM core_auditevent_append(" + ", ".join(["%s"] * (5 + len(PG_CONTENT_FIELDS))) + ")"
)


def _append_on_postgres(fields: dict[str, Any]) -> AuditEvent:
    head, middle, tail = auditchain.canonical_pieces(fields)
    params = [_PG_LOCK_KEY, auditchain.GENESIS_HASH, head, middle, tail]
    params += [fields[name] for name in PG_CONTENT_FIELDS]
    # In autocommit the statement is its own transaction; inside a caller's
    # transaction a savepoint keeps a failed append from spoiling it.
    atomic = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with atomic, connection.cursor() as cursor:
        cursor.execute(_PG_APPEND, params)
        pk, seq, occurred_at, prev, digest = cursor.fetchone()
    entry = {**fields, "seq": seq, "occurred_at": occurred_at}
    return _loaded(pk, {**entry, "prev_hash": prev, "entry_hash": digest})


def _loaded(pk: int, entry: dict[str, Any]) -> AuditEvent:
    event = AuditEvent(pk=pk, **{k: entry[k] for k in _INSERT_FIELDS})
    event._state.adding = False
    return event


def _chain_rows(batch: int = 5000) -> Iterator[dict[str, Any]]:
    fields = (*auditchain.HASHED_FIELDS, "prev_hash", "entry_hash")
    last_seq = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq").values(*fields)[:batch]
        )
        if not rows:
            return
        yield from rows
        last_seq = rows[-1]["seq"]


def verify_chain(*, save: bool = True) -> auditchain.ChainReport:
    """Walk the whole chain; optionally keep the result for the office manager's home page.

    Besides the walk, the last entry seen by the latest intact check (its
    checkpoint) must still be there with the same hash: otherwise entries were
    cut from the end, or the chain was rebuilt, since that check.
    """
    report = auditchain.verify(_chain_rows())
    last = AuditEvent.objects.order_by("-seq").values("seq", "entry_hash").first()
    if report.ok:
        checkpoint = (
            AuditVerification.objects.filter(ok=True, last_seq__isnull=False)
            .order_by("-checked_at", "-pk")
            .first()
        )
        if checkpoint is not None:
            kept = (
                AuditEvent.objects.filter(seq=checkpoint.last_seq)
                .values_list("entry_hash", flat=True)
                .first()
            )
            if kept != checkpoint.last_hash:
                when = checkpoint.checked_at.strftime("%Y-%m-%d %H:%M UTC")
                report = auditchain.ChainReport(
                    False,
                    report.entries_checked,
                    checkpoint.last_seq,
                    f"Entry #{checkpoint.last_seq}, the last entry of the intact chain checked on {when}, "
                    + (
                        "is gone: entries were removed from the end."
                        if kept is None
                        else "was replaced: the chain was rebuilt."
                    ),
                )
    if save:
        AuditVerification.objects.create(
            ok=report.ok,
            entries_checked=report.entries_checked,
            first_bad_seq=report.first_bad_seq,
            message=report.message[:300],
            last_seq=last["seq"] if (report.ok and last) else None,
            last_hash=last["entry_hash"] if (report.ok and last) else "",
        )
    return report
