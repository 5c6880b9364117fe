"""Two-step log-in with TOTP (django-otp) and one-time recovery codes (ONC 170.315(d)(13))."""

from __future__ import annotations

import secrets
from typing import Any

import segno
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery codes"


def has_confirmed_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(user: Any) -> TOTPDevice:
    """The unconfirmed authenticator-app device being enrolled (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an inline SVG QR code, rendered here, not by a web service."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(
        scale=5, dark="#111", light="#fff", title="Scan with your authenticator app"
    )


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret, for typing into an app that cannot scan."""
    import base64

    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@transaction.atomic
def confirm_totp_device(user: Any, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm enrolment when the code matches; returns new recovery codes, or None."""
    if not device.verify_token(code.replace(" ", "")):
        record_event(
            AuditAction.SECURITY,
            user=user,
            obj=device,
            outcome="failure",
            detail="MFA enrolment code rejected",
        )
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event(
        AuditAction.SECURITY, user=user, obj=device, detail="MFA enrolled (authenticator app)"
    )
    return regenerate_recovery_codes(user)


@transaction.atomic
def regenerate_recovery_codes(user: Any) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [
        f"{secrets.randbelow(10**5):05d}-{secrets.randbelow(10**5):05d}"
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    device.confirmed = True
    device.save()
    record_event(AuditAction.SECURITY, user=user, obj=device, detail="recovery codes issued")
    return codes


def verify_code(user: Any, code: str) -> Any | None:
    """The device that accepts this code (authenticator or one recovery code), or None."""
    code = code.strip().replace(" ", "")
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            return device
    return None


@transaction.atomic
def reset_mfa(user: Any, *, by: Any) -> None:
    """Remove a user's devices (lost phone); they enrol again at next log-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record_event(
        AuditAction.SECURITY, user=by, obj=user, detail=f"MFA reset for {user.get_username()}"
    )
