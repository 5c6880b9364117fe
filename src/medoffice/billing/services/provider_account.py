"""The provider account: the practice's own account with each payer (not a patient's line).

Each PLB item of a posted remittance payment becomes one ``ProviderAccountEntry`` linked to
its payment: interest (L6) paid to the practice, takebacks (WO overpayment recovery, 72
authorised return), forward balances (FB) withheld or released, and the other reasons (J1,
CS …) as "other". The entry's amount is what the item did to the practice's money (the PLB
amount with its sign turned: the 835 writes money taken from the payment as positive). A
forward balance whose reference (PLB03-2) names one of the payer's claims (our claim
number, CLM01, or the payer's, CLP07) is linked to that claim.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from medoffice.billing.models import (
    Claim,
    EraPayment,
    EraProviderAdjustment,
    ProviderAccountEntry,
    ProviderAdjustmentKind,
)
from medoffice.core.permissions import Actor, actor_user

KINDS: dict[str, str] = {
    "L6": ProviderAdjustmentKind.INTEREST,
    "WO": ProviderAdjustmentKind.TAKEBACK,
    "72": ProviderAdjustmentKind.TAKEBACK,
    "FB": ProviderAdjustmentKind.FORWARD_BALANCE,
}


def plb_kind(reason: str) -> str:
    return KINDS.get(reason.strip().upper(), ProviderAdjustmentKind.OTHER)


def _claim_named(reference: str, payer_id: int | None) -> int | None:
    reference = reference.strip()
    if not reference:
        return None
    rows = Claim.objects.filter(Q(control_number=reference) | Q(payer_claim_number=reference))
    if payer_id is not None:
        rows = rows.filter(payer_id=payer_id)
    found = list(rows.values_list("pk", flat=True)[:2])
    return found[0] if len(found) == 1 else None


def post_provider_adjustments(
    payment: EraPayment, *, actor: Actor, now: dt.datetime, on: dt.date
) -> list[ProviderAccountEntry]:
    """The payment's PLB items as provider-account entries (idempotent: an item posted
    already is not posted again). Runs inside the posting's transaction."""
    items = list(
        EraProviderAdjustment.objects.filter(payment=payment, entry__isnull=True).order_by("pk")
    )
    if not items:
        return []
    user = actor_user(actor)
    entries = []
    for item in items:
        kind = plb_kind(item.reason)
        claim_id = (
            _claim_named(item.reference, payment.payer_id)
            if kind == ProviderAdjustmentKind.FORWARD_BALANCE
            else None
        )
        entries.append(
            ProviderAccountEntry(
                payment=payment,
                provider_adjustment=item,
                payer_id=payment.payer_id,
                payer_name=(payment.payer_name or payment.payer_identifier)[:80],
                kind=kind,
                reason=item.reason,
                reference=item.reference,
                claim_id=claim_id,
                amount=-item.amount,
                effective_date=payment.payment_date or on,
                posted_at=now,
                posted_by=user,
            )
        )
    return ProviderAccountEntry.objects.bulk_create(entries)
