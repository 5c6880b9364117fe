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


def canonical_around_seq(entry: Mapping[str, Any]) -> tuple[bytes, bytes]:
    """``canonical(entry)`` cut where ``seq`` goes: ``head + str(seq) + tail`` is the whole.

    For a writer that learns the entry's number only under the chain's lock, in
    the database (the PostgreSQL append function, core migration 0005): the
    content is serialized here, once, and only the number is spliced in there.
    """
    body = {name: _plain(entry.get(name)) for name in HASHED_FIELDS if name != "seq"}
    before: list[str] = []
    after: list[str] = []
    for key in sorted(body):
        pair = json.dumps(key, ensure_ascii=False) + ":" + json.dumps(body[key], ensure_ascii=False)
        (before if key < "seq" else after).append(pair)
    head = "{" + "".join(f"{pair}," for pair in before) + '"seq":'
    tail = "".join(f",{pair}" for pair in after) + "}"
    return head.encode(), tail.encode()


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


def _was_written_as(entry: Mapping[str, Any], seq: int, prev_hash: str | None) -> bool:
    """Whether ``entry`` hashes as written with another number and predecessor (forensics)."""
    if prev_hash is None or seq < 1:
        return False
    return entry_hash({**entry, "seq": seq}, prev_hash) == entry["entry_hash"]


def verify(entries: Iterable[Mapping[str, Any]]) -> ChainReport:
    """Walk entries in ``seq`` order; name the first one altered, removed or inserted.

    - a removed entry leaves a gap in ``seq``, or the entries after it were
      renumbered (the next one still hashes under its old number): either way the
      removed number is named;
    - an inserted entry (the entries after it renumbered) is named when the entry
      after it still links to, or hashes as written after, the one before it;
    - any other change to an entry's content, ``prev_hash`` or ``entry_hash`` is
      named at that entry.

    A chain anchored nowhere else cannot show an entry appended (or the last
    entries removed) by someone who recomputes the hashes; the verification
    history (AuditVerification) records how many entries each walk found.
    """
    before_prev = None  # entry_hash of the entry two back
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for entry in entries:
        seq = entry["seq"]
        if seq != expected_seq:
            if seq > expected_seq:
                missing = (
                    f"entry #{expected_seq} was"
                    if seq == expected_seq + 1
                    else f"entries #{expected_seq}–#{seq - 1} were"
                )
                return ChainReport(
                    False,
                    count,
                    expected_seq,
                    f"Entry #{seq} follows #{expected_seq - 1}: {missing} removed.",
                )
            return ChainReport(
                False, count, seq, f"Entry #{seq} appears twice or out of order: it was inserted."
            )
        if entry["prev_hash"] != expected_prev:
            if entry["prev_hash"] == before_prev or _was_written_as(entry, seq - 1, before_prev):
                return ChainReport(
                    False,
                    count - 1,
                    seq - 1,
                    f"Entry #{seq - 1} was inserted: entry #{seq} was written to follow "
                    f"entry #{seq - 2}.",
                )
            if _was_written_as(entry, seq + 1, entry["prev_hash"]):
                return ChainReport(
                    False,
                    count,
                    seq,
                    f"Entry #{seq} was removed: the entry now numbered #{seq} was written "
                    f"as #{seq + 1}.",
                )
            return ChainReport(
                False,
                count,
                seq,
                f"Entry #{seq} does not link to entry #{seq - 1}: it was altered, or an entry "
                "before it was inserted or removed.",
            )
        if entry_hash(entry, entry["prev_hash"]) != entry["entry_hash"]:
            if _was_written_as(entry, seq - 1, before_prev):
                return ChainReport(
                    False,
                    count - 1,
                    seq - 1,
                    f"Entry #{seq - 1} was inserted: entry #{seq} was written as #{seq - 1}, "
                    f"following entry #{seq - 2}.",
                )
            return ChainReport(
                False, count, seq, f"Entry #{seq} does not match its hash: it was altered."
            )
        before_prev = expected_prev
        expected_prev = entry["entry_hash"]
        expected_seq += 1
        count += 1
    return ChainReport(True, count, None, f"All {count} entries verified; the chain is intact.")
