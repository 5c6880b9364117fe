"""The demo practice's ledger: each claimed visit's charges, and the copays applied.

Runs after the claims (``billing-claims``) and their submission (``billing-submission``):
every visit with an original claim gets one charge entry per line to the claim's payer (to
the patient for self-pay) as ``billing.services.ledger.post_charges`` posts them; a claim
the payer voided has its charges reversed, as ``void_claim`` does. A copay taken at
check-in for a claimed visit moves that much of the first line from the payer to the
patient (group PR, reason 3) and is applied there, as ``apply_payment`` does; copays of
visits not claimed yet stay unapplied. Remittances (835) are not posted here. Bulk
inserts; a second run finds the entries there and does nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from medoffice.core.demo.helpers import BATCH, demo_users


def _with_pks(model: Any, rows: list[Any]) -> list[Any]:
    model.objects.bulk_create(rows, batch_size=BATCH)
    if rows and rows[0].pk is None:  # a backend that does not return ids (not ours)
        raise RuntimeError("The demo's ledger needs a database that returns inserted ids.")
    return rows


def build_ledger(context: dict[str, Any], seed: int = 2026) -> None:
    """Charge entries for every claimed visit; the copays moved to the patient and applied."""
    from django.utils import timezone

    from medoffice.billing.choices import LedgerKind as K
    from medoffice.billing.choices import LedgerParty
    from medoffice.billing.models import ChargeLine, Claim, LedgerEntry, PatientPayment

    if LedgerEntry.objects.exists():
        return
    users = demo_users(context)
    biller = users.get("biller") or next(iter(users.values()), None)
    zone = timezone.get_current_timezone()
    claims: dict[int, Any] = {}
    for claim in (
        Claim.objects.filter(frequency="1", prior_payer_claim__isnull=True)
        .order_by("pk")
        .only("pk", "encounter_id", "payer_id", "responsibility", "status", "created_at")
    ):
        claims.setdefault(claim.encounter_id, claim)
    if not claims:
        return
    lines: dict[int, list[Any]] = defaultdict(list)
    for line in (
        ChargeLine.objects.filter(encounter_id__in=list(claims))
        .select_related("encounter")
        .only(
            "pk",
            "line_number",
            "charge",
            "encounter__patient_id",
            "encounter__location_id",
            "encounter__date_of_service",
        )
        .order_by("encounter_id", "line_number")
    ):
        lines[line.encounter_id].append(line)

    def entry(line: Any, claim: Any, **fields: Any) -> Any:
        return LedgerEntry(
            charge_line_id=line.pk,
            patient_id=line.encounter.patient_id,
            location_id=line.encounter.location_id,
            service_date=line.encounter.date_of_service,
            claim_id=claim.pk,
            posted_by=biller,
            **fields,
        )

    def party_of(claim: Any) -> tuple[str, int | None]:
        if claim.responsibility == "self":
            return LedgerParty.PATIENT, None
        return LedgerParty.INSURANCE, claim.payer_id

    charges = []
    for encounter_id, claim in claims.items():
        party, payer_id = party_of(claim)
        for line in lines[encounter_id]:
            if line.charge:
                charges.append(
                    entry(
                        line,
                        claim,
                        kind=K.CHARGE,
                        party=party,
                        payer_id=payer_id,
                        amount=line.charge,
                        effective_date=line.encounter.date_of_service,
                        posted_at=claim.created_at,
                    )
                )
    _with_pks(LedgerEntry, charges)
    by_line = {c.charge_line_id: c for c in charges}
    # A claim voided with the payer (and not replaced): its charges are taken back.
    reversals = []
    for encounter_id, claim in claims.items():
        if claim.status != "voided":
            continue
        at = claim.created_at + dt.timedelta(days=20)
        for line in lines[encounter_id]:
            charge = by_line.get(line.pk)
            if charge is not None:
                reversals.append(
                    entry(
                        line,
                        claim,
                        kind=K.REVERSAL,
                        party=charge.party,
                        payer_id=charge.payer_id,
                        amount=-charge.amount,
                        reverses_id=charge.pk,
                        note="Claim voided with the payer",
                        effective_date=at.astimezone(zone).date(),
                        posted_at=at,
                    )
                )
    LedgerEntry.objects.bulk_create(reversals, batch_size=BATCH)

    # Copays: the patient's share of the first line, applied from the desk payment.
    encounter_of = {
        appointment_id: encounter_id
        for encounter_id, appointment_id in ChargeLine.objects.filter(
            encounter_id__in=list(claims)
        ).values_list("encounter_id", "encounter__appointment_id")
    }
    giving, receiving, applied = [], [], []
    for payment in PatientPayment.objects.filter(
        voided_at__isnull=True, appointment_id__in=list(encounter_of)
    ).only("pk", "appointment_id", "amount", "received_at"):
        encounter_id = encounter_of[payment.appointment_id]
        claim = claims[encounter_id]
        first = lines[encounter_id][0] if lines[encounter_id] else None
        if first is None or claim.status == "voided" or first.charge < payment.amount:
            continue
        at = max(claim.created_at, payment.received_at)
        day = at.astimezone(zone).date()
        party, payer_id = party_of(claim)
        if party == LedgerParty.INSURANCE:
            common = {"kind": K.TRANSFER, "group_code": "PR", "reason_code": "3"}
            giving.append(
                entry(first, claim, party=party, payer_id=payer_id, amount=-payment.amount,
                      effective_date=day, posted_at=at, **common)
            )  # fmt: skip
            receiving.append(
                entry(first, claim, party=LedgerParty.PATIENT, payer_id=None,
                      amount=payment.amount, effective_date=day, posted_at=at, **common)
            )  # fmt: skip
        applied.append(
            entry(first, claim, kind=K.PATIENT_PAYMENT, party=LedgerParty.PATIENT, payer_id=None,
                  amount=-payment.amount, patient_payment_id=payment.pk, effective_date=day,
                  posted_at=at + dt.timedelta(seconds=1))
        )  # fmt: skip
    _with_pks(LedgerEntry, giving)
    for half, other in zip(receiving, giving, strict=True):
        half.counterpart_id = other.pk
    LedgerEntry.objects.bulk_create(receiving, batch_size=BATCH)
    LedgerEntry.objects.bulk_create(applied, batch_size=BATCH)


def build_ledger_totals(context: dict[str, Any], seed: int = 2026) -> None:
    """The A/R aging's daily totals take in every demo entry (so its first page is quick)."""
    from medoffice.billing.services import ledger_totals

    ledger_totals.fold()
