"""Recording and checking the audit log (HIPAA 164.312(b), ONC 170.315(d)(2)-(3)).

``record_event`` is the only writer of AuditEvent (``record_change`` is the save-and-record
tail of the services, through it). It appends under a lock so
that concurrent requests form one chain with no forks: PostgreSQL takes a
transaction-scoped advisory lock; SQLite serializes writers with BEGIN
IMMEDIATE (settings.py). The unique ``seq`` and ``prev_hash`` columns are the
database's own guarantee.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from medoffice.core import auditchain, auditcheckpoints, audittriggers
from medoffice.core import context as request_context
from medoffice.core.models import AuditAction, AuditEvent, AuditOutcome, AuditVerification

_PG_LOCK_KEY = 0x4D65644F6666  # "MedOff"

M = TypeVar("M", bound=Model)


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
    patient_ids: Iterable[int | None] = (),
    data_category: str = "",
    outcome: AuditOutcome | str = AuditOutcome.SUCCESS,
    detail: str = "",
    username: str = "",
    client_ip: str | None = None,
) -> AuditEvent:
    """Append one entry to the audit log and return it.

    ``user`` defaults to the request's user; ``username`` records the name typed
    at a failed log-in, where there is no user. ``client_ip`` records another address
    than the request's (a summary of failures written later, core/failures.py), and then
    no request id. ``patient_ids``: the patients a read showed (a search's results, a page
    of a list), in the order shown; one entry holds them all, and the accounting of
    disclosures finds it by any of them. Never include clinical content in ``detail``:
    categories and identifiers only.
    """
    ctx = request_context.current()
    if client_ip is not None:
        ctx = dataclasses.replace(ctx, client_ip=client_ip, request_id="")
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
                    "patient_ids": auditchain.patient_ids_text(patient_ids),
                }
            )
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def record_change(
    instance: M,
    *,
    user: Any,
    action: AuditAction | None = None,
    validate: bool = True,
    exclude: Sequence[str] = (),
    update_fields: Sequence[str] | None = None,
    patient_id: int | None = None,
    data_category: str = "",
    detail: str = "",
) -> M:
    """The tail of a service that writes one row: validate, save, record the audit event.

    The save and the entry in one transaction (the caller's, when it has one), so the row
    is never saved without its entry; a refusal of the model's validation (``full_clean``,
    unless ``validate=False``; ``exclude`` names the fields it skips) comes first and
    writes nothing. The
    action is CREATE for a row not yet saved, UPDATE otherwise, unless ``action`` says.
    """
    if action is None:
        action = AuditAction.CREATE if instance.pk is None else AuditAction.UPDATE
    if validate:  # before the transaction: a refusal leaves the caller's transaction usable
        instance.full_clean(exclude=list(exclude) or None)
    with transaction.atomic(savepoint=False):
        instance.save(update_fields=update_fields)
        record_event(
            action,
            user=user,
            obj=instance,
            patient_id=patient_id,
            data_category=data_category,
            detail=detail,
        )
    return instance


_INSERT_FIELDS = (*auditchain.HASHED_FIELDS, "prev_hash", "entry_hash", "mac_key_id", "mac")


def signing_key() -> tuple[str, bytes]:
    """The newest audit key (id, secret): it keys new entries and checkpoints."""
    return settings.AUDIT_HMAC_KEYS[0]


def verifying_keys() -> dict[str, bytes]:
    return dict(settings.AUDIT_HMAC_KEYS)


def _sealed(entry: dict[str, Any], prev: str) -> dict[str, Any]:
    """``entry`` with its chain link, hash and HMAC (under the newest key)."""
    key_id, key = signing_key()
    digest = auditchain.entry_hash(entry, prev)
    return {
        **entry,
        "prev_hash": prev,
        "entry_hash": digest,
        "mac_key_id": key_id,
        "mac": auditchain.entry_mac(key, key_id, digest),
    }


def _append(fields: dict[str, Any]) -> AuditEvent:
    """Append one entry under the chain lock: the lock, the tail, the hash, the insert.

    Raw SQL, not the ORM, because this runs on every request that touches patient
    data (bench/audit_record.py): on PostgreSQL one call of the append function
    (core migrations 0005, 0006) in a single round trip; on SQLite two plain
    statements in a BEGIN IMMEDIATE transaction.
    """
    if connection.vendor == "postgresql":
        return _append_on_postgres(fields)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, entry_hash FROM {table} ORDER BY seq DESC LIMIT 1")  # noqa: S608
        last = cursor.fetchone()
        seq = last[0] + 1 if last else 1
        prev = last[1] if last else auditchain.GENESIS_HASH
        entry = _sealed({**fields, "seq": seq, "occurred_at": dt.datetime.now(dt.UTC)}, prev)
        columns = []
        values = []
        for name in _INSERT_FIELDS:
            field = AuditEvent._meta.get_field(name)
            assert isinstance(field, Field)  # every insert field is a column
            assert field.column
            columns.append(connection.ops.quote_name(field.column))
            values.append(field.get_db_prep_save(entry[name], connection))
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) RETURNING id",  # noqa: S608
            values,
        )
        pk = cursor.fetchone()[0]
    return _loaded(pk, entry)


# The append function's content parameters, in its order (core migration 0006).
PG_CONTENT_FIELDS = tuple(
    name for name in auditchain.HASHED_FIELDS if name not in auditchain.DATABASE_FILLED
)
PG_LEADING_PARAMETERS = (
    "lock_key",
    "genesis_hash",
    "expected_seq",
    "expected_prev_hash",
    "p_occurred_at",
    "content_head",
    "content_middle",
    "content_tail",
    "p_entry_hash",
    "p_mac_key_id",
    "p_mac",
)
_PG_APPEND = (
    "SELECT new_id, new_seq, new_occurred_at, new_prev_hash, new_entry_hash "
    "FROM core_auditevent_append("
    + ", ".join(["%s"] * (len(PG_LEADING_PARAMETERS) + len(PG_CONTENT_FIELDS)))
    + ")"
)
_PG_TAIL = "SELECT seq, entry_hash, occurred_at FROM core_auditevent ORDER BY seq DESC LIMIT 1"
# Tries with the tail this connection last saw before taking the lock from Python.
_OPTIMISTIC_TRIES = 3


def _append_on_postgres(fields: dict[str, Any]) -> AuditEvent:
    """Hash and key the entry in Python for the tail this connection expects; one call.

    The HMAC needs the entry's number, predecessor and time, which only the chain's
    tail decides, and the key must stay out of the database (docs/decisions/
    0007-keyed-audit-chain.md). So Python seals the entry for the tail it last saw
    (kept on the connection), and the function inserts only if that is still the
    tail; otherwise it returns the tail and Python seals again. After a few misses
    (many writers at once) Python takes the chain's lock itself, reads the tail and
    calls the function under it, which cannot miss.
    """
    head, middle, tail = auditchain.canonical_pieces(fields)
    content = [fields[name] for name in PG_CONTENT_FIELDS]
    known = getattr(connection, "_medoffice_audit_tail", None) or (0, auditchain.GENESIS_HASH, None)
    # In autocommit the statement is its own transaction; inside a caller's
    # transaction a savepoint keeps a failed append from spoiling it.
    for _attempt in range(_OPTIMISTIC_TRIES):
        atomic = transaction.atomic() if connection.in_atomic_block else nullcontext()
        with atomic, connection.cursor() as cursor:
            row = _call_append(cursor, fields, (head, middle, tail), content, known)
        if row[0] is not None:
            return _appended(fields, row)
        known = (row[1] - 1, row[3], row[2])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        cursor.execute(_PG_TAIL)
        last = cursor.fetchone()
        known = last if last else (0, auditchain.GENESIS_HASH, None)
        row = _call_append(cursor, fields, (head, middle, tail), content, known)
    if row[0] is None:  # pragma: no cover - the lock is held: the tail cannot move
        raise IntegrityError("the audit chain's tail moved under its lock")
    return _appended(fields, row)


def _call_append(
    cursor: Any,
    fields: dict[str, Any],
    pieces: tuple[bytes, bytes, bytes],
    content: list[Any],
    known: tuple[int, str, dt.datetime | None],
) -> tuple:
    last_seq, prev, last_at = known
    occurred_at = dt.datetime.now(dt.UTC)
    if last_at is not None and last_at > occurred_at:
        occurred_at = last_at  # times never run backwards along the chain
    key_id, key = signing_key()
    digest = auditchain.entry_hash_from_pieces(pieces, occurred_at, last_seq + 1, prev)
    mac = auditchain.entry_mac(key, key_id, digest)
    params = [_PG_LOCK_KEY, auditchain.GENESIS_HASH, last_seq + 1, prev, occurred_at, *pieces]
    params += [digest, key_id, mac, *content]
    cursor.execute(_PG_APPEND, params)
    row = cursor.fetchone()
    if row[0] is not None:
        row = (*row, key_id, mac)
    return row


def _appended(fields: dict[str, Any], row: tuple) -> AuditEvent:
    pk, seq, occurred_at, prev, digest, key_id, mac = row
    connection._medoffice_audit_tail = (seq, digest, occurred_at)  # type: ignore[attr-defined]  # our note on the connection, read back in _append_on_postgres
    entry = {**fields, "seq": seq, "occurred_at": occurred_at, "prev_hash": prev}
    return _loaded(pk, {**entry, "entry_hash": digest, "mac_key_id": key_id, "mac": mac})


def _loaded(pk: int, entry: dict[str, Any]) -> AuditEvent:
    event = AuditEvent(pk=pk, **{k: entry[k] for k in _INSERT_FIELDS})
    event._state.adding = False
    return event


def _chain_rows(batch: int = 5000) -> Iterator[dict[str, Any]]:
    fields = _INSERT_FIELDS
    last_seq = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq").values(*fields)[:batch]
        )
        if not rows:
            return
        yield from rows
        last_seq = rows[-1]["seq"]


def _broken(
    report: auditchain.ChainReport, first_bad: int | None, message: str
) -> auditchain.ChainReport:
    return dataclasses.replace(report, ok=False, first_bad_seq=first_bad, message=message)


def _against_checkpoint(
    report: auditchain.ChainReport, checkpoint: Mapping[str, Any], where: str
) -> auditchain.ChainReport:
    """The chain must still hold the checkpoint's head, and no fewer keyed entries."""
    seq, digest = checkpoint.get("seq"), checkpoint.get("hash")
    if seq is None:
        return report
    kept = AuditEvent.objects.filter(seq=seq).values_list("entry_hash", flat=True).first()
    if kept is None:
        last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        removed = f"#{last + 1}" if last + 1 == seq else f"#{last + 1}–#{seq}"
        return _broken(
            report,
            seq,
            f"Entry #{seq}, the last entry of {where}, is gone: entries were removed from the "
            f"end (entries {removed}).",
        )
    if kept != digest:
        return _broken(
            report,
            seq,
            f"Entry #{seq}, the last entry of {where}, was replaced: the chain was rebuilt.",
        )
    if report.unkeyed > int(checkpoint.get("unkeyed") or 0):
        return _broken(
            report,
            None,
            f"{report.unkeyed} entries have no HMAC, {checkpoint.get('unkeyed') or 0} had at "
            f"{where}: entries were rewritten without the audit key.",
        )
    return report


def _database_checkpoint(
    report: auditchain.ChainReport, keys: dict[str, bytes]
) -> auditchain.ChainReport:
    latest = (
        AuditVerification.objects.filter(ok=True, last_seq__isnull=False)
        .order_by("-checked_at", "-pk")
        .first()
    )
    if latest is None:
        return report
    when = latest.checked_at.strftime("%Y-%m-%d %H:%M UTC")
    if latest.key_id:
        if not auditcheckpoints.mac_is_valid(checkpoint_record(latest), keys):
            return _broken(
                report,
                None,
                f"The checkpoint of {when} in the database does not match its HMAC: the "
                "checkpoint table was edited.",
            )
    elif AuditVerification.objects.exclude(key_id="").exists():
        return _broken(
            report,
            None,
            f"The latest checkpoint in the database ({when}) has no HMAC, but earlier ones do: "
            "the checkpoint table was edited.",
        )
    return _against_checkpoint(
        report, checkpoint_record(latest), f"the intact chain checked on {when}"
    )


def _file_checkpoint(
    report: auditchain.ChainReport, keys: dict[str, bytes]
) -> auditchain.ChainReport:
    found = auditcheckpoints.last_in_file()
    if found is None:
        return report
    place = f"line {found.line} of {auditcheckpoints.checkpoint_file()}"
    if not auditcheckpoints.mac_is_valid(found.record, keys):
        return _broken(
            report,
            None,
            f"The checkpoint at {place} does not match its HMAC: the file was edited, or its "
            "key was dropped from AUDIT_HMAC_KEYS.",
        )
    when = str(found.record.get("at", ""))[:16].replace("T", " ")
    return _against_checkpoint(
        report, found.record, f"the checkpoint written outside the database on {when} UTC ({place})"
    )


def checkpoint_record(verification: AuditVerification) -> dict[str, Any]:
    """A stored verification as the checkpoint record its HMAC covers, with key id and HMAC."""
    content = auditcheckpoints.body(
        ok=verification.ok,
        count=verification.entries_checked,
        seq=verification.last_seq,
        digest=verification.last_hash,
        unkeyed=verification.unkeyed,
        at=verification.checked_at,
    )
    return {**content, "key_id": verification.key_id, "mac": verification.mac}


def verify_chain(*, save: bool = True) -> auditchain.ChainReport:
    """Walk the whole chain; optionally keep the result as a checkpoint.

    Besides the walk (every hash, every HMAC), the head of the latest intact check
    must still be there with the same hash: the database's checkpoint (its HMAC
    checked first, so an edited checkpoint table is found) and the last checkpoint
    written outside the database (core/auditcheckpoints.py). Otherwise entries were
    cut from the end, or the chain was rebuilt, since that check. With ``save`` the
    result is kept in the database and, when intact, written outside it; problems
    writing it outside are in ``report.notes``.
    """
    keys = verifying_keys()
    report = auditchain.verify(_chain_rows(), keys)
    if report.ok:
        report = _database_checkpoint(report, keys)
    if report.ok:
        report = _file_checkpoint(report, keys)
    if save:
        report = _save(report)
    missing = audittriggers.missing_triggers(connection)
    if missing:
        note = (
            f"the append-only trigger{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"{'are' if len(missing) > 1 else 'is'} missing or disabled: the database no longer "
            "refuses changes to the audit log (the HMACs still show them)"
        )
        report = dataclasses.replace(report, notes=(*report.notes, note))
    return report


def _save(report: auditchain.ChainReport) -> auditchain.ChainReport:
    last = AuditEvent.objects.order_by("-seq").values("seq", "entry_hash").first()
    head_seq: int | None = last["seq"] if (report.ok and last) else None
    head_hash: str = last["entry_hash"] if (report.ok and last) else ""
    key_id, key = signing_key()
    at = timezone.now()
    content = auditcheckpoints.body(
        ok=report.ok,
        count=report.entries_checked,
        seq=head_seq,
        digest=head_hash,
        unkeyed=report.unkeyed,
        at=at,
    )
    record = auditcheckpoints.seal(content, key_id, key)
    AuditVerification.objects.create(
        checked_at=at,
        ok=report.ok,
        entries_checked=report.entries_checked,
        first_bad_seq=report.first_bad_seq,
        message=report.message[:300],
        last_seq=head_seq,
        last_hash=head_hash,
        unkeyed=report.unkeyed,
        key_id=key_id,
        mac=record["mac"],
    )
    outside = {**record, "message": report.message} if not report.ok else record
    problems = auditcheckpoints.publish(outside)
    return dataclasses.replace(report, notes=tuple(problems)) if problems else report
