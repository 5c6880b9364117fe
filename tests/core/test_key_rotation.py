"""`medoffice rotate-keys`: every encrypted value moves to the newest key, once."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from medoffice.core.management.commands.rotate_keys import encrypted_fields
from medoffice.core.models import AuditAction, AuditEvent
from medoffice.patients.models import Patient
from tests.factories import PatientFactory

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
SSNS = [f"900-12-{3000 + n}" for n in range(7)]


def _stored_ssns() -> list[str]:
    table = connection.ops.quote_name(Patient._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ssn FROM {table} ORDER BY id")  # noqa: S608 - fixed names
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def patients_under_key_a(db):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        patients = [PatientFactory(ssn=ssn) for ssn in SSNS]
        PatientFactory(ssn="")
    return patients


def _rotate(*extra: str) -> str:
    out = StringIO()
    call_command("rotate_keys", "--batch-size", "3", *extra, stdout=out)
    return out.getvalue()


def test_every_encrypted_field_is_found_through_the_app_registry():
    labels = {f"{model._meta.label}.{field.name}" for model, field in encrypted_fields()}
    assert "patients.Patient.ssn" in labels


def test_after_rotation_the_new_key_alone_reads_every_value(patients_under_key_a):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        output = _rotate()
    assert "patients.Patient.ssn: re-encrypted 7, already under the newest key 0, empty 1" in output
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        assert [p.ssn for p in Patient.objects.order_by("pk")] == [*SSNS, ""]


def test_before_rotation_the_new_key_alone_cannot_read_the_values(patients_under_key_a):
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]),
        pytest.raises(ImproperlyConfigured, match="cannot be read"),
    ):
        list(Patient.objects.all())


def test_a_second_rotation_changes_nothing(patients_under_key_a):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        _rotate()
        stored = _stored_ssns()
        output = _rotate()
    assert "re-encrypted 0, already under the newest key 7" in output
    assert _stored_ssns() == stored


def test_a_dry_run_counts_and_writes_nothing(patients_under_key_a):
    stored = _stored_ssns()
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        output = _rotate("--dry-run")
    assert "would re-encrypt 7" in output
    assert _stored_ssns() == stored


def test_rotation_is_recorded_in_the_audit_log(patients_under_key_a):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        _rotate()
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == AuditAction.SECURITY
    assert event.data_category == "encryption keys"
    assert "7 values" in event.detail
