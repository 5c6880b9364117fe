"""The audit log's hash chain: tampering is found and named; concurrent writers never fork it."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.core import auditchain
from medoffice.core import context as request_context
from medoffice.core.audit import record_event, verify_chain
from medoffice.core.models import AuditAction, AuditEvent, AuditVerification
from tests.conftest import in_new_thread as _in_new_thread
from tests.core.tampering import triggers_removed

ON_POSTGRES = connection.vendor == "postgresql"


def postgres_only(test):
    test = pytest.mark.postgres_only(test)
    reason = "the trigger and the append function exist on PostgreSQL only"
    return pytest.mark.skipif(not ON_POSTGRES, reason=reason)(test)


# --- helpers ----------------------------------------------------------------


def _record(count: int) -> None:
    for n in range(count):
        record_event(
            AuditAction.READ,
            username=f"reader{n}",
            object_type="patients.patient",
            object_id=n + 1,
            patient_id=n + 1,
            data_category="demographics",
        )


@contextmanager
def append_only_trigger_disabled() -> Iterator[None]:
    """Tampering as the table owner would: the append-only triggers must go first."""
    with triggers_removed():
        yield


def _renumber(from_seq: int, by: int) -> None:
    """Shift ``seq`` of entries from ``from_seq`` on, one at a time to keep ``seq`` unique."""
    order = "-seq" if by > 0 else "seq"
    for pk, seq in (
        AuditEvent.objects.filter(seq__gte=from_seq).order_by(order).values_list("pk", "seq")
    ):
        AuditEvent.objects.filter(pk=pk).update(seq=seq + by)


def _forge(seq: int, prev_hash: str, *, entry_hash: str | None = None) -> dict[str, Any]:
    entry = {
        "seq": seq,
        "occurred_at": dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC),
        "username": "intruder",
        "roles": "",
        "action": "read",
        "object_type": "patients.patient",
        "object_id": "99",
        "patient_id": 99,
        "data_category": "demographics",
        "outcome": "success",
        "client_ip": None,
        "request_id": "",
        "detail": "",
        "user_id": None,
    }
    return {
        **entry,
        "prev_hash": prev_hash,
        "entry_hash": entry_hash or auditchain.entry_hash(entry, prev_hash),
    }


def _hash_of(seq: int) -> str:
    return AuditEvent.objects.get(seq=seq).entry_hash


def _verify_command() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return exc.returncode, f"{out.getvalue()}\n{exc}"
    return 0, out.getvalue()


# --- the command on an intact and on a tampered chain --------------------------


@pytest.mark.django_db
def test_audit_verify_exits_0_and_keeps_the_result_when_the_chain_is_intact():
    _record(10)
    code, output = _verify_command()
    assert code == 0
    assert "All 10 entries verified" in output
    assert AuditVerification.objects.get().ok


@pytest.mark.django_db
def test_audit_verify_names_an_altered_entry_and_exits_1():
    _record(10)
    with append_only_trigger_disabled():
        AuditEvent.objects.filter(seq=4).update(detail="nothing happened here")
    code, output = _verify_command()
    assert code == 1
    assert "Entry #4" in output
    assert "altered" in output
    verification = AuditVerification.objects.get()
    assert not verification.ok
    assert verification.first_bad_seq == 4


@pytest.mark.django_db
def test_audit_verify_names_a_deleted_entry():
    _record(10)
    with append_only_trigger_disabled():
        AuditEvent.objects.filter(seq=6).delete()
    code, output = _verify_command()
    assert code == 1
    assert "entry #6 was removed" in output
    assert verify_chain(save=False).first_bad_seq == 6


@pytest.mark.django_db
def test_audit_verify_names_a_deleted_entry_when_the_later_ones_were_renumbered():
    _record(10)
    with append_only_trigger_disabled():
        AuditEvent.objects.filter(seq=6).delete()
        _renumber(7, by=-1)
    report = verify_chain(save=False)
    assert not report.ok
    assert report.first_bad_seq == 6
    assert "removed" in report.message


@pytest.mark.django_db
def test_entries_cut_from_the_end_after_an_intact_check_are_detected():
    _record(10)
    assert verify_chain().ok
    with append_only_trigger_disabled():
        AuditEvent.objects.filter(seq__gte=8).delete()
    report = verify_chain(save=False)
    assert not report.ok
    assert report.first_bad_seq == 10
    assert "removed from the end" in report.message


@pytest.mark.django_db
def test_a_chain_rebuilt_after_an_intact_check_is_detected():
    _record(5)
    assert verify_chain().ok
    with append_only_trigger_disabled():
        AuditEvent.objects.all().delete()
    _record(5)
    report = verify_chain(save=False)
    assert not report.ok
    assert "rebuilt" in report.message


@pytest.mark.django_db
def test_an_intact_check_keeps_the_last_entry_as_its_checkpoint():
    _record(3)
    verify_chain()
    verification = AuditVerification.objects.get()
    assert verification.last_seq == 3
    assert verification.last_hash == _hash_of(3)


@pytest.mark.django_db
def test_audit_verify_names_a_forged_entry_inserted_into_the_chain():
    _record(10)
    with append_only_trigger_disabled():
        _renumber(5, by=1)
        forged = _forge(5, prev_hash=_hash_of(4))
        # The database keeps prev_hash unique, so the forger relinks the next entry too.
        AuditEvent.objects.filter(seq=6).update(prev_hash=forged["entry_hash"])
        AuditEvent.objects.create(**forged)
    code, output = _verify_command()
    assert code == 1
    assert "Entry #5 has no HMAC" in output  # forged without the key
    assert verify_chain(save=False).first_bad_seq == 5


@pytest.mark.django_db
def test_audit_verify_names_a_forged_entry_appended_with_a_made_up_hash():
    _record(10)
    AuditEvent.objects.create(**_forge(11, prev_hash=_hash_of(10), entry_hash="f" * 64))
    report = verify_chain(save=False)
    assert report.first_bad_seq == 11
    assert report.entries_checked == 10


# --- the database refuses changes on PostgreSQL -------------------------------


@pytest.mark.django_db
@postgres_only
def test_database_refuses_to_update_an_audit_entry():
    _record(3)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=2).update(detail="rewritten")
    assert AuditEvent.objects.get(seq=2).detail == ""


@pytest.mark.django_db
@postgres_only
def test_database_refuses_to_delete_an_audit_entry():
    _record(3)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=2).delete()
    assert AuditEvent.objects.count() == 3


@pytest.mark.django_db
def test_an_entry_written_by_the_database_carries_the_hash_the_chain_module_computes():
    # On PostgreSQL the append function hashes in the server; the text must match byte for byte.
    record_event(AuditAction.READ, username="first")
    event = record_event(
        AuditAction.EXPORT,
        username='Zoë "O\'Brien" \\ 東京',
        object_type="patients.patient",
        object_id="42",
        patient_id=42,
        data_category="demographics",
        detail="line one\nline two\t%s %(x)s",
    )
    stored = AuditEvent.objects.values(*auditchain.HASHED_FIELDS, "prev_hash", "entry_hash").get(
        pk=event.pk
    )
    previous = AuditEvent.objects.get(seq=stored["seq"] - 1)
    assert stored["prev_hash"] == previous.entry_hash
    assert stored["entry_hash"] == auditchain.entry_hash(stored, previous.entry_hash)
    assert event.entry_hash == stored["entry_hash"]
    assert event.seq == stored["seq"]


@pytest.mark.django_db
def test_the_patients_a_read_showed_are_kept_in_order_once_each_and_hashed():
    record_event(AuditAction.READ, username="before")
    event = record_event(
        AuditAction.READ, object_type="patients.patient", patient_ids=[30, 4, 30, None, 17]
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.patient_ids == "30,4,17"
    assert stored.shown_patient_ids == [30, 4, 17]
    row = AuditEvent.objects.values(*auditchain.HASHED_FIELDS).get(pk=event.pk)
    assert stored.entry_hash == auditchain.entry_hash(row, stored.prev_hash)
    assert verify_chain(save=False).ok


@pytest.mark.django_db
def test_a_patient_removed_from_the_patients_shown_breaks_the_chain_at_that_entry():
    record_event(AuditAction.READ, username="before")
    event = record_event(AuditAction.READ, object_type="patients.patient", patient_ids=[8, 9])
    record_event(AuditAction.READ, username="after")
    with append_only_trigger_disabled():
        AuditEvent.objects.filter(pk=event.pk).update(patient_ids="9")
    report = verify_chain(save=False)
    assert not report.ok
    assert report.first_bad_seq == event.seq


def test_an_entry_without_patients_shown_hashes_as_entries_did_before_the_field():
    entry = {"seq": 1, "action": "read", "detail": "x"}
    assert b"patient_ids" not in auditchain.canonical({**entry, "patient_ids": ""})
    assert auditchain.entry_hash(entry, "p") == auditchain.entry_hash(
        {**entry, "patient_ids": ""}, "p"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spelling",
    ["2001:DB8::1", "2001:0db8:0000:0000:0000:0000:0000:0001", "::FFFF:192.0.2.7", "192.0.2.7"],
)
def test_an_address_the_database_spells_its_own_way_still_verifies(spelling):
    token = request_context.activate(
        request_context.RequestContext(request_id="r-1", client_ip=spelling)
    )
    try:
        record_event(AuditAction.READ, username="reader")
    finally:
        request_context.reset(token)
    record_event(AuditAction.READ, username="next")
    assert AuditEvent.objects.get(seq=1).client_ip is not None
    assert verify_chain(save=False).ok


@pytest.mark.django_db
def test_a_client_address_that_is_not_one_is_recorded_as_none():
    token = request_context.activate(
        request_context.RequestContext(request_id="r-2", client_ip="1.2.3.4/32; drop")
    )
    try:
        event = record_event(AuditAction.READ, username="reader")
    finally:
        request_context.reset(token)
    assert AuditEvent.objects.get(pk=event.pk).client_ip is None
    assert verify_chain(save=False).ok


@postgres_only
@pytest.mark.django_db
def test_the_append_function_takes_the_content_in_the_order_python_sends_it():
    from medoffice.core.audit import PG_CONTENT_FIELDS, PG_LEADING_PARAMETERS

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_function_identity_arguments('core_auditevent_append'::regproc)"
        )
        (arguments,) = cursor.fetchone()
    parts = [part.split() for part in arguments.split(",")]
    names = [words[0] for words in parts if words[0] != "OUT"]
    leading = len(PG_LEADING_PARAMETERS)
    assert names[:leading] == list(PG_LEADING_PARAMETERS)
    assert names[leading:] == [f"p_{name}" for name in PG_CONTENT_FIELDS]


# --- concurrency ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_form_one_chain_without_forks(on_disk_database):
    threads_count, per_thread = 8, 25
    errors: list[BaseException] = []
    start = threading.Barrier(threads_count)

    def write(worker: int) -> None:
        try:
            start.wait()
            for n in range(per_thread):
                record_event(AuditAction.READ, username=f"w{worker}", object_id=n)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=write, args=(i,)) for i in range(threads_count)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()

    assert errors == []
    total = threads_count * per_thread
    seqs, report = _in_new_thread(
        lambda: (
            list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)),
            verify_chain(save=False),
        )
    )
    assert seqs == list(range(1, total + 1))
    assert report.ok, report.message
    assert report.entries_checked == total


@pytest.mark.django_db(transaction=True)
def test_times_follow_the_entry_numbers_when_writers_queue_for_the_chain(on_disk_database):
    threads_count, per_thread = 4, 15
    start = threading.Barrier(threads_count)

    def write(worker: int) -> None:
        try:
            start.wait()
            for n in range(per_thread):
                record_event(AuditAction.READ, username=f"w{worker}", object_id=n)
        finally:
            connection.close()

    workers = [threading.Thread(target=write, args=(i,)) for i in range(threads_count)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    times = _in_new_thread(
        lambda: list(AuditEvent.objects.order_by("seq").values_list("occurred_at", flat=True))
    )
    assert len(times) == threads_count * per_thread
    assert times == sorted(times)


# --- the pure chain module, property-based ----------------------------------------

_text = st.text(max_size=20)
_content = st.fixed_dictionaries(
    {
        "occurred_at": st.datetimes(
            min_value=dt.datetime(2000, 1, 1),
            max_value=dt.datetime(2100, 1, 1),
            timezones=st.just(dt.UTC),
        ),
        "user_id": st.none() | st.integers(min_value=1, max_value=10**9),
        "username": _text,
        "roles": _text,
        "action": st.sampled_from(["read", "create", "update", "login", "export"]),
        "object_type": _text,
        "object_id": _text,
        "patient_id": st.none() | st.integers(min_value=1, max_value=10**9),
        "data_category": _text,
        "outcome": st.sampled_from(["success", "failure", "denied"]),
        "client_ip": st.none() | st.ip_addresses().map(str),
        "request_id": _text,
        "detail": st.text(max_size=60),
        "patient_ids": st.lists(st.integers(min_value=1, max_value=10**12), max_size=5).map(
            auditchain.patient_ids_text
        ),
    }
)
_chains = st.lists(_content, min_size=1, max_size=30)


def _build(contents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    chain, prev = [], auditchain.GENESIS_HASH
    for seq, content in enumerate(contents, start=1):
        entry = {**content, "seq": seq}
        digest = auditchain.entry_hash(entry, prev)
        chain.append({**entry, "prev_hash": prev, "entry_hash": digest})
        prev = digest
    return chain


def _changed(value: Any) -> Any:
    if value is None:
        return 0
    if isinstance(value, int):
        return value + 1
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(microseconds=1)
    return value + "x"


_CHANGEABLE = tuple(f for f in auditchain.HASHED_FIELDS if f != "seq") + ("prev_hash", "entry_hash")


@settings(deadline=None)
@given(_content, st.integers(min_value=1, max_value=10**12))
def test_content_with_holes_splices_back_into_the_canonical_form(content, seq):
    head, middle, tail = auditchain.canonical_pieces(content)
    when = json.dumps(content["occurred_at"].isoformat(timespec="microseconds")).encode()
    whole = head + when + middle + str(seq).encode() + tail
    assert whole == auditchain.canonical({**content, "seq": seq})


@settings(deadline=None)
@given(_content, st.integers(min_value=1, max_value=10**12), st.text(max_size=64))
def test_the_hash_from_the_pieces_is_the_hash_of_the_whole(content, seq, prev):
    pieces = auditchain.canonical_pieces(content)
    from_pieces = auditchain.entry_hash_from_pieces(pieces, content["occurred_at"], seq, prev)
    assert from_pieces == auditchain.entry_hash({**content, "seq": seq}, prev)


@settings(deadline=None)
@given(st.ip_addresses())
def test_every_spelling_of_an_address_hashes_the_same(address):
    spellings = {str(address), str(address).upper(), address.exploded}
    entry = {"seq": 1, "action": "read"}
    hashes = {
        auditchain.entry_hash({**entry, "client_ip": spelling}, auditchain.GENESIS_HASH)
        for spelling in spellings
    }
    assert len(hashes) == 1


# No deadline: the machine is shared with other test processes; these are not timing tests.
@settings(deadline=None)
@given(_chains)
def test_any_chain_built_with_entry_hash_verifies(contents):
    chain = _build(contents)
    report = auditchain.verify(chain)
    assert report.ok
    assert report.entries_checked == len(chain)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_chains, st.data())
def test_a_single_changed_field_is_found_at_exactly_its_entry(contents, data):
    chain = _build(contents)
    position = data.draw(st.integers(min_value=0, max_value=len(chain) - 1), label="position")
    field = data.draw(st.sampled_from(_CHANGEABLE), label="field")
    chain[position] = {**chain[position], field: _changed(chain[position][field])}
    report = auditchain.verify(chain)
    assert not report.ok
    assert report.first_bad_seq == position + 1


@settings(deadline=None)
@given(_chains, st.data())
def test_a_removed_entry_is_named(contents, data):
    chain = _build(contents)
    position = data.draw(st.integers(min_value=0, max_value=len(chain) - 1), label="position")
    del chain[position]
    report = auditchain.verify(chain)
    if position == len(contents) - 1:
        assert report.ok  # the last entry: nothing after it to show the loss
    else:
        assert report.first_bad_seq == position + 1
