"""Writes for patients: registration, changes, alerts, coverages, consents, documents, merge.

Every function owns its transaction (nothing is half-written), validates with
errors naming the field, and records an audit event carrying the patient's id.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from medoffice.core.audit import record_event
from medoffice.core.identifiers import normalize_ssn
from medoffice.core.models import AuditAction
from medoffice.core.models.practice import zip_validator
from medoffice.patients import files
from medoffice.patients.error_codes import PatientErrorCode as Code
from medoffice.patients.models import (
    Consent,
    Coverage,
    EmergencyAccess,
    Patient,
    PatientAlert,
    PatientDocument,
    PatientMerge,
    Payer,
    Relationship,
)
from medoffice.patients.phones import to_e164
from medoffice.patients.search import fold

EMERGENCY_ACCESS_HOURS = 4
MIN_REASON_LENGTH = 10
MRN_ATTEMPTS = 8
PHONE_FIELDS = ("phone", "phone_home", "phone_work", "guarantor_phone", "emergency_contact_phone")
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/heic": ".heic",
    "image/tiff": ".tif",
}


class DuplicateSuspected(Exception):
    """Registration found records that may be the same person; confirm to create anyway."""

    def __init__(self, candidates: list[Patient]) -> None:
        super().__init__(", ".join(p.mrn for p in candidates))
        self.candidates = candidates


def _require(actor: Any, permission: str, message: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(message)


def next_mrn() -> str:
    """The next free medical record number ("M0100001"); the unique index settles races."""
    last = Patient.objects.order_by("-mrn").values_list("mrn", flat=True).first()
    number = int(last[1:]) + 1 if last and last[1:].isdigit() else 100001
    return f"M{number:07d}"


# --- validation of demographics --------------------------------------------------------------


def clean_demographics(fields: dict[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """Normalised fields (E.164 phones, upper-case state, SSN); ValidationError naming each field."""
    today = today or timezone.localdate()
    errors: dict[str, list[ValidationError]] = {}

    def refuse(name: str, message: str, code: Code) -> None:
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    cleaned = dict(fields)
    for name in PHONE_FIELDS:
        if name in cleaned:
            try:
                cleaned[name] = to_e164(cleaned[name] or "")
            except ValueError as exc:
                refuse(name, str(exc), Code.INVALID_PHONE)
    born = cleaned.get("date_of_birth")
    if isinstance(born, dt.date) and born > today:
        refuse("date_of_birth", "The date of birth cannot be in the future.", Code.BIRTH_IN_FUTURE)
    guarantor_born = cleaned.get("guarantor_date_of_birth")
    if isinstance(guarantor_born, dt.date) and guarantor_born > today:
        refuse(
            "guarantor_date_of_birth",
            "The guarantor's date of birth cannot be in the future.",
            Code.BIRTH_IN_FUTURE,
        )
    died = cleaned.get("deceased_date")
    if isinstance(died, dt.date):
        if died > today:
            refuse(
                "deceased_date", "The date of death cannot be in the future.", Code.DEATH_IN_FUTURE
            )
        elif isinstance(born, dt.date) and died < born:
            refuse(
                "deceased_date",
                "The date of death cannot be before the date of birth.",
                Code.DEATH_BEFORE_BIRTH,
            )
    if cleaned.get("postal_code"):
        cleaned["postal_code"] = cleaned["postal_code"].strip()
        try:
            zip_validator(cleaned["postal_code"])
        except ValidationError as exc:
            for message in exc.messages:
                refuse("postal_code", message, Code.INVALID_ZIP_CODE)
    if cleaned.get("state"):
        cleaned["state"] = cleaned["state"].strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", cleaned["state"]):
            refuse("state", "Enter the state as two letters, e.g. MA.", Code.INVALID_STATE)
    if cleaned.get("ssn"):
        ssn = normalize_ssn(cleaned["ssn"])
        if ssn is None:
            refuse("ssn", "Enter a social security number as 123-45-6789.", Code.INVALID_SSN)
        else:
            cleaned["ssn"] = ssn
    relationship = cleaned.get("guarantor_relationship")
    if relationship and relationship != Relationship.SELF:
        for name, label in (("guarantor_first_name", "first"), ("guarantor_last_name", "last")):
            if not (cleaned.get(name) or "").strip():
                refuse(
                    name,
                    f"Enter the guarantor's {label} name, or choose “Self” as guarantor.",
                    Code.GUARANTOR_NAME_REQUIRED,
                )
    elif relationship == Relationship.SELF:
        for name in (
            "guarantor_first_name",
            "guarantor_last_name",
            "guarantor_phone",
            "guarantor_address",
        ):
            cleaned[name] = ""
        cleaned["guarantor_date_of_birth"] = None
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- duplicates ------------------------------------------------------------------------------


def find_duplicates(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None,
    phones: Iterable[str] = (),
    member_id: str = "",
    exclude_pk: int | None = None,
    limit: int = 10,
) -> list[Patient]:
    """Records that may be the same person.

    Same date of birth and a similar name (folded last names equal, or the same
    first three letters of the last name and the same first initial, or first and
    last names swapped); or the same telephone number; or the same member ID.
    """
    first, last = fold(first_name or ""), fold(last_name or "")
    condition = models.Q(pk__in=[])
    if date_of_birth and last:
        similar = models.Q(search_last=last)
        if first:
            similar |= models.Q(search_last__startswith=last[:3], search_first__startswith=first[0])
            similar |= models.Q(search_first=last, search_last=first)
        condition |= models.Q(date_of_birth=date_of_birth) & similar
    numbers = sorted({p for p in phones if p})
    if numbers:
        condition |= (
            models.Q(phone__in=numbers)
            | models.Q(phone_home__in=numbers)
            | models.Q(phone_work__in=numbers)
        )
    if member_id and member_id.strip():
        condition |= models.Q(
            pk__in=Coverage.objects.filter(member_id=member_id.strip()).values("patient_id")
        )
    found = Patient.objects.filter(condition, merged_into__isnull=True)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return list(found.select_related("home_location").order_by("last_name", "first_name")[:limit])


# --- registration and changes ----------------------------------------------------------------


def _save_new_patient(patient: Patient, mrn_given: bool) -> None:
    """Save with a fresh MRN; when another desk took the same number meanwhile, take the next."""
    for attempt in range(MRN_ATTEMPTS):
        if not mrn_given:
            patient.mrn = next_mrn()
        try:
            with transaction.atomic():
                patient.save()
            return
        except IntegrityError:
            if mrn_given or attempt == MRN_ATTEMPTS - 1:
                raise
            if not Patient.objects.filter(mrn=patient.mrn).exists():
                raise


@transaction.atomic
def register_patient(
    *,
    actor: Any,
    confirm_duplicate: bool = False,
    member_id: str = "",
    **fields: Any,
) -> Patient:
    """Register a patient; DuplicateSuspected unless ``confirm_duplicate`` when similar ones exist."""
    _require(actor, "patients.change_patient", "Your role does not register patients.")
    fields = clean_demographics(fields)
    candidates = find_duplicates(
        first_name=fields.get("first_name", ""),
        last_name=fields.get("last_name", ""),
        date_of_birth=fields.get("date_of_birth"),
        phones=[fields.get(name, "") for name in ("phone", "phone_home", "phone_work")],
        member_id=member_id,
    )
    if candidates and not confirm_duplicate:
        raise DuplicateSuspected(candidates)
    mrn = fields.pop("mrn", None)
    patient = Patient(mrn=mrn or "M0000000", **fields)
    patient.full_clean(exclude=["mrn"])
    _save_new_patient(patient, mrn_given=bool(mrn))
    detail = ""
    if candidates:
        detail = "created anyway despite possible duplicates: " + ", ".join(
            c.mrn for c in candidates
        )
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=patient,
        patient_id=patient.pk,
        data_category="demographics",
        detail=detail,
    )
    return patient


@transaction.atomic
def update_patient(*, actor: Any, patient: Patient, **fields: Any) -> Patient:
    """Change a patient's demographics, guarantor, contacts and state (inactive, deceased)."""
    _require(actor, "patients.change_patient", "Your role does not change patients.")
    fields.pop("mrn", None)
    fields = clean_demographics({"date_of_birth": patient.date_of_birth, **fields})
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.merged_into_id:
        raise ValidationError(
            "This record was merged into another one; change that one instead.",
            code=Code.RECORD_MERGED,
        )
    changed = []
    for name, value in fields.items():
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    locked.full_clean()
    locked.save()
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=locked,
        patient_id=locked.pk,
        data_category="demographics",
        detail=("changed: " + ", ".join(sorted(changed)) if changed else "no change")[:500],
    )
    return locked


# --- alerts ----------------------------------------------------------------------------------


@transaction.atomic
def add_alert(*, actor: Any, patient: Patient, kind: str, text: str = "") -> PatientAlert:
    _require(actor, "patients.change_patient", "Your role does not change patients.")
    alert = PatientAlert(patient=patient, kind=kind, text=text.strip(), created_by=actor)
    alert.full_clean()
    alert.save()
    record_event(
        AuditAction.CREATE, user=actor, obj=alert, patient_id=patient.pk, data_category="alerts"
    )
    return alert


@transaction.atomic
def deactivate_alert(*, actor: Any, alert: PatientAlert) -> PatientAlert:
    _require(actor, "patients.change_patient", "Your role does not change patients.")
    alert = PatientAlert.objects.select_for_update().get(pk=alert.pk)
    alert.is_active = False
    alert.save(update_fields=["is_active"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=alert,
        patient_id=alert.patient_id,
        data_category="alerts",
        detail="alert deactivated",
    )
    return alert


# --- coverages -------------------------------------------------------------------------------


def _order_taken_message(other: Coverage) -> str:
    return (
        f"This patient already has an active {other.get_order_display().lower()} coverage "
        f"({other.payer} {other.member_id}). End it first, or choose another order."
    )


def _store_upload(instance: Any, field: str, upload: Any, allowed: tuple[str, ...]) -> None:
    content_type = files.check_upload(upload, field=field, allowed=allowed)
    upload.name = uuid.uuid4().hex + _EXTENSIONS[content_type]
    setattr(instance, field, upload)


@transaction.atomic
def save_coverage(
    *,
    actor: Any,
    patient: Patient,
    coverage: Coverage | None = None,
    card_front: Any = None,
    card_back: Any = None,
    **fields: Any,
) -> Coverage:
    """Add a coverage to ``patient`` or change ``coverage``; one active coverage per order."""
    _require(actor, "patients.change_patient", "Your role does not change coverages.")
    creating = coverage is None
    if creating:
        coverage = Coverage(patient=patient)
    else:
        coverage = Coverage.objects.select_for_update().get(pk=coverage.pk, patient=patient)
    for name, value in fields.items():
        setattr(coverage, name, value)
    payer = fields.get("payer")
    if isinstance(payer, Payer) and creating and not payer.is_active:
        raise ValidationError(
            {
                "payer": ValidationError(
                    f"{payer} is no longer an active payer.", code=Code.PAYER_INACTIVE
                )
            }
        )
    errors: dict[str, list[ValidationError]] = {}
    for name, upload in (("card_front", card_front), ("card_back", card_back)):
        if upload:
            try:
                _store_upload(coverage, name, upload, files.IMAGE_TYPES + ("application/pdf",))
            except ValidationError as exc:
                errors.update(exc.error_dict)
    if (
        coverage.effective_to
        and coverage.effective_from
        and coverage.effective_to < coverage.effective_from
    ):
        errors.setdefault("effective_to", []).append(
            ValidationError(
                "The end date must be on or after the effective date.",
                code=Code.COVERAGE_ENDS_BEFORE_START,
            )
        )
    if coverage.is_active:
        other = (
            Coverage.objects.filter(patient=patient, order=coverage.order, is_active=True)
            .exclude(pk=coverage.pk)
            .select_related("payer")
            .first()
        )
        if other is not None:
            errors.setdefault("order", []).append(
                ValidationError(_order_taken_message(other), code=Code.COVERAGE_ORDER_TAKEN)
            )
    if errors:
        raise ValidationError(errors)
    coverage.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            coverage.save()
    except IntegrityError:
        raise ValidationError(
            {
                "order": ValidationError(
                    "Another coverage in this order was just added for this patient; reload.",
                    code=Code.COVERAGE_ORDER_TAKEN,
                )
            }
        ) from None
    record_event(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        user=actor,
        obj=coverage,
        patient_id=patient.pk,
        data_category="insurance",
    )
    return coverage


@transaction.atomic
def end_coverage(*, actor: Any, coverage: Coverage, end_date: dt.date) -> Coverage:
    """End a coverage on ``end_date``; it stops being active, so its order is free again."""
    _require(actor, "patients.change_patient", "Your role does not change coverages.")
    coverage = Coverage.objects.select_for_update().get(pk=coverage.pk)
    if end_date < coverage.effective_from:
        raise ValidationError(
            {
                "end_date": ValidationError(
                    f"The end date must be on or after {coverage.effective_from:%m/%d/%Y}.",
                    code=Code.COVERAGE_ENDS_BEFORE_START,
                )
            }
        )
    coverage.effective_to = end_date
    coverage.is_active = False
    coverage.save(update_fields=["effective_to", "is_active", "updated_at"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=coverage,
        patient_id=coverage.patient_id,
        data_category="insurance",
        detail=f"coverage ended on {end_date.isoformat()}",
    )
    return coverage


# --- consents --------------------------------------------------------------------------------


@transaction.atomic
def give_consent(*, actor: Any, patient: Patient, kind: str, given_on: dt.date) -> Consent:
    _require(actor, "patients.change_patient", "Your role does not record consents.")
    if given_on > timezone.localdate():
        raise ValidationError(
            {
                "given_on": ValidationError(
                    "A consent cannot be given in the future.", code=Code.CONSENT_IN_FUTURE
                )
            }
        )
    consent = Consent(patient=patient, kind=kind, given_on=given_on, recorded_by=actor)
    consent.full_clean()
    consent.save()
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=consent,
        patient_id=patient.pk,
        data_category="consents",
        detail=f"{kind} consent given",
    )
    return consent


@transaction.atomic
def revoke_consent(*, actor: Any, consent: Consent, revoked_on: dt.date) -> Consent:
    _require(actor, "patients.change_patient", "Your role does not record consents.")
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_on is not None:
        raise ValidationError(
            {
                "revoked_on": ValidationError(
                    "This consent is already revoked.", code=Code.CONSENT_ALREADY_REVOKED
                )
            }
        )
    if revoked_on < consent.given_on:
        raise ValidationError(
            {
                "revoked_on": ValidationError(
                    f"The revocation must be on or after {consent.given_on:%m/%d/%Y}.",
                    code=Code.REVOCATION_BEFORE_CONSENT,
                )
            }
        )
    consent.revoked_on = revoked_on
    consent.save(update_fields=["revoked_on"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=consent,
        patient_id=consent.patient_id,
        data_category="consents",
        detail=f"{consent.kind} consent revoked",
    )
    return consent


# --- documents -------------------------------------------------------------------------------


@transaction.atomic
def upload_document(
    *, actor: Any, patient: Patient, kind: str, title: str, upload: Any
) -> PatientDocument:
    """Store a document after checking its size and content; nothing is saved when refused."""
    _require(actor, "patients.change_patient", "Your role does not add documents.")
    document = PatientDocument(patient=patient, kind=kind, title=title.strip(), uploaded_by=actor)
    _store_upload(document, "file", upload, files.DOCUMENT_TYPES)
    document.content_type = files.sniff(upload) or ""
    document.size = upload.size
    document.full_clean(exclude=["file"])
    document.save()
    try:
        record_event(
            AuditAction.CREATE,
            user=actor,
            obj=document,
            patient_id=patient.pk,
            data_category="documents",
            detail=f"{kind} uploaded ({document.content_type}, {document.size} bytes)",
        )
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document


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
def merge_patients(*, actor: Any, survivor: Patient, merged: Patient) -> PatientMerge:
    """Fold ``merged`` into ``survivor``: every row of the chart moves; ``merged`` turns inactive."""
    _require(actor, "patients.merge_patient", "Your role does not merge patient records.")
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
        survivor=survivor, merged=merged, merged_mrn=merged.mrn, moved=moved, merged_by=actor
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
def grant_emergency_access(*, user: Any, patient: Patient, reason: str) -> EmergencyAccess:
    """Break the glass: open a record outside the user's locations for a few hours."""
    if not user.has_perm("patients.emergency_access"):
        raise PermissionDenied("Your role has no emergency access.")
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
    *, actor: Any, access: EmergencyAccess, note: str = ""
) -> EmergencyAccess:
    if not actor.has_perm("core.review_emergencyaccess"):
        raise PermissionDenied("Your role does not review emergency accesses.")
    access = EmergencyAccess.objects.select_for_update().get(pk=access.pk)
    if access.reviewed_at is not None:
        raise ValidationError(
            "This emergency access was already reviewed.", code=Code.ALREADY_REVIEWED
        )
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
