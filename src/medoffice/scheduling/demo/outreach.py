"""The demo's waitlist and recalls."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medoffice.core.demo.helpers import (
    BATCH,
    demo_now,
    demo_rng,
    demo_size,
    demo_users,
    keep_given,
    weighted,
)
from medoffice.core.models import practice_zone

# --- 4. the waitlist, recalls, reminder rules and message templates --------------------------

RECALL_REASONS = [
    ("Annual physical", "physical", 45),
    ("Diabetes follow-up (A1c)", "est", 20),
    ("Blood pressure check", "est", 20),
    ("Well-child check", "wellchild", 15),
]


def build_outreach(context: dict[str, Any], seed: int = 2026) -> None:
    """The waitlist and recalls (the reminder rules and message templates are messaging's:
    ``messaging/demo.py``)."""
    from medoffice.patients.models import Patient
    from medoffice.scheduling.models import (
        Appointment,
        AppointmentType,
        Provider,
        Recall,
        RecallOutreach,
        WaitlistEntry,
    )

    if WaitlistEntry.objects.exists() or Recall.objects.exists():
        return
    types = {t.code: t for t in AppointmentType.objects.all()}
    providers = list(Provider.objects.order_by("pk"))
    if not types or not providers:
        return
    rng = demo_rng(seed, "outreach")
    size = demo_size(context)
    users = demo_users(context)
    now = demo_now(context)
    today = now.astimezone(practice_zone()).date()
    desk = users.get("frontdesk") or users.get("manager")
    future = list(
        Appointment.objects.filter(start__gt=now, status__in=["scheduled", "confirmed"])
        .order_by("start")
        .values_list("pk", "patient_id", "appointment_type__code", "provider_id", "location_id")
    )
    active = list(
        Patient.objects.filter(is_active=True).order_by("mrn").values_list("pk", "date_of_birth")
    )
    minors = [pk for pk, born in active if (today - born).days < 18 * 365]
    adults = [pk for pk, born in active if (today - born).days >= 18 * 365]
    entries = []
    waiting = rng.sample(future[len(future) // 3 :], min(size.waitlist, len(future) * 2 // 3))
    for n, (pk, patient_id, code, provider_id, location_id) in enumerate(waiting):
        status = "offered" if n % 6 == 5 else "waiting"
        entries.append(
            WaitlistEntry(
                patient_id=patient_id,
                appointment_type=types[code],
                provider_id=provider_id if rng.random() < 0.6 else None,
                location_id=location_id if rng.random() < 0.7 else None,
                current_appointment_id=pk,
                earliest=today,
                mornings_only=n % 5 == 1,
                afternoons_only=n % 7 == 2,
                note=rng.choice(
                    [
                        "Any cancellation, can come on short notice",
                        "Prefers Fridays",
                        "Needs a ride; call the day before",
                        "",
                    ]
                ),
                status=status,
                created_by=desk,
                created_at=now - dt.timedelta(days=rng.randrange(1, 30)),
                offered_at=now - dt.timedelta(hours=rng.randrange(1, 20))
                if status == "offered"
                else None,
            )
        )
    with keep_given(WaitlistEntry, "created_at"):
        WaitlistEntry.objects.bulk_create(entries)

    by_patient: dict[int, tuple[int, str]] = {}
    for pk, patient_id, code, _provider_id, _location_id in future:
        by_patient.setdefault(patient_id, (pk, code))
    recalls = []
    outreach = []
    used: set[int] = set()
    for _ in range(size.recalls):
        reason, code, _w = weighted(rng, [(r, r[2]) for r in RECALL_REASONS])
        pool = minors if code == "wellchild" else adults
        if not pool:
            continue
        patient_id = rng.choice(pool)
        if patient_id in used:
            continue
        used.add(patient_id)
        due = today + dt.timedelta(days=rng.randrange(-60, 90))
        status = weighted(rng, [("due", 55), ("contacted", 30), ("scheduled", 15)])
        appointment_id = None
        if status == "scheduled":
            booked = by_patient.get(patient_id)
            if booked is None:
                status = "contacted"
            else:
                appointment_id = booked[0]
        recall = Recall(
            patient_id=patient_id,
            reason=reason,
            appointment_type=types.get(code),
            provider=rng.choice(providers),
            due_date=due,
            status=status,
            appointment_id=appointment_id,
            created_by=desk,
        )
        recalls.append(recall)
    Recall.objects.bulk_create(recalls, batch_size=BATCH)
    for recall in recalls:
        if recall.status in {"contacted", "scheduled"}:
            outreach.append(
                RecallOutreach(
                    recall=recall,
                    method=rng.choice(["sms", "phone", "email", "letter"]),
                    outcome=rng.choice(
                        ["Left a message", "Will call back", "Text sent", "Letter mailed"]
                    )
                    if recall.status == "contacted"
                    else "Booked",
                    by=desk,
                )
            )
    RecallOutreach.objects.bulk_create(outreach, batch_size=BATCH)
