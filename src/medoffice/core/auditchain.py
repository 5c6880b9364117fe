"""The audit log's hash chain. Pure module: no Django import.

Each entry's hash is SHA-256 over a canonical JSON of its content and the hash
of the entry before it (ONC 170.315(d)(2), (d)(8)). Changing, removing or
inserting an entry breaks the chain at that entry.

Each entry written since the audit key existed also carries an HMAC-SHA256 of its
hash under a key kept outside the database (``entry_mac``), with the key's id, so
that someone who can write to the database but does not hold the key cannot
append, rewrite or re-hash entries undetected (docs/decisions/0007-keyed-audit-chain.md).
Entries written before (no key id) verify by their plain hash and are counted.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
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
    "patient_ids",
)

# Fields added after entries were written: left out of the canonical form while empty,
# so that every older entry (and every new one without them) hashes as it always did.
# ``patient_ids``: the patients a read showed (a search, a list page), comma-separated.
OPTIONAL_FIELDS = frozenset({"patient_ids"})


def _present(entry: Mapping[str, Any], name: str) -> bool:
    return name not in OPTIONAL_FIELDS or bool(entry.get(name))


def patient_ids_text(ids: Iterable[int | None]) -> str:
    """The stored form of the patients a read showed: ids in the order shown, once each."""
    return ",".join(str(i) for i in dict.fromkeys(i for i in ids if i is not None))


def patient_ids_list(text: str | None) -> list[int]:
    """The ids of ``patient_ids_text``'s form (an empty or missing field: none)."""
    return [int(part) for part in (text or "").split(",") if part.strip().isdigit()]


def canonical(entry: Mapping[str, Any]) -> bytes:
    body = {name: _value(entry, name) for name in HASHED_FIELDS if _present(entry, name)}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# The values a writer in the database fills in under the chain's lock, in key order.
DATABASE_FILLED = ("occurred_at", "seq")


def _runs_between(holes: tuple[str, ...]) -> list[tuple[str, ...]]:
    runs: list[list[str]] = [[]]
    for key in sorted(HASHED_FIELDS):
        if key in holes:
            runs.append([])
        else:
            runs[-1].append(key)
    return [tuple(run) for run in runs]


# The content's keys in canonical (sorted) order, cut at the holes: before, between, after.
_RUNS_BETWEEN_HOLES = _runs_between(DATABASE_FILLED)


def canonical_pieces(entry: Mapping[str, Any]) -> tuple[bytes, bytes, bytes]:
    """``canonical(entry)`` with holes where ``occurred_at`` and ``seq`` go.

    ``pieces[0] + json(occurred_at) + pieces[1] + str(seq) + pieces[2]`` is the whole,
    where json(occurred_at) is the quoted ISO time with microseconds. For the
    PostgreSQL append function (core migration 0005), which learns both only under
    the chain's lock: the content is serialized here, once, and the function
    splices in the time and the number.
    """
    inner = [
        json.dumps(
            {key: _value(entry, key) for key in run if _present(entry, key)},
            separators=(",", ":"),
            ensure_ascii=False,
        )[1:-1]
        for run in _RUNS_BETWEEN_HOLES
    ]
    when, number = (json.dumps(key) for key in DATABASE_FILLED)
    head = "{" + (inner[0] + "," if inner[0] else "") + when + ":"
    middle = ("," + inner[1] if inner[1] else "") + "," + number + ":"
    tail = ("," + inner[2] if inner[2] else "") + "}"
    return head.encode(), middle.encode(), tail.encode()


def canonical_ip(value: Any) -> str | None:
    """An IP address spelled one way (``ipaddress``'s), or None when it is not one.

    Databases spell a stored address their own way (PostgreSQL's inet keeps
    "::ffff:1.2.3.4", Django lower-cases IPv6): hashing this spelling, on writing
    and on checking, keeps the hash independent of the database's.
    """
    if value is None:
        return None
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return None


def _value(entry: Mapping[str, Any], name: str) -> Any:
    value = entry.get(name)
    if name == "client_ip" and value is not None:
        value = canonical_ip(value) or value
    return _plain(value)


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


def entry_hash_from_pieces(
    pieces: tuple[bytes, bytes, bytes], occurred_at: Any, seq: int, prev_hash: str
) -> str:
    """``entry_hash`` of the content cut by ``canonical_pieces``, with its time and number."""
    head, middle, tail = pieces
    digest = hashlib.sha256()
    digest.update(prev_hash.encode())
    digest.update(b"\n")
    digest.update(head + json.dumps(_plain(occurred_at)).encode() + middle)
    digest.update(str(seq).encode() + tail)
    return digest.hexdigest()


def entry_mac(key: bytes, key_id: str, digest: str) -> str:
    """HMAC-SHA256 of an entry's hash (which covers its content, number and predecessor)."""
    message = b"medoffice audit entry\n" + key_id.encode() + b"\n" + digest.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def checkpoint_mac(key: bytes, key_id: str, body: Mapping[str, Any]) -> str:
    """HMAC-SHA256 of a checkpoint's canonical JSON (head, count, time, ...)."""
    text = json.dumps(
        {k: _plain(v) for k, v in body.items()}, sort_keys=True, separators=(",", ":")
    )
    message = b"medoffice audit checkpoint\n" + key_id.encode() + b"\n" + text.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def mac_matches(expected: str, given: str | None) -> bool:
    return hmac.compare_digest(expected.encode(), (given or "").encode())


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries_checked: int
    first_bad_seq: int | None
    message: str
    # Entries with no key id (written before the audit key existed): plain hash only.
    unkeyed: int = 0
    # Problems keeping the result (a checkpoint not sent outside), for the reader.
    notes: tuple[str, ...] = ()


def _was_written_as(entry: Mapping[str, Any], seq: int, prev_hash: str | None) -> bool:
    """Whether ``entry`` hashes as written with another number and predecessor (forensics)."""
    if prev_hash is None or seq < 1:
        return False
    written: str = entry["entry_hash"]
    return entry_hash({**entry, "seq": seq}, prev_hash) == written


def verify(
    entries: Iterable[Mapping[str, Any]], keys: Mapping[str, bytes] | None = None
) -> ChainReport:
    """Walk entries in ``seq`` order; name the first one altered, removed or inserted.

    - a removed entry leaves a gap in ``seq``, or the entries after it were
      renumbered (the next one still hashes under its old number): either way the
      removed number is named;
    - an inserted entry (the entries after it renumbered) is named when the entry
      after it still links to, or hashes as written after, the one before it;
    - an entry changed and its own hash recomputed is named at that entry (the
      next entry still hashes as written after the entry's old hash);
    - any other change to an entry's content, ``prev_hash`` or ``entry_hash`` is
      named at that entry;
    - with ``keys`` (key id -> secret): an entry whose HMAC does not match, whose
      key is unknown, or that has no HMAC although an entry before it had one, is
      named: it was forged or rewritten without the key.

    The plain chain alone cannot show the last entries removed; the checkpoints
    (core/audit.py, kept in the database and outside it) do.
    """
    keys = keys or {}
    before_prev = None  # entry_hash of the entry two back
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    unkeyed = 0
    keyed_seen = False
    previous_keyed = False  # the entry before had a valid HMAC
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
            if (
                seq > 1
                and not previous_keyed
                and entry_hash(entry, entry["prev_hash"]) == entry["entry_hash"]
            ):
                # The entry before it may have been changed and re-hashed; one with a
                # valid HMAC was not, so then this entry's link is what changed.
                return ChainReport(
                    False,
                    count - 1,
                    seq - 1,
                    f"Entry #{seq - 1} was altered and its hash recomputed: entry #{seq} was "
                    f"written to follow an entry #{seq - 1} with another hash.",
                    unkeyed,
                )
            return ChainReport(
                False,
                count,
                seq,
                f"Entry #{seq} does not link to entry #{seq - 1}: it was altered, or an entry "
                "before it was inserted or removed.",
                unkeyed,
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
                False, count, seq, f"Entry #{seq} does not match its hash: it was altered.", unkeyed
            )
        key_id = entry.get("mac_key_id") or ""
        if key_id:
            keyed_seen = True
            key = keys.get(key_id)
            if key is None:
                return ChainReport(
                    False,
                    count,
                    seq,
                    f"Entry #{seq} names audit key {key_id!r}, which is not among the configured "
                    "keys: it was forged, or the key was dropped from AUDIT_HMAC_KEYS.",
                    unkeyed,
                )
            if not mac_matches(entry_mac(key, key_id, entry["entry_hash"]), entry.get("mac")):
                return ChainReport(
                    False,
                    count,
                    seq,
                    f"Entry #{seq} does not match its HMAC: it was altered or forged by someone "
                    "without the audit key.",
                    unkeyed,
                )
        elif keyed_seen:
            return ChainReport(
                False,
                count,
                seq,
                f"Entry #{seq} has no HMAC but follows keyed entries: it was forged or rewritten "
                "by someone without the audit key.",
                unkeyed,
            )
        else:
            unkeyed += 1
        previous_keyed = bool(key_id)
        before_prev = expected_prev
        expected_prev = entry["entry_hash"]
        expected_seq += 1
        count += 1
    if unkeyed:
        return ChainReport(
            True,
            count,
            None,
            f"All {count} entries verified ({unkeyed} written before the audit key existed, "
            "checked by their plain hash only); the chain is intact.",
            unkeyed,
        )
    return ChainReport(True, count, None, f"All {count} entries verified; the chain is intact.")
