"""How billing's outgoing files (270 inquiries, 837P claim batches) reach a clearinghouse.

A ``Transport`` delivers one file by name and says, in a short note, where it went (kept
with what was sent). ``FileDropTransport`` is the default: it writes the file into the
clearinghouse's outbox folder (``Clearinghouse.outbox``, or ``var/outbox/<clearinghouse>/``
when that is empty), for the clearinghouse's own client to pick up. An SFTP or HTTP
adapter is another class with the same ``deliver``, chosen by ``Clearinghouse.transport``
in ``transport_for``.

The file appears whole or not at all: it is written under a temporary name in the same
folder and renamed. A name already in the outbox is never overwritten.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from django.conf import settings

from medoffice.billing.models import Clearinghouse

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,119}")


class TransportError(Exception):
    """A file could not be delivered; the message says why, in the office's words."""


class Transport(Protocol):
    def deliver(self, file_name: str, content: str) -> str:
        """Deliver ``content`` as ``file_name``; a note saying where it went."""
        ...


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "clearinghouse"


def default_outbox(clearinghouse: Clearinghouse) -> Path:
    return Path(settings.VAR_DIR) / "outbox" / _slug(clearinghouse.name)


class FileDropTransport:
    """Writes each file into a folder (created when missing)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def deliver(self, file_name: str, content: str) -> str:
        if not _SAFE_NAME.fullmatch(file_name) or ".." in file_name:
            raise TransportError(f"“{file_name}” is not a file name the outbox accepts.")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / file_name
            if target.exists():
                raise TransportError(f"{target} already exists; nothing was overwritten.")
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".partial-")
            try:
                with os.fdopen(handle, "w", encoding="ascii", newline="") as out:
                    out.write(content)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise TransportError(
                f"Could not write {file_name} into {self.folder}: {exc.strerror or exc}"
            ) from exc
        return f"written to {target}"


def transport_for(clearinghouse: Clearinghouse) -> Transport:
    """The transport a clearinghouse is set up with (``Clearinghouse.transport``)."""
    if clearinghouse.transport in {"", "file"}:
        folder = Path(clearinghouse.outbox) if clearinghouse.outbox else None
        return FileDropTransport(folder or default_outbox(clearinghouse))
    raise TransportError(
        f"{clearinghouse.name}: the transport “{clearinghouse.transport}” is not available; "
        "set it to “file”."
    )
