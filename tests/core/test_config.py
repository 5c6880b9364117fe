"""The environment is parsed in one typed place, medoffice.config; bad values name their variable."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from django.conf import settings

from medoffice.config import Config, ConfigError

ROOT = Path(__file__).resolve().parents[2]
TESTING = {"MEDOFFICE_TESTING": "1"}


def test_the_defaults_parse_into_typed_fields():
    config = Config.from_environ(TESTING)

    assert config.idle_timeout_minutes == 15
    assert config.https is False
    assert config.allowed_hosts == ("127.0.0.1", "localhost", "testserver")
    assert config.task_backend == "database"
    assert config.sms_timeout_seconds == 10.0


def test_values_from_the_environment_are_parsed():
    config = Config.from_environ(
        {**TESTING, "IDLE_TIMEOUT_MINUTES": "30", "HTTPS": "yes", "ALLOWED_HOSTS": "a.org, b.org"}
    )

    assert config.idle_timeout_minutes == 30
    assert config.https is True
    assert config.secure_hsts_seconds == 31536000
    assert config.allowed_hosts == ("a.org", "b.org")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("IDLE_TIMEOUT_MINUTES", "soon", "whole number"),
        ("IDLE_TIMEOUT_MINUTES", "0", "at least 1"),
        ("AXES_FAILURE_LIMIT", "-3", "at least 1"),
        ("HTTPS", "maybe", "true or false"),
        ("TASK_BACKEND", "celery", "database, rq, immediate"),
        ("API_RATE", "lots", "10/min"),
        ("PUBLIC_BASE_URL", "medoffice.example.org", "https://"),
        ("SMS_TIMEOUT_SECONDS", "fast", "number"),
        ("LOG_LEVEL", "chatty", "INFO"),
        ("FIELD_ENCRYPTION_KEYS", "not-a-key", "Fernet key"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(name, value, expected):
    with pytest.raises(ConfigError) as caught:
        Config.from_environ({**TESTING, name: value})

    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert expected in message
    assert caught.value.name == name


@pytest.mark.parametrize("name", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS"])
def test_production_without_a_secret_is_refused_naming_it(name):
    environ = {
        "SECRET_KEY": "s" * 50,
        "FIELD_ENCRYPTION_KEYS": "dGVzdC1rZXktbm90LWZvci1wcm9kdWN0aW9uLTAwMDA=",
    }
    del environ[name]

    with pytest.raises(ConfigError, match=f"^{name}: not set"):
        Config.from_environ(environ)


def test_the_config_is_frozen():
    config = Config.from_environ(TESTING)

    with pytest.raises(dataclasses.FrozenInstanceError):
        config.debug = True  # type: ignore[misc]


def test_the_settings_are_made_from_the_config():
    assert settings.CONFIG.testing is True
    assert settings.CONFIG.idle_timeout_minutes == settings.IDLE_TIMEOUT_MINUTES
    assert settings.API_THROTTLE_RATES["api"] == settings.CONFIG.api_rate


def test_the_settings_module_reads_no_environment_variable_itself():
    source = (ROOT / "src" / "medoffice" / "settings.py").read_text()

    assert "os.environ" not in source
    assert "getenv" not in source


def test_every_variable_is_documented_in_operations_md():
    source = (ROOT / "src" / "medoffice" / "config.py").read_text()
    names = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', source))
    docs = (ROOT / "docs" / "operations.md").read_text()

    assert names
    assert {n for n in names if f"`{n}`" not in docs} == set()
