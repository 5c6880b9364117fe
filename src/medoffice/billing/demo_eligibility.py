"""The demo practice's eligibility checks: the coming days' visits, checked as the hourly
run would have checked them, with the payers' answers.

Most coverages come back active with a plan, an office-visit copay, a deductible and what
is left of it; a few come back inactive; a few are rejected (AAA 72 invalid member ID,
AAA 75 subscriber not found); a few were sent yesterday and are still unanswered. The
inactive, rejected and unanswered ones fill the eligibility worklist. Bulk inserts; nothing
is added when the demo already has checks.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from medoffice.core.demo.helpers import BATCH, demo_now, demo_rng, weighted

REJECTIONS = {
    "72": "invalid/missing subscriber/insured id (AAA 72), please correct and resubmit",
    "75": "subscriber/insured not found (AAA 75), please correct and resubmit",
}
PLANS = ("PPO GOLD", "HMO SELECT", "CHOICE PLUS", "MEDICARE PART B", "OPEN ACCESS")


def build_eligibility(context: dict[str, Any], seed: int = 2026) -> None:
    from django.conf import settings

    from medoffice.billing.models import EligibilityCheck
    from medoffice.billing.services.eligibility import BOOKED, TRACE, take_numbers
    from medoffice.core.models import practice_zone
    from medoffice.patients.models import Coverage
    from medoffice.scheduling.models import Appointment

    if EligibilityCheck.objects.exists():
        return
    rng = demo_rng(seed, "eligibility")
    now = demo_now(context)
    zone = practice_zone()
    today = now.astimezone(zone).date()
    last = today + dt.timedelta(days=int(settings.ELIGIBILITY_DAYS_AHEAD))
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    visits = list(
        Appointment.objects.filter(start__gte=start, start__lt=end, status__in=BOOKED)
        .order_by("start", "pk")
        .values_list("pk", "patient_id", "location_id", "start")
    )
    primaries: dict[int, tuple[int, Decimal | None, dt.date, dt.date | None]] = {}
    for pk, patient_id, copay, since, until in (
        Coverage.objects.filter(patient_id__in={v[1] for v in visits}, is_active=True, order=1)
        .order_by("pk")
        .values_list("pk", "patient_id", "copay", "effective_from", "effective_to")
    ):
        primaries.setdefault(patient_id, (pk, copay, since, until))
    checks: list[EligibilityCheck] = []
    seen: set[tuple[int, dt.date]] = set()
    for appointment_id, patient_id, location_id, when in visits:
        day = when.astimezone(zone).date()
        coverage = primaries.get(patient_id)
        if coverage is None or (coverage[0], day) in seen:
            continue
        coverage_id, copay, since, until = coverage
        if since > day or (until is not None and until < day):
            continue
        seen.add((coverage_id, day))
        asked = now - dt.timedelta(hours=rng.randrange(1, 40))
        check = EligibilityCheck(
            coverage_id=coverage_id,
            appointment_id=appointment_id,
            location_id=location_id,
            service_date=day,
            requested_at=asked,
        )
        outcome = weighted(
            rng,
            [("active", 84), ("inactive", 5), ("72", 3), ("75", 3), ("unanswered", 3), ("new", 2)],
        )
        if outcome == "unanswered":
            check.status = "sent"
            check.requested_at = now - dt.timedelta(hours=rng.randrange(26, 48))
        elif outcome == "new":
            check.status = "queued"
            check.requested_at = now - dt.timedelta(minutes=rng.randrange(1, 50))
        else:
            check.answered_at = asked + dt.timedelta(minutes=rng.randrange(2, 90))
            if outcome in REJECTIONS:
                check.status = "rejected"
                check.rejection_reason = REJECTIONS[outcome]
            elif outcome == "inactive":
                check.status = "inactive"
            else:
                check.status = "active"
                check.plan_name = rng.choice(PLANS)
                differs = copay is not None and rng.random() < 0.1
                check.copay = (copay + Decimal("10.00")) if differs and copay else copay
                deductible = Decimal(rng.choice((500, 1000, 1500, 2500, 3000)))
                check.deductible = deductible
                check.deductible_remaining = (
                    deductible * Decimal(rng.randrange(0, 101)) / 100
                ).quantize(Decimal("0.01"))
                check.out_of_pocket_remaining = Decimal(rng.randrange(500, 6000)).quantize(
                    Decimal("0.01")
                )
        checks.append(check)
    for check, number in zip(checks, take_numbers(TRACE, len(checks)), strict=True):
        check.trace_number = f"{number:09d}"
    EligibilityCheck.objects.bulk_create(checks, batch_size=BATCH)
