"""Building synthetic 835 files for our own claims (demo, bench, tests). Pure module.

``LineAnswer`` and ``ClaimAnswer`` describe how a payer adjudicated one of our claims in
plain values; ``remittance(...)`` makes the typed ``Remittance`` (balanced: a claim's
charge − paid is its adjustments' sum, BPR02 = Σ CLP04 − Σ PLB) and ``era_text(...)``
writes one interchange with ``w835``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from medoffice.x12.r835 import (
    Adjustment,
    ClaimPayment,
    Dated,
    Name,
    Party,
    Payment,
    Procedure,
    ProviderAdjustment,
    Reference,
    Remittance,
    RemittanceStart,
    ServicePayment,
    Trace,
)
from medoffice.x12.w835 import write_835
from medoffice.x12.writer import InterchangeHeader

_ZERO = Decimal(0)


@dataclass(frozen=True)
class LineAnswer:
    code: str
    charge: Decimal
    paid: Decimal
    adjustments: tuple[tuple[str, str, Decimal], ...] = ()  # (group, CARC, amount)
    modifiers: tuple[str, ...] = ()
    service_date: dt.date | None = None
    control: str = ""  # REF*6R
    qualifier: str = "HC"
    original: tuple[str, tuple[str, ...]] | None = None  # SVC06 (code, modifiers)


@dataclass(frozen=True)
class ClaimAnswer:
    claim_id: str
    lines: tuple[LineAnswer, ...]
    status: str = "1"
    payer_claim_number: str = ""
    patient_last: str = "DOE"
    patient_first: str = "JANE"
    member_id: str = "M0001"
    claim_adjustments: tuple[tuple[str, str, Decimal], ...] = ()
    crossover_to: str = ""  # NM1*TT name
    corrected_member_id: str = ""  # NM1*74
    charge: Decimal | None = None  # CLP03 when there are no lines
    paid: Decimal | None = None  # CLP04 when there are no lines


@dataclass(frozen=True)
class PaymentAnswer:
    trace: str
    payer_name: str
    payer_id: str
    claims: tuple[ClaimAnswer, ...]
    paid_on: dt.date
    payee_name: str = "VALLEY FAMILY MEDICINE"
    payee_npi: str = "1234567893"
    provider_adjustments: tuple[tuple[str, str, Decimal], ...] = ()  # (reason, ref, amount)
    extra: dict[str, str] = field(default_factory=dict)


def _adjustments(items: Sequence[tuple[str, str, Decimal]]) -> tuple[Adjustment, ...]:
    return tuple(Adjustment(g, r, a) for g, r, a in items)


def claim_payment(answer: ClaimAnswer) -> ClaimPayment:
    lines = tuple(
        ServicePayment(
            procedure=Procedure(line.qualifier, line.code, line.modifiers),
            charge=line.charge,
            paid=line.paid,
            original_procedure=Procedure(line.qualifier, line.original[0], line.original[1])
            if line.original
            else None,
            dates=(Dated("472", line.service_date),) if line.service_date else (),
            adjustments=_adjustments(line.adjustments),
            references=(Reference("6R", line.control),) if line.control else (),
        )
        for line in answer.lines
    )
    claim_adjustments = _adjustments(answer.claim_adjustments)
    charge = sum((line.charge for line in lines), _ZERO) if lines else answer.charge or _ZERO
    paid = sum((line.paid for line in lines), _ZERO) if lines else answer.paid or _ZERO
    patient = sum((a.amount for a in claim_adjustments if a.group == "PR"), _ZERO) + sum(
        (a.amount for ln in lines for a in ln.adjustments if a.group == "PR"), _ZERO
    )
    return ClaimPayment(
        claim_id=answer.claim_id,
        status=answer.status,
        charge=charge,
        paid=paid,
        patient_responsibility=patient,
        filing_indicator="CI",
        payer_claim_number=answer.payer_claim_number or f"PCN{answer.claim_id}",
        patient=Name(
            "QC", "1", answer.patient_last, answer.patient_first, "", "", "MI", answer.member_id
        ),
        corrected_insured=Name(
            "74",
            "1",
            answer.patient_last,
            answer.patient_first,
            "",
            "",
            "C",
            answer.corrected_member_id,
        )
        if answer.corrected_member_id
        else None,
        crossover_carrier=Name("TT", "2", answer.crossover_to, "", "", "", "PI", "XOVER1")
        if answer.crossover_to
        else None,
        adjustments=claim_adjustments,
        lines=lines,
    )


def remittance(answer: PaymentAnswer) -> Remittance:
    claims = tuple(claim_payment(c) for c in answer.claims)
    plb = tuple(
        ProviderAdjustment(answer.payee_npi, dt.date(answer.paid_on.year, 12, 31), r, ref, a)
        for r, ref, a in answer.provider_adjustments
    )
    total = sum((c.paid for c in claims), _ZERO) - sum((p.amount for p in plb), _ZERO)
    start = RemittanceStart(
        control_number="0001",
        payment=Payment(
            handling="I" if total <= 0 else "C",
            amount=total,
            credit_debit="C",
            method="NON" if total <= 0 else "ACH",
            date=answer.paid_on,
        ),
        trace=Trace(answer.trace, "1" + answer.payer_id.rjust(9, "0")[:9]),
        payer=Party("PR", answer.payer_name, "XV", answer.payer_id),
        payee=Party("PE", answer.payee_name, "XX", answer.payee_npi),
        dates=(Dated("405", answer.paid_on),),
    )
    return Remittance(start, claims, plb)


def era_text(payments: Sequence[PaymentAnswer], *, control: int = 1) -> str:
    """One interchange holding one ST…SE per payment."""
    header = InterchangeHeader(
        sender_id="PAYER",
        receiver_id="MEDOFFICE",
        interchange_control_number=control,
        group_control_number=control,
        created=dt.datetime.combine(
            payments[0].paid_on if payments else dt.date(2026, 1, 1), dt.time(9, 0)
        ),
    )
    return write_835([remittance(p) for p in payments], header)
