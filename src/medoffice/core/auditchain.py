"""The audit log's hash chain. Pure module: no Django import.

Each entry's hash is SHA-256 over a canonical JSON of its content and the hash
of the entry before it (ONC 170.315(d)(2), (d)(8)). Changing, removing or
inserting an entry breaks the chain at that entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64

HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "user_id",
    "username",
    "roles",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "data_category",
    "outcome",
    "client_ip",
    "request_id",
    "detail",
)


def canonical(entry: Mapping[str, Any]) -> bytes:
    body = {name: _plain(entry.get(name)) for name in HASHED_FIELDS}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="microseconds")
    return str(value)


def entry_hash(entry: Mapping[str, Any], prev_hash: str) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode())
    digest.update(b"\n")
    digest.update(canonical(entry))
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries_checked: int
    first_bad_seq: int | None
    message: str


def verify(entries: Iterable[Mapping[str, Any]]) -> ChainReport:
    """Walk entries in ``seq`` order; name the first one that breaks the chain."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for entry in entries:
        seq = entry["seq"]
        if seq != expected_seq:
            if seq > expected_seq:
                return ChainReport(
                    False,
                    count,
                    seq,
                    f"Entry #{seq} follows #{expected_seq - 1}: entries "
                    f"#{expected_seq}–#{seq - 1} were removed.",
                )
            return ChainReport(False, count, seq, f"Entry #{seq} is out of order (inserted).")
        if entry["prev_hash"] != expected_prev:
            return ChainReport(
                False,
                count,
                seq,
                f"Entry #{seq} does not link to the entry before it: an entry was inserted or removed.",
            )
        if entry_hash(entry, entry["prev_hash"]) != entry["entry_hash"]:
            return ChainReport(False, count, seq, f"Entry #{seq} was altered after it was written.")
        expected_prev = entry["entry_hash"]
        expected_seq += 1
        count += 1
    return ChainReport(True, count, None, f"All {count} entries verified; the chain is intact.")
