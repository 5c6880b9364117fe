"""The demo practice's messaging set-up: the reminder rules (72 h e-mail, 24 h text) and
the message templates in English and Spanish, which are messaging's own defaults (one
source for their wording: the kinds registered by the apps that send them)."""

from __future__ import annotations

from typing import Any


def build_defaults(context: dict[str, Any], seed: int = 2026) -> None:
    from medoffice.messaging.services import ensure_defaults

    ensure_defaults()
