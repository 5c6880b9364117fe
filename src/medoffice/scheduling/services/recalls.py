"""Recalls: set at check-out or by hand, worked by phone, text, e-mail or letter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients.models import Patient
from medoffice.scheduling.models import (
    Appointment,
    AppointmentType,
    Provider,
)

# --- recalls (set at check-out) ------------------------------------------------


@transaction.atomic
def create_recall(
    *,
    actor: Actor,
    patient: Patient,
    reason: str,
    due_date: dt.date,
    appointment_type: AppointmentType | None = None,
    provider: Provider | None = None,
    today: dt.date | None = None,
) -> Any:
    """Note that the patient is due for something (annual physical) on a date."""
    from medoffice.scheduling.models import Recall

    require(actor, Permission.CHANGE_APPOINTMENT, "Your role does not allow you to set recalls.")
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Say what the patient is due for (e.g. annual physical)."
    if due_date is None:
        errors["due_date"] = "Enter the date the patient is due."
    elif due_date <= today:
        errors["due_date"] = "The due date must be after today."
    if errors:
        raise ValidationError(errors)
    recall = Recall.objects.create(
        patient=patient,
        reason=reason[:120],
        due_date=due_date,
        appointment_type=appointment_type,
        provider=provider,
        created_by=actor_user(actor),
    )
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=recall,
        patient_id=patient.pk,
        data_category="appointment",
        detail=f"recall due {due_date.isoformat()}",
    )
    return recall


# --- recalls --------------------------------------------------------------------


OUTREACH_METHODS = {
    "phone": "Phone call",
    "sms": "Text message",
    "email": "E-mail",
    "letter": "Letter",
}


@transaction.atomic
def record_recall_outreach(*, actor: Actor, recall: Any, method: str, outcome: str) -> Any:
    from medoffice.scheduling.choices import RecallStatus
    from medoffice.scheduling.models import RecallOutreach

    require(actor, Permission.CHANGE_APPOINTMENT, "Your role does not allow you to work recalls.")
    if method not in OUTREACH_METHODS:
        raise ValidationError({"method": "Choose phone, text message, e-mail or letter."})
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": "Say what came of it (left a message, no answer…)."})
    attempt = RecallOutreach.objects.create(
        recall=recall, method=method, outcome=outcome[:120], by=actor_user(actor)
    )
    if recall.status == RecallStatus.DUE:
        recall.status = RecallStatus.CONTACTED
        recall.save(update_fields=["status"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=recall,
        patient_id=recall.patient_id,
        data_category="recall",
        detail=f"outreach by {method}",
    )
    return attempt


@transaction.atomic
def set_recall_status(
    *, actor: Actor, recall: Any, status: str, appointment: Appointment | None = None
) -> Any:
    from medoffice.scheduling.choices import RecallStatus

    require(actor, Permission.CHANGE_APPOINTMENT, "Your role does not allow you to work recalls.")
    if status not in RecallStatus.values:
        raise ValidationError({"status": "Choose a recall status from the list."})
    recall.status = status
    fields = ["status"]
    if appointment is not None:
        recall.appointment = appointment
        fields.append("appointment")
    recall.save(update_fields=fields)
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=recall,
        patient_id=recall.patient_id,
        data_category="recall",
        detail=f"recall {status}",
    )
    return recall
