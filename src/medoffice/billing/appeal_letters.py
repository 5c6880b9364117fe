"""Appeal letters: the built-in templates and how their placeholders are filled.

Pure module (no Django). A template is plain text with placeholders in braces,
``{patient_name}``; ``fill`` puts in the values it knows and leaves anything else as
written (a brace the biller typed, a placeholder misspelt), so filling never fails.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["BUILT_IN", "PLACEHOLDERS", "BuiltInTemplate", "fill", "placeholders_in"]

# Every placeholder a letter may use, with what it becomes.
PLACEHOLDERS: dict[str, str] = {
    "today": "today's date",
    "practice": "the practice's name",
    "practice_address": "the practice's address",
    "practice_phone": "the practice's phone",
    "practice_npi": "the practice's NPI",
    "payer_name": "the payer's name",
    "payer_address": "the payer's claims address",
    "patient_name": "the patient's name",
    "date_of_birth": "the patient's date of birth",
    "member_id": "the member id on the claim's coverage",
    "claim_number": "our claim number",
    "payer_claim_number": "the payer's claim number",
    "dates_of_service": "the dates of service",
    "procedures": "the procedure codes denied",
    "codes": "the denial codes (group, CARC, RARCs)",
    "reason": "the denial codes in words",
    "amount": "the amount denied",
    "denied_on": "the date of the denial",
}

_PLACEHOLDER = re.compile(r"\{([a-z_]{1,40})\}")


def placeholders_in(text: str) -> list[str]:
    """The known placeholders ``text`` uses, in order of first use."""
    seen: list[str] = []
    for name in _PLACEHOLDER.findall(text):
        if name in PLACEHOLDERS and name not in seen:
            seen.append(name)
    return seen


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each known placeholder replaced by its value (empty when the value
    is missing); anything else in braces is kept as written."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        return str(values.get(name, ""))

    return _PLACEHOLDER.sub(one, text)


@dataclass(frozen=True)
class BuiltInTemplate:
    key: str
    name: str
    body: str
    categories: tuple[str, ...]  # the denial categories it suits (``DenialCategory`` values)


_OPENING = """{practice}
{practice_address}
{practice_phone}

{today}

{payer_name}
Appeals department
{payer_address}

Re: appeal of claim {claim_number} (payer's claim number {payer_claim_number})
Patient: {patient_name}, born {date_of_birth}, member id {member_id}
Dates of service: {dates_of_service}
Procedures: {procedures}
Denied on {denied_on}: {codes} ({amount})

To whom it may concern,

"""

_CLOSING = """

Please reprocess the claim and pay the amount denied. Write to us at the address above, or
call {practice_phone}, with any question.

Sincerely,

Billing office, {practice} (NPI {practice_npi})
"""

BUILT_IN: tuple[BuiltInTemplate, ...] = (
    BuiltInTemplate(
        "medical-necessity",
        "Medical necessity",
        _OPENING
        + """We appeal the denial of the services above as not medically necessary ({reason}).
The services were ordered by the treating provider for the diagnoses on the claim, and the
enclosed visit notes document the patient's condition, the findings and why the services
were needed on these dates. We ask you to review the records and reconsider."""
        + _CLOSING,
        ("medical_necessity", "non_covered"),
    ),
    BuiltInTemplate(
        "timely-filing-proof",
        "Timely filing: proof of submission",
        _OPENING
        + """The claim was denied as filed late ({reason}). It was sent within your filing
limit: the enclosed acceptance report from our clearinghouse shows the date it was first
submitted and accepted. We ask you to accept that date as the date of filing."""
        + _CLOSING,
        ("timely_filing",),
    ),
    BuiltInTemplate(
        "authorisation-obtained",
        "Authorisation obtained",
        _OPENING
        + """The services were denied for want of a prior authorisation or referral
({reason}). The authorisation was obtained before the services: its number and dates are
enclosed. We ask you to match it to the claim and reprocess it."""
        + _CLOSING,
        ("authorisation",),
    ),
    BuiltInTemplate(
        "coding-correction",
        "Coding correction",
        _OPENING
        + """The claim was denied for its coding ({reason}). We have reviewed it and enclose
the corrected codes with the visit notes that support them. We ask you to reprocess the
claim with the codes enclosed."""
        + _CLOSING,
        ("coding", "bundling", "missing_information"),
    ),
    BuiltInTemplate(
        "duplicate-in-error",
        "Duplicate denied in error",
        _OPENING
        + """The claim was denied as a duplicate ({reason}). It is not one: it bills
services on different dates, or different services, from the claim you matched it with, as
the enclosed visit notes show. We ask you to reprocess it as its own claim."""
        + _CLOSING,
        ("duplicate",),
    ),
)
