"""Insurance coverages, consents and documents."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from medoffice.core.audit import record_change, record_event
from medoffice.core.formats import as_date
from medoffice.core.models import AuditAction
from medoffice.core.money import MoneyError, parse_money
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients import files
from medoffice.patients.choices import MAX_COPAY
from medoffice.patients.error_codes import PatientErrorCode as Code
from medoffice.patients.models import (
    Consent,
    Coverage,
    Patient,
    PatientDocument,
    Payer,
)
from medoffice.patients.services.records import (
    _EXTENSIONS,
)

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
    actor: Actor,
    patient: Patient,
    coverage: Coverage | None = None,
    card_front: Any = None,
    card_back: Any = None,
    **fields: Any,
) -> Coverage:
    """Add a coverage to ``patient`` or change ``coverage``; one active coverage per order."""
    require(actor, Permission.CHANGE_PATIENT, "Your role does not change coverages.")
    return _save_coverage(
        actor=actor,
        patient=patient,
        coverage=coverage,
        card_front=card_front,
        card_back=card_back,
        **fields,
    )


@transaction.atomic
def correct_insured(
    *,
    actor: Actor,
    coverage: Coverage,
    member_id: str = "",
    subscriber_first_name: str = "",
    subscriber_last_name: str = "",
    source: str,
) -> Coverage:
    """The payer's correction of the insured (an 835's NM1*74: a new member ID, the
    subscriber's name as the payer has it) applied to the coverage, checked as every change
    of a coverage is, and audited naming ``source``. Whoever changes patients may apply it,
    and so may the biller who works the remittances (posting rights). Empty values leave the
    field as it is."""
    if not (actor.has_perm(Permission.CHANGE_PATIENT) or actor.has_perm(Permission.POST_LEDGER)):
        require(actor, Permission.CHANGE_PATIENT, "Your role does not change coverages.")
    fields = {
        name: value.strip()
        for name, value in (
            ("member_id", member_id),
            ("subscriber_first_name", subscriber_first_name),
            ("subscriber_last_name", subscriber_last_name),
        )
        if value and value.strip()
    }
    return _save_coverage(
        actor=actor,
        patient=coverage.patient,
        coverage=coverage,
        detail=f"insured corrected by the payer ({source})"[:300],
        **fields,
    )


def _save_coverage(
    *,
    actor: Actor,
    patient: Patient,
    coverage: Coverage | None = None,
    card_front: Any = None,
    card_back: Any = None,
    detail: str = "",
    **fields: Any,
) -> Coverage:
    creating = coverage is None
    if coverage is None:
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
    if coverage.copay is not None:
        try:
            coverage.copay = parse_money(coverage.copay, maximum=MAX_COPAY, allow_zero=True)
        except MoneyError as exc:
            errors.setdefault("copay", []).append(
                ValidationError(str(exc), code=Code.COPAY_INVALID)
            )
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
        detail=detail,
    )
    return coverage


@transaction.atomic
def end_coverage(*, actor: Actor, coverage: Coverage, end_date: dt.date) -> Coverage:
    """End a coverage on ``end_date``; it stops being active, so its order is free again."""
    require(actor, Permission.CHANGE_PATIENT, "Your role does not change coverages.")
    coverage = Coverage.objects.select_for_update().get(pk=coverage.pk)
    if end_date < coverage.effective_from:
        raise ValidationError(
            {
                "end_date": ValidationError(
                    f"The end date must be on or after {as_date(coverage.effective_from)}.",
                    code=Code.COVERAGE_ENDS_BEFORE_START,
                )
            }
        )
    coverage.effective_to = end_date
    coverage.is_active = False
    record_change(
        coverage,
        user=actor,
        validate=False,
        update_fields=["effective_to", "is_active", "updated_at"],
        patient_id=coverage.patient_id,
        data_category="insurance",
        detail=f"coverage ended on {end_date.isoformat()}",
    )
    return coverage


# --- consents --------------------------------------------------------------------------------


@transaction.atomic
def give_consent(*, actor: Actor, patient: Patient, kind: str, given_on: dt.date) -> Consent:
    require(actor, Permission.CHANGE_PATIENT, "Your role does not record consents.")
    if given_on > timezone.localdate():
        raise ValidationError(
            {
                "given_on": ValidationError(
                    "A consent cannot be given in the future.", code=Code.CONSENT_IN_FUTURE
                )
            }
        )
    consent = record_change(
        Consent(patient=patient, kind=kind, given_on=given_on, recorded_by=actor_user(actor)),
        user=actor,
        patient_id=patient.pk,
        data_category="consents",
        detail=f"{kind} consent given",
    )
    return consent


@transaction.atomic
def revoke_consent(*, actor: Actor, consent: Consent, revoked_on: dt.date) -> Consent:
    require(actor, Permission.CHANGE_PATIENT, "Your role does not record consents.")
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
                    f"The revocation must be on or after {as_date(consent.given_on)}.",
                    code=Code.REVOCATION_BEFORE_CONSENT,
                )
            }
        )
    consent.revoked_on = revoked_on
    record_change(
        consent,
        user=actor,
        validate=False,
        update_fields=["revoked_on"],
        patient_id=consent.patient_id,
        data_category="consents",
        detail=f"{consent.kind} consent revoked",
    )
    return consent


# --- documents -------------------------------------------------------------------------------


@transaction.atomic
def upload_document(
    *, actor: Actor, patient: Patient, kind: str, title: str, upload: Any
) -> PatientDocument:
    """Store a document after checking its size and content; nothing is saved when refused."""
    require(actor, Permission.CHANGE_PATIENT, "Your role does not add documents.")
    document = PatientDocument(
        patient=patient, kind=kind, title=title.strip(), uploaded_by=actor_user(actor)
    )
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
        if document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return document
