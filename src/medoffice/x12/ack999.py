"""Reading a 999 (005010X231A1) implementation acknowledgment, with any TA1 reported apart.

``read_999(source)`` returns the TA1s (interchange acknowledgments between ISA and GS),
the AK1/AK9 result of each functional group and, per AK2 transaction set, whether it was
accepted (IK501 A or E) or rejected, with each IK3 segment error (segment id, position,
loop, code) and its IK4 element errors (position, component, reference, code, bad value),
CTX context, and the reasons in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from medoffice.x12._reading import one_of, read_checked, require
from medoffice.x12.errors import ContentError, X12Error
from medoffice.x12.reader import Segment, Source

SET_STATUS = {
    "A": "accepted",
    "E": "accepted, but errors were noted",
    "M": "rejected: message authentication code failed",
    "R": "rejected",
    "W": "rejected: assurance failed validity tests",
    "X": "rejected: content after decryption could not be analyzed",
}
GROUP_STATUS = {**SET_STATUS, "P": "partially accepted: at least one transaction set rejected"}
ACCEPTED = {"A", "E"}
SET_ERRORS = {
    "1": "transaction set not supported",
    "2": "transaction set trailer missing",
    "3": "transaction set control number in header and trailer do not match",
    "4": "number of included segments does not match actual count",
    "5": "one or more segments in error",
    "6": "missing or invalid transaction set identifier",
    "7": "missing or invalid transaction set control number",
    "8": "authentication key name unknown",
    "9": "encryption key name unknown",
    "10": "requested service not available",
    "11": "unknown security recipient",
    "12": "incorrect message length",
    "13": "message authentication code failed",
    "15": "unknown security originator",
    "16": "syntax error in decrypted text",
    "17": "security not supported",
    "18": "transaction set not in functional group",
    "19": "invalid transaction set implementation convention reference",
    "23": "transaction set control number not unique within the functional group",
    "24": "S3E security end segment missing for S3S security start segment",
    "25": "S3S security start segment missing for S3E security end segment",
    "26": "S4E security end segment missing for S4S security start segment",
    "27": "S4S security start segment missing for S4E security end segment",
    "I5": "implementation one or more segments in error",
    "I6": "implementation convention not supported",
}
SEGMENT_ERRORS = {
    "1": "unrecognized segment id",
    "2": "unexpected segment",
    "3": "required segment missing",
    "4": "loop occurs over maximum times",
    "5": "segment exceeds maximum use",
    "6": "segment not in defined transaction set",
    "7": "segment not in proper sequence",
    "8": "segment has data element errors",
    "I4": "implementation 'not used' segment present",
    "I6": "implementation dependent segment missing",
    "I7": "implementation loop occurs under minimum times",
    "I8": "implementation segment below minimum use",
    "I9": "implementation dependent 'not used' segment present",
}
ELEMENT_ERRORS = {
    "1": "required data element missing",
    "2": "conditional required data element missing",
    "3": "too many data elements",
    "4": "data element too short",
    "5": "data element too long",
    "6": "invalid character in data element",
    "7": "invalid code value",
    "8": "invalid date",
    "9": "invalid time",
    "10": "exclusion condition violated",
    "12": "too many repetitions",
    "13": "too many components",
    "I6": "code value not used in implementation",
    "I9": "implementation dependent data element missing",
    "I10": "implementation 'not used' data element present",
    "I11": "implementation too few repetitions",
    "I12": "implementation pattern match failure",
    "I13": "implementation dependent 'not used' data element present",
}
TA1_STATUS = {"A": "accepted", "E": "accepted with errors", "R": "rejected"}
TA1_NOTES = {
    "000": "no error",
    "001": "the interchange control number in the header and trailer do not match",
    "002": "this standard as noted in the control standards identifier is not supported",
    "003": "this version of the controls is not supported",
    "004": "the segment terminator is invalid",
    "005": "invalid interchange id qualifier for sender",
    "006": "invalid interchange sender id",
    "007": "invalid interchange id qualifier for receiver",
    "008": "invalid interchange receiver id",
    "009": "unknown interchange receiver id",
    "010": "invalid authorization information qualifier value",
    "011": "invalid authorization information value",
    "012": "invalid security information qualifier value",
    "013": "invalid security information value",
    "014": "invalid interchange date value",
    "015": "invalid interchange time value",
    "016": "invalid interchange standards identifier value",
    "017": "invalid interchange version id value",
    "018": "invalid interchange control number value",
    "019": "invalid acknowledgment requested value",
    "020": "invalid test indicator value",
    "021": "invalid number of included groups value",
    "022": "invalid control structure",
    "023": "improper (premature) end-of-file (transmission)",
    "024": "invalid interchange content (e.g., invalid GS segment)",
    "025": "duplicate interchange control number",
    "026": "invalid data element separator",
    "027": "invalid component element separator",
    "028": "invalid delivery date in deferred delivery request",
    "029": "invalid delivery time in deferred delivery request",
    "030": "invalid delivery time code in deferred delivery request",
    "031": "invalid grade of service code",
}


def _words(table: dict[str, str], code: str) -> str:
    return table.get(code, f"code {code}")


@dataclass(frozen=True)
class InterchangeAck:
    """A TA1: the receiver's verdict on one interchange envelope (ISA/IEA)."""

    control_number: str  # TA101, our ISA13
    status: str  # TA104: A, E or R
    note_code: str  # TA105
    reason: str
    segment_number: int

    @property
    def accepted(self) -> bool:
        return self.status in {"A", "E"}


@dataclass(frozen=True)
class ElementError:
    position: str  # IK401-1
    component: str  # IK401-2
    repetition: str  # IK401-3
    reference: str  # IK402, the data element's reference number
    code: str  # IK403
    bad_value: str  # IK404
    reason: str


@dataclass(frozen=True)
class SegmentError:
    segment_id: str  # IK301
    position: str  # IK302, position in the transaction set (ST = 1)
    loop: str  # IK303, the loop id
    code: str  # IK304
    reason: str
    elements: tuple[ElementError, ...]
    context: tuple[str, ...]  # CTX segments, as written


@dataclass(frozen=True)
class SetAck:
    """One transaction set we sent (AK2) and what the receiver made of it (IK5)."""

    set_id: str  # AK201, e.g. 837
    control_number: str  # AK202, our ST02
    version: str  # AK203
    status: str  # IK501
    codes: tuple[str, ...]  # IK502..IK506
    errors: tuple[SegmentError, ...]
    reasons: tuple[str, ...]

    @property
    def accepted(self) -> bool:
        return self.status in ACCEPTED


@dataclass(frozen=True)
class GroupAck:
    functional_id: str  # AK101
    control_number: str  # AK102, our GS06
    version: str  # AK103
    status: str  # AK901
    included: str  # AK902
    received: str  # AK903
    accepted_count: str  # AK904
    codes: tuple[str, ...]  # AK905..AK909
    sets: tuple[SetAck, ...]
    reason: str


@dataclass(frozen=True)
class Ack999:
    interchange_acks: tuple[InterchangeAck, ...]
    groups: tuple[GroupAck, ...]
    envelope_errors: tuple[X12Error, ...]

    @property
    def sets(self) -> tuple[SetAck, ...]:
        return tuple(s for group in self.groups for s in group.sets)


def _ta1(segment: Segment) -> InterchangeAck:
    status = one_of(segment, 4, TA1_STATUS, "the interchange acknowledgment code")
    note = segment.get(5).strip()
    return InterchangeAck(
        control_number=require(segment, 1, "the interchange control number"),
        status=status,
        note_code=note,
        reason=_words(TA1_NOTES, note) if note else TA1_STATUS[status],
        segment_number=segment.number,
    )


class _SetBuilder:
    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self.set_id = require(segment, 1, "the acknowledged transaction set id")
        self.control = require(segment, 2, "the acknowledged transaction set control number")
        self.version = segment.get(3)
        self.errors: list[SegmentError] = []
        self.ik3: Segment | None = None
        self.elements: list[ElementError] = []
        self.context: list[str] = []

    def close_segment(self) -> None:
        if self.ik3 is not None:
            code = self.ik3.get(4)
            self.errors.append(
                SegmentError(
                    segment_id=self.ik3.get(1),
                    position=self.ik3.get(2),
                    loop=self.ik3.get(3),
                    code=code,
                    reason=_words(SEGMENT_ERRORS, code) if code else "",
                    elements=tuple(self.elements),
                    context=tuple(self.context),
                )
            )
        self.ik3, self.elements, self.context = None, [], []

    def finish(self, ik5: Segment) -> SetAck:
        self.close_segment()
        status = one_of(ik5, 1, SET_STATUS, "the transaction set acknowledgment code")
        codes = tuple(code for code in ik5.elements[1:6] if code)
        reasons = [SET_STATUS[status], *(_words(SET_ERRORS, c) for c in codes)]
        for error in self.errors:
            where = f"{error.segment_id} at position {error.position}"
            if error.loop:
                where += f" in loop {error.loop}"
            reasons.append(f"{where}: {error.reason}" if error.reason else where)
            for element in error.elements:
                detail = f"{error.segment_id}{element.position.zfill(2)}: {element.reason}"
                reasons.append(detail + (f" ({element.bad_value})" if element.bad_value else ""))
        return SetAck(
            self.set_id,
            self.control,
            self.version,
            status,
            codes,
            tuple(self.errors),
            tuple(reasons),
        )


def read_999(source: Source) -> Ack999:
    """Read a 999 (and any TA1); ``ContentError`` names a malformed segment."""
    listed, problems = read_checked_999(source)
    tas: list[InterchangeAck] = []
    groups: list[GroupAck] = []
    sets: list[SetAck] = []
    ak1: Segment | None = None
    current: _SetBuilder | None = None
    for segment in listed:
        sid = segment.id
        if sid == "TA1":
            tas.append(_ta1(segment))
        elif sid == "AK1":
            ak1, sets = segment, []
        elif sid == "AK2":
            if current is not None:
                raise _missing_ik5(current.segment, segment)
            current = _SetBuilder(segment)
        elif sid in {"IK3", "IK4", "CTX"} and current is None:
            raise ContentError(
                f"{sid} outside an AK2", segment_number=segment.number, segment_id=sid
            )
        elif sid == "IK3" and current is not None:
            current.close_segment()
            require(segment, 1, "the segment id in error")
            current.ik3 = segment
        elif sid == "IK4" and current is not None:
            if current.ik3 is None:
                raise ContentError(
                    "IK4 before any IK3", segment_number=segment.number, segment_id="IK4"
                )
            code = require(segment, 3, "the element error code")
            current.elements.append(
                ElementError(
                    position=segment.component(1, 1),
                    component=segment.component(1, 2),
                    repetition=segment.component(1, 3),
                    reference=segment.get(2),
                    code=code,
                    bad_value=segment.get(4),
                    reason=_words(ELEMENT_ERRORS, code),
                )
            )
        elif sid == "CTX" and current is not None:
            current.context.append(segment.separators.element.join(segment.elements))
        elif sid == "IK5":
            if current is None:
                raise ContentError(
                    "IK5 without its AK2", segment_number=segment.number, segment_id="IK5"
                )
            sets.append(current.finish(segment))
            current = None
        elif sid == "AK9":
            if current is not None:
                raise _missing_ik5(current.segment, segment)
            if ak1 is None:
                raise ContentError(
                    "AK9 without its AK1", segment_number=segment.number, segment_id="AK9"
                )
            status = one_of(segment, 1, GROUP_STATUS, "the functional group acknowledgment code")
            groups.append(
                GroupAck(
                    functional_id=ak1.get(1),
                    control_number=require(ak1, 2, "the acknowledged group control number"),
                    version=ak1.get(3),
                    status=status,
                    included=segment.get(2),
                    received=segment.get(3),
                    accepted_count=segment.get(4),
                    codes=tuple(code for code in segment.elements[4:9] if code),
                    sets=tuple(sets),
                    reason=GROUP_STATUS[status],
                )
            )
            ak1, sets = None, []
        elif sid == "SE" and (current is not None or ak1 is not None):
            where = current.segment if current is not None else ak1
            assert where is not None
            raise ContentError(
                f"the transaction set ends before the {'IK5' if current else 'AK9'} closing "
                f"the {where.id} of segment {where.number}",
                segment_number=segment.number,
                segment_id="SE",
            )
    return Ack999(tuple(tas), tuple(groups), problems)


def read_checked_999(source: Source) -> tuple[list[Segment], tuple[X12Error, ...]]:
    """A 999 file, or an interchange holding only a TA1 (no functional group)."""
    listed, problems = read_checked(source, "999", sets_required=False)
    if not any(segment.id in {"ST", "TA1"} for segment in listed):
        raise ContentError("the file holds neither a 999 nor a TA1")
    return listed, problems


def _missing_ik5(ak2: Segment, at: Segment) -> ContentError:
    return ContentError(
        f"the AK2 of segment {ak2.number} has no IK5",
        segment_number=at.number,
        segment_id=at.id,
    )
