"""Create the demo's secrets file (var/env) once: SECRET_KEY, a field-encryption key, an audit key.

Plain module (no Django settings needed), run by `make demo` before anything else.
Production sets these in its own environment (docs/operations.md). A var/env made
before the audit key existed gets the key added on the next run.

The audit log's HMAC keys (``AUDIT_HMAC_KEYS``) are ``id:secret`` pairs,
comma-separated, newest first: the newest keys new entries and checkpoints, all
verify. The id is stored in each entry; the secret never reaches the database.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet

AUDIT_KEY_VARIABLE = "AUDIT_HMAC_KEYS"
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")
MIN_AUDIT_SECRET = 32


def new_audit_key(key_id: str | None = None) -> str:
    """A fresh ``id:secret`` pair for ``AUDIT_HMAC_KEYS`` (the id defaults to today's date)."""
    key_id = key_id or "k" + dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M")
    return f"{key_id}:{secrets.token_urlsafe(32)}"


def parse_audit_keys(items: list[str]) -> list[tuple[str, bytes]]:
    """``["id:secret", ...]`` (newest first) as ``[(id, secret bytes), ...]``; ValueError names the fault."""
    keys: list[tuple[str, bytes]] = []
    for position, item in enumerate(items, start=1):
        key_id, sep, secret = item.strip().partition(":")
        if not sep or not _KEY_ID.fullmatch(key_id):
            raise ValueError(
                f"{AUDIT_KEY_VARIABLE}: item {position} is not id:secret with an id of 1-16 "
                "letters, digits, - or _"
            )
        if len(secret) < MIN_AUDIT_SECRET:
            raise ValueError(
                f"{AUDIT_KEY_VARIABLE}: the secret of key {key_id!r} is shorter than "
                f"{MIN_AUDIT_SECRET} characters"
            )
        if any(key_id == seen for seen, _ in keys):
            raise ValueError(f"{AUDIT_KEY_VARIABLE}: key id {key_id!r} appears twice")
        keys.append((key_id, secret.encode()))
    return keys


def ensure_env_file(path: Path) -> bool:
    """Write the file when it is missing, or add the keys it lacks; True when it changed."""
    if path.exists():
        text = path.read_text()
        if any(line.startswith(f"{AUDIT_KEY_VARIABLE}=") for line in text.splitlines()):
            return False
        with path.open("a") as handle:
            handle.write("" if text.endswith("\n") or not text else "\n")
            handle.write(f"{AUDIT_KEY_VARIABLE}={new_audit_key()}\n")
        return True
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
        f"FIELD_ENCRYPTION_KEYS={Fernet.generate_key().decode()}\n"
        f"{AUDIT_KEY_VARIABLE}={new_audit_key()}\n"
    )
    path.chmod(0o600)
    return True


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "var/env")
    if ensure_env_file(target):
        print(f"wrote {target}")  # noqa: T201
