"""Encrypted model fields for sensitive identifiers (HIPAA 164.312(a)(2)(iv)).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a MultiFernet
of ``settings.FIELD_ENCRYPTION_KEYS``: the first key encrypts, every key
decrypts, and ``medoffice rotate-keys`` re-encrypts with the first key.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from exc


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return PREFIX + cipher().encrypt(plaintext.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("stored value is not encrypted")
    try:
        return cipher().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted value cannot be read with any key in FIELD_ENCRYPTION_KEYS."
        ) from exc


def rotate(stored: str) -> str:
    """The same value encrypted with the newest key."""
    return PREFIX + cipher().rotate(stored[len(PREFIX) :].encode()).decode()


class EncryptedTextField(models.TextField):
    """Text stored encrypted; reads give the plain value, the database never sees it."""

    description = "Text encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
