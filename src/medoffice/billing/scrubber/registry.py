"""The table of rules and what every rule reads: one ``Context`` per claim, computed once.

A rule is a small function ``check(ctx) -> Iterable[Hit]`` registered with its code,
severity and how-to-fix text by ``@rule(...)``; adding an edit is adding one function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from medoffice.billing.scrubber.codes import ScrubCode
from medoffice.billing.scrubber.model import ProcedureInfo, ScrubInput, Severity
from medoffice.core.identifiers import is_valid_npi, normalize_ein, normalize_ssn
from medoffice.x12.claims import Address, Claim, Drug, Person, ServiceLine


class Hit(NamedTuple):
    """One occurrence a rule found: the message, the line (1-based) and the field."""

    message: str
    line: int | None
    field: str


Check = Callable[["Context"], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: ScrubCode
    severity: Severity
    fix: str
    check: Check


RULES: dict[ScrubCode, Rule] = {}


def rule(code: ScrubCode, severity: Severity, fix: str) -> Callable[[Check], Check]:
    """Register ``check`` as the rule of ``code`` (one rule per code)."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"{code} has two rules")
        RULES[code] = Rule(code, severity, fix, check)
        return check

    return register


def line_field(number: int, name: str) -> str:
    """The field path of a line's field in findings: ``lines[2].units``."""
    return f"lines[{number}].{name}"


def zip_digits(address: Address) -> str:
    """The ZIP without its dash (``01060-3210`` → ``010603210``)."""
    return address.postal_code.replace("-", "").strip()


def positive(value: Decimal) -> bool:
    """More than zero, and a number (a NaN or an infinity is not)."""
    return value.is_finite() and value > 0


@lru_cache(maxsize=4096)
def npi_ok(npi: str) -> bool:
    """``is_valid_npi``, remembered: a practice bills with a handful of NPIs."""
    return is_valid_npi(npi)


@lru_cache(maxsize=1024)
def tax_id_ok(tax_id: str, is_ssn: bool) -> bool:
    """A valid SSN (``is_ssn``) or EIN, remembered like ``npi_ok``."""
    return (normalize_ssn(tax_id) if is_ssn else normalize_ein(tax_id)) is not None


class Context:
    """A claim with what most rules need worked out once (in one pass over the lines)."""

    __slots__ = (
        "all_modifiers",
        "by_day",
        "claim",
        "date_of_birth",
        "drugs",
        "first_service",
        "inp",
        "known",
        "lines",
        "memo",
        "modifier_sets",
        "patient",
        "places",
        "procedures",
        "reference",
        "sex",
        "today",
        "total",
    )

    def __init__(self, inp: ScrubInput) -> None:
        claim = inp.claim
        self.inp = inp
        self.claim: Claim = claim
        self.today: dt.date = inp.today
        self.reference = inp.reference
        patient = claim.patient if claim.patient is not None else claim.subscriber.person
        self.patient: Person = patient
        self.sex: str = inp.patient_sex or patient.sex
        self.date_of_birth: dt.date | None = (
            patient.date_of_birth
            if patient.date_of_birth is not None
            else inp.patient_date_of_birth
        )
        procedure = inp.reference.procedure
        claim_place = claim.place_of_service
        claim_lines = claim.lines
        # Per line, by position: (1-based number, line), its code's entry, its place of
        # service, its modifiers as a set.
        self.lines: list[tuple[int, ServiceLine]] = list(enumerate(claim_lines, start=1))
        self.procedures: list[ProcedureInfo | None] = [
            procedure(line.procedure_code) for line in claim_lines
        ]
        self.places: list[str] = [line.place_of_service or claim_place for line in claim_lines]
        self.modifier_sets: list[frozenset[str]] = [frozenset(ln.modifiers) for ln in claim_lines]
        self.all_modifiers: frozenset[str] = frozenset().union(*self.modifier_sets)
        # The lines with a known code, and those with a drug.
        self.known: list[tuple[int, ServiceLine, ProcedureInfo]] = [
            (number, line, info)
            for (number, line), info in zip(self.lines, self.procedures, strict=True)
            if info is not None
        ]
        self.drugs: list[tuple[int, ServiceLine, Drug]] = [
            (number, line, line.drug) for number, line in self.lines if line.drug is not None
        ]
        self.by_day: dict[dt.date, list[int]] = {}  # service date → 0-based line indexes
        for index, line in enumerate(claim_lines):
            self.by_day.setdefault(line.service_from, []).append(index)
        charges = [line.charge for line in claim_lines]
        # None when a charge is not a number
        self.total: Decimal | None = (
            sum(charges, Decimal(0)) if all(c.is_finite() for c in charges) else None
        )
        self.first_service: dt.date | None = min(self.by_day) if self.by_day else None
        self.memo: dict[str, object] = {}  # what two rules share, worked out by the first
