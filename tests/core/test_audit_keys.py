"""The audit key comes from the environment (AUDIT_HMAC_KEYS), like the field-encryption keys."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from medoffice import secrets as medoffice_secrets


def test_the_demo_env_file_gets_an_audit_key(tmp_path: Path):
    env = tmp_path / "env"
    assert medoffice_secrets.ensure_env_file(env)
    values = dict(line.split("=", 1) for line in env.read_text().splitlines())
    assert set(values) == {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "AUDIT_HMAC_KEYS"}
    ((_key_id, secret),) = medoffice_secrets.parse_audit_keys([values["AUDIT_HMAC_KEYS"]])
    assert len(secret) >= medoffice_secrets.MIN_AUDIT_SECRET
    assert env.stat().st_mode & 0o077 == 0
    assert not medoffice_secrets.ensure_env_file(env)  # a second run changes nothing


def test_an_env_file_from_before_the_audit_key_gets_one_added_and_keeps_the_rest(tmp_path: Path):
    env = tmp_path / "env"
    env.write_text("SECRET_KEY=kept\nFIELD_ENCRYPTION_KEYS=kept-too\n")
    assert medoffice_secrets.ensure_env_file(env)
    lines = env.read_text().splitlines()
    assert lines[:2] == ["SECRET_KEY=kept", "FIELD_ENCRYPTION_KEYS=kept-too"]
    assert lines[2].startswith("AUDIT_HMAC_KEYS=k")


def test_keys_are_read_newest_first_with_their_ids():
    keys = medoffice_secrets.parse_audit_keys(["new:" + "n" * 32, "old:" + "o" * 32])
    assert keys == [("new", b"n" * 32), ("old", b"o" * 32)]


@pytest.mark.parametrize(
    ("items", "fault"),
    [
        (["no-separator"], "is not id:secret"),
        (["bad id!:" + "x" * 32], "is not id:secret"),
        (["short:abc"], "shorter than 32"),
        (["same:" + "x" * 32, "same:" + "y" * 32], "appears twice"),
    ],
)
def test_a_malformed_key_list_is_refused_naming_the_fault(items, fault):
    with pytest.raises(ValueError, match=fault):
        medoffice_secrets.parse_audit_keys(items)


def test_production_settings_refuse_to_start_without_an_audit_key(tmp_path: Path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"AUDIT_HMAC_KEYS", "MEDOFFICE_TESTING", "DEBUG"}
    }
    env.update(
        SECRET_KEY="s" * 60,
        FIELD_ENCRYPTION_KEYS="dGVzdC1rZXktbm90LWZvci1wcm9kdWN0aW9uLTAwMDA=",
        MEDOFFICE_VAR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="medoffice.settings",
    )
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "AUDIT_HMAC_KEYS: not set" in done.stderr
