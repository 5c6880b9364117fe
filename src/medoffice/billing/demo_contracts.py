"""The demo practice's managed-care contracts, and its older claims' lines as adjudicated.

Runs after the reference tables (the payers' allowed-amount schedules) and the ledger.
Commercial payers, Medicare and Medicaid get a contract on their own schedule; two PPO-style
payers pay a percent of the Medicare schedule, with a carve-out or two; the workers' plan
pays a percent of billed charges. Every primary claim served more than 30 days ago (not
voided, not self-pay) then gets one ``LineAdjudication`` per line, as the 835 posting will
record them: allowed as the contract expects, except about 3 % of the lines, allowed 4-15 %
below (the underpayments the report finds); paid 80 % of allowed. Bulk inserts; a second run
finds the contracts there and does nothing. (The 835 posting's own rows may replace these.)
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from medoffice.core.demo.helpers import BATCH, demo_now, demo_users

MEDICARE = "Commonwealth Senior Care (Medicare)"
# payer: (method, percent, carve-outs as (code, modifier, amount, percent))
TERMS: dict[str, tuple[str, str | None, list[tuple[str, str, str | None, str | None]]]] = {
    "Blue Harbor Health Plan": ("schedule", None, []),
    "Pioneer Valley Health": ("schedule", None, [("J3490", "", None, "80")]),
    MEDICARE: ("schedule", None, []),
    "MassCare Community (Medicaid)": ("schedule", None, []),
    "Granite Mutual Insurance": ("schedule", None, []),
    "Keystone Choice PPO": ("medicare", "135", [("99213", "", "84.00", None)]),
    "Summit Shield HMO": ("schedule", None, []),
    "Evergreen Employers Trust": ("medicare", "140", [("J3490", "", None, "75")]),
    "Tri-County Workers Plan": ("charges", "80", []),
}
UNDERPAID_SHARE = 0.03
AGE_DAYS = 30


def build_contracts(context: dict[str, Any], seed: int = 2026) -> None:
    from django.utils import timezone

    from medoffice.billing import contracts as pure
    from medoffice.billing.models import (
        ChargeLine,
        Claim,
        Contract,
        ContractCarveOut,
        FeeSchedule,
        LineAdjudication,
    )
    from medoffice.billing.selectors.contracts import terms_of
    from medoffice.patients.models import Payer

    if Contract.objects.exists():
        return
    now = demo_now(context)
    since = dt.date(now.year - 2, 1, 1)
    payers = {p.name: p for p in Payer.objects.filter(name__in=TERMS)}
    schedules = {
        s.payer_id: s for s in FeeSchedule.objects.filter(kind="allowed", payer__in=payers.values())
    }
    medicare = payers.get(MEDICARE)
    medicare_schedule = schedules.get(medicare.pk) if medicare else None
    made: list[Any] = []
    carve_outs: list[Any] = []
    for name, (method, percent, carved) in TERMS.items():
        payer = payers.get(name)
        if payer is None:
            continue
        schedule = schedules.get(payer.pk) if method == "schedule" else medicare_schedule
        if method != "charges" and schedule is None:
            continue
        contract = Contract(
            payer=payer,
            name=f"{name} agreement (demo)",
            effective_from=since,
            method=method,
            fee_schedule=schedule if method != "charges" else None,
            percent=Decimal(percent) if percent else None,
            timely_filing_days=getattr(getattr(payer, "billing", None), "timely_filing_days", None),
            notes="Synthetic demo contract.",
            created_at=now,
            updated_at=now,
        )
        made.append(contract)
        carve_outs.extend((contract, c) for c in carved)
    Contract.objects.bulk_create(made)
    ContractCarveOut.objects.bulk_create(
        ContractCarveOut(
            contract=contract,
            code=code,
            modifier=modifier,
            amount=Decimal(amount) if amount else None,
            percent=Decimal(pct) if pct else None,
        )
        for contract, (code, modifier, amount, pct) in carve_outs
    )
    contracts = {c.payer_id: c for c in Contract.objects.filter(pk__in=[c.pk for c in made])}
    terms = {payer_id: terms_of(c) for payer_id, c in contracts.items()}

    cutoff = (now - dt.timedelta(days=AGE_DAYS)).date()
    claims = {
        c.encounter_id: c
        for c in Claim.objects.filter(
            frequency="1",
            prior_payer_claim__isnull=True,
            date_of_service__lte=cutoff,
            payer_id__in=list(contracts),
        )
        .exclude(status__in=["voided", "draft"])
        .exclude(responsibility="self")
        .order_by("pk")
        .only("pk", "encounter_id", "payer_id", "date_of_service", "created_at")
    }
    # Claims whose EOB was typed in (the demo's secondary claims) have their rows already.
    done = set(LineAdjudication.objects.values_list("claim_id", flat=True))
    claims = {e: c for e, c in claims.items() if c.pk not in done}
    if not claims:
        return
    users = demo_users(context)
    biller = users.get("biller") or next(iter(users.values()), None)
    rng = random.Random(seed + 11)
    rows = []
    lines: dict[int, list[Any]] = defaultdict(list)
    for line in (
        ChargeLine.objects.filter(encounter_id__in=list(claims))
        .select_related("encounter")
        .only(
            "pk",
            "encounter_id",
            "procedure_code",
            "modifiers",
            "units",
            "charge",
            "encounter__patient_id",
            "encounter__location_id",
            "encounter__date_of_service",
        )
        .order_by("encounter_id", "line_number")
    ):
        lines[line.encounter_id].append(line)
    zone = timezone.get_current_timezone()
    for encounter_id, claim in claims.items():
        payer_id = claim.payer_id
        assert payer_id is not None  # the query asked for payers with a contract
        posted = claim.created_at + dt.timedelta(days=18 + rng.randrange(10))
        if posted > now:
            continue
        for line in lines[encounter_id]:
            day = line.encounter.date_of_service
            expected = pure.expected_allowed(
                terms[payer_id],
                code=line.procedure_code,
                modifiers=line.modifier_list,
                units=line.units,
                service_date=day,
                billed=line.charge,
            )
            allowed = expected if expected is not None else pure.cents(line.charge * Decimal("0.6"))
            if expected is not None and rng.random() < UNDERPAID_SHARE:
                cut = Decimal(rng.randrange(4, 16)) / 100
                allowed = pure.cents(expected * (1 - cut))
            rows.append(
                LineAdjudication(
                    charge_line_id=line.pk,
                    claim_id=claim.pk,
                    payer_id=payer_id,
                    patient_id=line.encounter.patient_id,
                    location_id=line.encounter.location_id,
                    service_date=day,
                    code=line.procedure_code,
                    modifiers=line.modifiers,
                    units=line.units,
                    billed=line.charge,
                    allowed=allowed,
                    paid=pure.cents(allowed * Decimal("0.8")),
                    expected_allowed=expected,
                    contract_id=contracts[payer_id].pk,
                    source_kind="demo",
                    source_id=f"demo-{posted.astimezone(zone).date().isoformat()}",
                    posted_at=posted,
                    posted_by=biller,
                )
            )
    LineAdjudication.objects.bulk_create(rows, batch_size=BATCH)
