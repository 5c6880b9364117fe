"""ERA test objects: a submitted claim (99213-25 $150 and 36415 $20 on the visit's day) and
835 files answering it, written with the project's own 835 writer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from medoffice.billing.choices import ClaimStatus
from medoffice.billing.era_build import ClaimAnswer, LineAnswer, PaymentAnswer, era_text
from medoffice.billing.models import Claim, ClaimLine
from tests.billing.factories_ledger import claim_of, claimed_visit

D = Decimal
PAID_ON = dt.date(2026, 11, 20)


def submitted_claim(**visit: Any) -> Claim:
    claim = claim_of(claimed_visit(**visit))
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.SUBMITTED)
    claim.refresh_from_db()
    return claim


def lines(claim: Claim) -> list[ClaimLine]:
    return list(ClaimLine.objects.filter(claim=claim).order_by("line_number"))


def paid_in_full_answer(claim: Claim, **changes: Any) -> ClaimAnswer:
    """Typical: 99213 $150 paid 90 (CO-45 50 written off, PR-2 coinsurance 10); 36415 $20
    paid nothing (CO-45 5, PR-1 deductible 15)."""
    day = claim.date_of_service
    answer = ClaimAnswer(
        claim_id=claim.control_number,
        lines=(
            LineAnswer(
                "99213",
                D("150.00"),
                D("90.00"),
                (("CO", "45", D("50.00")), ("PR", "2", D("10.00"))),
                modifiers=("25",),
                service_date=day,
            ),
            LineAnswer(
                "36415",
                D("20.00"),
                D("0.00"),
                (("CO", "45", D("5.00")), ("PR", "1", D("15.00"))),
                service_date=day,
            ),
        ),
    )
    for key, value in changes.items():
        object.__setattr__(answer, key, value)
    return answer


def denied_answer(claim: Claim) -> ClaimAnswer:
    """Both lines denied (CO-197, no authorisation): the payer pays nothing."""
    day = claim.date_of_service
    return ClaimAnswer(
        claim_id=claim.control_number,
        lines=(
            LineAnswer(
                "99213",
                D("150.00"),
                D("0.00"),
                (("CO", "197", D("150.00")),),
                modifiers=("25",),
                service_date=day,
            ),
            LineAnswer(
                "36415", D("20.00"), D("0.00"), (("CO", "197", D("20.00")),), service_date=day
            ),
        ),
        status="4",
    )


def era_for(
    claim: Claim,
    *answers: ClaimAnswer,
    trace: str = "EFT0001",
    plb: tuple[tuple[str, str, Decimal], ...] = (),
    payer_id: str | None = None,
) -> bytes:
    payer = claim.payer
    assert payer is not None
    payment = PaymentAnswer(
        trace=trace,
        payer_name=payer.name.upper(),
        payer_id=payer_id or payer.payer_id,
        claims=answers or (paid_in_full_answer(claim),),
        paid_on=PAID_ON,
        provider_adjustments=plb,
    )
    return era_text([payment]).encode()
