"""The vocabulary of the code tables: group codes, denial categories, one code's entry.

Pure module (no Django).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "DENIAL_CATEGORIES",
    "GROUPS",
    "AdjustmentCodeError",
    "DenialCategory",
    "ReasonCode",
    "RemarkCode",
    "normalize_group",
    "normalize_reason",
    "normalize_remark",
]


class AdjustmentCodeError(ValueError):
    """A group, reason or remark code that is not even well formed; ``str()`` names it."""


# CAS01, the claim adjustment group code: who carries the adjusted amount.
GROUPS: dict[str, str] = {
    "CO": "contractual obligation: the provider's to write off, not billable to the patient",
    "PR": "patient responsibility: the patient (or a secondary payer) owes it",
    "OA": "other adjustment: neither the provider's contract nor the patient's share",
    "PI": "payer-initiated reduction: the payer's own reduction, not billable to the patient",
    "CR": "correction or reversal of an earlier adjudication",
}


class DenialCategory(StrEnum):
    """Why money was not paid, in the office's own words (one per reason code)."""

    ELIGIBILITY = "eligibility"
    AUTHORISATION = "authorisation"
    CODING = "coding"
    MEDICAL_NECESSITY = "medical_necessity"
    TIMELY_FILING = "timely_filing"
    DUPLICATE = "duplicate"
    COORDINATION_OF_BENEFITS = "coordination_of_benefits"
    BUNDLING = "bundling"
    NON_COVERED = "non_covered"
    MISSING_INFORMATION = "missing_information"
    PATIENT_RESPONSIBILITY = "patient_responsibility"
    CONTRACTUAL = "contractual"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS: dict[DenialCategory, str] = {
    DenialCategory.ELIGIBILITY: "eligibility or coverage",
    DenialCategory.AUTHORISATION: "authorisation or referral",
    DenialCategory.CODING: "coding or billing error",
    DenialCategory.MEDICAL_NECESSITY: "medical necessity",
    DenialCategory.TIMELY_FILING: "timely filing",
    DenialCategory.DUPLICATE: "duplicate",
    DenialCategory.COORDINATION_OF_BENEFITS: "coordination of benefits",
    DenialCategory.BUNDLING: "bundling (NCCI, multiple procedures)",
    DenialCategory.NON_COVERED: "non-covered service",
    DenialCategory.MISSING_INFORMATION: "missing information",
    DenialCategory.PATIENT_RESPONSIBILITY: "patient responsibility",
    DenialCategory.CONTRACTUAL: "contractual",
    DenialCategory.OTHER: "other",
}

# The categories that are a denial when the line paid nothing (the rest are money the
# payer was right not to pay: the patient's share, the contract, or something else).
DENIAL_CATEGORIES: frozenset[DenialCategory] = frozenset(
    {
        DenialCategory.ELIGIBILITY,
        DenialCategory.AUTHORISATION,
        DenialCategory.CODING,
        DenialCategory.MEDICAL_NECESSITY,
        DenialCategory.TIMELY_FILING,
        DenialCategory.DUPLICATE,
        DenialCategory.COORDINATION_OF_BENEFITS,
        DenialCategory.BUNDLING,
        DenialCategory.NON_COVERED,
        DenialCategory.MISSING_INFORMATION,
    }
)


@dataclass(frozen=True)
class ReasonCode:
    """One claim adjustment reason code (CARC), described in MedOffice's own words.

    ``retired``: X12 has taken the code out of its current list (the description says so,
    with the codes used instead where known); old remittances and COB data still carry it.
    """

    code: str
    category: DenialCategory
    description: str
    retired: bool = False


@dataclass(frozen=True)
class RemarkCode:
    """One remittance advice remark code (RARC). ``category`` is None for remarks that
    say nothing about why money was not paid (alerts, appeal rights and the like)."""

    code: str
    category: DenialCategory | None
    description: str
    alert: bool = False


_REASON = re.compile(r"[A-Z0-9]{1,5}\Z", re.ASCII)
_REMARK = re.compile(r"(?:M|MA|N)[0-9]{1,4}\Z", re.ASCII)


def normalize_group(group: str) -> str:
    """``" co "`` → ``"CO"``; anything but the five group codes is an error."""
    if not isinstance(group, str):
        raise AdjustmentCodeError(f"The adjustment group must be text, got {type(group).__name__}.")
    plain = group.strip().upper()
    if plain not in GROUPS:
        raise AdjustmentCodeError(
            f"The adjustment group {group!r} is not one of {', '.join(GROUPS)}."
        )
    return plain


def normalize_reason(reason: str) -> str:
    """``" 045 "`` → ``"45"``, ``" b13"`` → ``"B13"``: upper case, no blanks, no leading
    zeros. A reason that cannot be a CARC (1 to 5 letters and digits) is an error."""
    if not isinstance(reason, str):
        raise AdjustmentCodeError(f"The reason code must be text, got {type(reason).__name__}.")
    plain = reason.strip().upper()
    if not _REASON.match(plain):
        raise AdjustmentCodeError(
            f"The reason code {reason!r} is not a claim adjustment reason code "
            "(1 to 5 letters and digits, e.g. 45 or B13)."
        )
    if plain.isdigit():
        plain = plain.lstrip("0") or "0"
    return plain


def normalize_remark(remark: str) -> str:
    """``" n130 "`` → ``"N130"``. A remark that is not M, MA or N and digits is an error."""
    if not isinstance(remark, str):
        raise AdjustmentCodeError(f"The remark code must be text, got {type(remark).__name__}.")
    plain = remark.strip().upper()
    if not _REMARK.match(plain):
        raise AdjustmentCodeError(
            f"The remark code {remark!r} is not a remittance advice remark code "
            "(M, MA or N followed by digits, e.g. N130)."
        )
    return plain
