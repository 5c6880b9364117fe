"""Claim status: the 276 request we send (005010X212) and the 277 response we read.

When a payer has said nothing about a claim for a while, the biller asks. ``write_276``
writes one ST with, per payer, an information source HL (20, NM1*PR), per submitter an
information receiver HL (21, NM1*41 with our ETIN), per billing provider a service
provider HL (19, NM1*1P with the NPI), and per claim a subscriber HL (22: DMG, NM1*IL) with
the claim's own TRN*1 (our CLM01), REF*1K (the payer's claim number, when we have it),
REF*EJ (the patient account), AMT*T3 (the total charge) and DTP*472 (the service dates).
When the patient is the subscriber's dependent, the claim goes in a dependent HL (23: DMG,
NM1*QC) under the subscriber's.

``read_277`` gives, per claim answered (the TRN*2 at subscriber or dependent level), every
STC with its category in words (F1 paid, F2 denied, P pending, A acknowledged, R more
information wanted, E errors, D0 not found...), the payer's claim number (REF*1K), the
amounts (STC04 charged, STC05 paid), the check or EFT date (STC08/STC09) and the line
statuses (SVC with its STC).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from medoffice.x12._reading import amount, date8, one_of, read_checked, require
from medoffice.x12.claims import Payer, Person, Provider
from medoffice.x12.eligibility import person_name
from medoffice.x12.errors import ContentError, WriteError, X12Error
from medoffice.x12.reader import Segment, Source
from medoffice.x12.writer import (
    InterchangeHeader,
    SegmentWriter,
    close_interchange,
    decimal_text,
    ident,
    open_interchange,
    text,
    time4,
    transaction_control,
)
from medoffice.x12.writer import (
    date8 as write_date8,
)

VERSION = "005010X212"

# Claim status category codes (STC01-1), as the biller reads them.
CATEGORIES = {
    "A0": "acknowledged: forwarded to another entity",
    "A1": "acknowledged: received",
    "A2": "acknowledged: accepted into adjudication",
    "A3": "returned as unprocessable",
    "A4": "not found",
    "A6": "rejected for missing information",
    "A7": "rejected for invalid information",
    "A8": "rejected for a relational field in error",
    "D0": "data search unsuccessful: the payer cannot find the claim",
    "E0": "response not possible: error in the request",
    "E1": "response not possible: system status",
    "E2": "information holder is not responding; resubmit later",
    "E3": "correction required: relational fields in error",
    "E4": "trading partner agreement problem",
    "F0": "finalized: the claim has completed the adjudication cycle",
    "F1": "finalized: paid",
    "F2": "finalized: denied",
    "F3": "finalized: revised (adjudication information changed)",
    "F3F": "finalized: forwarded to another payer",
    "F3N": "finalized: not forwarded",
    "F4": "finalized: adjudication complete, no payment forthcoming",
    "P0": "pending: adjudication or payment system",
    "P1": "pending: in process",
    "P2": "pending: payer review",
    "P3": "pending: provider requested information",
    "P4": "pending: patient requested information",
    "P5": "pending: payer administrative or system hold",
    "R0": "more information wanted: general",
    "R1": "more information wanted: entity requests",
    "R3": "more information wanted: claim or line",
    "R4": "more information wanted: documentation",
    "R5": "more information wanted: more specific detail",
    "R6": "more information wanted: regulatory requirements",
    "R7": "more information wanted: confirmation of a modifier",
    "R8": "more information wanted: additional medical information",
    "R9": "more information wanted: coordination of benefits",
    "R10": "more information wanted: about the subscriber",
    "R11": "more information wanted: about the patient",
    "R12": "more information wanted: about the provider",
    "R13": "more information wanted: about the service",
    "R14": "more information wanted: about the dependent",
    "R15": "more information wanted: next steps",
    "R16": "more information wanted: claim or line status",
    "R17": "more information wanted: medical records",
}
LEVELS = {
    "20": "information source",
    "21": "information receiver",
    "19": "service provider",
    "22": "subscriber",
    "23": "dependent",
}


def kind_of(category: str) -> str:
    """``paid``, ``denied``, ``finalized``, ``pending``, ``information wanted``,
    ``acknowledged``, ``rejected``, ``not found`` or ``error``: what the biller does next."""
    if category == "F1":
        return "paid"
    if category == "F2":
        return "denied"
    if category.startswith("F"):
        return "finalized"
    if category.startswith("P"):
        return "pending"
    if category.startswith("R"):
        return "information wanted"
    if category in {"A3", "A6", "A7", "A8"}:
        return "rejected"
    if category in {"A4", "D0"}:
        return "not found"
    if category.startswith("A"):
        return "acknowledged"
    return "error"


# --- the 276 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRequest:
    """One claim asked about: who it was for, what was billed and when."""

    control_number: str  # our CLM01, sent as TRN*1 and echoed as TRN*2
    payer: Payer
    provider: Provider  # the billing provider (NPI)
    member_id: str
    subscriber: Person
    total_charge: Decimal
    service_from: dt.date
    service_to: dt.date
    patient_account: str = ""  # REF*EJ
    payer_claim_number: str = ""  # REF*1K, once the payer gave one
    dependent: Person | None = None  # the patient, when not the subscriber


@dataclass(frozen=True)
class Envelope276:
    header: InterchangeHeader
    transaction_control_number: int  # ST02
    submitter_name: str  # NM1*41
    submitter_id: str  # NM1*41 NM109: the ETIN the clearinghouse gave us
    reference: str = ""  # BHT03, ST02 when empty


def write_276(
    requests: Iterable[StatusRequest], envelope: Envelope276, *, line_breaks: bool = True
) -> str:
    """The 276 interchange asking about ``requests`` (one transaction set)."""
    batch = list(requests)
    if not batch:
        raise WriteError("no claim to ask about")
    submitter = ident(envelope.submitter_id)
    if not submitter:
        raise WriteError("the submitter id (NM1*41 NM109) is missing")
    out = SegmentWriter(line_breaks=line_breaks)
    open_interchange(out, envelope.header, "HR", VERSION)
    control = transaction_control(envelope.transaction_control_number)
    out.start_count()
    out.add("ST", "276", control, VERSION)
    created = envelope.header.created
    out.add(
        "BHT",
        "0010",
        "13",
        ident(envelope.reference or control),
        write_date8(created),
        time4(created),
    )
    by_payer: dict[Payer, dict[Provider, list[StatusRequest]]] = {}
    for request in batch:
        by_payer.setdefault(request.payer, {}).setdefault(request.provider, []).append(request)
    hl = 0
    for payer, providers in by_payer.items():
        hl += 1
        source = hl
        out.add("HL", str(source), "", "20", "1")
        out.add("NM1", "PR", "2", text(payer.name), "", "", "", "", "PI", ident(payer.payer_id))
        hl += 1
        receiver = hl
        out.add("HL", str(receiver), str(source), "21", "1")
        out.add("NM1", "41", "2", text(envelope.submitter_name), "", "", "", "", "46", submitter)
        for provider, theirs in providers.items():
            hl += 1
            provider_hl = hl
            out.add("HL", str(provider_hl), str(receiver), "19", "1")
            npi = ident(provider.npi)
            if not npi:
                raise WriteError(f"the billing provider {provider.last_name!r} has no NPI")
            person = provider.is_person
            out.add(
                "NM1",
                "1P",
                "1" if person else "2",
                text(provider.last_name),
                text(provider.first_name) if person else "",
                "",
                "",
                "",
                "XX",
                npi,
            )
            for request in theirs:
                hl += 1
                dependent = request.dependent
                out.add("HL", str(hl), str(provider_hl), "22", "1" if dependent else "0")
                member = ident(request.member_id)
                if not member:
                    raise WriteError(f"claim {request.control_number}: the member id is missing")
                if dependent is None:
                    _person(out, "IL", request.subscriber, member)
                else:  # the subscriber named only; the patient's DMG is in 2000E
                    person_name(out, "IL", request.subscriber, member)
                    hl += 1
                    out.add("HL", str(hl), str(hl - 1), "23")
                    _person(out, "QC", dependent, "")
                _claim(out, request)
    out.add("SE", str(out.count + 1), control)
    close_interchange(out, envelope.header, 1)
    return out.text()


def _person(out: SegmentWriter, entity: str, who: Person, member: str) -> None:
    """DMG (birth date and sex, when known) then NM1 (IL with the member id, QC without)."""
    if who.date_of_birth is not None:
        out.add(
            "DMG",
            "D8",
            write_date8(who.date_of_birth),
            who.sex if who.sex in {"M", "F"} else "U",
        )
    person_name(out, entity, who, member)


def _claim(out: SegmentWriter, request: StatusRequest) -> None:
    trace = ident(request.control_number)
    if not trace:
        raise WriteError("a claim asked about has no control number")
    if request.service_to < request.service_from:
        raise WriteError(f"claim {trace}: the service dates run backwards")
    out.add("TRN", "1", trace)
    if request.payer_claim_number:
        out.add("REF", "1K", ident(request.payer_claim_number))
    if request.patient_account:
        out.add("REF", "EJ", ident(request.patient_account))
    out.add("AMT", "T3", decimal_text(request.total_charge))
    if request.service_to != request.service_from:
        out.add(
            "DTP",
            "472",
            "RD8",
            f"{write_date8(request.service_from)}-{write_date8(request.service_to)}",
        )
    else:
        out.add("DTP", "472", "D8", write_date8(request.service_from))


# --- the 277 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimStatus:
    """One STC: category, status and entity codes, the dates and the amounts with it."""

    category: str  # STC01-1
    code: str  # STC01-2 (claim status code)
    entity: str  # STC01-3
    effective: dt.date | None  # STC02
    charged: Decimal | None  # STC04
    paid: Decimal | None  # STC05
    paid_on: dt.date | None  # STC06 adjudication or payment date
    check_issued: dt.date | None  # STC08
    check_number: str  # STC09
    more: tuple[tuple[str, str, str], ...]  # STC10 and STC11
    text: str  # STC12
    segment_number: int

    @property
    def kind(self) -> str:
        return kind_of(self.category)

    @property
    def description(self) -> str:
        words = CATEGORIES.get(self.category, f"category {self.category}")
        if self.code:
            words += f", status {self.code}"
        return words + (f": {self.text}" if self.text else "")


@dataclass(frozen=True)
class LineStatus:
    procedure: str  # SVC01-2
    modifiers: tuple[str, ...]
    charged: Decimal | None  # SVC02
    paid: Decimal | None  # SVC03
    statuses: tuple[ClaimStatus, ...]
    control_number: str  # REF*FJ line item control number
    service_from: dt.date | None  # the line's DTP*472
    service_to: dt.date | None
    segment_number: int


@dataclass(frozen=True)
class ClaimAnswer:
    control_number: str  # TRN*2: our CLM01
    statuses: tuple[ClaimStatus, ...]
    payer_claim_number: str  # REF*1K
    patient_account: str  # REF*EJ
    last_name: str
    first_name: str
    member_id: str
    service_from: dt.date | None
    service_to: dt.date | None
    lines: tuple[LineStatus, ...]
    segment_number: int

    @property
    def kind(self) -> str:
        """What the first (claim-level) status says, or ``no status`` without one."""
        return self.statuses[0].kind if self.statuses else "no status"


@dataclass(frozen=True)
class Response277:
    payer_name: str
    payer_id: str
    claims: tuple[ClaimAnswer, ...]
    envelope_errors: tuple[X12Error, ...]


def _status(segment: Segment) -> ClaimStatus:
    require(segment, 1, "the status category")
    parts = segment.components(1)
    more = tuple(
        (c[0], c[1] if len(c) > 1 else "", c[2] if len(c) > 2 else "")
        for position in (10, 11)
        if (c := segment.components(position)) and c[0]
    )
    return ClaimStatus(
        category=parts[0],
        code=parts[1] if len(parts) > 1 else "",
        entity=parts[2] if len(parts) > 2 else "",
        effective=date8(segment, 2),
        charged=amount(segment, 4),
        paid=amount(segment, 5),
        paid_on=date8(segment, 6),
        check_issued=date8(segment, 8),
        check_number=segment.get(9),
        more=more,
        text=segment.get(12),
        segment_number=segment.number,
    )


def _dates(segment: Segment) -> tuple[dt.date | None, dt.date | None]:
    qualifier, value = segment.get(2), segment.get(3).strip()
    try:
        if qualifier == "RD8" and len(value) == 17 and value[8] == "-":
            start, end = value[:8], value[9:]
            return _day(start), _day(end)
        if qualifier == "D8" and len(value) == 8:
            day = _day(value)
            return day, day
    except ValueError:
        pass
    raise ContentError(
        f"{value[:20]!r} is not a service date ({qualifier or 'no qualifier'})",
        segment_number=segment.number,
        segment_id=segment.id,
        element=3,
    )


def _day(value: str) -> dt.date:
    if not value.isdigit():
        raise ValueError(value)
    return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))


class _Claim:
    def __init__(self, trace_segment: Segment, who: tuple[str, str, str]) -> None:
        self.segment = trace_segment
        self.trace = trace_segment.get(2).strip()
        self.who = who
        self.statuses: list[ClaimStatus] = []
        self.payer_claim = self.account = ""
        self.dates: tuple[dt.date | None, dt.date | None] = (None, None)
        self.lines: list[_Line] = []

    def answer(self) -> ClaimAnswer:
        last, first, member = self.who
        return ClaimAnswer(
            control_number=self.trace,
            statuses=tuple(self.statuses),
            payer_claim_number=self.payer_claim,
            patient_account=self.account,
            last_name=last,
            first_name=first,
            member_id=member,
            service_from=self.dates[0],
            service_to=self.dates[1],
            lines=tuple(line.answer() for line in self.lines),
            segment_number=self.segment.number,
        )


class _Line:
    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        parts = segment.components(1)
        self.procedure = parts[1] if len(parts) > 1 else ""
        self.modifiers = tuple(p for p in parts[2:6] if p)
        self.charged = amount(segment, 2)
        self.paid = amount(segment, 3)
        self.statuses: list[ClaimStatus] = []
        self.control = ""
        self.dates: tuple[dt.date | None, dt.date | None] = (None, None)

    def answer(self) -> LineStatus:
        return LineStatus(
            procedure=self.procedure,
            modifiers=self.modifiers,
            charged=self.charged,
            paid=self.paid,
            statuses=tuple(self.statuses),
            control_number=self.control,
            service_from=self.dates[0],
            service_to=self.dates[1],
            segment_number=self.segment.number,
        )


def read_277(source: Source) -> Response277:
    """Read a 277 claim status response; ``ContentError`` names what cannot be read."""
    listed, problems = read_checked(source, "277")
    payer_name = payer_id = ""
    level = ""
    who: tuple[str, str, str] = ("", "", "")
    subscriber: tuple[str, str, str] = ("", "", "")
    claims: list[_Claim] = []
    claim: _Claim | None = None
    line: _Line | None = None
    for segment in listed:
        sid = segment.id
        if sid == "HL":
            code = one_of(segment, 3, LEVELS, "the hierarchical level code")
            level, claim, line = code, None, None
        elif sid == "NM1":
            entity = segment.get(1)
            name = (segment.get(3), segment.get(4), segment.get(9))
            if level == "20" and entity == "PR":
                payer_name, payer_id = segment.get(3), segment.get(9)
            elif level == "22" and entity == "IL":
                subscriber = who = name
            elif level == "23" and entity == "QC":
                who = (name[0], name[1], subscriber[2])
        elif sid == "TRN" and level in {"22", "23"}:
            require(segment, 2, "the claim's trace number")
            claim, line = _Claim(segment, who), None
            claims.append(claim)
        elif claim is None:
            continue
        elif sid == "STC":
            (line.statuses if line is not None else claim.statuses).append(_status(segment))
        elif sid == "REF":
            qualifier, value = segment.get(1), segment.get(2)
            if line is not None and qualifier == "FJ":
                line.control = value
            elif line is None and qualifier == "1K":
                claim.payer_claim = value
            elif line is None and qualifier == "EJ":
                claim.account = value
        elif sid == "DTP" and segment.get(1) == "472":
            (line if line is not None else claim).dates = _dates(segment)
        elif sid == "SVC":
            line = _Line(segment)
            claim.lines.append(line)
    return Response277(
        payer_name=payer_name,
        payer_id=payer_id,
        claims=tuple(c.answer() for c in claims),
        envelope_errors=problems,
    )
