"""Any 835 read as a remittance advice PDF: per payment (check or EFT) and per claim.

``remittance_advice_pdf(remittance)`` lays one payment out (WeasyPrint, like the receipt):
who paid whom, the BPR amount, method and date, the TRN check/EFT number; then each claim
with its patient, our claim number (CLP01), the payer's claim number, its status in words,
charge, paid and patient responsibility, each service line with its code and modifiers,
dates, charge, allowed and paid, each adjustment with its group and reason described in
words (``billing.adjustments``) and the remark codes described; then the provider-level
adjustments (PLB) and the totals. ``claim_ids`` keeps only those claims (a per-claim
advice). ``remittance_advice_response(data, filename)`` reads an 835's bytes (not strict:
an advice of a file that does not balance is still wanted) and answers with the PDF of
every payment in it; a malformed file raises the reader's typed error (``X12Error``).

Nothing is fetched while the PDF is made: the HTML links no file and the URL fetcher
refuses every URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string

from medoffice.billing.adjustments import (
    AdjustmentCodeError,
    describe_adjustment,
    normalize_remark,
    rarc,
)
from medoffice.x12.r835 import (
    Adjustment,
    ClaimPayment,
    Name,
    Remittance,
    ServicePayment,
    read_835,
)
from medoffice.x12.remittance import CLAIM_STATUSES

ADVICE_TEMPLATE = "billing/era/remittance_advice.html"
ADVICE_STYLESHEET = "billing/remittance_advice.css"
_ZERO = Decimal(0)

PAYMENT_METHODS = {  # BPR04
    "ACH": "electronic funds transfer (ACH)",
    "BOP": "financial institution option",
    "CHK": "check",
    "FWT": "federal reserve wire transfer",
    "NON": "no payment",
}
HANDLING = {  # BPR01
    "C": "payment with remittance advice",
    "D": "payment only",
    "H": "notification only",
    "I": "remittance advice only",
    "P": "prenotification of a future transfer",
    "U": "split payment and remittance",
    "X": "payment with remittance advice (separate)",
}
PROVIDER_ADJUSTMENTS = {  # PLB03-1, the commonest
    "50": "late charge",
    "51": "interest penalty charge",
    "72": "authorized return",
    "90": "early payment allowance",
    "AH": "origination fee",
    "AM": "applied to borrower's account",
    "AP": "acceleration of benefits",
    "B2": "rebate",
    "B3": "recovery allowance",
    "BD": "bad debt adjustment",
    "BN": "bonus",
    "C5": "temporary allowance",
    "CR": "capitation interest",
    "CS": "adjustment",
    "CT": "capitation payment",
    "CV": "capital passthru",
    "CW": "certified registered nurse anesthetist passthru",
    "DM": "direct medical education passthru",
    "E3": "withholding",
    "FB": "forwarding balance",
    "FC": "fund allocation",
    "GO": "graduate medical education passthru",
    "HM": "hemophilia clotting factor supplement",
    "IP": "incentive premium payment",
    "IR": "internal revenue service withholding",
    "IS": "interim settlement",
    "J1": "nonreimbursable",
    "L3": "penalty",
    "L6": "interest owed",
    "LE": "levy",
    "LS": "lump sum",
    "OA": "organ acquisition passthru",
    "OB": "offset for affiliated providers",
    "PI": "periodic interim payment",
    "PL": "payment final",
    "RA": "retro-activity adjustment",
    "RE": "return on equity",
    "SL": "student loan repayment",
    "TL": "third party liability",
    "WO": "overpayment recovery",
    "WU": "unspecified recovery",
}
DATE_QUALIFIERS = {"472": "service", "150": "from", "151": "to", "232": "from", "233": "to"}


@dataclass(frozen=True)
class AdviceAdjustment:
    """One CAS triplet as the advice shows it."""

    group: str
    reason: str
    amount: Decimal
    description: str
    quantity: Decimal | None = None


@dataclass(frozen=True)
class AdviceRemark:
    code: str
    description: str


@dataclass(frozen=True)
class AdviceLine:
    procedure: str  # "HC 99213-25"
    dates: str
    charge: Decimal
    allowed: Decimal | None
    paid: Decimal
    units: Decimal | None
    original_procedure: str
    adjustments: tuple[AdviceAdjustment, ...]
    remarks: tuple[AdviceRemark, ...]
    control_number: str


@dataclass(frozen=True)
class AdviceClaim:
    claim_id: str
    payer_claim_number: str
    status: str
    status_words: str
    patient: str
    member_id: str
    insured: str
    rendering_provider: str
    forwarded_to: str
    dates: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    adjustments: tuple[AdviceAdjustment, ...]
    remarks: tuple[AdviceRemark, ...]
    lines: tuple[AdviceLine, ...]


@dataclass(frozen=True)
class AdviceProviderAdjustment:
    provider_id: str
    fiscal_period: str
    reason: str
    description: str
    reference: str
    amount: Decimal


@dataclass(frozen=True)
class AdvicePayment:
    """One payment (ST…SE): its check or EFT, its claims, PLBs and totals."""

    payer: str
    payer_id: str
    payer_address: str
    payee: str
    payee_id: str
    payee_address: str
    amount: Decimal
    credit_debit: str
    method: str
    method_words: str
    handling_words: str
    date: str
    trace_number: str
    trace_originator: str
    production_date: str
    claims: tuple[AdviceClaim, ...]
    provider_adjustments: tuple[AdviceProviderAdjustment, ...]
    claims_in_payment: int
    total_charge: Decimal
    total_paid: Decimal
    total_patient_responsibility: Decimal
    total_provider_adjustments: Decimal
    filtered: bool = False
    notes: tuple[str, ...] = field(default=())


def _person(name: Name | None) -> str:
    if name is None:
        return ""
    if name.kind == "2" or not name.first:
        return name.last
    parts = [name.first, name.middle, name.last]
    text = " ".join(part for part in parts if part)
    return f"{text} {name.suffix}" if name.suffix else text


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def _adjustment(adjustment: Adjustment) -> AdviceAdjustment:
    try:
        description = describe_adjustment(adjustment.group, adjustment.reason)
    except AdjustmentCodeError:
        description = (
            f"{adjustment.group}-{adjustment.reason}: not a reason code MedOffice can read"
        )
    _key, _sep, words = description.partition(": ")
    return AdviceAdjustment(
        adjustment.group,
        adjustment.reason,
        adjustment.amount,
        words or description,
        adjustment.quantity,
    )


def _remarks(codes: Iterable[str]) -> tuple[AdviceRemark, ...]:
    found: list[AdviceRemark] = []
    for code in codes:
        try:
            entry = rarc(code)
            plain = normalize_remark(code)
        except AdjustmentCodeError:
            entry, plain = None, code
        description = (
            entry.description if entry is not None else "a remark code MedOffice does not know"
        )
        found.append(AdviceRemark(plain, description))
    return tuple(found)


def _procedure(line: ServicePayment, original: bool = False) -> str:
    procedure = line.original_procedure if original else line.procedure
    if procedure is None:
        return ""
    if not procedure.readable:
        return procedure.raw
    modifiers = "-".join(m for m in procedure.modifiers if m)
    code = f"{procedure.code}-{modifiers}" if modifiers else procedure.code
    return f"{procedure.qualifier} {code}"


def _dates(dates: Iterable[Any]) -> str:
    words: list[str] = []
    for dated in dates:
        label = DATE_QUALIFIERS.get(dated.qualifier)
        if label:
            words.append(f"{label} {dated.date.isoformat()}")
    return ", ".join(words)


def _line(line: ServicePayment) -> AdviceLine:
    return AdviceLine(
        procedure=_procedure(line),
        dates=_dates(line.dates),
        charge=line.charge,
        allowed=line.allowed,
        paid=line.paid,
        units=line.units,
        original_procedure=_procedure(line, original=True),
        adjustments=tuple(_adjustment(a) for a in line.adjustments),
        remarks=_remarks(remark.code for remark in line.remarks if remark.qualifier == "HE"),
        control_number=line.line_control_number,
    )


def _claim(claim: ClaimPayment) -> AdviceClaim:
    patient = claim.patient
    forwarded = claim.crossover_carrier
    return AdviceClaim(
        claim_id=claim.claim_id,
        payer_claim_number=claim.payer_claim_number,
        status=claim.status,
        status_words=CLAIM_STATUSES.get(claim.status, f"status code {claim.status}"),
        patient=_person(patient),
        member_id=patient.identifier if patient is not None else "",
        insured=_person(claim.insured),
        rendering_provider=_person(claim.rendering_provider),
        forwarded_to=_person(forwarded),
        dates=_dates(claim.dates),
        charge=claim.charge,
        paid=claim.paid,
        patient_responsibility=claim.patient_responsibility,
        adjustments=tuple(_adjustment(a) for a in claim.adjustments),
        remarks=_remarks(claim.remark_codes),
        lines=tuple(_line(line) for line in claim.lines),
    )


def _address(party: Any) -> str:
    place = " ".join(p for p in (party.state, party.postal_code) if p)
    parts = [*party.address, ", ".join(p for p in (party.city, place) if p)]
    return ", ".join(p for p in parts if p)


def advice_payment(remittance: Remittance, claim_ids: set[str] | None = None) -> AdvicePayment:
    """What the advice shows of one payment, its claims limited to ``claim_ids`` if given."""
    claims = [
        claim for claim in remittance.claims if claim_ids is None or claim.claim_id in claim_ids
    ]
    payment, trace = remittance.payment, remittance.trace
    plbs = remittance.provider_adjustments if claim_ids is None else ()
    notes: list[str] = []
    if claim_ids is not None:
        notes.append(
            f"This advice shows {len(claims)} of the payment's {len(remittance.claims)} claims."
        )
    return AdvicePayment(
        payer=remittance.payer.name,
        payer_id=remittance.payer.identifier or trace.originator,
        payer_address=_address(remittance.payer),
        payee=remittance.payee.name,
        payee_id=remittance.payee.identifier,
        payee_address=_address(remittance.payee),
        amount=payment.amount,
        credit_debit="debit" if payment.credit_debit == "D" else "credit",
        method=payment.method,
        method_words=PAYMENT_METHODS.get(payment.method, payment.method),
        handling_words=HANDLING.get(payment.handling, payment.handling),
        date=_iso(payment.date),
        trace_number=trace.number,
        trace_originator=trace.originator,
        production_date=_iso(remittance.start.production_date),
        claims=tuple(_claim(claim) for claim in claims),
        provider_adjustments=tuple(
            AdviceProviderAdjustment(
                provider_id=plb.provider_id,
                fiscal_period=plb.fiscal_period.isoformat(),
                reason=plb.reason,
                description=PROVIDER_ADJUSTMENTS.get(plb.reason, "provider adjustment"),
                reference=plb.reference,
                amount=plb.amount,
            )
            for plb in plbs
        ),
        claims_in_payment=len(remittance.claims),
        total_charge=sum((c.charge for c in claims), _ZERO),
        total_paid=sum((c.paid for c in claims), _ZERO),
        total_patient_responsibility=sum(
            (c.patient_responsibility or _ZERO for c in claims), _ZERO
        ),
        total_provider_adjustments=sum((p.amount for p in plbs), _ZERO),
        filtered=claim_ids is not None,
        notes=tuple(notes),
    )


def remittance_advice_html(
    remittances: Sequence[Remittance], *, claim_ids: set[str] | None = None
) -> str:
    """The HTML the PDF is made from: one section per payment that has a claim to show."""
    payments = [advice_payment(r, claim_ids) for r in remittances]
    if claim_ids is not None:
        payments = [p for p in payments if p.claims]
    return render_to_string(
        ADVICE_TEMPLATE,
        {
            "payments": payments,
            "claim_ids": sorted(claim_ids) if claim_ids is not None else None,
            "title": "Remittance advice",
        },
    )


def _pdf(html: str) -> bytes:
    """The advice laid out by billing's shared renderer (fonts and the parsed stylesheet
    kept per process, one layout at a time)."""
    from medoffice.billing.receipts import html_to_pdf

    return html_to_pdf(html, stylesheet=ADVICE_STYLESHEET)


def remittance_advice_pdf(remittance: Remittance, *, claim_ids: set[str] | None = None) -> bytes:
    """One payment's remittance advice as PDF bytes; ``claim_ids`` keeps only those CLP01s."""
    return _pdf(remittance_advice_html([remittance], claim_ids=claim_ids))


def remittances_advice_pdf(
    remittances: Sequence[Remittance], *, claim_ids: set[str] | None = None
) -> bytes:
    """Every payment of a file in one PDF (a page break between payments)."""
    return _pdf(remittance_advice_html(remittances, claim_ids=claim_ids))


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def advice_filename(filename: str, claim_ids: set[str] | None = None) -> str:
    """``ERA_0601.835`` → ``ERA_0601-remittance-advice.pdf`` (safe in a header)."""
    stem = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = _UNSAFE.sub("_", stem).strip("._") or "remittance"
    suffix = ""
    if claim_ids is not None and len(claim_ids) == 1:
        suffix = "-" + (_UNSAFE.sub("_", next(iter(claim_ids))).strip("._") or "claim")
    return f"{stem[:80]}{suffix[:40]}-remittance-advice.pdf"


def remittance_advice_response(
    data: bytes, filename: str, claim_ids: set[str] | None = None
) -> HttpResponse:
    """The 835 in ``data`` as a remittance advice PDF response (inline, named after the file).

    Read with ``read_835(strict=False)``: balance problems do not stop an advice. A file
    that is not a readable 835 raises the reader's ``X12Error`` for the caller to show.
    """
    read = read_835(data, strict=False)
    pdf = remittances_advice_pdf(read.remittances, claim_ids=claim_ids)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{advice_filename(filename, claim_ids)}"'
    return response
