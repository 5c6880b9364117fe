"""The front office's parts of the patient record (``patients/record.py``): the banner's
next visit and unpaid copays, and the visit history with each visit's status and the
copay paid. Scoped to the user's locations and audited."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from medoffice.billing import selectors as billing
from medoffice.billing.models import PatientPayment
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, User
from medoffice.core.roles import Permission
from medoffice.frontdesk.choices import S
from medoffice.frontdesk.selectors.common import appointment_url
from medoffice.patients.models import Patient
from medoffice.scheduling.models import Appointment

HISTORY_SHOWN = 10  # visits the record shows before "Show all"
# Visits the patient came to: a copay was due at each (the ones not paid are owed).
KEPT = (S.ARRIVED, S.ROOMED, S.WITH_PROVIDER, S.CHECKOUT, S.COMPLETED)
COMING = (S.SCHEDULED, S.CONFIRMED)


def _visits(user: User, patient: Patient) -> list[Appointment]:
    payments = billing.counted_payments(user).filter(patient=patient).prefetch_related("refunds")
    return list(
        Appointment.objects.restrict(user, "view")
        .filter(patient=patient)
        .select_related("provider", "appointment_type", "location")
        .prefetch_related(Prefetch("payments", queryset=payments, to_attr="paid"))
        .order_by("-start")
    )


def _paid(visit: Appointment) -> list[PatientPayment]:
    """The visit's payments, prefetched by ``_visits`` (``to_attr="paid"``)."""
    paid: list[PatientPayment] = getattr(visit, "paid", [])
    return paid


def _copay_due(coverages: list[Any], visit: Appointment) -> Decimal | None:
    day = timezone.localtime(visit.start).date()
    covering = sorted((c for c in coverages if c.covers(day)), key=lambda c: c.order)
    return covering[0].copay if covering and covering[0].copay else None


def visit_summary(user: User, patient: Patient, params: Mapping[str, str]) -> dict[str, Any]:
    """The banner's visit facts: the next visit, and the copays of visits the patient
    came to that no payment covers (what the desk's payments know; no ledger yet)."""
    now = timezone.now()
    visits = _visits(user, patient)
    coming = [v for v in visits if v.status in COMING and v.start >= now]
    unpaid = []
    coverages = list(patient.coverages.all())
    for v in visits:
        if v.status not in KEPT:
            continue
        due = _copay_due(coverages, v)
        # What the practice kept of the visit's copays: refunds are taken off.
        paid = sum((billing.net_amount(p) for p in _paid(v) if p.kind == "copay"), Decimal("0.00"))
        if due and paid < due:
            unpaid.append(due - paid)
    nxt = coming[-1] if coming else None
    return {
        "next": {
            "start": timezone.localtime(nxt.start),
            "provider": str(nxt.provider),
            "type": str(nxt.appointment_type),
            "url": appointment_url(user, nxt),
        }
        if nxt
        else None,
        "sees_payments": user.has_perm(Permission.VIEW_PATIENTPAYMENT),
        "unpaid_total": sum(unpaid, Decimal("0.00")),
        "unpaid_visits": len(unpaid),
    }


def visit_history(user: User, patient: Patient, params: Mapping[str, str]) -> dict[str, Any]:
    """The patient's visits, coming ones first then the past, newest first, with status and
    the copay paid; the last ``HISTORY_SHOWN`` unless ``?visits=all``. One audit entry."""
    visits = _visits(user, patient)
    show_all = params.get("visits") == "all"
    shown = visits if show_all else visits[:HISTORY_SHOWN]
    record_event(
        AuditAction.READ,
        user=user,
        object_type="scheduling.appointment",
        patient_id=patient.pk,
        data_category="appointment",
        detail=f"visit history: {len(shown)} of {len(visits)} shown",
    )
    rows = []
    for v in shown:
        paid = sum((billing.net_amount(p) for p in _paid(v)), Decimal("0.00"))
        rows.append(
            {
                "start": timezone.localtime(v.start),
                "provider": str(v.provider),
                "type": str(v.appointment_type),
                "location": v.location.code,
                "status": v.get_status_display(),
                "status_key": v.status,
                "paid": paid if _paid(v) else None,
                "receipts": [p.pk for p in _paid(v)],
                "url": reverse("scheduling:appointment", args=[v.pk]),
            }
        )
    return {
        "rows": rows,
        "total": len(visits),
        "more": len(visits) - len(shown),
        "sees_payments": user.has_perm(Permission.VIEW_PATIENTPAYMENT),
    }
