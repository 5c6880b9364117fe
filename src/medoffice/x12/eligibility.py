"""Eligibility: the 270 inquiry we send (005010X279A1) and the 271 answer we read.

``write_270(inquiries, envelope)`` writes one ST with, per payer, an information source
HL (20), per provider an information receiver HL (21) and, per inquiry, a subscriber HL
(22) with TRN*1 (our trace), NM1*IL, DMG, DTP*291 (the date of service) and EQ (30 by
default); when the patient is the subscriber's dependent, the subscriber HL carries only
NM1*IL and DMG, and a dependent HL (23) under it the TRN, NM1*03, DMG, INS, DTP and EQ. ``read_271(source)`` gives, per subscriber or dependent answered, the echoed
trace (TRN*2), names and member id, whether coverage is active (EB01 1-5) or inactive
(6-8), the plan, copays (B), deductibles (C, "remaining" when EB06 is 29), out-of-pocket
(G), and the AAA rejections at any level with their reason and follow-up in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from medoffice.x12._reading import amount, read_checked, require
from medoffice.x12.claims import Payer, Person, Provider, Subscriber
from medoffice.x12.errors import ContentError, WriteError, X12Error
from medoffice.x12.reader import Segment, Source
from medoffice.x12.writer import (
    InterchangeHeader,
    SegmentWriter,
    close_interchange,
    date8,
    ident,
    open_interchange,
    text,
    time4,
    transaction_control,
)

VERSION = "005010X279A1"

REJECTION_REASONS = {
    "04": "authorized quantity exceeded",
    "15": "required application data missing",
    "33": "input errors",
    "35": "out of network",
    "41": "authorization/access restrictions",
    "42": "unable to respond at current time",
    "43": "invalid/missing provider identification",
    "44": "invalid/missing provider name",
    "45": "invalid/missing provider specialty",
    "46": "invalid/missing provider phone number",
    "47": "invalid/missing provider state",
    "48": "invalid/missing referring provider identification number",
    "49": "provider is not primary care physician",
    "50": "provider ineligible for inquiries",
    "51": "provider not on file",
    "52": "service dates not within provider plan enrollment",
    "53": "inquired benefit inconsistent with provider type",
    "54": "inappropriate product/service id qualifier",
    "55": "inappropriate product/service id",
    "56": "inappropriate date",
    "57": "invalid/missing date(s) of service",
    "58": "invalid/missing date of birth",
    "60": "date of birth follows date(s) of service",
    "61": "date of death precedes date(s) of service",
    "62": "date of service not within allowable inquiry period",
    "63": "date of service in future",
    "64": "invalid/missing patient id",
    "65": "invalid/missing patient name",
    "66": "invalid/missing patient gender code",
    "67": "patient not found",
    "68": "duplicate patient id number",
    "69": "inconsistent with patient's age",
    "70": "inconsistent with patient's gender",
    "71": "patient birth date does not match that for the patient on the database",
    "72": "invalid/missing subscriber/insured id",
    "73": "invalid/missing subscriber/insured name",
    "74": "invalid/missing subscriber/insured gender code",
    "75": "subscriber/insured not found",
    "76": "duplicate subscriber/insured id number",
    "77": "subscriber found, patient not found",
    "78": "subscriber/insured not in group/plan identified",
    "79": "invalid participant identification",
    "80": "no response received, transaction terminated",
    "97": "invalid or missing provider address",
    "T4": "payer name or identifier missing",
}
FOLLOW_UP = {
    "C": "please correct and resubmit",
    "N": "resubmission not allowed",
    "P": "please resubmit original transaction",
    "R": "resubmission allowed",
    "S": "do not resubmit; inquiry initiated to a third party",
    "W": "please wait 30 days and resubmit",
    "X": "please wait 10 days and resubmit",
    "Y": "do not resubmit; we will hand deliver",
}
ACTIVE = {"1", "2", "3", "4", "5"}
INACTIVE = {"6", "7", "8"}
REMAINING = "29"


# --- the 270 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inquiry:
    """One subscriber's eligibility question to one payer, for one date of service."""

    trace: str  # TRN02, echoed on the 271 as TRN*2
    payer: Payer
    provider: Provider
    subscriber: Subscriber
    service_date: dt.date
    service_type: str = "30"  # EQ01: 30 health benefit plan coverage
    # The patient when not the subscriber and without a member id of their own: asked
    # about in a dependent HL (23, loop 2000D/2100D) under the subscriber's, with the
    # patient's relationship to the subscriber (individual relationship code).
    dependent: Person | None = None
    relationship: str = "19"


# INS02 of loop 2100D allows only spouse, child and "other adult".
_DEPENDENT_RELATIONSHIP = {"01": "01", "19": "19"}


@dataclass(frozen=True)
class Envelope270:
    header: InterchangeHeader
    transaction_control_number: int  # ST02
    trace_originator: str  # TRN03: "1" plus the EIN, or "9" plus an assigned number
    reference: str = ""  # BHT03, ST02 when empty


def write_270(
    inquiries: Iterable[Inquiry], envelope: Envelope270, *, line_breaks: bool = True
) -> str:
    """The 270 interchange for ``inquiries`` (one transaction set)."""
    batch = list(inquiries)
    if not batch:
        raise WriteError("no inquiry to write")
    if not 1 <= len(envelope.trace_originator) <= 10:
        raise WriteError("the trace originator (TRN03) must be 1 to 10 characters")
    out = SegmentWriter(line_breaks=line_breaks)
    open_interchange(out, envelope.header, "HS", VERSION)
    control = transaction_control(envelope.transaction_control_number)
    out.start_count()
    out.add("ST", "270", control, VERSION)
    created = envelope.header.created
    out.add(
        "BHT", "0022", "13", ident(envelope.reference or control), date8(created), time4(created)
    )
    hl = 0
    by_payer: dict[Payer, dict[Provider, list[Inquiry]]] = {}
    for inquiry in batch:
        by_payer.setdefault(inquiry.payer, {}).setdefault(inquiry.provider, []).append(inquiry)
    for payer, providers in by_payer.items():
        hl += 1
        source = hl
        out.add("HL", str(source), "", "20", "1")
        out.add("NM1", "PR", "2", text(payer.name), "", "", "", "", "PI", ident(payer.payer_id))
        for provider, theirs in providers.items():
            hl += 1
            receiver = hl
            out.add("HL", str(receiver), str(source), "21", "1")
            person = provider.is_person
            out.add(
                "NM1",
                "1P",
                "1" if person else "2",
                text(provider.last_name),
                text(provider.first_name) if person else "",
                text(provider.middle_name) if person else "",
                "",
                text(provider.suffix) if person else "",
                "XX",
                ident(provider.npi),
            )
            for inquiry in theirs:
                hl += 1
                dependent = inquiry.dependent
                out.add("HL", str(hl), str(receiver), "22", "1" if dependent else "0")
                trace = ident(inquiry.trace)
                if not trace:
                    raise WriteError("an inquiry has no trace number")
                if dependent is None:
                    out.add("TRN", "1", trace, ident(envelope.trace_originator))
                member = ident(inquiry.subscriber.member_id)
                if not member:
                    raise WriteError(f"inquiry {trace}: the member id is missing")
                _name(out, "IL", inquiry.subscriber.person, member)
                if dependent is not None:
                    hl += 1
                    out.add("HL", str(hl), str(hl - 1), "23", "0")
                    out.add("TRN", "1", trace, ident(envelope.trace_originator))
                    _name(out, "03", dependent, "")
                    relationship = _DEPENDENT_RELATIONSHIP.get(inquiry.relationship, "34")
                    out.add("INS", "N", relationship)
                out.add("DTP", "291", "D8", date8(inquiry.service_date))
                out.add("EQ", ident(inquiry.service_type))
    out.add("SE", str(out.count + 1), control)
    close_interchange(out, envelope.header, 1)
    return out.text()


def person_name(out: SegmentWriter, entity: str, who: Person, member: str) -> None:
    """NM1 of a person: ``entity`` (IL subscriber, 03 or QC dependent), the name, and the
    member id (MI) when given. The 270 and the 276 write it the same way."""
    out.add(
        "NM1",
        entity,
        "1",
        text(who.last_name),
        text(who.first_name),
        text(who.middle_name),
        "",
        text(who.suffix),
        "MI" if member else "",
        member,
    )


def _name(out: SegmentWriter, entity: str, who: Person, member: str) -> None:
    """NM1 (IL subscriber with the member id, 03 dependent without) and its DMG."""
    person_name(out, entity, who, member)
    if who.date_of_birth is not None:
        out.add("DMG", "D8", date8(who.date_of_birth), who.sex if who.sex in {"M", "F"} else "")


# --- the 271 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Benefit:
    """One EB segment."""

    code: str  # EB01
    coverage_level: str  # EB02
    service_types: tuple[str, ...]  # EB03 (repeats)
    insurance_type: str  # EB04
    plan: str  # EB05
    time_period: str  # EB06: 29 remaining, 23 calendar year, ...
    amount: Decimal | None  # EB07
    percent: Decimal | None  # EB08
    in_network: str  # EB12: Y, N, W (not applicable)
    segment_number: int

    @property
    def remaining(self) -> bool:
        return self.time_period == REMAINING


@dataclass(frozen=True)
class Rejection:
    level: str  # the HL level code ("20", "21", "22", "23"), "" before any HL
    code: str  # AAA03
    reason: str
    follow_up: str  # AAA04 in words
    segment_number: int


@dataclass(frozen=True)
class Eligibility:
    """The answer about one subscriber (or dependent) of a 271."""

    trace: str  # our TRN02 echoed (TRN*2), "" when the payer sent none
    payer_name: str
    last_name: str
    first_name: str
    member_id: str
    subscriber_last_name: str
    subscriber_first_name: str
    active: bool | None  # None: the 271 says neither
    plan: str
    group_number: str
    benefits: tuple[Benefit, ...]
    rejections: tuple[Rejection, ...]

    def _of(self, code: str) -> tuple[Benefit, ...]:
        return tuple(b for b in self.benefits if b.code == code)

    @property
    def copays(self) -> tuple[Benefit, ...]:
        return self._of("B")

    @property
    def deductibles(self) -> tuple[Benefit, ...]:
        return self._of("C")

    @property
    def out_of_pocket(self) -> tuple[Benefit, ...]:
        return self._of("G")

    @property
    def deductible_remaining(self) -> Decimal | None:
        found = [b.amount for b in self.deductibles if b.remaining and b.amount is not None]
        return found[0] if found else None


@dataclass(frozen=True)
class Response271:
    answers: tuple[Eligibility, ...]
    rejections: tuple[Rejection, ...]  # at the information source or receiver level
    envelope_errors: tuple[X12Error, ...]


def _rejection(segment: Segment, level: str) -> Rejection:
    code = require(segment, 3, "the rejection reason code")
    action = segment.get(4).strip()
    return Rejection(
        level=level,
        code=code,
        reason=REJECTION_REASONS.get(code, f"reason {code}"),
        follow_up=FOLLOW_UP.get(action, action),
        segment_number=segment.number,
    )


def _benefit(segment: Segment) -> Benefit:
    code = require(segment, 1, "the eligibility or benefit code")
    return Benefit(
        code=code,
        coverage_level=segment.get(2),
        service_types=segment.repetitions(3),
        insurance_type=segment.get(4),
        plan=segment.get(5),
        time_period=segment.get(6),
        amount=amount(segment, 7),
        percent=amount(segment, 8),
        in_network=segment.get(12),
        segment_number=segment.number,
    )


class _Person:
    def __init__(self, level: str, parent: _Person | None) -> None:
        self.level = level
        self.parent = parent
        self.last = self.first = self.member = self.trace = self.plan = self.group = ""
        self.benefits: list[Benefit] = []
        self.rejections: list[Rejection] = []


def read_271(source: Source) -> Response271:
    """Read a 271; ``ContentError`` names a segment that cannot be read."""
    listed, problems = read_checked(source, "271")
    people: list[_Person] = []
    levels: dict[str, _Person] = {}
    above: list[Rejection] = []
    payer = ""
    current: _Person | None = None
    level = ""
    in_ls = False
    for segment in listed:
        sid = segment.id
        if sid == "ST":
            levels, current, level = {}, None, ""
        elif sid == "HL":
            number = require(segment, 1, "the hierarchical id")
            level = require(segment, 3, "the hierarchical level code")
            parent = levels.get(segment.get(2).strip())
            in_ls = False
            if level in {"22", "23"}:
                current = _Person(level, parent)
                levels[number] = current
                people.append(current)
            else:
                current = None
        elif sid == "LS":
            in_ls = True
        elif sid == "LE":
            in_ls = False
        elif sid == "AAA":
            if current is None:
                above.append(_rejection(segment, level))
            else:
                current.rejections.append(_rejection(segment, level))
        elif sid == "NM1" and current is None and segment.get(1) == "PR":
            payer = segment.get(3)
        elif current is None or in_ls:
            continue
        elif sid == "NM1" and segment.get(1) in {"IL", "03"}:
            current.last, current.first = segment.get(3), segment.get(4)
            if segment.get(9):
                current.member = segment.get(9)
        elif sid == "TRN" and segment.get(1) == "2":
            current.trace = segment.get(2)
        elif sid == "REF" and segment.get(1) in {"18", "6P", "1L"}:
            if segment.get(1) == "18":
                current.plan = current.plan or segment.get(2) or segment.get(3)
            else:
                current.group = current.group or segment.get(2)
        elif sid == "EB":
            current.benefits.append(_benefit(segment))
    answers: list[Eligibility] = []
    for person in people:
        if not (person.trace or person.benefits or person.rejections):
            continue
        subscriber = person.parent if person.level == "23" and person.parent else person
        codes = {b.code for b in person.benefits}
        active = True if codes & ACTIVE else (False if codes & INACTIVE else None)
        plan = next((b.plan for b in person.benefits if b.code in ACTIVE and b.plan), "")
        answers.append(
            Eligibility(
                trace=person.trace or subscriber.trace,
                payer_name=payer,
                last_name=person.last,
                first_name=person.first,
                member_id=person.member or subscriber.member,
                subscriber_last_name=subscriber.last,
                subscriber_first_name=subscriber.first,
                active=active,
                plan=plan or person.plan or subscriber.plan,
                group_number=person.group or subscriber.group,
                benefits=tuple(person.benefits),
                rejections=tuple(person.rejections),
            )
        )
    if not answers and not above:
        raise ContentError("the 271 answers about no subscriber and rejects nothing")
    return Response271(tuple(answers), tuple(above), problems)
