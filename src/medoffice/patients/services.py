"""Writes for patients: registration (the patients area grows this) and emergency access."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from medoffice.core.audit import record_event
from medoffice.core.identifiers import normalize_ssn
from medoffice.core.models import AuditAction
from medoffice.patients.models import EmergencyAccess, Patient

EMERGENCY_ACCESS_HOURS = 4
MIN_REASON_LENGTH = 10


def next_mrn() -> str:
    last = Patient.objects.order_by("-mrn").values_list("mrn", flat=True).first()
    number = int(last[1:]) + 1 if last and last[1:].isdigit() else 100001
    return f"M{number:07d}"


@transaction.atomic
def register_patient(*, actor: Any, **fields: Any) -> Patient:
    if actor is not None and not actor.has_perm("patients.change_patient"):
        raise PermissionDenied("Your role does not register patients.")
    if fields.get("ssn"):
        ssn = normalize_ssn(fields["ssn"])
        if ssn is None:
            raise ValidationError({"ssn": "Enter a social security number as 123-45-6789."})
        fields["ssn"] = ssn
    patient = Patient(mrn=fields.pop("mrn", None) or next_mrn(), **fields)
    patient.full_clean()
    patient.save()
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=patient,
        patient_id=patient.pk,
        data_category="demographics",
    )
    return patient


@transaction.atomic
def grant_emergency_access(*, user: Any, patient: Patient, reason: str) -> EmergencyAccess:
    """Break the glass: open a record outside the user's locations for a few hours."""
    if not user.has_perm("patients.emergency_access"):
        raise PermissionDenied("Your role has no emergency access.")
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": f"Say why you need this record now (at least {MIN_REASON_LENGTH} characters)."
            }
        )
    access = EmergencyAccess.objects.create(
        user=user,
        patient=patient,
        reason=reason,
        expires_at=timezone.now() + dt.timedelta(hours=EMERGENCY_ACCESS_HOURS),
    )
    record_event(
        AuditAction.EMERGENCY_ACCESS,
        user=user,
        obj=access,
        patient_id=patient.pk,
        data_category="demographics",
        detail=f"break-glass granted for {EMERGENCY_ACCESS_HOURS} h: {reason}"[:500],
    )
    return access


@transaction.atomic
def review_emergency_access(
    *, actor: Any, access: EmergencyAccess, note: str = ""
) -> EmergencyAccess:
    if not actor.has_perm("core.review_emergencyaccess"):
        raise PermissionDenied("Your role does not review emergency accesses.")
    access = EmergencyAccess.objects.select_for_update().get(pk=access.pk)
    if access.reviewed_at is not None:
        raise ValidationError("This emergency access was already reviewed.")
    access.reviewed_by = actor
    access.reviewed_at = timezone.now()
    access.review_note = note.strip()
    access.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=access,
        patient_id=access.patient_id,
        detail="emergency access reviewed"
        + (f": {access.review_note}" if access.review_note else ""),
    )
    return access
