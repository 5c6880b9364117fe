"""The second factor's devices, their secrets kept unreadable at rest (ONC 170.315(d)(12)).

django-otp's own TOTP and static devices store the authenticator key in hex and the
recovery codes as typed, so a copy of the database or a backup would hand out everyone's
second factor. These two devices plug into django-otp the same way (``Device``: the
session remembers the device, ``user.is_verified()``, the throttling after wrong codes)
but keep:

- the authenticator key in an ``EncryptedTextField`` (Fernet under
  ``FIELD_ENCRYPTION_KEYS``, re-encrypted by ``medoffice rotate-keys`` like every
  encrypted field);
- each recovery code as its SHA-256 hash only, like the API tokens: a code has 80 random
  bits, so the hash cannot be reversed by trying codes, and it needs no key, so a key
  rotation leaves the codes working. A code is shown once, when it is made, and checked
  by hashing what was typed.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from base64 import b32encode
from binascii import unhexlify
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import models, transaction
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import random_hex

from medoffice.core.fields import EncryptedTextField
from medoffice.core.querysets import RestrictedQuerySet


class DeviceQuerySet(RestrictedQuerySet):
    """The house's restricted queryset, with what django-otp asks a device's manager."""

    def devices_for_user(self, user: Any, confirmed: bool | None = None) -> DeviceQuerySet:
        devices = self.filter(user=user)
        return devices if confirmed is None else devices.filter(confirmed=bool(confirmed))


def new_totp_key() -> str:
    """20 random bytes in hex (RFC 4226's recommended key length)."""
    return str(random_hex(20))


class AuthenticatorApp(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238: 6 digits, 30-second steps), key encrypted.

    One step either side of the current one is accepted (a phone's clock a little off);
    a code is accepted once (``last_t``), and a clock that runs steadily off is followed
    (``drift``), as django-otp's own TOTP device does.
    """

    key = EncryptedTextField(default=new_totp_key, help_text="The secret, in hex; encrypted.")
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    objects = DeviceQuerySet.as_manager()

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    def verify_token(self, token: Any) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        token = str(token).strip()
        verified = False
        if token.isdigit() and len(token) == self.digits:
            totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
            totp.time = time.time()
            verified = bool(totp.verify(int(token), self.tolerance, self.last_t + 1))
            if verified:
                self.last_t = totp.t()
                self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    @property
    def config_url(self) -> str:
        """The otpauth:// URI an app scans (Google's Key Uri Format)."""
        issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "") or "").replace(":", "")
        label = self.user.get_username()
        params = {
            "secret": b32encode(self.bin_key).decode(),
            "algorithm": "SHA1",
            "digits": self.digits,
            "period": self.step,
        }
        query = urlencode(params)
        if issuer:
            label = f"{issuer}:{label}"
            query += f"&issuer={quote(issuer)}"
        return f"otpauth://totp/{quote(label)}?{query}"


# 32 letters and digits without 0/o, 1/l/i, so a printed code reads back unambiguously.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_CODE_LENGTH = 16  # 16 characters of 31: 79 random bits


def normalise_recovery_code(typed: str) -> str:
    """The code as stored in the hash: lower case, without spaces or dashes."""
    return "".join(ch for ch in typed.lower() if ch not in " -")


def hash_recovery_code(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def new_recovery_code() -> str:
    """A fresh code, printed in four groups of four (``k7mq-3xpf-9rtw-bn4e``)."""
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))


class RecoveryCodes(TimestampMixin, ThrottlingMixin, Device):
    """A user's one-time recovery codes; only their hashes are kept (``RecoveryCode``)."""

    objects = DeviceQuerySet.as_manager()

    class Meta(Device.Meta):
        verbose_name = "recovery codes"
        verbose_name_plural = "recovery codes"

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1))

    def verify_token(self, token: Any) -> bool:
        """Accept a code once: it is deleted as it is used, and only one request can."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        digest = hash_recovery_code(str(token))
        with transaction.atomic():
            used, _ = RecoveryCode.objects.filter(device=self, code_hash=digest).delete()
            if used:
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
                return True
        self.throttle_increment(commit=True)
        return False


class RecoveryCode(models.Model):
    """One unused recovery code, as the SHA-256 hash of its normalised text."""

    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "code_hash"], name="recovery_code_once")
        ]

    def __str__(self) -> str:
        return f"a recovery code of {self.device.user}"
