"""Signed links for patients: a token that names one row for one purpose, signed with the
site's secret and a salt of the sending app's choosing. Messaging signs and checks; the
app that owns the row decides what the link does (``scheduling.reminders``: confirm or
cancel a visit) and serves its page."""

from __future__ import annotations

from django.core import signing


def signer(salt: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=salt)


def sign(salt: str, pk: int) -> str:
    return signer(salt).sign(str(pk))


def unsign(salt: str, token: str) -> int:
    """The row id a token names; raises ``signing.BadSignature`` or ValueError when tampered."""
    return int(signer(salt).unsign(token))
