"""Checkpoints of the audit chain kept outside the database (HIPAA 164.312(c), ONC 170.315(d)(2)).

Every intact verification leaves a checkpoint: the chain's head (last number and
hash), how many entries it had and how many of them are unkeyed, the time, and an
HMAC-SHA256 under the audit key. Besides the database's own table
(AuditVerification) it goes to

- an append-only JSON-lines file, ``AUDIT_CHECKPOINT_FILE`` (``var/audit-checkpoints.jsonl``
  by default), which ``audit verify`` reads back: a chain cut or rewritten since
  the last checkpoint is found there even when the database's table was edited;
- syslog, when ``AUDIT_CHECKPOINT_SYSLOG`` is ``udp://host:port`` or ``tcp://host:port``:
  one RFC 5424 message through ``logging.handlers.SysLogHandler``, the JSON as its
  message (TCP frames end with a newline, RFC 6587);
- an HTTP collector, when ``AUDIT_CHECKPOINT_URL`` is set: the JSON POSTed to it.

A SIEM holding these can tell the practice, independently of MedOffice, what the
chain's head was. Failed verifications are sent to syslog and HTTP too (``ok``
false, no head), so the SIEM can alert; they are not written to the file.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import os
import socket
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from medoffice.core import auditchain

logger = logging.getLogger(__name__)

BODY_FIELDS = ("ok", "count", "seq", "hash", "unkeyed", "at")
APP_NAME = "medoffice"
MSGID = "audit-checkpoint"


def body(
    *, ok: bool, count: int, seq: int | None, digest: str, unkeyed: int, at: dt.datetime
) -> dict[str, Any]:
    """What a checkpoint's HMAC covers, in the database and outside it alike."""
    return {
        "ok": ok,
        "count": count,
        "seq": seq,
        "hash": digest,
        "unkeyed": unkeyed,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
    }


def seal(content: Mapping[str, Any], key_id: str, key: bytes) -> dict[str, Any]:
    return {**content, "key_id": key_id, "mac": auditchain.checkpoint_mac(key, key_id, content)}


def mac_is_valid(record: Mapping[str, Any], keys: Mapping[str, bytes]) -> bool:
    key = keys.get(str(record.get("key_id") or ""))
    if key is None:
        return False
    content = {name: record.get(name) for name in BODY_FIELDS}
    return auditchain.mac_matches(
        auditchain.checkpoint_mac(key, str(record["key_id"]), content), str(record.get("mac"))
    )


# --- the file -------------------------------------------------------------------


def checkpoint_file() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def append_to_file(record: Mapping[str, Any], path: Path | None = None) -> None:
    """One line at the end of the file (O_APPEND), flushed to disk before returning."""
    path = path or checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(dict(record), sort_keys=True, separators=(",", ":")) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class FileCheckpoint:
    line: int
    record: dict[str, Any]


def last_in_file(path: Path | None = None) -> FileCheckpoint | None:
    """The file's last checkpoint (an unreadable last line is returned as an empty record)."""
    path = path or checkpoint_file()
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return None
    for number in range(len(lines), 0, -1):
        text = lines[number - 1].strip()
        if not text:
            continue
        try:
            record = json.loads(text)
        except ValueError:
            record = {}
        return FileCheckpoint(number, record if isinstance(record, dict) else {})
    return None


# --- syslog (RFC 5424) ---------------------------------------------------------


class RFC5424Formatter(logging.Formatter):
    """``VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG`` (RFC 5424 §6).

    SysLogHandler puts ``<PRI>`` in front. The message is ASCII JSON, so it needs no BOM.
    """

    def __init__(self, *, newline: bool = False) -> None:
        super().__init__()
        self.newline = newline

    def format(self, record: logging.LogRecord) -> str:
        stamp = dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="microseconds")
        host = (socket.gethostname() or "-").split(".")[0][:255] or "-"
        msgid = getattr(record, "msgid", "-")
        text = f"1 {stamp.replace('+00:00', 'Z')} {host} {APP_NAME} {record.process} {msgid} - "
        return text + record.getMessage() + ("\n" if self.newline else "")


class _RaisingSysLogHandler(logging.handlers.SysLogHandler):
    def handleError(self, record: logging.LogRecord) -> None:
        raise


def send_to_syslog(record: Mapping[str, Any], target: str) -> None:
    parts = urlsplit(target)
    if parts.scheme not in {"udp", "tcp"} or not parts.hostname or not parts.port:
        raise ValueError(
            f"AUDIT_CHECKPOINT_SYSLOG: {target!r} is not udp://host:port or tcp://host:port"
        )
    tcp = parts.scheme == "tcp"
    handler = _RaisingSysLogHandler(
        address=(parts.hostname, parts.port),
        facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV,
        socktype=socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM,
    )
    handler.append_nul = False
    handler.setFormatter(RFC5424Formatter(newline=tcp))
    message = json.dumps(dict(record), sort_keys=True, separators=(",", ":"))
    level = logging.INFO if record.get("ok") else logging.WARNING
    log_record = logging.LogRecord("medoffice.audit", level, __file__, 0, message, None, None)
    log_record.msgid = MSGID
    try:
        handler.emit(log_record)
    finally:
        handler.close()


# --- HTTP -----------------------------------------------------------------------


def send_to_http(record: Mapping[str, Any], url: str) -> None:
    if urlsplit(url).scheme not in {"http", "https"}:
        raise ValueError(f"AUDIT_CHECKPOINT_URL: {url!r} is not an http(s) address")
    data = json.dumps(dict(record), sort_keys=True).encode()
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    timeout = settings.AUDIT_CHECKPOINT_TIMEOUT_SECONDS
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise OSError(f"the collector answered {response.status}")


def publish(record: Mapping[str, Any]) -> list[str]:
    """Write ``record`` everywhere configured; the problems, one sentence each (none: [])."""
    problems = []
    if record.get("ok"):
        try:
            append_to_file(record)
        except OSError as exc:
            problems.append(f"checkpoint not written to {checkpoint_file()}: {exc}")
    if settings.AUDIT_CHECKPOINT_SYSLOG:
        try:
            send_to_syslog(record, settings.AUDIT_CHECKPOINT_SYSLOG)
        except (OSError, ValueError) as exc:
            problems.append(
                f"checkpoint not sent to syslog {settings.AUDIT_CHECKPOINT_SYSLOG}: {exc}"
            )
    if settings.AUDIT_CHECKPOINT_URL:
        try:
            send_to_http(record, settings.AUDIT_CHECKPOINT_URL)
        except (OSError, ValueError) as exc:
            problems.append(f"checkpoint not sent to {settings.AUDIT_CHECKPOINT_URL}: {exc}")
    for problem in problems:
        logger.error("audit %s", problem)
    return problems
