"""Recalls: set at check-out or by hand, worked by phone, text, e-mail or letter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from medoffice.core.audit import record_change, record_event
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients.models import Patient
from medoffice.scheduling.error_codes import SchedulingErrorCode
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
    errors: dict[str, ValidationError] = {}
    if not reason:
        errors["reason"] = ValidationError(
            "Say what the patient is due for (e.g. annual physical).",
            code=SchedulingErrorCode.RECALL_REASON_REQUIRED,
        )
    if due_date is None:
        errors["due_date"] = ValidationError(
            "Enter the date the patient is due.", code=SchedulingErrorCode.DUE_DATE_REQUIRED
        )
    elif due_date <= today:
        errors["due_date"] = ValidationError(
            "The due date must be after today.", code=SchedulingErrorCode.DUE_DATE_NOT_AFTER_TODAY
        )
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
        raise ValidationError(
            {
                "method": ValidationError(
                    "Choose phone, text message, e-mail or letter.",
                    code=SchedulingErrorCode.OUTREACH_METHOD_INVALID,
                )
            }
        )
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError(
            {
                "outcome": ValidationError(
                    "Say what came of it (left a message, no answer…).",
                    code=SchedulingErrorCode.OUTREACH_OUTCOME_REQUIRED,
                )
            }
        )
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
        raise ValidationError(
            {
                "status": ValidationError(
                    "Choose a recall status from the list.",
                    code=SchedulingErrorCode.RECALL_STATUS_INVALID,
                )
            }
        )
    recall.status = status
    fields = ["status"]
    if appointment is not None:
        recall.appointment = appointment
        fields.append("appointment")
    return record_change(
        recall,
        user=actor,
        validate=False,
        update_fields=fields,
        patient_id=recall.patient_id,
        data_category="recall",
        detail=f"recall {status}",
    )
