"""Reading a 277CA (005010X214) claim acknowledgment: which of our claims got in, and why not.

The HL levels are 20 (information source: the payer or clearinghouse), 21 (information
receiver: us), 19 (billing provider) and PT (patient, one per claim). STC is read at every
level; category A1/A2 (and A0/A5) accepts, A3/A4/A6/A7/A8 rejects. A claim's own STC decides
(a missing one inherits the nearest level above that has one). Each claim gives our CLM01
(TRN*2 at patient level), the payer's claim number (REF*1K), the clearinghouse trace
(REF*D9), its status codes and their free text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from medoffice.x12._reading import amount, date8, one_of, read_checked, require
from medoffice.x12.errors import ContentError, X12Error
from medoffice.x12.reader import Segment, Source

CATEGORIES = {
    "A0": "acknowledgement: forwarded to another entity",
    "A1": "acknowledgement: receipt",
    "A2": "acknowledgement: accepted into the adjudication system",
    "A3": "acknowledgement: returned as unprocessable",
    "A4": "acknowledgement: not found",
    "A5": "acknowledgement: split claim",
    "A6": "acknowledgement: rejected for missing information",
    "A7": "acknowledgement: rejected for invalid information",
    "A8": "acknowledgement: rejected for relational field in error",
    "DA": "data reporting acknowledgement",
    "E0": "response not possible: error on submitted request data",
    "E1": "response not possible: system status",
}
ACCEPTING = {"A0", "A1", "A2", "A5"}
REJECTING = {"A3", "A4", "A6", "A7", "A8", "E0"}
LEVELS = {
    "20": "information source",
    "21": "information receiver",
    "19": "provider",
    "PT": "patient",
}


@dataclass(frozen=True)
class Status:
    """One STC: the category, the status and the entity codes, and what goes with them."""

    category: str  # STC01-1
    code: str  # STC01-2
    entity: str  # STC01-3
    date: dt.date | None  # STC02
    amount: Decimal | None  # STC04
    text: str  # STC12 free-form message
    more: tuple[tuple[str, str, str], ...]  # STC10 and STC11 (category, status, entity)
    segment_number: int

    @property
    def rejected(self) -> bool:
        return self.category in REJECTING or any(c in REJECTING for c, _, _ in self.more)

    @property
    def description(self) -> str:
        words = CATEGORIES.get(self.category, f"category {self.category}")
        words += f", status {self.code}" if self.code else ""
        return words + (f": {self.text}" if self.text else "")


@dataclass(frozen=True)
class LevelResult:
    """An HL above the claims (20, 21 or 19) with its names and statuses."""

    level: str
    name: str
    identifier: str
    trace: str  # TRN02
    statuses: tuple[Status, ...]


@dataclass(frozen=True)
class ClaimResult:
    control_number: str  # TRN02 at patient level: our CLM01
    accepted: bool
    statuses: tuple[Status, ...]  # the claim's own (and its lines')
    payer_claim_number: str  # REF*1K
    clearinghouse_trace: str  # REF*D9
    patient_last_name: str
    patient_first_name: str
    member_id: str
    reasons: tuple[str, ...]
    segment_number: int


@dataclass(frozen=True)
class Report277CA:
    levels: tuple[LevelResult, ...]
    claims: tuple[ClaimResult, ...]
    envelope_errors: tuple[X12Error, ...]


def _status(segment: Segment) -> Status:
    category = require(segment, 1, "the status category")
    parts = segment.components(1)
    more = tuple(
        (
            composite[0],
            composite[1] if len(composite) > 1 else "",
            composite[2] if len(composite) > 2 else "",
        )
        for position in (10, 11)
        if (composite := segment.components(position)) and composite[0]
    )
    return Status(
        category=parts[0] if parts else category,
        code=parts[1] if len(parts) > 1 else "",
        entity=parts[2] if len(parts) > 2 else "",
        date=date8(segment, 2),
        amount=amount(segment, 4),
        text=segment.get(12),
        more=more,
        segment_number=segment.number,
    )


class _Level:
    def __init__(self, segment: Segment, parent: _Level | None) -> None:
        self.segment = segment
        self.code = segment.get(3)
        self.parent = parent
        self.name = self.first_name = self.identifier = self.trace = ""
        self.statuses: list[Status] = []
        self.payer_claim = self.clearinghouse = ""

    def inherited(self) -> list[Status]:
        level: _Level | None = self
        while level is not None:
            if level.statuses:
                return level.statuses
            level = level.parent
        return []


def read_277ca(source: Source) -> Report277CA:
    """Read a 277CA; ``ContentError`` names a segment that cannot be read."""
    listed, problems = read_checked(source, "277")
    levels: dict[str, _Level] = {}
    order: list[_Level] = []
    current: _Level | None = None
    for segment in listed:
        sid = segment.id
        if sid == "ST":
            levels, current = {}, None
        elif sid == "HL":
            number = require(segment, 1, "the hierarchical id")
            one_of(segment, 3, LEVELS, "the hierarchical level code")
            parent_id = segment.get(2).strip()
            if parent_id and parent_id not in levels:
                raise ContentError(
                    f"HL parent {parent_id!r} is not an earlier HL",
                    segment_number=segment.number,
                    segment_id="HL",
                    element=2,
                )
            current = _Level(segment, levels.get(parent_id))
            levels[number] = current
            order.append(current)
        elif current is None:
            continue
        elif sid == "NM1":
            current.name = segment.get(3)
            current.first_name = segment.get(4)
            current.identifier = segment.get(9)
        elif sid == "TRN":
            current.trace = segment.get(2)
        elif sid == "STC":
            current.statuses.append(_status(segment))
        elif sid == "REF" and segment.get(1) == "1K":
            current.payer_claim = segment.get(2)
        elif sid == "REF" and segment.get(1) == "D9":
            current.clearinghouse = segment.get(2)
    results: list[ClaimResult] = []
    above: list[LevelResult] = []
    for level in order:
        if level.code != "PT":
            above.append(
                LevelResult(
                    level.code, level.name, level.identifier, level.trace, tuple(level.statuses)
                )
            )
            continue
        statuses = level.inherited()
        if not level.trace:
            raise ContentError(
                "the claim's TRN (our patient control number) is missing",
                segment_number=level.segment.number,
                segment_id="HL",
            )
        accepted = bool(statuses) and not any(s.rejected for s in statuses)
        results.append(
            ClaimResult(
                control_number=level.trace,
                accepted=accepted,
                statuses=tuple(level.statuses),
                payer_claim_number=level.payer_claim,
                clearinghouse_trace=level.clearinghouse,
                patient_last_name=level.name,
                patient_first_name=level.first_name,
                member_id=level.identifier,
                reasons=tuple(s.description for s in statuses) or ("no status given",),
                segment_number=level.segment.number,
            )
        )
    return Report277CA(tuple(above), tuple(results), problems)
