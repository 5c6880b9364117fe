"""Signed pay links: the address printed on a statement and sent in a balance reminder.

``pay_url(patient_id=…, statement_id=…)`` is an absolute address under
``PUBLIC_BASE_URL`` (``/p/pay/<token>/``) whose token names the patient (and the statement
it was printed on, when there is one), signed with the site's secret and a salt of its own,
and dated: it stops working ``PAY_LINK_MAX_AGE_DAYS`` after it was made. The token holds
ids only, never a name or an amount; the page reads the balance when it is opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "medoffice.billing.paylink"


@dataclass(frozen=True)
class PayLink:
    patient_id: int
    statement_id: int | None


class PayLinkRefused(Exception):
    """The token is not one we signed, was changed, or has expired (``status`` 404/410)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def make_token(*, patient_id: int, statement_id: int | None = None) -> str:
    value = f"{int(patient_id)}" + (f".{int(statement_id)}" if statement_id is not None else "")
    return _signer().sign(value)


def read_token(token: str) -> PayLink:
    """What a token names; ``PayLinkRefused`` (410 expired, 404 otherwise) when it is not good."""
    max_age = settings.PAY_LINK_MAX_AGE_DAYS * 86400
    try:
        value = _signer().unsign(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise PayLinkRefused(
            410, "This pay link has expired. Call the office for a new one, or pay by phone."
        ) from exc
    except signing.BadSignature as exc:
        raise PayLinkRefused(
            404, "This pay link is not one of ours or was changed. Check the address."
        ) from exc
    patient, _, statement = value.partition(".")
    if not patient.isdigit() or (statement and not statement.isdigit()):
        raise PayLinkRefused(404, "This pay link is not one of ours or was changed.")
    return PayLink(int(patient), int(statement) if statement else None)


def pay_path(token: str) -> str:
    return reverse("pay:page", args=[token])


def pay_url(*, patient_id: int, statement_id: int | None = None, request: Any = None) -> str:
    """The absolute pay-link address for the patient (and the statement it is printed on).

    With ``request`` the address starts with the request's own host; otherwise with
    ``PUBLIC_BASE_URL`` (a statement run or a reminder task has no request).
    """
    path = pay_path(make_token(patient_id=patient_id, statement_id=statement_id))
    if request is not None:
        return str(request.build_absolute_uri(path))
    return f"{settings.PUBLIC_BASE_URL}{path}"
