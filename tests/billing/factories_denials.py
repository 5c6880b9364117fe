"""Denials' test objects: a claim at the payer (charges on the ledger) and its denials."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from medoffice.billing.services.denials import DenialInput, open_denials
from tests.factories import SYSTEM


def denied_claim(location: Any, outbox: Any, *, payer_claim_number: str = "PAYER123") -> Any:
    """An insured patient's claim the payer holds (accepted, with its claim number), its
    charges on the ledger (needs ``office_visit_codes()``)."""
    from medoffice.billing.models import Claim
    from tests.billing.factories_claims import billable_claim

    claim = billable_claim(location, outbox)
    when = timezone.now() - dt.timedelta(days=40)
    Claim.objects.filter(pk=claim.pk).update(
        status="accepted",
        submitted_at=when,
        first_submitted_at=when,
        payer_claim_number=payer_claim_number,
    )
    claim.refresh_from_db()
    return claim


def first_line_id(claim: Any) -> int:
    return claim.encounter.lines.order_by("line_number").values_list("pk", flat=True)[0]


def a_denial(
    claim: Any,
    *,
    group: str = "CO",
    reason: str = "16",
    remarks: tuple[str, ...] = ("N290",),
    amount: str = "150.00",
    line: bool = True,
    source_id: str = "TRN1",
) -> Any:
    """One denial of the claim's first line (or of the whole claim), as the 835 opens it."""
    made = open_denials(
        claim=claim,
        adjustments=[
            DenialInput(
                first_line_id(claim) if line else None, group, reason, remarks, Decimal(amount)
            )
        ],
        source_kind="era",
        source_id=source_id,
        actor=SYSTEM,
    )
    return made[0]
