"""Create the demo's secrets file (var/env) once: SECRET_KEY and a field-encryption key.

Plain module (no Django settings needed), run by `make demo` before anything else.
Production sets these in its own environment (docs/operations.md).
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet


def ensure_env_file(path: Path) -> bool:
    """Write the file when it is missing; returns True when it was created."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
        f"FIELD_ENCRYPTION_KEYS={Fernet.generate_key().decode()}\n"
    )
    path.chmod(0o600)
    return True


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "var/env")
    if ensure_env_file(target):
        print(f"created {target}")  # noqa: T201
