"""The demo practice's denials: about forty on its older claims, with the reasons payers
give most (CO-16 with N290, CO-197, CO-29, CO-50, CO-18, PR-204, CO-22, CO-97), in
several statuses, and five appeals with their letters from the built-in templates.

Runs after the remittances (``billing-remittances``), whose posting opens a denial for
each zero-pay line: those are worked here (about forty of them put in other statuses, as a
biller would have). Without remittances (a demo built without them), the denials are made
here directly (source "era", a synthetic TRN), in bulk. A second run finds appeals there
and does nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from medoffice.core.demo.helpers import BATCH, demo_users

WANTED = 40
APPEALS = 5
# (group, CARC, RARCs, share of the line's charge denied)
REASONS: tuple[tuple[str, str, tuple[str, ...], Decimal], ...] = (
    ("CO", "16", ("N290",), Decimal("1")),
    ("CO", "197", ("N54",), Decimal("1")),
    ("CO", "29", (), Decimal("1")),
    ("CO", "50", ("N115",), Decimal("1")),
    ("CO", "18", (), Decimal("1")),
    ("PR", "204", (), Decimal("1")),
    ("CO", "22", ("MA04",), Decimal("1")),
    ("CO", "97", ("M15",), Decimal("1")),
)
STATUSES = ("open",) * 6 + (
    "appealed",
    "corrected",
    "written_off",
    "upheld",
    "overturned",
    "closed",
)
SETTLED = {"written_off", "upheld", "overturned", "closed"}


def build_denials(context: dict[str, Any], seed: int = 2026) -> None:
    from django.utils import timezone

    from medoffice.billing.models import Appeal, Denial

    if Appeal.objects.exists() or (
        Denial.objects.exists() and not Denial.objects.filter(status="open").exists()
    ):
        return
    rng = random.Random(seed)
    users = demo_users(context)
    biller = users.get("biller") or next(iter(users.values()), None)
    today = timezone.localdate()
    if Denial.objects.exists():
        _work_posted_denials(biller)
    else:
        _make_denials(rng, biller, today)
    _appeals(biller, today)


def _work_posted_denials(biller: Any) -> None:
    """The posting's open denials, about forty of them worked into other statuses."""
    from django.utils import timezone

    from medoffice.billing.models import Denial, DenialEvent

    now = timezone.now()
    chosen = list(Denial.objects.filter(status="open").order_by("denied_on", "pk")[:WANTED])
    changed = []
    events = []
    for index, denial in enumerate(chosen):
        status = STATUSES[index % len(STATUSES)]
        denial.assigned_to = biller if index % 3 == 0 else None
        if status != "open":
            denial.status = status
            denial.closed_at = now if status in SETTLED else None
            denial.recovered = denial.amount if status == "overturned" else None
            events.append(
                DenialEvent(
                    denial_id=denial.pk,
                    from_status="open",
                    to_status=status,
                    reason="worked by the biller",
                    by=biller,
                    at=now,
                )
            )
        changed.append(denial)
    Denial.objects.bulk_update(
        changed, ["status", "closed_at", "recovered", "assigned_to"], batch_size=BATCH
    )
    DenialEvent.objects.bulk_create(events, batch_size=BATCH)


def _make_denials(rng: random.Random, biller: Any, today: dt.date) -> None:
    """About forty denials made directly on the older claims (no remittances to post)."""
    from django.utils import timezone

    from medoffice.billing.adjustments import DenialCategory, denial_category
    from medoffice.billing.models import ChargeLine, Claim, Denial, DenialEvent
    from medoffice.billing.services.denials import DEFAULT_APPEAL_DAYS

    claims = list(
        Claim.objects.filter(
            frequency="1",
            payer__isnull=False,
            status__in=["accepted", "adjudicated", "closed", "submitted"],
            date_of_service__lte=today - dt.timedelta(days=30),
        )
        .order_by("date_of_service", "pk")
        .only("pk", "encounter_id", "patient_id", "payer_id", "date_of_service", "control_number")[
            : WANTED * 2
        ]
    )
    if not claims:
        return
    rng.shuffle(claims)
    chosen = claims[:WANTED]
    first_lines: dict[int, Any] = {}
    for line in (
        ChargeLine.objects.filter(encounter_id__in=[c.encounter_id for c in chosen])
        .order_by("encounter_id", "line_number")
        .only("pk", "encounter_id", "charge")
    ):
        first_lines.setdefault(line.encounter_id, line)
    now = timezone.now()
    rows = []
    for index, claim in enumerate(chosen):
        line = first_lines.get(claim.encounter_id)
        if line is None or not line.charge:
            continue
        group, reason, remarks, share = REASONS[index % len(REASONS)]
        status = STATUSES[index % len(STATUSES)]
        denied_on = min(today, claim.date_of_service + dt.timedelta(days=rng.randint(18, 35)))
        category = denial_category(group, reason, remarks) or DenialCategory.OTHER
        settled = status in SETTLED
        amount = (line.charge * share).quantize(Decimal("0.01"))
        rows.append(
            Denial(
                claim_id=claim.pk,
                charge_line_id=line.pk,
                patient_id=claim.patient_id,
                payer_id=claim.payer_id,
                group_code=group,
                reason_code=reason,
                remark_codes=",".join(remarks),
                amount=amount,
                category=category.value,
                denied_on=denied_on,
                source_kind="era",
                source_id=f"DEMO{claim.pk:08d}",
                status=status,
                assigned_to=biller if index % 3 == 0 else None,
                due_on=denied_on + dt.timedelta(days=DEFAULT_APPEAL_DAYS),
                recovered=amount if status == "overturned" else None,
                created_at=now,
                created_by=biller,
                closed_at=now if settled else None,
            )
        )
    Denial.objects.bulk_create(rows, batch_size=BATCH)
    events = []
    for denial in rows:
        if denial.pk is None:  # a backend that does not return ids (not ours)
            break
        events.append(
            DenialEvent(
                denial_id=denial.pk, to_status="open", reason="opened from era", by=biller, at=now
            )
        )
        if denial.status != "open":
            events.append(
                DenialEvent(
                    denial_id=denial.pk,
                    from_status="open",
                    to_status=denial.status,
                    reason="worked by the biller",
                    by=biller,
                    at=now,
                )
            )
    DenialEvent.objects.bulk_create(events, batch_size=BATCH)


def _appeals(biller: Any, today: dt.date) -> None:
    from django.utils import timezone

    from medoffice.billing import appeal_letters
    from medoffice.billing.models import Appeal, AppealTemplate, Denial

    now = timezone.now()
    # Five appeals, with letters from the built-in templates (the denials they name are
    # appealed, or were and came back overturned or upheld).
    templates = {t.key: t for t in AppealTemplate.objects.all()}
    appealable = list(
        Denial.objects.filter(status__in=["appealed", "upheld", "overturned"])
        .select_related("claim__patient", "claim__payer", "claim__coverage")
        .order_by("pk")[:APPEALS]
    )
    from medoffice.billing.selectors.denials import letter_values

    for denial in appealable:
        built = next(
            (b for b in appeal_letters.BUILT_IN if denial.category in b.categories),
            appeal_letters.BUILT_IN[0],
        )
        sent = denial.denied_on + dt.timedelta(days=7)
        outcome = {"appealed": "pending", "upheld": "upheld", "overturned": "overturned"}[
            denial.status
        ]
        appeal = Appeal.objects.create(
            claim_id=denial.claim_id,
            template=templates.get(built.key),
            letter_text=appeal_letters.fill(built.body, letter_values([denial])),
            sent_on=min(sent, today),
            method="mail",
            outcome=outcome,
            outcome_on=min(sent + dt.timedelta(days=30), today) if outcome != "pending" else None,
            recovered=denial.recovered,
            created_at=now,
            created_by=biller,
        )
        appeal.denials.add(denial)
