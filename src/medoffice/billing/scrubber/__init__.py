"""The claim scrubber: checks a professional claim before it is sent. Pure package.

``scrub(ScrubInput(claim, today, reference, ...))`` returns the ``Finding`` of every edit
the claim fails, errors first, in the claim's order (claim-level findings before the
lines'). An empty list means the claim is clean. The edits are small functions registered
in ``registry.RULES`` (code → severity, how-to-fix text, check); the codes are
``ScrubCode``.
"""

from __future__ import annotations

from medoffice.billing.scrubber import (  # noqa: F401  (importing registers the rules)
    checks_claim,
    checks_cob,
    checks_diagnoses,
    checks_edits,
    checks_filing,
    checks_lines,
    checks_providers,
)
from medoffice.billing.scrubber.codes import ScrubCode
from medoffice.billing.scrubber.model import (
    Coverage,
    DiagnosisCodes,
    DiagnosisFacts,
    Finding,
    Icd10Codes,
    InMemoryReference,
    MueLimit,
    OtherClaim,
    OtherClaimStatus,
    PreviousFiling,
    ProcedureInfo,
    PtpEdit,
    Reference,
    ScrubInput,
    Severity,
    TimelyFiling,
)
from medoffice.billing.scrubber.registry import RULES, Context

__all__ = [
    "RULES",
    "Coverage",
    "DiagnosisCodes",
    "DiagnosisFacts",
    "Finding",
    "Icd10Codes",
    "InMemoryReference",
    "MueLimit",
    "OtherClaim",
    "OtherClaimStatus",
    "PreviousFiling",
    "ProcedureInfo",
    "PtpEdit",
    "Reference",
    "ScrubCode",
    "ScrubInput",
    "Severity",
    "TimelyFiling",
    "has_errors",
    "scrub",
]

_ORDERED_RULES = tuple(RULES[code] for code in ScrubCode)  # in the enum's order


def scrub(inp: ScrubInput) -> list[Finding]:
    """Every finding of every rule on ``inp.claim``: errors first, then warnings; within
    each, claim-level findings, then by line, then in ``ScrubCode``'s order."""
    ctx = Context(inp)
    findings = [
        Finding(r.code, r.severity, hit.message, r.fix, hit.line, hit.field)
        for r in _ORDERED_RULES
        for hit in r.check(ctx)
    ]
    findings.sort(key=lambda f: (f.severity != Severity.ERROR, f.line or 0))
    return findings


def has_errors(findings: list[Finding]) -> bool:
    """Whether any finding stops the claim from being sent."""
    return any(f.severity == Severity.ERROR for f in findings)
