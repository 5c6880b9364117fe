"""The demo practice's payment plans: two or three patients who owe the most get a monthly
plan, set up by the biller through ``billing.services.plans.create_plan``.

Runs after the ledger (``billing-ledger``). The demo's payment processor is "none" (the
default ``PAYMENT_PROCESSOR``): its pay links show how to pay by phone or mail. A second
run finds the plans there and does nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from medoffice.core.demo.helpers import demo_users

PLANS = 3
SMALLEST = Decimal("60.00")


def build_plans(context: dict[str, Any], seed: int = 2026) -> None:
    from medoffice.billing.models import PaymentPlan
    from medoffice.billing.selectors.ledger import patient_balances, patient_due
    from medoffice.billing.services.plans import create_plan, today
    from medoffice.core.permissions import SystemActor
    from medoffice.patients.models import Patient

    if PaymentPlan.objects.exists():
        return
    reader = SystemActor("demo")
    users = demo_users(context)
    actor: Any = users.get("biller") or reader
    owing = sorted(
        ((b.patient, pid) for pid, b in patient_balances(reader).items() if b.patient >= SMALLEST),
        reverse=True,
    )
    made = 0
    for _, patient_id in owing:
        if made == PLANS:
            break
        due = patient_due(reader, patient_id)
        if due < SMALLEST:
            continue
        instalment = max((due / 4).quantize(Decimal("1")), Decimal("15"))
        create_plan(
            actor=actor,
            patient=Patient.objects.get(pk=patient_id),
            total=due,
            instalment_amount=min(instalment, due),
            start_date=today(),
            day_of_month=[1, 15, 28][made],
            note="Set up at check-out (demo)",
        )
        made += 1
