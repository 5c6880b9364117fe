"""The second factor at rest (ONC 170.315(d)(12)): a copy of the database holds no
authenticator key in the clear and no recovery code, and key rotation keeps both working."""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from medoffice.core.fields import PREFIX
from medoffice.core.management.commands.rotate_keys import encrypted_fields
from medoffice.core.models import AuthenticatorApp, RecoveryCode, RecoveryCodes
from medoffice.core.roles import Role
from tests.core.test_mfa import current_code, enrol, password_step
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def _column(model, column: str) -> list[str]:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table} ORDER BY id")  # noqa: S608 - fixed names
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def enrolled(practice):
    """An office manager who set up an app under KEY_A: (device, recovery codes)."""
    UserFactory(roles=[Role.OFFICE_MANAGER], username="maria")
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        device, codes = enrol(password_step("maria"))
    return device, codes


def _log_in_with(code: str) -> Client:
    client = password_step("maria")
    response = client.post("/accounts/mfa/verify/", {"code": code})
    assert response.status_code == 302, response.context["form"].errors
    assert client.get("/").status_code == 200
    return client


def test_the_stored_authenticator_key_is_ciphertext_not_hex(enrolled):
    device, _ = enrolled
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        device.refresh_from_db()
        [stored] = _column(AuthenticatorApp, "key")
    assert stored.startswith(PREFIX)
    assert device.key not in stored
    assert device.bin_key.hex() not in stored.lower()


def test_the_database_holds_no_recovery_code_only_hashes(enrolled):
    _, codes = enrolled
    stored = _column(RecoveryCode, "code_hash")
    assert len(stored) == 10
    for code in codes:
        plain = code.replace("-", "")
        assert not any(plain in value or code in value for value in stored)


def test_recovery_codes_are_long_enough_that_their_hashes_cannot_be_tried_out(enrolled):
    _, codes = enrolled
    assert len(set(codes)) == 10
    assert all(len(code.replace("-", "")) == 16 for code in codes)


def test_django_otps_plain_tables_stay_empty(enrolled):
    assert not TOTPDevice.objects.exists()
    assert not StaticToken.objects.exists()


def test_log_in_with_the_app_works_with_the_encrypted_key(enrolled):
    device, _ = enrolled
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        device.refresh_from_db()
        device.last_t = -1  # the enrolment used this window's code
        device.save()
        _log_in_with(current_code(device))


def test_log_in_with_a_recovery_code_works_typed_in_any_case_and_spacing(enrolled):
    _, codes = enrolled
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        _log_in_with(codes[0].upper().replace("-", " "))


def test_a_used_recovery_code_cannot_be_used_again(enrolled):
    _, codes = enrolled
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        _log_in_with(codes[1])
        response = password_step("maria").post("/accounts/mfa/verify/", {"code": codes[1]})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert RecoveryCode.objects.count() == 9


def test_a_recovery_code_is_accepted_by_one_check_only(enrolled):
    _, codes = enrolled
    device = RecoveryCodes.objects.get()
    twin = RecoveryCodes.objects.get()  # another request holding the same device
    assert device.verify_token(codes[2])
    assert not twin.verify_token(codes[2])


def test_the_recovery_codes_page_says_how_many_are_left(enrolled):
    _, codes = enrolled
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        client = _log_in_with(codes[0])
        page = client.get("/accounts/mfa/recovery-codes/").content.decode()
    assert "You have 9 unused recovery codes." in page


def test_rotate_keys_re_encrypts_the_authenticator_key(enrolled):
    assert "core.AuthenticatorApp.key" in {
        f"{model._meta.label}.{field.name}" for model, field in encrypted_fields()
    }
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        out = StringIO()
        call_command("rotate_keys", stdout=out)
    assert "core.AuthenticatorApp.key: re-encrypted 1" in out.getvalue()


def test_after_rotation_the_new_key_alone_logs_in_with_the_app_and_the_codes(enrolled):
    device, codes = enrolled
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        call_command("rotate_keys", stdout=StringIO())
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        device.refresh_from_db()
        device.last_t = -1
        device.save()
        _log_in_with(current_code(device))
        _log_in_with(codes[3])


# --- the upgrade: django-otp's plain rows ---------------------------------------------


def _move_migration():
    return importlib.import_module("medoffice.core.migrations.0010_second_factor_secrets_moved")


def test_the_upgrade_moves_a_plain_authenticator_key_into_an_encrypted_device(practice):
    user = UserFactory(roles=[Role.OFFICE_MANAGER], username="maria")
    old = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True, drift=1)
    _move_migration().forwards(apps, None)
    assert not TOTPDevice.objects.exists()
    moved = AuthenticatorApp.objects.get(user=user)
    assert (moved.key, moved.confirmed, moved.drift) == (old.key, True, 1)
    [stored] = _column(AuthenticatorApp, "key")
    assert old.key not in stored


def test_after_the_upgrade_the_user_logs_in_with_the_same_phone(practice):
    user = UserFactory(roles=[Role.OFFICE_MANAGER], username="maria")
    old = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    _move_migration().forwards(apps, None)
    _log_in_with(current_code(old))


def test_the_upgrade_deletes_the_plain_recovery_codes(practice):
    user = UserFactory(roles=[Role.OFFICE_MANAGER], username="maria")
    old = StaticDevice.objects.create(user=user, name="recovery codes")
    old.token_set.create(token="12345-67890")
    _move_migration().forwards(apps, None)
    assert not StaticToken.objects.exists()
    assert not StaticDevice.objects.exists()
