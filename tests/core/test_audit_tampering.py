"""Tampering with the audit log by someone with the database but without the audit key.

Each test does one kind of tampering, on whichever database the suite runs on
(SQLite and PostgreSQL: `make test` runs both), and checks that `audit verify`
names it. The attacker gets past the append-only triggers first, as the table's
owner (PostgreSQL) or whoever can write the file (SQLite) can.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from medoffice.core import auditchain, auditcheckpoints
from medoffice.core.audit import record_event, verify_chain
from medoffice.core.models import AuditAction, AuditEvent, AuditVerification
from tests.core.tampering import triggers_removed

pytestmark = pytest.mark.django_db

KEY_A = ("keya", b"a" * 40)
KEY_B = ("keyb", b"b" * 40)


def _record(count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        record_event(
            AuditAction.READ,
            username=f"reader{n}",
            object_type="patients.patient",
            object_id=n + 1,
            patient_id=n + 1,
            data_category="demographics",
        )


def _row(seq: int) -> dict[str, Any]:
    fields = (*auditchain.HASHED_FIELDS, "prev_hash", "entry_hash", "mac_key_id", "mac")
    return AuditEvent.objects.values(*fields).get(seq=seq)


def _rewrite_from(seq: int, change: dict[str, Any] | None = None, *, only: bool = False) -> None:
    """Change entry ``seq`` and recompute the plain hashes from it to the end (or of it ``only``)."""
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    prev = _row(seq - 1)["entry_hash"] if seq > 1 else auditchain.GENESIS_HASH
    for number in range(seq, (seq if only else last) + 1):
        entry = _row(number)
        if number == seq:
            entry.update(change or {"detail": "nothing to see"})
        entry["prev_hash"] = prev
        entry["entry_hash"] = auditchain.entry_hash(entry, prev)
        AuditEvent.objects.filter(seq=number).update(
            **{k: v for k, v in entry.items() if k != "seq"}
        )
        prev = entry["entry_hash"]


def _verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit", "verify", "--no-save", stdout=out, stderr=StringIO())
    except CommandError as exc:
        return exc.returncode, f"{out.getvalue()}\n{exc}"
    return 0, out.getvalue()


# --- every entry carries an HMAC -------------------------------------------------


def test_every_new_entry_carries_the_newest_key_id_and_an_hmac_of_its_hash():
    with override_settings(AUDIT_HMAC_KEYS=[KEY_A]):
        event = record_event(AuditAction.READ, username="reader")
    stored = _row(event.seq)
    assert stored["mac_key_id"] == "keya"
    assert stored["mac"] == auditchain.entry_mac(b"a" * 40, "keya", stored["entry_hash"])
    assert (event.mac_key_id, event.mac) == (stored["mac_key_id"], stored["mac"])


def test_a_forged_entry_appended_with_a_correct_plain_hash_is_named():
    _record(10)
    forged = {**_row(10), "seq": 11, "username": "intruder", "detail": "forged"}
    forged["prev_hash"] = _row(10)["entry_hash"]
    forged["entry_hash"] = auditchain.entry_hash(forged, forged["prev_hash"])
    forged["mac"] = "0" * 64  # a key id it may copy; an HMAC it cannot make
    AuditEvent.objects.create(**forged)
    code, output = _verify()
    assert code == 1
    assert "Entry #11 does not match its HMAC" in output
    assert verify_chain(save=False).first_bad_seq == 11


def test_a_forged_entry_appended_without_a_key_id_is_named():
    _record(10)
    forged = {**_row(10), "seq": 11, "username": "intruder", "mac_key_id": "", "mac": ""}
    forged["prev_hash"] = _row(10)["entry_hash"]
    forged["entry_hash"] = auditchain.entry_hash(forged, forged["prev_hash"])
    AuditEvent.objects.create(**forged)
    report = verify_chain(save=False)
    assert report.first_bad_seq == 11
    assert "has no HMAC but follows keyed entries" in report.message


def test_a_tail_rewritten_with_its_hashes_recomputed_is_named_at_its_first_changed_entry():
    _record(6)
    assert verify_chain().ok  # the checkpoint is at entry 6, as in the demo
    _record(4, start=6)
    with triggers_removed():
        _rewrite_from(8)
    code, output = _verify()
    assert code == 1
    assert "Entry #8 does not match its HMAC" in output
    assert "First bad entry: #8" in output


def test_a_tail_rewritten_and_the_checkpoint_table_edited_is_named():
    _record(10)
    assert verify_chain().ok
    with triggers_removed():
        _rewrite_from(7)
        AuditVerification.objects.update(last_hash=_row(10)["entry_hash"])
    report = verify_chain(save=False)
    assert not report.ok
    assert report.first_bad_seq == 7
    assert "does not match its HMAC" in report.message


def test_an_edited_checkpoint_table_is_found_even_when_the_chain_is_left_alone():
    _record(5)
    assert verify_chain().ok
    with triggers_removed():
        AuditVerification.objects.update(entries_checked=4)
    report = verify_chain(save=False)
    assert not report.ok
    assert "checkpoint table was edited" in report.message


def test_an_entry_changed_with_its_own_hash_recomputed_is_named_at_that_entry():
    _record(10)
    with triggers_removed():
        _rewrite_from(4, {"patient_id": 777}, only=True)
    code, output = _verify()
    assert code == 1
    assert "First bad entry: #4" in output
    assert verify_chain(save=False).first_bad_seq == 4


def test_an_unkeyed_entry_changed_with_its_own_hash_recomputed_is_named_at_that_entry():
    # Entries from before the key: the plain chain alone must name the changed entry.
    chain, prev = [], auditchain.GENESIS_HASH
    for seq in range(1, 6):
        entry = {"seq": seq, "action": "read", "username": f"u{seq}"}
        digest = auditchain.entry_hash(entry, prev)
        chain.append({**entry, "prev_hash": prev, "entry_hash": digest})
        prev = digest
    chain[2] = {**chain[2], "username": "someone else"}
    chain[2]["entry_hash"] = auditchain.entry_hash(chain[2], chain[2]["prev_hash"])
    report = auditchain.verify(chain)
    assert report.first_bad_seq == 3
    assert "Entry #3 was altered and its hash recomputed" in report.message


def test_entries_cut_from_the_end_are_found_by_the_checkpoint_outside_the_database():
    _record(10)
    assert verify_chain().ok
    with triggers_removed():
        AuditEvent.objects.filter(seq__gte=8).delete()
        AuditVerification.objects.all().delete()  # the database's own checkpoint goes too
    code, output = _verify()
    assert code == 1
    assert "outside the database" in output
    assert "removed from the end (entries #8–#10)" in output
    assert verify_chain(save=False).first_bad_seq == 10


def test_a_chain_rebuilt_from_scratch_is_found_by_the_checkpoint_outside_the_database():
    _record(5)
    assert verify_chain().ok
    with triggers_removed():
        AuditEvent.objects.all().delete()
        AuditVerification.objects.all().delete()
    with override_settings(AUDIT_HMAC_KEYS=[("other", b"o" * 40)]):  # even with a key of its own
        _record(5)
    with override_settings(AUDIT_HMAC_KEYS=[("other", b"o" * 40), *_configured_keys()]):
        report = verify_chain(save=False)
    assert not report.ok
    assert "rebuilt" in report.message
    assert "outside the database" in report.message


def _configured_keys() -> list[tuple[str, bytes]]:
    from django.conf import settings

    return list(settings.AUDIT_HMAC_KEYS)


def test_an_entry_deleted_in_the_middle_is_named():
    _record(10)
    with triggers_removed():
        AuditEvent.objects.filter(seq=5).delete()
    assert verify_chain(save=False).first_bad_seq == 5


def test_an_entry_deleted_in_the_middle_and_the_rest_renumbered_and_rehashed_is_named():
    _record(10)
    with triggers_removed():
        AuditEvent.objects.filter(seq=5).delete()
        for seq in range(6, 11):
            AuditEvent.objects.filter(seq=seq).update(seq=seq - 1)
        _rewrite_from(5, {})
    report = verify_chain(save=False)
    assert not report.ok
    assert report.first_bad_seq == 5


# --- the triggers -----------------------------------------------------------------


def test_the_database_refuses_to_update_an_audit_entry():
    _record(3)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=2).update(detail="rewritten")
    assert AuditEvent.objects.get(seq=2).detail == ""


def test_the_database_refuses_to_update_a_checkpoint():
    _record(3)
    verify_chain()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditVerification.objects.update(last_hash="f" * 64)
    assert AuditVerification.objects.get().last_hash == _row(3)["entry_hash"]


@pytest.mark.parametrize("model", [AuditEvent, AuditVerification])
def test_the_database_refuses_to_delete_an_audit_row(model):
    _record(3)
    verify_chain()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.objects.all().delete()
    assert (AuditEvent.objects.count(), AuditVerification.objects.count()) == (3, 1)


def test_verify_warns_when_an_append_only_trigger_was_removed():
    _record(2)
    with triggers_removed():
        report = verify_chain(save=False)
        out, err = StringIO(), StringIO()
        call_command("audit", "verify", "--no-save", stdout=out, stderr=err)
    assert report.ok
    assert "append-only triggers" in report.notes[-1]
    assert "missing or disabled" in err.getvalue()
    assert verify_chain(save=False).notes == ()  # back in place


# --- keys: rotation, unknown keys, entries from before the key -------------------------


def test_entries_under_an_older_key_still_verify_after_rotation():
    with override_settings(AUDIT_HMAC_KEYS=[KEY_A]):
        _record(3)
        assert verify_chain().ok
    with override_settings(AUDIT_HMAC_KEYS=[KEY_B, KEY_A]):
        _record(3, start=3)
        report = verify_chain()
        assert report.ok, report.message
    assert [_row(seq)["mac_key_id"] for seq in range(1, 7)] == ["keya"] * 3 + ["keyb"] * 3
    with override_settings(AUDIT_HMAC_KEYS=[KEY_B]):  # the old key dropped: found
        report = verify_chain(save=False)
    assert report.first_bad_seq == 1
    assert "'keya', which is not among the configured keys" in report.message


def test_entries_from_before_the_key_verify_by_their_plain_hash_and_are_counted():
    prev = auditchain.GENESIS_HASH
    for seq in (1, 2):
        entry = {
            **dict.fromkeys(auditchain.HASHED_FIELDS, ""),
            "seq": seq,
            "occurred_at": dt.datetime(2026, 1, seq, tzinfo=dt.UTC),
            "user_id": None,
            "patient_id": None,
            "client_ip": None,
            "username": "old",
            "action": "read",
            "outcome": "success",
        }
        entry["entry_hash"] = auditchain.entry_hash(entry, prev)
        AuditEvent.objects.create(**entry, prev_hash=prev)
        prev = entry["entry_hash"]
    _record(3)
    code, output = _verify()
    assert code == 0
    assert "All 5 entries verified (2 written before the audit key existed" in output


def test_audit_rotate_key_prints_the_new_key_first_and_records_that_it_was_made():
    out = StringIO()
    with override_settings(AUDIT_HMAC_KEYS=[KEY_A]):
        call_command("audit", "rotate-key", "--key-id", "k2027", stdout=out)
    line = out.getvalue().strip().splitlines()[-1]
    assert line.startswith("AUDIT_HMAC_KEYS=k2027:")
    assert line.endswith(",keya:" + "a" * 40)
    event = AuditEvent.objects.order_by("-seq").first()
    assert "new audit key 'k2027'" in event.detail
    assert line.split("=", 1)[1].split(",")[0].split(":")[1] not in event.detail


# --- checkpoints outside the database ----------------------------------------------


def test_an_intact_check_appends_a_keyed_checkpoint_to_the_file(
    audit_checkpoint_file,
):
    _record(4)
    verify_chain()
    _record(1, start=4)
    verify_chain()
    lines = audit_checkpoint_file.read_text().splitlines()
    assert len(lines) == 2
    last = auditcheckpoints.last_in_file()
    assert last.record["seq"] == 5
    assert last.record["hash"] == _row(5)["entry_hash"]
    assert last.record["count"] == 5
    assert auditcheckpoints.mac_is_valid(last.record, dict(_configured_keys()))


def test_an_edited_checkpoint_file_is_reported(audit_checkpoint_file):
    _record(4)
    verify_chain()
    path = audit_checkpoint_file
    path.write_text(path.read_text().replace('"count":4', '"count":3'))
    report = verify_chain(save=False)
    assert not report.ok
    assert "does not match its HMAC: the file was edited" in report.message


def test_a_failed_check_writes_no_checkpoint_to_the_file(audit_checkpoint_file):
    _record(3)
    with triggers_removed():
        AuditEvent.objects.filter(seq=2).update(detail="changed")
    assert not verify_chain().ok
    assert not audit_checkpoint_file.exists()


def test_checkpoint_lines_are_only_ever_appended(audit_checkpoint_file):
    _record(2)
    verify_chain()
    first = audit_checkpoint_file.read_text()
    _record(1, start=2)
    verify_chain()
    assert audit_checkpoint_file.read_text().startswith(first)


# --- the append function on PostgreSQL ------------------------------------------------


def _postgres_only(test):
    reason = "the append function exists on PostgreSQL only"
    return pytest.mark.postgres_only(
        pytest.mark.skipif(connection.vendor != "postgresql", reason=reason)(test)
    )


@_postgres_only
def test_an_entry_sealed_for_a_stale_tail_is_not_inserted_and_is_sealed_again():
    _record(3)
    connection._medoffice_audit_tail = (1, _row(1)["entry_hash"], None)  # another writer since
    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        event = record_event(AuditAction.READ, username="late")
    assert event.seq == 4
    assert len([sql for sql in statements if "core_auditevent_append" in sql]) == 2
    assert verify_chain(save=False).ok


@_postgres_only
def test_the_function_refuses_an_hmac_over_a_hash_it_does_not_compute():
    from medoffice.core.audit import _PG_APPEND, _PG_LOCK_KEY, PG_CONTENT_FIELDS

    _record(1)
    fields = dict.fromkeys(PG_CONTENT_FIELDS, "")
    fields.update(user_id=None, patient_id=None, client_ip=None, action="read")
    pieces = auditchain.canonical_pieces(fields)
    head = _row(1)
    params = [_PG_LOCK_KEY, auditchain.GENESIS_HASH, 2, head["entry_hash"]]
    params += [dt.datetime.now(dt.UTC), *pieces, "e" * 64, "test", "f" * 64]
    params += [fields[name] for name in PG_CONTENT_FIELDS]
    with (
        pytest.raises(DatabaseError, match="not to the"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(_PG_APPEND, params)
    assert AuditEvent.objects.count() == 1
