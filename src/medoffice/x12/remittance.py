"""The typed 835 remittance the reader yields and the writer writes (frozen dataclasses).

``Remittance`` is one payment (ST…SE): its ``RemittanceStart`` (BPR ``Payment``, TRN
``Trace``, payer and payee ``Party``), its ``ClaimPayment``s (2100) with their
``ServicePayment``s (2110), ``Adjustment`` (CAS triplets), ``ProviderAdjustment`` (PLB) and
``ProviderSummary`` (LX/TS3/TS2). Money is ``Decimal``; segment numbers are kept for
messages but left out of equality, so what is written and read back compares equal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, field, fields
from decimal import Decimal
from typing import Any, TypeVar

from medoffice.x12.errors import X12Error

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
_T = TypeVar("_T")


def _quick_init(cls: type[_T]) -> type[_T]:
    """Give a frozen dataclass an ``__init__`` of the same signature that sets fields faster.

    A frozen dataclass's own ``__init__`` looks ``object.__setattr__`` up again for every
    field; a reader makes hundreds of thousands of these objects, and that look-up was a
    good part of its time. This one sets the instance's ``__dict__`` in one step (or, with
    slots, each slot through its descriptor). Only for fields without a default factory in
    a class without ``__post_init__`` (checked here), so the object is the same either way.
    """
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__")
    params: list[str] = []
    namespace: dict[str, Any] = {"_set": object.__setattr__}
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    for f in fields(cls):  # type: ignore[arg-type]
        if f.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{f.name} has a default factory")
        if f.default is MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    if "__slots__" in cls.__dict__:
        for name in names:
            namespace[f"_set_{name}"] = cls.__dict__[name].__set__
        body = "\n".join(f"    _set_{name}(self, {name})" for name in names)
    else:
        items = ", ".join(f"{name!r}: {name}" for name in names)
        body = f"    _set(self, '__dict__', {{{items}}})"
    source = f"def __init__(self, {', '.join(params)}) -> None:\n{body or '    pass'}\n"
    exec(source, namespace)  # noqa: S102 - the text is made above from the class's own fields
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    setattr(cls, "__init__", init)  # noqa: B010 - a method set on the class, as dataclass does
    return cls


# What a claim payment's status (CLP02) says, in words.
CLAIM_STATUSES = {  # CLP02
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "processed as primary, forwarded to another payer",
    "20": "processed as secondary, forwarded to another payer",
    "21": "processed as tertiary, forwarded to another payer",
    "22": "reversal of a previous payment",
    "23": "not our claim, forwarded to another payer",
    "25": "predetermination pricing only, no payment",
}


# --- the typed result -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReadWarning:
    """Something tolerated: the file is read, but a person may want to know."""

    code: str
    message: str
    segment_number: int
    segment_id: str
    element: int = 0


@_quick_init
@dataclass(frozen=True, slots=True)
class Reference:
    qualifier: str  # REF01
    value: str  # REF02


@_quick_init
@dataclass(frozen=True, slots=True)
class Dated:
    qualifier: str  # DTM01: 405 production, 232/233 statement, 472/150/151 service, 036/050…
    date: dt.date  # DTM02


@_quick_init
@dataclass(frozen=True, slots=True)
class Figure:
    qualifier: str  # AMT01 / QTY01
    value: Decimal  # AMT02 / QTY02


@_quick_init
@dataclass(frozen=True, slots=True)
class Remark:
    qualifier: str  # LQ01: HE remark code (RARC), RX NCPDP reject code
    code: str  # LQ02


@_quick_init
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


@_quick_init
@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet: group (CO/PR/OA/PI/CR), reason (CARC), amount, quantity."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None
    segment_number: int = field(default=0, compare=False)


@_quick_init
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


@_quick_init
@dataclass(frozen=True, slots=True)
class Procedure:
    """A C003 composite (SVC01 or SVC06): qualifier, code, up to four modifiers, description."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...] = ()
    description: str = ""
    raw: str = field(default="", compare=False)
    readable: bool = True


@_quick_init
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


@_quick_init
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


@_quick_init
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
