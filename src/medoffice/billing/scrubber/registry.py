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
from medoffice.core.identifiers import is_valid_npi
from medoffice.x12.claims import Claim, Person, ServiceLine


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


def positive(value: Decimal) -> bool:
    """More than zero, and a number (a NaN or an infinity is not)."""
    return value.is_finite() and value > 0


@lru_cache(maxsize=4096)
def npi_ok(npi: str) -> bool:
    """``is_valid_npi``, remembered: a practice bills with a handful of NPIs."""
    return is_valid_npi(npi)


class Context:
    """A claim with what most rules need worked out once."""

    __slots__ = (
        "claim",
        "date_of_birth",
        "first_service",
        "inp",
        "lines",
        "modifier_sets",
        "patient",
        "places",
        "procedures",
        "reference",
        "sex",
        "today",
    )

    def __init__(self, inp: ScrubInput) -> None:
        claim = inp.claim
        self.inp = inp
        self.claim: Claim = claim
        self.today: dt.date = inp.today
        self.reference = inp.reference
        self.patient: Person = (
            claim.patient if claim.patient is not None else claim.subscriber.person
        )
        self.sex: str = inp.patient_sex or self.patient.sex
        self.date_of_birth: dt.date | None = (
            self.patient.date_of_birth
            if self.patient.date_of_birth is not None
            else inp.patient_date_of_birth
        )
        # (1-based number, line) pairs
        self.lines: list[tuple[int, ServiceLine]] = list(enumerate(claim.lines, start=1))
        procedure = inp.reference.procedure
        self.procedures: list[ProcedureInfo | None] = [
            procedure(ln.procedure_code) for ln in claim.lines
        ]
        self.places: list[str] = [
            ln.place_of_service or claim.place_of_service for ln in claim.lines
        ]
        self.modifier_sets: list[frozenset[str]] = [frozenset(ln.modifiers) for ln in claim.lines]
        self.first_service: dt.date | None = (
            min(ln.service_from for ln in claim.lines) if claim.lines else None
        )
