"""Reading an 835 (005010X221A1) remittance: what each payer paid, claim by claim, and why.

``Reader835(source)`` streams: iterating it yields, for every transaction set (ST…SE, one
payment), a ``RemittanceStart`` (BPR, TRN, CUR, REF, DTM, payer 1000A and payee 1000B),
then one ``ClaimPayment`` per 2100 loop as soon as it is complete, then a ``RemittanceEnd``
(the PLB provider adjustments and the LX/TS3/TS2 summaries). Nothing but the claim being
read is held, so memory stays flat however large the file. ``read_835(source)`` gathers
the same into ``Remittance`` objects for small files.

Balancing follows the guide: each service line's charge − paid = Σ its CAS; each claim's
charge − paid = Σ its CAS at claim and line level; BPR02 = Σ CLP04 − Σ PLB amounts. With
``strict`` (the default) the first imbalance raises ``BalanceError``; otherwise each is kept
in ``errors`` and reading goes on. Malformed content raises ``ContentError``; every error
names the segment number, the segment id and the element.

What real payers send is tolerated with a ``ReadWarning``: no PER*BL in 1000A, the file on
one line or with LF/CRLF after each segment, a UTF-8 byte-order mark, and a service
composite written with another separator than ISA16 (``SVC*HC>12345>26`` under ``:``),
which is split on the character actually used. A procedure that cannot be made out at all
is kept raw with ``readable`` False, for posting to send to exceptions.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO

from medoffice.x12.errors import BalanceError, ContentError, TruncatedError, X12Error
from medoffice.x12.reader import CHUNK_SIZE, ISA_ELEMENTS, Segment, Source, X12Reader

ADJUSTMENT_GROUPS = {
    "CO": "contractual obligation",
    "CR": "correction and reversal",
    "OA": "other adjustment",
    "PI": "payer initiated reduction",
    "PR": "patient responsibility",
}
PROCEDURE_QUALIFIERS = frozenset(
    {"AD", "ER", "HC", "HP", "IV", "N4", "N6", "NU", "UI", "WK", "ZZ", "ND", "NH"}
)
CLAIM_NAMES = {
    "QC": "patient",
    "IL": "insured",
    "74": "corrected_insured",
    "82": "rendering_provider",
    "TT": "crossover_carrier",
    "PR": "corrected_payer",
}
TRIPLETS = 6  # CAS: up to six reason/amount/quantity groups
PLB_PAIRS = 6  # PLB: up to six reason/amount pairs
_ZERO = Decimal(0)
_CLAIM_SEGMENTS = frozenset({"CAS", "NM1", "MIA", "MOA", "REF", "DTM", "PER", "AMT", "QTY"})
_LINE_SEGMENTS = frozenset({"DTM", "CAS", "REF", "AMT", "QTY", "LQ"})
_PARTY_SEGMENTS = frozenset({"N3", "N4", "REF", "PER", "RDM"})


# --- the typed result -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReadWarning:
    """Something tolerated: the file is read, but a person may want to know."""

    code: str
    message: str
    segment_number: int
    segment_id: str
    element: int = 0


@dataclass(frozen=True, slots=True)
class Reference:
    qualifier: str  # REF01
    value: str  # REF02


@dataclass(frozen=True, slots=True)
class Dated:
    qualifier: str  # DTM01: 405 production, 232/233 statement, 472/150/151 service, 036/050…
    date: dt.date  # DTM02


@dataclass(frozen=True, slots=True)
class Figure:
    qualifier: str  # AMT01 / QTY01
    value: Decimal  # AMT02 / QTY02


@dataclass(frozen=True, slots=True)
class Remark:
    qualifier: str  # LQ01: HE remark code (RARC), RX NCPDP reject code
    code: str  # LQ02


@dataclass(frozen=True)
class Contact:
    function: str  # PER01: BL technical, CX claims, IC website
    name: str  # PER02
    numbers: tuple[tuple[str, str], ...]  # (PER03, PER04), (PER05, PER06), (PER07, PER08)


@dataclass(frozen=True)
class Party:
    """1000A (N1*PR, the payer) or 1000B (N1*PE, the payee)."""

    entity: str  # N101
    name: str  # N102
    id_qualifier: str  # N103
    identifier: str  # N104
    address: tuple[str, ...] = ()  # N301, N302
    city: str = ""  # N401
    state: str = ""  # N402
    postal_code: str = ""  # N403
    country: str = ""  # N404
    references: tuple[Reference, ...] = ()
    contacts: tuple[Contact, ...] = ()
    delivery: tuple[str, ...] = ()  # RDM, raw
    segment_number: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Payment:
    """BPR: the money itself."""

    handling: str  # BPR01: C payment with remittance, I remittance only, H notification, …
    amount: Decimal  # BPR02
    credit_debit: str  # BPR03: C or D
    method: str  # BPR04: ACH, BOP, CHK, FWT, NON
    format: str = ""  # BPR05: CCP, CTX
    banking: tuple[str, ...] = ()  # BPR06…BPR15 raw (DFI ids, accounts, originating company)
    date: dt.date | None = None  # BPR16
    segment_number: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Trace:
    """TRN: the reassociation trace (check or EFT number) and the payer's id."""

    number: str  # TRN02
    originator: str  # TRN03
    supplemental: str = ""  # TRN04
    kind: str = "1"  # TRN01


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet: group (CO/PR/OA/PI/CR), reason (CARC), amount, quantity."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None
    segment_number: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Name:
    """An NM1 in 2100: patient, insured, corrected insured, rendering, crossover, payer."""

    entity: str  # NM101
    kind: str  # NM102: 1 person, 2 organisation
    last: str  # NM103
    first: str = ""  # NM104
    middle: str = ""  # NM105
    suffix: str = ""  # NM107
    id_qualifier: str = ""  # NM108
    identifier: str = ""  # NM109


@dataclass(frozen=True, slots=True)
class Procedure:
    """A C003 composite (SVC01 or SVC06): qualifier, code, up to four modifiers, description."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...] = ()
    description: str = ""
    raw: str = field(default="", compare=False)
    readable: bool = True


@dataclass(frozen=True, slots=True)
class ServicePayment:
    """A 2110 loop: one service line as the payer adjudicated it."""

    procedure: Procedure  # SVC01
    charge: Decimal  # SVC02
    paid: Decimal  # SVC03
    revenue_code: str = ""  # SVC04
    units: Decimal | None = None  # SVC05 (paid units)
    original_procedure: Procedure | None = None  # SVC06, when the payer paid another code
    original_units: Decimal | None = None  # SVC07
    dates: tuple[Dated, ...] = ()  # 472 service, 150 start, 151 end
    adjustments: tuple[Adjustment, ...] = ()
    references: tuple[Reference, ...] = ()  # 6R line control number, 1B, LU, …
    amounts: tuple[Figure, ...] = ()  # B6 allowed, KH late filing, T/T2 tax, ZK…
    quantities: tuple[Figure, ...] = ()
    remarks: tuple[Remark, ...] = ()  # LQ*HE remark codes
    segment_number: int = field(default=0, compare=False)

    @property
    def line_control_number(self) -> str:
        return next((r.value for r in self.references if r.qualifier == "6R"), "")

    @property
    def allowed(self) -> Decimal | None:
        return next((a.value for a in self.amounts if a.qualifier == "B6"), None)

    @property
    def service_date(self) -> dt.date | None:
        return next((d.date for d in self.dates if d.qualifier in {"472", "150"}), None)

    @property
    def adjusted(self) -> Decimal:
        return sum((a.amount for a in self.adjustments), _ZERO)


@dataclass(frozen=True)
class ClaimPayment:
    """A 2100 loop: the payer's answer to one of our claims."""

    claim_id: str  # CLP01, our patient control number (CLM01)
    status: str  # CLP02: 1 primary, 2 secondary, 3 tertiary, 4 denied, 22 reversal, …
    charge: Decimal  # CLP03
    paid: Decimal  # CLP04
    patient_responsibility: Decimal | None = None  # CLP05
    filing_indicator: str = ""  # CLP06
    payer_claim_number: str = ""  # CLP07
    facility_type: str = ""  # CLP08
    frequency: str = ""  # CLP09
    drg: tuple[str, ...] = ()  # CLP10…CLP14 raw
    patient: Name | None = None  # NM1*QC
    insured: Name | None = None  # NM1*IL
    corrected_insured: Name | None = None  # NM1*74
    rendering_provider: Name | None = None  # NM1*82
    crossover_carrier: Name | None = None  # NM1*TT
    corrected_payer: Name | None = None  # NM1*PR
    other_names: tuple[Name, ...] = ()  # NM1*GB and the like
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    inpatient: tuple[str, ...] | None = None  # MIA raw
    outpatient: tuple[str, ...] | None = None  # MOA raw
    references: tuple[Reference, ...] = ()
    dates: tuple[Dated, ...] = ()  # 232/233 statement, 036/050 coverage, received…
    contacts: tuple[Contact, ...] = ()
    amounts: tuple[Figure, ...] = ()  # AU coverage, DY per day, F5 patient paid, I interest…
    quantities: tuple[Figure, ...] = ()
    lines: tuple[ServicePayment, ...] = ()
    service_group: str = ""  # LX01 of the 2000 loop it sits in
    segment_number: int = field(default=0, compare=False)

    @property
    def remark_codes(self) -> tuple[str, ...]:
        """RARCs of MOA03…07 and MIA05, MIA20…23."""
        found: list[str] = []
        if self.outpatient:
            found += [v for v in self.outpatient[2:7] if v]
        if self.inpatient:
            picks = [4, 19, 20, 21, 22]
            found += [self.inpatient[i] for i in picks if i < len(self.inpatient)]
        return tuple(code for code in found if code)

    @property
    def adjusted(self) -> Decimal:
        own = sum((a.amount for a in self.adjustments), _ZERO)
        return own + sum((line.adjusted for line in self.lines), _ZERO)


@dataclass(frozen=True)
class ProviderAdjustment:
    """One PLB pair: a reason (WO, FB, L6 interest, 72, J1, CS, …) and its amount."""

    provider_id: str  # PLB01
    fiscal_period: dt.date  # PLB02
    reason: str  # PLB03-1 …
    reference: str  # PLB03-2 …
    amount: Decimal  # PLB04 … (positive: taken from the payment)
    segment_number: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ProviderSummary:
    """An LX (2000) header with its TS3 and TS2, raw."""

    number: str  # LX01
    ts3: tuple[str, ...] = ()
    ts2: tuple[str, ...] = ()


@dataclass(frozen=True)
class RemittanceStart:
    """Everything of a payment before its first claim."""

    control_number: str  # ST02
    payment: Payment
    trace: Trace
    payer: Party
    payee: Party
    currency: tuple[str, ...] = ()  # CUR raw
    references: tuple[Reference, ...] = ()  # EV receiver id, F2 version
    dates: tuple[Dated, ...] = ()  # 405 production date
    segment_number: int = field(default=0, compare=False)

    @property
    def production_date(self) -> dt.date | None:
        return next((d.date for d in self.dates if d.qualifier == "405"), None)


@dataclass(frozen=True)
class RemittanceEnd:
    control_number: str
    provider_adjustments: tuple[ProviderAdjustment, ...]
    summaries: tuple[ProviderSummary, ...]
    claims: int
    segment_number: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Remittance:
    """One ST…SE: one payment with its claims and provider-level adjustments."""

    start: RemittanceStart
    claims: tuple[ClaimPayment, ...]
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    summaries: tuple[ProviderSummary, ...] = ()

    @property
    def payment(self) -> Payment:
        return self.start.payment

    @property
    def trace(self) -> Trace:
        return self.start.trace

    @property
    def payer(self) -> Party:
        return self.start.payer

    @property
    def payee(self) -> Party:
        return self.start.payee


@dataclass(frozen=True)
class Read835:
    remittances: tuple[Remittance, ...]
    warnings: tuple[ReadWarning, ...]
    errors: tuple[X12Error, ...]  # balance problems (when not strict)
    envelope_errors: tuple[X12Error, ...]


Event = RemittanceStart | ClaimPayment | RemittanceEnd


# --- small readers --------------------------------------------------------------------------


def _error(segment: Segment, position: int, message: str) -> ContentError:
    return ContentError(
        message, segment_number=segment.number, segment_id=segment.id, element=position
    )


def _required(segment: Segment, position: int, what: str) -> str:
    elements = segment.elements
    value = elements[position - 1].strip() if position <= len(elements) else ""
    if not value:
        raise _error(segment, position, f"{what} ({segment.id}{position:02d}) is missing")
    return value


def _money(segment: Segment, position: int, what: str) -> Decimal:
    return _decimal(_required(segment, position, what), segment, position)


_NUMBERS: dict[str, Decimal] = {}
_DATES: dict[tuple[str, ...], Dated] = {}
_NAMES: dict[tuple[str, ...], Name] = {}
_CACHE_LIMIT = 20_000


def _decimal(value: str, segment: Segment, position: int) -> Decimal:
    """``value`` as a finite Decimal; the same text read again is the same (immutable) value."""
    found = _NUMBERS.get(value)
    if found is not None:
        return found
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _error(segment, position, f"{value[:20]!r} is not a number") from None
    if not number.is_finite():
        raise _error(segment, position, f"{value[:20]!r} is not a number")
    if len(_NUMBERS) >= _CACHE_LIMIT:
        _NUMBERS.clear()
    _NUMBERS[value] = number
    return number


def _optional_decimal(segment: Segment, position: int) -> Decimal | None:
    value = segment.get(position).strip()
    return _decimal(value, segment, position) if value else None


def _date(segment: Segment, position: int, what: str) -> dt.date:
    value = _required(segment, position, what)
    try:
        if len(value) != 8 or not value.isdigit() or not value.isascii():
            raise ValueError(value)
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise _error(segment, position, f"{value[:20]!r} is not a date (CCYYMMDD)") from None


def _raw(values: tuple[str, ...]) -> tuple[str, ...]:
    end = len(values)
    while end and not values[end - 1]:
        end -= 1
    return values[:end]


def _reference(segment: Segment) -> Reference:
    return Reference(_required(segment, 1, "the reference qualifier"), segment.get(2))


def _dated(segment: Segment) -> Dated:
    key = segment.elements
    found = _DATES.get(key)
    if found is None:
        found = Dated(_required(segment, 1, "the date qualifier"), _date(segment, 2, "the date"))
        if len(_DATES) >= _CACHE_LIMIT:
            _DATES.clear()
        _DATES[key] = found
    return found


def _figure(segment: Segment) -> Figure:
    return Figure(_required(segment, 1, "the qualifier"), _money(segment, 2, "the value"))


def _contact(segment: Segment) -> Contact:
    numbers = tuple(
        (segment.get(at), segment.get(at + 1)) for at in (3, 5, 7) if segment.get(at + 1)
    )
    return Contact(_required(segment, 1, "the contact function"), segment.get(2), numbers)


def _name(segment: Segment) -> Name:
    found = _NAMES.get(segment.elements)
    if found is None:
        found = _new_name(segment)
        if len(_NAMES) >= _CACHE_LIMIT:
            _NAMES.clear()
        _NAMES[segment.elements] = found
    return found


def _new_name(segment: Segment) -> Name:
    get = segment.get
    return Name(
        entity=_required(segment, 1, "the entity code"),
        kind=get(2),
        last=get(3),
        first=get(4),
        middle=get(5),
        suffix=get(7),
        id_qualifier=get(8),
        identifier=get(9),
    )


def _adjustments(segment: Segment) -> list[Adjustment]:
    elements = segment.elements
    if len(elements) == 3 and elements[0] in ADJUSTMENT_GROUPS and elements[1]:  # the usual
        return [
            Adjustment(
                elements[0],
                elements[1],
                _NUMBERS.get(elements[2]) or _decimal(elements[2], segment, 3),
                None,
                segment.number,
            )
        ]
    group = elements[0].strip() if elements else ""
    if group not in ADJUSTMENT_GROUPS:
        raise _error(
            segment, 1, f"adjustment group {group[:10]!r} is not one of {sorted(ADJUSTMENT_GROUPS)}"
        )
    found: list[Adjustment] = []
    size = len(elements)
    for triplet in range(TRIPLETS):
        at = 2 + 3 * triplet  # CAS02, CAS05, …, CAS17
        reason = elements[at - 1].strip() if at <= size else ""
        value = elements[at].strip() if at < size else ""
        quantity = elements[at + 1].strip() if at + 1 < size else ""
        if not reason:
            if value or quantity:
                raise _error(segment, at, f"an adjustment amount (CAS{at + 1:02d}) has no reason")
            if triplet == 0:
                raise _error(segment, 2, "the adjustment reason (CAS02) is missing")
            continue
        if not value:
            raise _error(segment, at + 1, f"the adjustment amount (CAS{at + 1:02d}) is missing")
        found.append(
            Adjustment(
                group,
                reason,
                _decimal(value, segment, at + 1),
                _decimal(quantity, segment, at + 2) if quantity else None,
                segment.number,
            )
        )
    if size > 3 * TRIPLETS + 1:
        raise _error(segment, 3 * TRIPLETS + 2, "a CAS holds at most six adjustments")
    return found


def _provider_adjustments(segment: Segment) -> list[ProviderAdjustment]:
    provider = _required(segment, 1, "the provider identifier")
    period = _date(segment, 2, "the fiscal period date")
    found: list[ProviderAdjustment] = []
    for pair in range(PLB_PAIRS):
        at = 3 + 2 * pair
        parts = segment.components(at)
        value = segment.get(at + 1).strip()
        if not parts or not parts[0].strip():
            if value:
                raise _error(segment, at, f"a provider adjustment (PLB{at + 1:02d}) has no reason")
            if pair == 0:
                raise _error(segment, 3, "the adjustment reason (PLB03) is missing")
            continue
        if not value:
            raise _error(segment, at + 1, f"the adjustment amount (PLB{at + 1:02d}) is missing")
        found.append(
            ProviderAdjustment(
                provider,
                period,
                parts[0].strip(),
                parts[1] if len(parts) > 1 else "",
                _decimal(value, segment, at + 1),
                segment.number,
            )
        )
    if len(segment.elements) > 2 + 2 * PLB_PAIRS:
        raise _error(segment, 3 + 2 * PLB_PAIRS, "a PLB holds at most six adjustments")
    return found


def _foreign_separator(raw: str) -> str:
    """The character a composite was really split on, when it is not ISA16 (or "")."""
    for index, char in enumerate(raw):
        if char.isalnum() or char == " ":
            continue
        return char if raw[:index] in PROCEDURE_QUALIFIERS and index + 1 < len(raw) else ""
    return ""


# --- the layout warnings --------------------------------------------------------------------


class _Prefixed:
    """A file object whose first chunk was already read to look at the layout."""

    def __init__(self, first: str | bytes, rest: IO[str] | IO[bytes]) -> None:
        self._first: str | bytes | None = first
        self._rest = rest

    def read(self, size: int = -1) -> str | bytes:
        if self._first is not None:
            first, self._first = self._first, None
            if first:
                return first
        return self._rest.read(size)


def _head(source: Source) -> tuple[Source, str]:
    """The first few KiB of ``source`` as text (for the layout), and the source to read."""
    if isinstance(source, str):
        return source, source[:4096]
    if isinstance(source, (bytes, bytearray)):
        return source, bytes(source[:4096]).decode("utf-8", "replace")
    if isinstance(source, os.PathLike):
        try:
            with open(os.fspath(source), "rb") as handle:
                return source, handle.read(4096).decode("utf-8", "replace")
        except OSError:
            return source, ""  # the tokenizer reports it
    try:
        first = source.read(CHUNK_SIZE)
    except (OSError, UnicodeDecodeError):
        return source, ""
    text = first if isinstance(first, str) else first[:4096].decode("utf-8", "replace")
    return _Prefixed(first, source), text[:4096]  # type: ignore[return-value]


def _layout_warnings(head: str) -> list[ReadWarning]:
    found: list[ReadWarning] = []
    if head.startswith("\ufeff"):
        found.append(
            ReadWarning("byte-order-mark", "a UTF-8 byte-order mark precedes the ISA", 1, "ISA")
        )
    text = head.lstrip("\ufeff \t\r\n")
    if not text.startswith("ISA") or len(text) < 4:
        return found
    marks = [i for i, char in enumerate(text[:150]) if char == text[3]]
    if len(marks) < ISA_ELEMENTS or marks[ISA_ELEMENTS - 1] + 3 >= len(text):
        return found
    terminator_at = marks[ISA_ELEMENTS - 1] + 2
    terminator, after = text[terminator_at], text[terminator_at + 1 : terminator_at + 3]
    if terminator in "\r\n":
        return found
    if after.startswith("\r\n"):
        found.append(ReadWarning("crlf", "segments end in CRLF (line breaks skipped)", 1, "ISA"))
    elif after.startswith("\n"):
        found.append(ReadWarning("lf", "segments end in a line feed (skipped)", 1, "ISA"))
    elif "\n" not in text.rstrip() and "\r" not in text.rstrip():
        found.append(ReadWarning("one-line", "the whole file is on one line", 1, "ISA"))
    return found


# --- the streaming reader -------------------------------------------------------------------


class _Claim:
    __slots__ = (
        "adjustments",
        "amounts",
        "contacts",
        "dates",
        "group",
        "inpatient",
        "lines",
        "names",
        "other_names",
        "outpatient",
        "quantities",
        "references",
        "segment",
    )

    def __init__(self, segment: Segment, group: str) -> None:
        self.segment = segment
        self.group = group
        self.names: dict[str, Name] = {}
        self.other_names: list[Name] = []
        self.adjustments: list[Adjustment] = []
        self.inpatient: tuple[str, ...] | None = None
        self.outpatient: tuple[str, ...] | None = None
        self.references: list[Reference] = []
        self.dates: list[Dated] = []
        self.contacts: list[Contact] = []
        self.amounts: list[Figure] = []
        self.quantities: list[Figure] = []
        self.lines: list[ServicePayment] = []


class _Line:
    __slots__ = (
        "adjustments",
        "amounts",
        "dates",
        "original",
        "procedure",
        "quantities",
        "references",
        "remarks",
        "segment",
    )

    def __init__(self, segment: Segment, procedure: Procedure, original: Procedure | None) -> None:
        self.segment = segment
        self.procedure = procedure
        self.original = original
        self.dates: list[Dated] = []
        self.adjustments: list[Adjustment] = []
        self.references: list[Reference] = []
        self.amounts: list[Figure] = []
        self.quantities: list[Figure] = []
        self.remarks: list[Remark] = []


class _Header:
    def __init__(self) -> None:
        self.segments: dict[str, Segment] = {}  # BPR, TRN, CUR
        self.references: list[Segment] = []
        self.dates: list[Segment] = []


class _Party:
    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self.address: tuple[str, ...] = ()
        self.place: tuple[str, ...] = ()
        self.references: list[Reference] = []
        self.contacts: list[Contact] = []
        self.delivery: tuple[str, ...] = ()

    def party(self) -> Party:
        get = self.segment.get
        place = self.place + ("", "", "", "")
        return Party(
            entity=get(1),
            name=get(2),
            id_qualifier=get(3),
            identifier=get(4),
            address=self.address,
            city=place[0],
            state=place[1],
            postal_code=place[2],
            country=place[3],
            references=tuple(self.references),
            contacts=tuple(self.contacts),
            delivery=self.delivery,
            segment_number=self.segment.number,
        )


class Reader835:
    """Iterate an 835's payments and claims one at a time (see the module's doc)."""

    def __init__(self, source: Source, *, strict: bool = True) -> None:
        self._source, head = _head(source)
        self.strict = strict
        self.warnings: list[ReadWarning] = _layout_warnings(head)
        self.errors: list[X12Error] = []  # balance problems when not strict
        self.envelope_errors: list[X12Error] = []
        self._procedures: dict[tuple[str, str], Procedure] = {}

    def _warn(self, code: str, message: str, segment: Segment, element: int = 0) -> None:
        self.warnings.append(ReadWarning(code, message, segment.number, segment.id, element))

    def _unbalanced(self, error: BalanceError) -> None:
        if self.strict:
            raise error
        self.errors.append(error)

    def __iter__(self) -> Iterator[Event]:
        envelopes = X12Reader(self._source, strict=False)
        envelope_errors = envelopes.errors
        st: Segment | None = None
        start: RemittanceStart | None = None
        header = _Header()
        party: _Party | None = None
        parties: dict[str, _Party] = {}
        claim: _Claim | None = None
        line: _Line | None = None
        group = ""
        summaries: list[ProviderSummary] = []
        plbs: list[ProviderAdjustment] = []
        claims = 0
        paid_total = _ZERO
        for segment in envelopes:
            sid = segment.id
            if envelope_errors:
                self._envelope(envelope_errors)
            if line is not None and sid in _LINE_SEGMENTS:
                if sid == "CAS":  # the two commonest written out: a call less each
                    line.adjustments += _adjustments(segment)
                elif sid == "DTM":
                    line.dates.append(_DATES.get(segment.elements) or _dated(segment))
                else:
                    self._line_segment(line, segment, sid)
                continue
            if claim is not None and line is None and sid in _CLAIM_SEGMENTS:
                self._claim_segment(claim, segment, sid)
                continue
            if sid == "SVC":
                if claim is None:
                    raise _error(segment, 0, "a service line (SVC) outside a claim (CLP)")
                if line is not None:
                    claim.lines.append(self._finish_line(line))
                line = _Line(
                    segment,
                    self._procedure(segment, 1, required=True),  # type: ignore[arg-type]
                    self._procedure(segment, 6, required=False),
                )
                continue
            if sid == "CLP" or sid == "LX" or sid == "PLB" or sid == "SE":
                if claim is not None:
                    if line is not None:
                        claim.lines.append(self._finish_line(line))
                        line = None
                    done = self._finish_claim(claim)
                    paid_total += done.paid
                    claims += 1
                    claim = None
                    yield done
                if st is not None and start is None:
                    start = self._start(st, header, parties, segment)
                    yield start
            if sid == "CLP":
                if st is None or plbs:
                    raise _error(segment, 0, "a claim (CLP) out of place")
                claim = _Claim(segment, group)
            elif sid == "LX":
                if st is None or plbs:
                    raise _error(segment, 0, "a header number (LX) out of place")
                group = _required(segment, 1, "the header number")
                summaries.append(ProviderSummary(group))
            elif sid in ("TS3", "TS2"):
                if not summaries or claim is not None:
                    raise _error(segment, 0, f"{sid} is not right after an LX")
                last = summaries[-1]
                values = _raw(segment.elements)
                summaries[-1] = (
                    ProviderSummary(last.number, values, last.ts2)
                    if sid == "TS3"
                    else ProviderSummary(last.number, last.ts3, values)
                )
            elif sid == "PLB":
                if st is None:
                    raise _error(segment, 0, "a PLB outside a transaction set")
                plbs += _provider_adjustments(segment)
            elif sid == "ST":
                if segment.get(1).strip() != "835":
                    raise _error(segment, 1, f"transaction set {segment.get(1)[:10]!r}, not an 835")
                # An ST while a set is open: the envelope checker reports the missing SE;
                # whatever of that set was unfinished is dropped with it.
                st, start, header, party, parties = segment, None, _Header(), None, {}
                claim = line = None
                group, summaries, plbs, claims, paid_total = "", [], [], 0, _ZERO
            elif sid == "SE":
                if st is None or start is None:
                    continue  # the envelope checker reports it
                self._check_payment(start, paid_total, plbs)
                yield RemittanceEnd(
                    start.control_number, tuple(plbs), tuple(summaries), claims, segment.number
                )
                st = start = party = None
            elif sid in ("ISA", "GS", "GE", "IEA", "TA1"):
                continue
            elif st is None or start is not None:
                self._warn("unexpected", f"{sid} is not expected here; skipped", segment)
            elif sid == "N1":
                party = _Party(segment)
                entity = segment.get(1).strip()
                if entity in parties:
                    raise _error(segment, 1, f"a second N1*{entity} in the payment")
                if entity in {"PR", "PE"}:
                    parties[entity] = party
                else:
                    self._warn("unexpected", f"N1*{entity[:3]} is neither PR nor PE", segment, 1)
            elif party is not None and sid in _PARTY_SEGMENTS:
                self._party_segment(party, segment, sid)
            elif sid in ("BPR", "TRN", "CUR") and sid not in header.segments:
                header.segments[sid] = segment
            elif sid == "REF":
                header.references.append(segment)
            elif sid == "DTM":
                header.dates.append(segment)
            else:
                self._warn("unexpected", f"{sid} is not expected here; skipped", segment)
        self._envelope(envelope_errors)

    def _envelope(self, found: list[X12Error]) -> None:
        for error in found:
            if isinstance(error, TruncatedError):
                raise error
        self.envelope_errors += found
        found.clear()

    # -- the header --

    def _start(
        self,
        st: Segment,
        header: _Header,
        parties: dict[str, _Party],
        at: Segment,
    ) -> RemittanceStart:
        bpr = header.segments.get("BPR")
        trn = header.segments.get("TRN")
        if bpr is None:
            raise _error(at, 0, "the payment (BPR) is missing before the first claim")
        if trn is None:
            raise _error(at, 0, "the reassociation trace (TRN) is missing")
        for entity, what in (("PR", "payer (N1*PR, 1000A)"), ("PE", "payee (N1*PE, 1000B)")):
            if entity not in parties:
                raise _error(at, 0, f"the {what} is missing")
        payer = parties["PR"].party()
        if not any(contact.function == "BL" for contact in payer.contacts):
            self._warn(
                "no-technical-contact",
                "the payer (1000A) gives no technical contact (PER*BL)",
                parties["PR"].segment,
            )
        payment_date, date_at = self._payment_date(bpr)
        cur = header.segments.get("CUR")
        return RemittanceStart(
            control_number=st.get(2),
            payment=Payment(
                handling=_required(bpr, 1, "the transaction handling code"),
                amount=_money(bpr, 2, "the payment amount"),
                credit_debit=_required(bpr, 3, "the credit/debit flag"),
                method=_required(bpr, 4, "the payment method"),
                format=bpr.get(5),
                banking=_raw(bpr.elements[5 : date_at - 1]),
                date=payment_date,
                segment_number=bpr.number,
            ),
            trace=Trace(
                number=_required(trn, 2, "the check or EFT trace number"),
                originator=_required(trn, 3, "the payer identifier"),
                supplemental=trn.get(4),
                kind=trn.get(1),
            ),
            payer=payer,
            payee=parties["PE"].party(),
            currency=_raw(cur.elements) if cur is not None else (),
            references=tuple(_reference(s) for s in header.references),
            dates=tuple(_dated(s) for s in header.dates),
            segment_number=st.number,
        )

    def _payment_date(self, bpr: Segment) -> tuple[dt.date | None, int]:
        """BPR16 and its position; a date that is no date, or one in BPR15, is a warning."""
        at = 16
        if not bpr.get(16) and len(bpr.elements) == 15 and not any(bpr.elements[11:14]):
            at = 15
        if not bpr.get(at):
            return None, 16
        try:
            found = _date(bpr, at, "the payment date")
        except ContentError as exc:
            self._warn("bad-payment-date", f"{exc.message}; the payment date is left out", bpr, at)
            return None, at
        if at == 15:
            self._warn("payment-date-in-bpr15", "the payment date is in BPR15, not BPR16", bpr, 15)
        return found, at

    def _party_segment(self, party: _Party, segment: Segment, sid: str) -> None:
        if sid == "N3":
            party.address = _raw(segment.elements[:2])
        elif sid == "N4":
            party.place = segment.elements[:4]
        elif sid == "REF":
            party.references.append(_reference(segment))
        elif sid == "PER":
            party.contacts.append(_contact(segment))
        else:
            party.delivery = _raw(segment.elements)

    def _check_payment(
        self, start: RemittanceStart, paid: Decimal, plbs: list[ProviderAdjustment]
    ) -> None:
        adjusted = sum((p.amount for p in plbs), _ZERO)
        if start.payment.amount != paid - adjusted:
            self._unbalanced(
                BalanceError(
                    f"the payment {start.payment.amount} is not the claims' paid {paid} "
                    f"less the provider adjustments {adjusted} (= {paid - adjusted})",
                    segment_number=start.payment.segment_number,
                    segment_id="BPR",
                    element=2,
                )
            )

    # -- claims and lines --

    def _procedure(self, segment: Segment, position: int, *, required: bool) -> Procedure | None:
        elements = segment.elements
        raw = elements[position - 1] if position <= len(elements) else ""
        component = segment.separators.component
        found = self._procedures.get((raw, component))
        if found is not None:
            return found
        if not raw:
            if required:
                raise _error(segment, position, "the procedure (SVC01) is missing")
            return None
        parts = raw.split(segment.separators.component)
        if len(parts) == 1:
            glued = _foreign_separator(raw)
            if glued:
                self._warn(
                    "component-separator",
                    f"SVC{position:02d} {raw[:30]!r} is split on {glued!r} where ISA16 declares "
                    f"{segment.separators.component!r}; read as split on {glued!r}",
                    segment,
                    position,
                )
                parts = raw.split(glued)
        qualifier = parts[0].strip()
        code = parts[1].strip() if len(parts) > 1 else ""
        readable = qualifier in PROCEDURE_QUALIFIERS and bool(code)
        if not readable:
            self._warn(
                "unreadable-procedure",
                f"SVC{position:02d} {raw[:30]!r} is not a qualifier and a code; kept raw",
                segment,
                position,
            )
        procedure = Procedure(
            qualifier,
            code,
            _raw(tuple(parts[2:6])),
            parts[6] if len(parts) > 6 else "",
            raw,
            readable,
        )
        if readable and len(parts) > 1:  # the same text gives the same procedure, silently
            if len(self._procedures) >= _CACHE_LIMIT:
                self._procedures.clear()
            self._procedures[raw, component] = procedure
        return procedure

    def _line_segment(self, line: _Line, segment: Segment, sid: str) -> None:
        if sid == "CAS":
            line.adjustments += _adjustments(segment)
        elif sid == "DTM":
            line.dates.append(_dated(segment))
        elif sid == "AMT":
            elements = segment.elements
            if len(elements) == 2 and elements[0] and elements[1]:
                value = _NUMBERS.get(elements[1]) or _decimal(elements[1], segment, 2)
                line.amounts.append(Figure(elements[0], value))
            else:
                line.amounts.append(_figure(segment))
        elif sid == "REF":
            elements = segment.elements
            if len(elements) == 2 and elements[0]:
                line.references.append(Reference(elements[0], elements[1]))
            else:
                line.references.append(_reference(segment))
        elif sid == "QTY":
            line.quantities.append(_figure(segment))
        else:
            line.remarks.append(
                Remark(_required(segment, 1, "the code list qualifier"), segment.get(2))
            )

    def _claim_segment(self, claim: _Claim, segment: Segment, sid: str) -> None:
        if sid == "CAS":
            claim.adjustments += _adjustments(segment)
        elif sid == "NM1":
            name = _name(segment)
            if name.entity in CLAIM_NAMES and name.entity not in claim.names:
                claim.names[name.entity] = name
            else:
                claim.other_names.append(name)
        elif sid == "DTM":
            claim.dates.append(_dated(segment))
        elif sid == "REF":
            claim.references.append(_reference(segment))
        elif sid == "AMT":
            claim.amounts.append(_figure(segment))
        elif sid == "QTY":
            claim.quantities.append(_figure(segment))
        elif sid == "MIA":
            claim.inpatient = _raw(segment.elements)
        elif sid == "MOA":
            claim.outpatient = _raw(segment.elements)
        else:
            claim.contacts.append(_contact(segment))

    def _finish_line(self, line: _Line) -> ServicePayment:
        segment = line.segment
        elements = segment.elements
        if len(elements) >= 3 and elements[1] and elements[2]:
            numbers = _NUMBERS
            charge = numbers.get(elements[1]) or _decimal(elements[1], segment, 2)
            paid = numbers.get(elements[2]) or _decimal(elements[2], segment, 3)
        else:
            charge = _money(segment, 2, "the line charge")
            paid = _money(segment, 3, "the line payment")
        adjustments = tuple(line.adjustments)
        adjusted = _ZERO
        for adjustment in adjustments:
            adjusted += adjustment.amount
        if charge - paid != adjusted:
            self._unbalanced(
                BalanceError(
                    f"the line's charge {charge} − paid {paid} = {charge - paid} but its "
                    f"adjustments add up to {adjusted}",
                    segment_number=segment.number,
                    segment_id="SVC",
                    element=3,
                )
            )
        size = len(elements)
        return ServicePayment(
            line.procedure,
            charge,
            paid,
            elements[3] if size > 3 else "",
            _optional_decimal(segment, 5) if size > 4 else None,
            line.original,
            _optional_decimal(segment, 7) if size > 6 else None,
            tuple(line.dates),
            adjustments,
            tuple(line.references),
            tuple(line.amounts),
            tuple(line.quantities),
            tuple(line.remarks),
            segment.number,
        )

    def _finish_claim(self, claim: _Claim) -> ClaimPayment:
        segment = claim.segment
        get = segment.get
        names = claim.names
        done = ClaimPayment(
            claim_id=_required(segment, 1, "the claim id"),
            status=_required(segment, 2, "the claim status"),
            charge=_money(segment, 3, "the claim charge"),
            paid=_money(segment, 4, "the claim payment"),
            patient_responsibility=_optional_decimal(segment, 5),
            filing_indicator=get(6),
            payer_claim_number=get(7),
            facility_type=get(8),
            frequency=get(9),
            drg=_raw(segment.elements[9:14]),
            patient=names.get("QC"),
            insured=names.get("IL"),
            corrected_insured=names.get("74"),
            rendering_provider=names.get("82"),
            crossover_carrier=names.get("TT"),
            corrected_payer=names.get("PR"),
            other_names=tuple(claim.other_names),
            adjustments=tuple(claim.adjustments),
            inpatient=claim.inpatient,
            outpatient=claim.outpatient,
            references=tuple(claim.references),
            dates=tuple(claim.dates),
            contacts=tuple(claim.contacts),
            amounts=tuple(claim.amounts),
            quantities=tuple(claim.quantities),
            lines=tuple(claim.lines),
            service_group=claim.group,
            segment_number=segment.number,
        )
        if done.charge - done.paid != done.adjusted:
            self._unbalanced(
                BalanceError(
                    f"claim {done.claim_id[:38]!r}: charge {done.charge} − paid {done.paid} = "
                    f"{done.charge - done.paid} but its adjustments (claim and lines) add up "
                    f"to {done.adjusted}",
                    segment_number=segment.number,
                    segment_id="CLP",
                    element=4,
                )
            )
        return done


def iter_835(source: Source, *, strict: bool = True) -> Reader835:
    """The streaming reader over ``source`` (iterate it; read its warnings afterwards)."""
    return Reader835(source, strict=strict)


def read_835(source: Source, *, strict: bool = True) -> Read835:
    """The whole file as typed remittances (for small files; stream big ones)."""
    reader = Reader835(source, strict=strict)
    remittances: list[Remittance] = []
    start: RemittanceStart | None = None
    claims: list[ClaimPayment] = []
    for event in reader:
        if isinstance(event, RemittanceStart):
            start, claims = event, []
        elif isinstance(event, ClaimPayment):
            claims.append(event)
        elif start is not None:
            remittances.append(
                Remittance(start, tuple(claims), event.provider_adjustments, event.summaries)
            )
            start = None
    if not remittances and not reader.envelope_errors:
        raise ContentError("the file holds no 835 payment (ST*835 … SE)")
    return Read835(
        tuple(remittances),
        tuple(reader.warnings),
        tuple(reader.errors),
        tuple(reader.envelope_errors),
    )
