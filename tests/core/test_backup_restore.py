"""`medoffice backup` and `medoffice restore`, on the database the suite runs on."""

from __future__ import annotations

import json
import sqlite3
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from medoffice.core import audittriggers
from medoffice.core.audit import record_event, verify_chain
from medoffice.core.models import AuditAction, AuditEvent, User
from medoffice.core.roles import Role
from medoffice.patients.models import Patient
from tests.factories import LocationFactory, PatientFactory, UserFactory

ON_POSTGRES = connection.vendor == "postgresql"


def _build_practice_data() -> None:
    location = LocationFactory()
    UserFactory(username="maria", roles=[Role.OFFICE_MANAGER])
    UserFactory(username="frank", roles=[Role.FRONT_DESK], locations=[location])
    for n in range(5):
        patient = PatientFactory(home_location=location, ssn=f"900-55-{1000 + n}")
        record_event(AuditAction.CREATE, obj=patient, patient_id=patient.pk)
    record_event(AuditAction.LOGIN, username="maria")


def _state() -> dict[str, Any]:
    return {
        "users": sorted(
            User.objects.values_list("username", "first_name", "last_name", "is_active")
        ),
        "patients": sorted(
            (p.pk, p.mrn, p.first_name, p.last_name, p.date_of_birth, p.ssn)
            for p in Patient.objects.all()
        ),
        "audit": list(AuditEvent.objects.order_by("seq").values_list("seq", "entry_hash")),
    }


def _change_everything() -> None:
    patient = Patient.objects.order_by("pk").first()
    Patient.objects.filter(pk=patient.pk).update(last_name="Changed", ssn="111-11-1111")
    Patient.objects.order_by("pk").last().delete()
    UserFactory(username="newcomer")
    User.objects.filter(username="frank").update(is_active=False)
    record_event(AuditAction.READ, username="maria", data_category="after the backup")


@pytest.mark.django_db(transaction=True)
def test_restore_brings_back_every_row_as_it_was_at_the_backup(tmp_path: Path):
    _build_practice_data()
    before = _state()
    backup = tmp_path / "snapshot.bak"
    call_command("backup", output=backup, stdout=StringIO())
    _change_everything()
    assert _state() != before

    out = StringIO()
    call_command("restore", str(backup), yes=True, discard_newer_audit=True, stdout=out)

    after = _state()
    assert after["users"] == before["users"]
    assert after["patients"] == before["patients"]  # ssn decrypted: the key still reads it
    assert after["audit"][: len(before["audit"])] == before["audit"]
    assert "chain is intact" in out.getvalue()
    assert verify_chain(save=False).ok


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_are_recorded_in_the_audit_log(tmp_path: Path):
    _build_practice_data()
    backup = tmp_path / "snapshot.bak"
    call_command("backup", output=backup, stdout=StringIO())
    exported = AuditEvent.objects.order_by("-seq").first()
    assert (exported.action, exported.data_category) == (AuditAction.EXPORT, "backup")
    assert str(backup) in exported.detail

    call_command("restore", str(backup), yes=True, stdout=StringIO())
    restored = AuditEvent.objects.order_by("-seq").first()
    assert (restored.action, restored.data_category) == (AuditAction.SECURITY, "backup")
    assert "restored from" in restored.detail


@pytest.mark.django_db(transaction=True)
def test_backup_goes_to_var_backups_by_default(tmp_path: Path, settings):
    settings.VAR_DIR = tmp_path
    call_command("backup", stdout=StringIO())
    (written,) = (tmp_path / "backups").iterdir()
    assert written.name.startswith("medoffice-")
    assert written.suffix == (".dump" if ON_POSTGRES else ".sqlite3")
    assert written.stat().st_mode & 0o077 == 0  # readable by the owner only


@pytest.mark.django_db(transaction=True)
def test_backup_refuses_to_overwrite_a_file(tmp_path: Path):
    existing = tmp_path / "taken.bak"
    existing.write_text("keep me")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=existing, stdout=StringIO())
    assert existing.read_text() == "keep me"


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_without_yes_and_changes_nothing(tmp_path: Path):
    _build_practice_data()
    backup = tmp_path / "snapshot.bak"
    call_command("backup", output=backup, stdout=StringIO())
    UserFactory(username="newcomer")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(backup), stdout=StringIO())
    assert User.objects.filter(username="newcomer").exists()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list")
    with pytest.raises(CommandError, match="is not a MedOffice backup"):
        call_command("restore", str(notes), yes=True)


def test_restore_refuses_a_backup_of_the_other_kind_of_database(tmp_path: Path):
    other = tmp_path / "other.bak"
    if ON_POSTGRES:
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
        expected = "is a SQLite database, but this installation's database is postgresql"
    else:
        other.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 64)
        expected = "is a PostgreSQL dump, but this installation's database is sqlite"
    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(other), yes=True)


@pytest.mark.skipif(ON_POSTGRES, reason="a SQLite check")
def test_restore_refuses_a_sqlite_database_that_is_not_medoffice(tmp_path: Path):
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(CommandError, match="not a MedOffice one"):
        call_command("restore", str(other), yes=True)


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="the trigger exists on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_restore_on_postgres_brings_back_the_append_only_trigger(tmp_path: Path):
    _build_practice_data()
    backup = tmp_path / "snapshot.dump"
    call_command("backup", output=backup, stdout=StringIO())
    call_command("restore", str(backup), yes=True, stdout=StringIO())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(detail="rewritten")


# --- audit entries written since the backup are never discarded silently -----------


def _eight_entries_after_the_backup(location) -> None:
    patient = PatientFactory(home_location=location)
    record_event(
        AuditAction.CREATE, obj=patient, patient_id=patient.pk, data_category="registration"
    )
    for n in range(7):
        record_event(AuditAction.READ, username="frank", patient_id=patient.pk, object_id=n)


def _backup_then_eight_entries(tmp_path: Path) -> tuple[Path, int]:
    _build_practice_data()
    backup = tmp_path / "snapshot.bak"
    call_command("backup", output=backup, stdout=StringIO())
    head = AuditEvent.objects.order_by("-seq").first().seq
    _eight_entries_after_the_backup(LocationFactory())
    return backup, head


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_when_audit_entries_would_be_lost_and_says_how_many(tmp_path: Path):
    backup, head = _backup_then_eight_entries(tmp_path)
    before = _state()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(backup), yes=True, stdout=StringIO())
    message = str(refused.value)
    assert "--discard-newer-audit" in message
    assert f"8 audit entries were written since the backup (#{head + 1}–#{head + 8}" in message
    assert _state() == before  # nothing was changed
    assert list(tmp_path.iterdir()) == [backup]  # and nothing exported


@pytest.mark.django_db(transaction=True)
def test_restore_right_after_a_backup_discards_nothing(tmp_path: Path):
    _build_practice_data()
    backup = tmp_path / "snapshot.bak"
    call_command("backup", output=backup, stdout=StringIO())
    out = StringIO()
    call_command("restore", str(backup), yes=True, stdout=out)
    assert "chain is intact" in out.getvalue()
    assert "no audit entries discarded" in AuditEvent.objects.order_by("-seq").first().detail


@pytest.mark.django_db(transaction=True)
def test_restore_exports_the_newer_entries_beside_the_backup_with_every_column(tmp_path: Path):
    backup, head = _backup_then_eight_entries(tmp_path)
    columns = [field.attname for field in AuditEvent._meta.concrete_fields]
    newer = list(AuditEvent.objects.filter(seq__gt=head).order_by("seq").values(*columns))
    out = StringIO()
    call_command("restore", str(backup), yes=True, discard_newer_audit=True, stdout=out)

    (export,) = tmp_path.glob("snapshot.bak.discarded-audit-*.jsonl")
    assert export.name.startswith(f"snapshot.bak.discarded-audit-{head + 1}-{head + 8}-")
    assert export.stat().st_mode & 0o077 == 0
    lines = [json.loads(line) for line in export.read_text().splitlines()]
    assert [set(line) for line in lines] == [set(columns)] * 8
    assert [(line["seq"], line["entry_hash"], line["mac"]) for line in lines] == [
        (row["seq"], row["entry_hash"], row["mac"]) for row in newer
    ]
    assert lines[0]["action"] == "create"
    assert lines[0]["data_category"] == "registration"
    assert lines[0]["occurred_at"] == newer[0]["occurred_at"].isoformat(timespec="microseconds")
    assert f"Exported the 8 audit entries written since the backup (#{head + 1}–#{head + 8})" in (
        out.getvalue()
    )


@pytest.mark.django_db(transaction=True)
def test_the_restore_event_records_the_backup_head_the_discarded_range_and_the_export(
    tmp_path: Path,
):
    backup, head = _backup_then_eight_entries(tmp_path)
    head_hash = AuditEvent.objects.get(seq=head).entry_hash
    assert verify_chain().ok  # a checkpoint outside the database at the discarded head
    out = StringIO()
    call_command("restore", str(backup), yes=True, discard_newer_audit=True, stdout=out)

    (export,) = tmp_path.glob("snapshot.bak.discarded-audit-*.jsonl")
    restored = AuditEvent.objects.order_by("-seq").first()
    assert restored.seq == head + 1
    assert f"the backup's chain head: #{head} {head_hash}" in restored.detail
    assert f"audit entries #{head + 1}–#{head + 8} of the replaced database discarded" in (
        restored.detail
    )
    assert export.name in restored.detail
    assert f"this entry takes number #{head + 1}" in restored.detail
    # The deliberate cut was anchored outside the database: the chain verifies.
    assert "chain is intact" in out.getvalue()
    assert verify_chain(save=False).ok


@pytest.mark.skipif(ON_POSTGRES, reason="the old schema is made with SQLite's ALTER TABLE")
@pytest.mark.django_db(transaction=True)
def test_a_backup_from_before_the_keyed_chain_is_restored_and_brought_up_to_date(tmp_path: Path):
    _build_practice_data()
    backup = tmp_path / "snapshot.sqlite3"
    call_command("backup", output=backup, stdout=StringIO())
    old = sqlite3.connect(backup)  # as a backup made before core migration 0006 would be
    for trigger in audittriggers.sqlite_trigger_names():
        old.execute(f"DROP TRIGGER {trigger}")
    for table, columns in {
        "core_auditevent": ("mac", "mac_key_id"),
        "core_auditverification": ("mac", "key_id", "unkeyed"),
    }.items():
        for column in columns:
            old.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    # Nor the tables of core's later migrations.
    for table in (
        "core_recoverycode",
        "core_recoverycodes",
        "core_authenticatorapp",
        "core_failuretally",
    ):
        old.execute(f"DROP TABLE {table}")
    old.execute("DELETE FROM django_migrations WHERE app = 'core' AND name >= '0006'")
    old.commit()
    old.close()

    out = StringIO()
    call_command("restore", str(backup), yes=True, stdout=out)
    assert "applied its migrations" in out.getvalue()
    assert "written before the audit key existed" in out.getvalue()
    assert "chain is intact" in out.getvalue()
    restored = AuditEvent.objects.order_by("-seq").first()
    assert restored.mac_key_id  # this version's restore event is keyed
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()  # and the triggers are back
