"""The demo practice's money at the desk: the copays taken at check-in.

Runs after scheduling's visits (``scheduling/demo/visits.py``), which hand over in the
context the visits that checked in and their random generator where they left it, so the
copays come out as they did when one builder made both. Receipt numbers are drawn as
``billing.services.next_receipt_number`` draws them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from medoffice.core.demo.helpers import BATCH, weighted


def build_copays(context: dict[str, Any], seed: int = 2026) -> None:
    """The copays taken at check-in (about 60 % of the insured visits that arrived)."""
    from medoffice.billing.models import PatientPayment

    handed = context.pop("demo_visits", None)
    if not handed or PatientPayment.objects.exists():
        return
    rng, copays = handed["rng"], handed["copay"]
    payments = []
    for patient_id, appointment_id, location_id, arrived, status, desk in handed["visits"]:
        copay = copays.get(patient_id)
        if copay and arrived and status != "lwbs" and rng.random() < 0.6:
            method = weighted(rng, [("card", 60), ("cash", 20), ("check", 10), ("hsa", 10)])
            reference = (
                f"{rng.randrange(1000, 9999)}"
                if method in {"card", "hsa"}
                else f"{rng.randrange(100, 9999)}"
                if method == "check"
                else ""
            )
            payments.append(
                PatientPayment(
                    patient_id=patient_id,
                    appointment_id=appointment_id,
                    location_id=location_id,
                    amount=copay,
                    method=method,
                    reference=reference,
                    kind="copay",
                    received_by=desk,
                    received_at=arrived + dt.timedelta(minutes=rng.randrange(1, 4)),
                )
            )
    # Receipt numbers as billing.services.next_receipt_number draws them: R<year>-<sequence>.
    payments.sort(key=lambda p: p.received_at)
    sequence: dict[int, int] = defaultdict(int)
    for payment in payments:
        year = payment.received_at.astimezone(dt.UTC).year
        sequence[year] += 1
        payment.receipt_number = f"R{year}-{sequence[year]:06d}"
    PatientPayment.objects.bulk_create(payments, batch_size=BATCH)
