"""The demo practice's remittances: 835 files for its claims older than three weeks, written
to ``var/era/`` and posted with ``import_era`` as a payer's file would be.

Runs after the ledger (``billing-ledger``). Per payer one file: most claims paid with a
CO-45 contractual write-off and a patient share (PR-1 deductible, PR-2 coinsurance or PR-3
copay), about 6 % denied with varied reasons (CO-16, CO-197, CO-29, CO-50, CO-18, PR-204),
a few underpaid (a larger reduction under CO-45), one payment with PLB interest (L6) and
one with a takeback (WO); five claims of the practice's former system (exceptions); two
paid claims of the second payer carry a corrected insured (NM1*74: the member ID with the
person code 01 the payer added), for the biller to confirm or dismiss. A second file
reverses three paid claims (CLP02 22) and pays them again. A second run finds remittances
there and does nothing.

``build_posting_rules`` (before the remittances) seeds the posting-rule table with the
defaults and adds one payer's own rule (CO-45 with RARC N381 for the first payer), so the
rules page shows both kinds.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

AGE_DAYS = 21
DENIAL_RATE = 0.06
UNDERPAID_RATE = 0.03
DENIALS = [("CO", "16"), ("CO", "197"), ("CO", "29"), ("CO", "50"), ("CO", "18"), ("PR", "204")]
CORRECTED_INSURED = 2  # paid claims of the second payer with NM1*74
PERSON_CODE = "01"
_CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def build_remittances(context: dict[str, Any], seed: int = 2026) -> None:
    from django.conf import settings
    from django.utils import timezone

    from medoffice.billing.era_build import ClaimAnswer, LineAnswer, PaymentAnswer, era_text
    from medoffice.billing.models import Claim, ClaimLine, EraFile, LedgerEntry
    from medoffice.billing.services.era import import_era
    from medoffice.core.permissions import SystemActor

    if EraFile.objects.exists():
        return
    today = timezone.localdate()
    cutoff = today - dt.timedelta(days=AGE_DAYS)
    claims = list(
        Claim.objects.filter(
            frequency="1",
            prior_payer_claim__isnull=True,
            payer__isnull=False,
            status__in=["submitted", "accepted"],
            date_of_service__lt=cutoff,
        )
        .select_related("payer", "patient")
        .order_by("pk")
    )
    if not claims:
        return
    lines: dict[int, list[Any]] = defaultdict(list)
    for line in ClaimLine.objects.filter(claim_id__in=[c.pk for c in claims]).order_by(
        "claim_id", "line_number"
    ):
        lines[line.claim_id].append(line)
    copays: dict[int, Decimal] = defaultdict(Decimal)
    for claim_id, amount in LedgerEntry.objects.filter(
        claim_id__in=[c.pk for c in claims], kind="transfer", party="patient", reason_code="3"
    ).values_list("claim_id", "amount"):
        copays[claim_id] += amount
    rng = random.Random(seed)
    by_payer: dict[Any, list[Any]] = defaultdict(list)
    paid_answers: list[tuple[Any, Any]] = []
    for claim in claims:
        mine = lines.get(claim.pk)
        if not mine:
            continue
        answer = _answer(
            claim, mine, rng, ClaimAnswer, LineAnswer, copay=copays.get(claim.pk, Decimal(0))
        )
        by_payer[claim.payer_id].append(answer)
        first_payer = paid_answers[0][0].payer_id if paid_answers else claim.payer_id
        if (
            answer.status == "1"
            and len(paid_answers) < 3
            and claim.payer_id == first_payer
            and rng.random() < 0.2
        ):
            paid_answers.append((claim, answer))
    _correct_insured(claims, by_payer, {id(a) for _c, a in paid_answers})
    payers: dict[Any, Any] = {c.payer_id: c.payer for c in claims}
    payments = []
    for n, (payer_id, answers) in enumerate(sorted(by_payer.items())):
        payer = payers[payer_id]
        plb: tuple[tuple[str, str, Decimal], ...] = ()
        if n == 0:
            plb = (("L6", "INTEREST", Decimal("-3.21")),)
        elif n == 1:
            plb = (("WO", "OVERPAYMENT 2026", Decimal("25.00")),)
        if n == 0:
            answers = answers + [_stranger(i, rng, ClaimAnswer, LineAnswer) for i in range(5)]
        payments.append(
            PaymentAnswer(
                trace=f"DEMO{payer_id:04d}{today:%m%d}",
                payer_name=payer.name.upper()[:60],
                payer_id=payer.payer_id or f"P{payer_id:05d}",
                claims=tuple(answers),
                paid_on=today - dt.timedelta(days=7),
                provider_adjustments=plb,
            )
        )
    folder = settings.VAR_DIR / "era"
    folder.mkdir(parents=True, exist_ok=True)
    actor = SystemActor("demo: remittances")
    for n, payment in enumerate(payments, start=1):
        name = f"demo-{n:02d}.835"
        data = era_text([payment], control=n).encode()
        (folder / name).write_bytes(data)
        import_era(data=data, filename=name, actor=actor)
    if paid_answers:
        payer = paid_answers[0][0].payer
        items = []
        for claim, answer in paid_answers:
            if claim.payer_id != payer.pk:
                continue
            items.append(_reversal(answer, ClaimAnswer, LineAnswer))
            items.append(replace(answer, payer_claim_number=f"R{claim.control_number}"))
        reversal = PaymentAnswer(
            trace=f"DEMOREV{today:%m%d}",
            payer_name=payer.name.upper()[:60],
            payer_id=payer.payer_id or f"P{payer.pk:05d}",
            claims=tuple(items),
            paid_on=today - dt.timedelta(days=2),
        )
        name = f"demo-{len(payments) + 1:02d}-reversals.835"
        data = era_text([reversal], control=len(payments) + 1).encode()
        (folder / name).write_bytes(data)
        import_era(data=data, filename=name, actor=actor)


def _correct_insured(
    claims: list[Any], by_payer: dict[Any, list[Any]], reversed_answers: set[int]
) -> None:
    """The second payer's first paid claims (not reversed later) name a corrected insured:
    the coverage's member ID with the person code the payer added. No random draw, so
    the other answers stay as they were."""
    from medoffice.patients.models import Coverage

    payer_ids = sorted(by_payer)
    if len(payer_ids) < 2:
        return
    answers = by_payer[payer_ids[1]]
    by_control = {c.control_number: c for c in claims}
    coverages = dict(
        Coverage.objects.filter(
            pk__in=[c.coverage_id for c in claims if c.coverage_id]
        ).values_list("pk", "member_id")
    )
    changed = 0
    for n, answer in enumerate(answers):
        claim = by_control.get(answer.claim_id)
        member_id = coverages.get(claim.coverage_id) if claim is not None else None
        if (
            answer.status != "1"
            or id(answer) in reversed_answers
            or not member_id
            or len(member_id) > 38
        ):
            continue
        answers[n] = replace(answer, corrected_member_id=f"{member_id}{PERSON_CODE}")
        changed += 1
        if changed == CORRECTED_INSURED:
            return


def build_posting_rules(context: dict[str, Any], seed: int = 2026) -> None:
    """The default posting rules, and one payer's own rule; a second run adds nothing."""
    from medoffice.billing.models import PostingRule
    from medoffice.billing.services.era_rules import seed_posting_rules
    from medoffice.billing.services.posting_rules import save_posting_rule
    from medoffice.core.permissions import SystemActor
    from medoffice.patients.models import Payer

    seed_posting_rules()
    if PostingRule.objects.filter(payer__isnull=False).exists():
        return
    payer = Payer.objects.filter(is_active=True).order_by("pk").first()
    if payer is None:
        return
    save_posting_rule(
        actor=SystemActor("demo: posting rules"),
        payer=payer,
        group_code="CO",
        reason_code="45",
        remark_code="N381",
        action="contractual_write_off",
    )


def _answer(
    claim: Any,
    mine: list[Any],
    rng: random.Random,
    ClaimAnswer: Any,
    LineAnswer: Any,
    copay: Decimal = Decimal(0),
) -> Any:
    """How the payer answered one claim; a copay taken at the desk comes back as PR-3."""
    roll = rng.random()
    patient = claim.patient
    base = {
        "claim_id": claim.control_number,
        "patient_last": (patient.last_name or "PATIENT").upper()[:35],
        "patient_first": (patient.first_name or "").upper()[:25],
        "member_id": f"M{claim.patient_id:08d}",
    }
    if roll < DENIAL_RATE:
        group, reason = rng.choice(DENIALS)
        return ClaimAnswer(
            lines=tuple(
                LineAnswer(
                    line.procedure_code,
                    line.charge,
                    Decimal(0),
                    ((group, reason, line.charge),),
                    modifiers=tuple(m for m in line.modifiers.split(",") if m),
                    service_date=line.service_from,
                    control=str(line.pk),
                )
                for line in mine
            ),
            status="4",
            **base,
        )
    share = "3" if copay else rng.choice(["1", "2", "2", "3", "", ""])
    underpaid = roll > 1 - UNDERPAID_RATE
    answers = []
    for n, line in enumerate(mine):
        rate = Decimal(rng.randint(55, 80)) / 100
        if underpaid:
            rate -= Decimal("0.15")
        allowed = _cents(line.charge * rate)
        patient_part = Decimal(0)
        if share == "3" and n == 0:
            patient_part = min(allowed, copay or Decimal(rng.choice([20, 25, 30, 40])))
        elif share == "2":
            patient_part = _cents(allowed * Decimal("0.2"))
        elif share == "1" and n == 0:
            patient_part = min(allowed, _cents(allowed * Decimal(rng.randint(30, 100)) / 100))
        adjustments = [("CO", "45", line.charge - allowed)]
        if patient_part:
            adjustments.append(("PR", share, patient_part))
        answers.append(
            LineAnswer(
                line.procedure_code,
                line.charge,
                allowed - patient_part,
                tuple(a for a in adjustments if a[2]),
                modifiers=tuple(m for m in line.modifiers.split(",") if m),
                service_date=line.service_from,
                control=str(line.pk),
            )
        )
    return ClaimAnswer(lines=tuple(answers), **base)


def _stranger(n: int, rng: random.Random, ClaimAnswer: Any, LineAnswer: Any):
    """A claim of the practice's former billing system: not ours, an exception."""
    charge = Decimal(rng.choice([95, 130, 180]))
    paid = _cents(charge * Decimal("0.6"))
    return ClaimAnswer(
        claim_id=f"LEGACY{1000 + n}",
        lines=(LineAnswer("99213", charge, paid, (("CO", "45", charge - paid),)),),
        patient_last="FORMER",
        patient_first=f"PATIENT{n}",
        member_id=f"L{n:06d}",
    )


def _reversal(answer: Any, ClaimAnswer: Any, LineAnswer: Any):
    return ClaimAnswer(
        claim_id=answer.claim_id,
        lines=tuple(
            LineAnswer(
                ln.code,
                -ln.charge,
                -ln.paid,
                tuple((g, r, -a) for g, r, a in ln.adjustments),
                modifiers=ln.modifiers,
                service_date=ln.service_date,
                control=ln.control,
            )
            for ln in answer.lines
        ),
        status="22",
        patient_last=answer.patient_last,
        patient_first=answer.patient_first,
        member_id=answer.member_id,
    )
