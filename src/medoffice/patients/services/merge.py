"""Merging duplicate records, and emergency (break-glass) access."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from medoffice.core.audit import record_change, record_event
from medoffice.core.models import AuditAction, User
from medoffice.core.permissions import require
from medoffice.core.roles import Permission
from medoffice.patients.error_codes import PatientErrorCode as Code
from medoffice.patients.models import (
    Coverage,
    EmergencyAccess,
    Patient,
    PatientMerge,
)
from medoffice.patients.services.records import (
    EMERGENCY_ACCESS_HOURS,
    MIN_REASON_LENGTH,
)

# --- merge -----------------------------------------------------------------------------------


def _patient_relations() -> list[Any]:
    """Every foreign key to Patient that belongs to the chart (not merges, not merged_into)."""
    relations = []
    for rel in Patient._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and (rel.one_to_many or rel.one_to_one)):
            continue
        if rel.related_model in (Patient, PatientMerge):
            continue
        relations.append(rel)
    return relations


def _relation_label(rel: Any) -> str:
    return str(rel.related_model._meta.verbose_name_plural)


def merge_preview(*, survivor: Patient, merged: Patient) -> dict[str, int]:
    """How many rows of each kind would move from ``merged`` to ``survivor``."""
    counts: dict[str, int] = {}
    for rel in _patient_relations():
        n = rel.related_model._base_manager.filter(**{rel.field.name: merged}).count()
        if n:
            label = _relation_label(rel)
            counts[label] = counts.get(label, 0) + n
    return counts


def conflicting_coverages(*, survivor: Patient, merged: Patient) -> list[Coverage]:
    """Active coverages of ``merged`` whose order the survivor already fills: they move ended."""
    taken = set(
        Coverage.objects.filter(patient=survivor, is_active=True).values_list("order", flat=True)
    )
    return list(
        Coverage.objects.filter(patient=merged, is_active=True, order__in=taken).select_related(
            "payer"
        )
    )


@transaction.atomic
def merge_patients(*, actor: User, survivor: Patient, merged: Patient) -> PatientMerge:
    """Fold ``merged`` into ``survivor``: every row of the chart moves; ``merged`` turns inactive."""
    require(actor, Permission.MERGE_PATIENT, "Your role does not merge patient records.")
    if survivor.pk == merged.pk:
        raise ValidationError(
            {
                "duplicate": ValidationError(
                    "Choose another record: a record cannot merge with itself.",
                    code=Code.MERGE_WITH_SELF,
                )
            }
        )
    locked = {
        p.pk: p
        for p in Patient.objects.select_for_update()
        .filter(pk__in=[survivor.pk, merged.pk])
        .order_by("pk")
    }
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if merged.merged_into_id or survivor.merged_into_id:
        raise ValidationError(
            {
                "duplicate": ValidationError(
                    "One of these records was already merged; reload and choose again.",
                    code=Code.ALREADY_MERGED,
                )
            }
        )
    ended = conflicting_coverages(survivor=survivor, merged=merged)
    for coverage in ended:
        coverage.is_active = False
        coverage.save(update_fields=["is_active", "updated_at"])
    moved: dict[str, int] = {}
    for rel in _patient_relations():
        n = rel.related_model._base_manager.filter(**{rel.field.name: merged}).update(
            **{rel.field.name: survivor}
        )
        if n:
            label = _relation_label(rel)
            moved[label] = moved.get(label, 0) + n
    if ended:
        moved["coverages moved as ended (order already filled)"] = len(ended)
    merged.is_active = False
    merged.merged_into = survivor
    merged.save(update_fields=["is_active", "merged_into", "updated_at"])
    record = PatientMerge.objects.create(
        survivor=survivor,
        merged=merged,
        merged_mrn=merged.mrn,
        moved=moved,
        merged_by=actor,
    )
    summary = ", ".join(f"{n} {label}" for label, n in moved.items()) or "nothing"
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=survivor,
        patient_id=survivor.pk,
        data_category="merge",
        detail=f"record {merged.mrn} merged into this one; moved {summary}"[:500],
    )
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=merged,
        patient_id=merged.pk,
        data_category="merge",
        detail=f"merged into {survivor.mrn}; moved {summary}"[:500],
    )
    return record


@transaction.atomic
def grant_emergency_access(*, user: User, patient: Patient, reason: str) -> EmergencyAccess:
    """Break the glass: open a record outside the user's locations for a few hours."""
    require(user, Permission.EMERGENCY_ACCESS, "Your role has no emergency access.")
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": ValidationError(
                    f"Say why you need this record now (at least {MIN_REASON_LENGTH} characters).",
                    code=Code.REASON_TOO_SHORT,
                )
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
    *, actor: User, access: EmergencyAccess, note: str = ""
) -> EmergencyAccess:
    require(
        actor, Permission.REVIEW_EMERGENCYACCESS, "Your role does not review emergency accesses."
    )
    access = EmergencyAccess.objects.select_for_update().get(pk=access.pk)
    if access.reviewed_at is not None:
        raise ValidationError(
            "This emergency access was already reviewed.", code=Code.ALREADY_REVIEWED
        )
    access.reviewed_by = actor
    access.reviewed_at = timezone.now()
    access.review_note = note.strip()
    record_change(
        access,
        user=actor,
        validate=False,
        update_fields=["reviewed_by", "reviewed_at", "review_note"],
        patient_id=access.patient_id,
        detail="emergency access reviewed"
        + (f": {access.review_note}" if access.review_note else ""),
    )
    return access
