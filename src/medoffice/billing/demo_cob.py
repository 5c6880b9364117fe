"""The demo's secondary claims: a few patients with a secondary coverage whose primary claim
the payer adjudicated get the primary's EOB entered (the real service) and a draft claim to
the secondary payer, waiting for the biller to scrub and send it.

Called by the claims-submission step (``billing-submission``) once its batches are out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

SECONDARY_CLAIMS = 6
PAID_SHARE = Decimal("0.72")  # of each line's charge; the rest contractual and coinsurance


def bill_secondaries(*, actor: Any, today: dt.date, count: int = SECONDARY_CLAIMS) -> int:
    """Enter the primary's adjudication on up to ``count`` claims and bill the secondary
    payer; returns how many secondary claims were made."""
    from medoffice.billing.choices import ClaimStatus, Responsibility
    from medoffice.billing.models import Claim
    from medoffice.billing.services.cob import (
        AdjustmentEntry,
        LineEntry,
        bill_next_payer,
        next_payer_refusal,
    )
    from medoffice.patients.models import Coverage

    twice = Coverage.objects.filter(order=2, is_active=True).values_list("patient_id", flat=True)
    candidates = (
        Claim.objects.filter(
            responsibility=Responsibility.PRIMARY,
            status__in=[ClaimStatus.ACCEPTED, ClaimStatus.ADJUDICATED],
            patient_id__in=twice,
            adjudication__isnull=True,
        )
        .select_related("coverage")
        .order_by("-date_of_service", "pk")
    )
    made = 0
    for claim in candidates[: count * 4]:
        if made >= count:
            break
        if next_payer_refusal(claim):
            continue
        lines = []
        paid = Decimal("0")
        for line in claim.lines.all():
            line_paid = (line.charge * PAID_SHARE).quantize(Decimal("0.01"))
            coinsurance = ((line.charge - line_paid) / 2).quantize(Decimal("0.01"))
            contractual = line.charge - line_paid - coinsurance
            adjustments = [
                AdjustmentEntry("CO", "45", contractual),
                AdjustmentEntry("PR", "2", coinsurance),
            ]
            lines.append(
                LineEntry(line.line_number, line_paid, [a for a in adjustments if a.amount != 0])
            )
            paid += line_paid
        bill_next_payer(
            claim=claim,
            adjudicated_on=min(claim.date_of_service + dt.timedelta(days=16), today),
            paid=paid,
            lines=lines,
            actor=actor,
        )
        made += 1
    return made
