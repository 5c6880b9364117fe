"""EncryptedTextField: ciphertext in the database, plaintext in Python; key rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from medoffice.core import fields
from medoffice.patients.models import Patient
from tests.factories import PatientFactory

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
OTHER_KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def fresh_cipher():
    fields._cipher.cache_clear()
    yield
    fields._cipher.cache_clear()


def raw_ssn(patient: Patient) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn FROM patients_patient WHERE id = %s", [patient.pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_database_column_holds_ciphertext_not_the_ssn():
    patient = PatientFactory(ssn="123-45-6789")
    stored = raw_ssn(patient)
    assert stored.startswith(fields.PREFIX)
    assert "6789" not in stored
    assert "123-45" not in stored


@pytest.mark.django_db
def test_model_reads_back_the_plain_value():
    patient = PatientFactory(ssn="123-45-6789")
    assert Patient.objects.get(pk=patient.pk).ssn == "123-45-6789"


@pytest.mark.django_db
def test_same_value_encrypts_differently_each_time():
    first = PatientFactory(ssn="123-45-6789")
    second = PatientFactory(ssn="123-45-6789")
    assert raw_ssn(first) != raw_ssn(second)


@pytest.mark.django_db
def test_empty_value_is_stored_empty():
    patient = PatientFactory(ssn="")
    assert raw_ssn(patient) == ""
    assert Patient.objects.get(pk=patient.pk).ssn == ""


@pytest.mark.django_db
def test_value_written_under_the_old_key_reads_after_a_new_key_is_added():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        patient = PatientFactory(ssn="123-45-6789")
    fields._cipher.cache_clear()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert Patient.objects.get(pk=patient.pk).ssn == "123-45-6789"


@pytest.mark.django_db
def test_newest_key_encrypts_new_values():
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        patient = PatientFactory(ssn="123-45-6789")
        stored = raw_ssn(patient)
    token = stored[len(fields.PREFIX) :].encode()
    assert Fernet(NEW_KEY.encode()).decrypt(token) == b"123-45-6789"
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEY.encode()).decrypt(token)


@pytest.mark.django_db
def test_rotate_re_encrypts_with_the_newest_key():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        stored = fields.encrypt("123-45-6789")
    fields._cipher.cache_clear()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        rotated = fields.rotate(stored)
    fields._cipher.cache_clear()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert fields.decrypt(rotated) == "123-45-6789"


@pytest.mark.django_db
def test_value_under_a_retired_key_is_a_clear_configuration_error():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        patient = PatientFactory(ssn="123-45-6789")
    fields._cipher.cache_clear()
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]),
        pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"),
    ):
        Patient.objects.get(pk=patient.pk)


def test_a_key_that_is_not_a_fernet_key_is_a_clear_configuration_error():
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=["not-a-key"]),
        pytest.raises(ImproperlyConfigured, match="not a Fernet key"),
    ):
        fields.encrypt("x")
