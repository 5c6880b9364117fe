"""What the scrubber reads and what it reports: plain data, no Django.

``ScrubInput`` is one claim with what the claim itself does not say (today, the patient's
coverage dates, the payer's filing limit, earlier filings, the patient's other claims);
``Reference`` is the code sets and edit tables the checks look things up in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple, Protocol

from medoffice.billing import icd10
from medoffice.billing.scrubber.codes import ScrubCode
from medoffice.x12.claims import Claim


class Severity(StrEnum):
    ERROR = "error"  # the payer or clearinghouse will reject or deny the claim: fix first
    WARNING = "warning"  # likely a problem: look, then send or fix


@dataclass(frozen=True)
class Finding:
    code: ScrubCode
    severity: Severity
    message: str  # what is wrong, naming the line and field
    fix: str  # what the biller does about it
    line: int | None  # 1-based service line number (LX), None for the claim as a whole
    field: str  # the claim's field, e.g. "billing_provider.npi", "lines[2].modifiers"


# --- what the claim does not say ---------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """The dates the billed coverage is in force; None on either side means open."""

    effective_from: dt.date | None = None
    effective_to: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to


@dataclass(frozen=True)
class TimelyFiling:
    """The payer's filing limit.

    ``medicare``: one calendar year after the line's from-date (42 CFR 424.44); otherwise
    ``days`` after the line's from-date (a span's first day, the stricter reading); neither:
    no limit is checked. A claim counts as filed on its earliest accepted filing
    (``ScrubInput.previous_filings``), or today when there is none.
    """

    days: int | None = None
    medicare: bool = False


@dataclass(frozen=True)
class PreviousFiling:
    """An earlier submission of this claim. One rejected as unprocessable (a 999/277CA
    rejection) was never received by the payer, so it does not count as filed."""

    submitted: dt.date
    rejected: bool = False


class OtherClaimStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    PAID = "paid"
    DENIED = "denied"
    REJECTED = "rejected"  # never received by the payer: not a duplicate
    VOID = "void"  # withdrawn: not a duplicate


@dataclass(frozen=True)
class OtherClaim:
    """Another claim of the same patient, for the duplicate check."""

    control_number: str
    status: OtherClaimStatus
    services: tuple[tuple[dt.date, str], ...]  # (date of service, procedure code) of each line


@dataclass(frozen=True)
class ScrubInput:
    claim: Claim
    today: dt.date
    reference: Reference
    # The patient's sex ("M", "F", "U") and birth date when the claim's person lacks them.
    patient_sex: str | None = None
    patient_date_of_birth: dt.date | None = None
    coverage: Coverage | None = None  # None: self-pay, no coverage dates checked
    timely_filing: TimelyFiling = field(default_factory=TimelyFiling)
    previous_filings: tuple[PreviousFiling, ...] = ()
    other_claims: tuple[OtherClaim, ...] = ()


# --- the reference tables ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureInfo:
    """A CPT/HCPCS code as the practice's code tables know it."""

    code: str
    description: str = ""
    is_addon: bool = False
    # The primary codes an add-on code may be reported with; empty: any non-add-on code.
    addon_primaries: frozenset[str] = frozenset()
    is_noc: bool = False  # not otherwise classified: SV101-7 must describe the service
    is_drug: bool = False  # a drug (J-code and the like): the NDC must be reported
    sex: str | None = None  # "F"/"M" when the procedure applies to one sex only
    requires_prior_authorization: bool = False


@dataclass(frozen=True)
class PtpEdit:
    """An NCCI procedure-to-procedure edit (practitioner table).

    ``modifier_indicator``: 0 never billable together, 1 billable with an NCCI-associated
    modifier, 9 the edit does not apply. In effect from ``effective`` up to the day before
    ``deleted``.
    """

    column1: str
    column2: str
    modifier_indicator: int
    effective: dt.date
    deleted: dt.date | None = None

    def in_effect(self, day: dt.date) -> bool:
        return self.effective <= day and (self.deleted is None or day < self.deleted)


@dataclass(frozen=True)
class MueLimit:
    """A medically unlikely edit: the most units of ``code`` on a date of service.

    ``adjudication``: 1 per line; 2 (policy) and 3 (clinical) per day, summed over lines.
    """

    code: str
    units: int
    adjudication: int


class DiagnosisFacts(NamedTuple):
    """What the checks need to know of a diagnosis code the code set has."""

    billable: bool
    sex: str | None  # "F"/"M" when the code applies to one sex only


class DiagnosisCodes(Protocol):
    def facts(self, code: str) -> DiagnosisFacts | None:
        """The code's facts, or None when the code set has no such code."""
        ...


@lru_cache(maxsize=65536)
def _icd10_facts(code: str) -> DiagnosisFacts | None:
    entry = icd10.lookup(code)
    if entry is None:
        return None
    return DiagnosisFacts(entry.billable, icd10.sex_for(entry.code))


class Icd10Codes:
    """The ICD-10-CM code set of ``medoffice.billing.icd10`` (answers remembered)."""

    def facts(self, code: str) -> DiagnosisFacts | None:
        return _icd10_facts(code)


class Reference(Protocol):
    """The tables the checks look up; every method is a constant-time look-up.

    The billing app builds one from its code tables: an ``InMemoryReference`` loaded once
    for a batch of claims (its tables are indexed by key at construction), or a class of
    its own answering the same methods from a cache. The scrubber never scans a table.
    """

    @property
    def diagnoses(self) -> DiagnosisCodes: ...
    def procedure(self, code: str) -> ProcedureInfo | None: ...
    def is_valid_modifier(self, modifier: str) -> bool: ...
    def is_valid_place_of_service(self, code: str) -> bool: ...
    def ptp_edits(self, column1: str) -> Mapping[str, tuple[PtpEdit, ...]]:
        """The NCCI edits whose column-one code is ``column1``, by column-two code."""
        ...

    def mue(self, code: str) -> MueLimit | None: ...


_NO_EDITS: Mapping[str, tuple[PtpEdit, ...]] = {}


class InMemoryReference:
    """A ``Reference`` over plain collections, indexed once (tests, the bench, the app)."""

    def __init__(
        self,
        *,
        procedures: Iterable[ProcedureInfo] = (),
        modifiers: Iterable[str] = (),
        places_of_service: Iterable[str] = (),
        ptp_edits: Iterable[PtpEdit] = (),
        mues: Iterable[MueLimit] = (),
        diagnoses: DiagnosisCodes | None = None,
    ) -> None:
        self._procedures: Mapping[str, ProcedureInfo] = {p.code: p for p in procedures}
        self._modifiers = frozenset(modifiers)
        self._places = frozenset(places_of_service)
        pairs: dict[str, dict[str, list[PtpEdit]]] = {}
        for edit in ptp_edits:
            pairs.setdefault(edit.column1, {}).setdefault(edit.column2, []).append(edit)
        self._ptp: dict[str, dict[str, tuple[PtpEdit, ...]]] = {
            column1: {column2: tuple(edits) for column2, edits in by_column2.items()}
            for column1, by_column2 in pairs.items()
        }
        self._mues: Mapping[str, MueLimit] = {m.code: m for m in mues}
        self._diagnoses = diagnoses if diagnoses is not None else Icd10Codes()

    @property
    def diagnoses(self) -> DiagnosisCodes:
        return self._diagnoses

    def procedure(self, code: str) -> ProcedureInfo | None:
        return self._procedures.get(code)

    def is_valid_modifier(self, modifier: str) -> bool:
        return modifier in self._modifiers

    def is_valid_place_of_service(self, code: str) -> bool:
        return code in self._places

    def ptp_edits(self, column1: str) -> Mapping[str, tuple[PtpEdit, ...]]:
        return self._ptp.get(column1, _NO_EDITS)

    def mue(self, code: str) -> MueLimit | None:
        return self._mues.get(code)
