"""Two-step log-in with TOTP (django-otp) and one-time recovery codes (ONC 170.315(d)(13)).

The devices are core's own (core/models/mfa.py): the authenticator key is encrypted at
rest and the recovery codes are kept as hashes (ONC 170.315(d)(12)).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal

import segno
from django.db import transaction
from django.utils import timezone

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, User
from medoffice.core.models.mfa import (
    AuthenticatorApp,
    RecoveryCode,
    RecoveryCodes,
    hash_recovery_code,
    new_recovery_code,
)

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery codes"


def has_confirmed_device(user: User) -> bool:
    return AuthenticatorApp.objects.filter(user=user, confirmed=True).exists()


def pending_step(user: User, *, required: bool) -> Literal["verify", "enrol"] | None:
    """The two-step log-in step a logged-in ``user`` still owes, or None when log-in is done.

    "verify": the user has an authenticator app and has not yet typed its code this
    session; "enrol": the user has none but must use one (``required``: the practice
    requires two-step log-in for everyone; some roles always need it). The one rule
    behind MfaRequiredMiddleware, the API's session check and the API docs page.
    """
    if user.is_verified():
        return None
    if has_confirmed_device(user):
        return "verify"
    if user.mfa_required(required):
        return "enrol"
    return None


def pending_totp_device(user: User) -> AuthenticatorApp:
    """The unconfirmed authenticator-app device being enrolled (created on first call)."""
    device = AuthenticatorApp.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = AuthenticatorApp.objects.create(
            user=user, name="authenticator app", confirmed=False
        )
    return device


def qr_svg(device: AuthenticatorApp) -> str:
    """The provisioning URI as an inline SVG QR code, rendered here, not by a web service."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(
        scale=5, dark="#111", light="#fff", title="Scan with your authenticator app"
    )


def secret_text(device: AuthenticatorApp) -> str:
    """The base32 secret, for typing into an app that cannot scan."""
    import base64

    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@transaction.atomic
def confirm_totp_device(user: User, device: AuthenticatorApp, code: str) -> list[str] | None:
    """Confirm enrolment when the code matches; returns new recovery codes, or None.

    While the device pauses after wrong codes (``throttle_wait``) the code is not
    checked; the refusal is audited either way.
    """
    paused = throttle_wait(device) > 0
    if paused or not device.verify_token(code.replace(" ", "")):
        record_event(
            AuditAction.SECURITY,
            user=user,
            obj=device,
            outcome="failure",
            detail="MFA enrolment code refused while paused after wrong codes"
            if paused
            else "MFA enrolment code rejected",
        )
        return None
    AuthenticatorApp.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event(
        AuditAction.SECURITY, user=user, obj=device, detail="MFA enrolled (authenticator app)"
    )
    return regenerate_recovery_codes(user)


@transaction.atomic
def regenerate_recovery_codes(user: User) -> list[str]:
    """New recovery codes for ``user``, replacing the old; returned to be shown once, only
    their hashes are kept."""
    device, _ = RecoveryCodes.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.codes.all().delete()
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, code_hash=hash_recovery_code(c)) for c in codes]
    )
    device.confirmed = True
    device.save()
    record_event(AuditAction.SECURITY, user=user, obj=device, detail="recovery codes issued")
    return codes


@dataclass(frozen=True)
class CodeCheck:
    """What became of a code typed at the two-step prompt.

    ``device`` is the device that accepted it (None: refused). ``wait_seconds`` > 0
    means a device was still pausing after wrong codes (django-otp's throttling: 1, 2,
    4… seconds) and could not check it, so the code may well have been right.
    """

    device: Any | None = None
    wait_seconds: int = 0


def throttle_wait(device: Any, *, now: dt.datetime | None = None) -> int:
    """Seconds before ``device`` checks codes again after wrong ones (0: it does now)."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return 1
    remaining = (locked_until - (now or timezone.now())).total_seconds()
    return max(1, math.ceil(remaining))


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


def check_code(user: User, code: str, *, now: dt.datetime | None = None) -> CodeCheck:
    """Try the code on the user's authenticator, then on their recovery codes."""
    code = code.strip().replace(" ", "")
    wait = 0
    devices = [
        *AuthenticatorApp.objects.filter(user=user, confirmed=True),
        *RecoveryCodes.objects.filter(user=user, confirmed=True),
    ]
    for device in devices:
        device_wait = throttle_wait(device, now=now)
        if device_wait:
            wait = max(wait, device_wait)
        elif device.verify_token(code):
            return CodeCheck(device=device)
    return CodeCheck(wait_seconds=wait)


@transaction.atomic
def reset_mfa(user: User, *, by: Any) -> None:
    """Remove a user's devices (lost phone); they enrol again at next log-in."""
    AuthenticatorApp.objects.filter(user=user).delete()
    RecoveryCodes.objects.filter(user=user).delete()
    record_event(
        AuditAction.SECURITY, user=by, obj=user, detail=f"MFA reset for {user.get_username()}"
    )
