"""Patients API: consents, alerts, documents and merge.

Reads go through the patients selectors (scoped to the caller's locations and
audited); writes through the patients services.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from ninja import Field, File, Path, Router, Schema, UploadedFile
from ninja.errors import ValidationError as InvalidParameters
from ninja.responses import Status

from medoffice.api.common import (
    MAX_ID,
    Day,
    audit,
    require_permission,
)
from medoffice.api.errors import ErrorCode, error_responses, validation_errors
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction, AuditOutcome
from medoffice.core.roles import Permission
from medoffice.patients import files, selectors, services
from medoffice.patients.api.records import (
    _FILE,
    _FORM,
    _NO_BODY,
    _TITLE,
    _open,
    _patient_id,
)
from medoffice.patients.models import (
    AlertKind,
    ConsentKind,
    DocumentKind,
    PatientDocument,
)

router = Router(tags=["patients"])


# --- consents, alerts, documents, merge ----------------------------------------------------------


class ConsentOut(Schema):
    id: int
    kind: ConsentKind
    given_on: dt.date
    revoked_on: dt.date | None
    is_current: bool


class ConsentIn(Schema):
    kind: ConsentKind
    given_on: Day


class AlertOut(Schema):
    id: int
    kind: AlertKind
    text: str
    is_active: bool
    created_at: dt.datetime


class AlertIn(Schema):
    kind: AlertKind
    text: str = Field("", max_length=200)


class DocumentOut(Schema):
    id: int
    kind: DocumentKind
    title: str
    content_type: str
    size: int = Field(description="Size in bytes.")
    uploaded_at: dt.datetime


class MergeIn(Schema):
    duplicate_id: int = Field(..., ge=1, le=MAX_ID, description="The record folded into this one.")


class MergeOut(Schema):
    survivor_id: int
    merged_id: int
    merged_mrn: str
    moved: dict[str, int] = Field(description="How many rows of each kind moved.")


def _missing(request: ApiRequest, source: str, *names: str) -> InvalidParameters:
    """A 422 naming each missing parameter, as ninja answers for a malformed request."""
    request.api_audited = False
    return InvalidParameters(
        [{"loc": (source, name), "msg": "Field required", "type": "missing"} for name in names]
    )


@router.get(
    "/patients/{id}/consents",
    response={200: list[ConsentOut], **error_responses(403, 404, 422)},
    summary="A patient's consents, current and revoked",
)
def consents(request: ApiRequest, id: int = _patient_id()) -> Any:
    patient = _open(request, id, "consents")
    return list(patient.consents.all())


@router.post(
    "/patients/{id}/consents",
    response={201: ConsentOut, **error_responses(400, 403, 404, 422)},
    summary="Record a consent (not dated in the future)",
)
def give_consent(
    request: ApiRequest, id: int = _patient_id(), payload: ConsentIn | None = _NO_BODY
) -> Any:
    require_permission(
        request,
        Permission.CHANGE_PATIENT,
        action=AuditAction.CREATE,
        object_type="patients.consent",
    )
    patient = _open(request, id, "consents")
    if payload is None:
        raise _missing(request, "body", "kind", "given_on")
    consent = services.give_consent(
        actor=request.auth,
        patient=patient,
        kind=payload.kind,
        given_on=payload.given_on,
    )
    return Status(201, consent)


@router.get(
    "/patients/{id}/alerts",
    response={200: list[AlertOut], **error_responses(403, 404, 422)},
    summary="A patient's active alerts",
)
def alerts(request: ApiRequest, id: int = _patient_id()) -> Any:
    patient = _open(request, id, "alerts")
    return list(patient.alerts.filter(is_active=True))


@router.post(
    "/patients/{id}/alerts",
    response={201: AlertOut, **error_responses(400, 403, 404, 422)},
    summary="Add an alert the front desk sees on the patient",
)
def add_alert(
    request: ApiRequest, id: int = _patient_id(), payload: AlertIn | None = _NO_BODY
) -> Any:
    require_permission(
        request,
        Permission.CHANGE_PATIENT,
        action=AuditAction.CREATE,
        object_type="patients.patientalert",
    )
    patient = _open(request, id, "alerts")
    if payload is None:
        raise _missing(request, "body", "kind")
    alert = services.add_alert(
        actor=request.auth,
        patient=patient,
        kind=payload.kind,
        text=payload.text,
    )
    return Status(201, alert)


@router.get(
    "/patients/{id}/documents",
    response={200: list[DocumentOut], **error_responses(403, 404, 422)},
    summary="A patient's documents (metadata; the bytes are at /documents/{id}/file)",
)
def documents(request: ApiRequest, id: int = _patient_id()) -> Any:
    patient = _open(request, id, "documents")
    return list(patient.documents.all())


@router.get(
    "/documents/{id}/file",
    response={200: None, **error_responses(403, 404, 422)},
    summary="A document's file, with its content type (the download is audited)",
)
def document_file(
    request: ApiRequest,
    id: int = Path(..., ge=1, le=MAX_ID, description="The document's id."),
) -> FileResponse:
    require_permission(
        request,
        Permission.VIEW_PATIENT,
        action=AuditAction.READ,
        object_type="patients.patientdocument",
        object_id=id,
    )
    try:
        document = selectors.get_record_part(request.auth, PatientDocument, id)
    except Http404:
        audit(
            request,
            AuditAction.READ,
            object_type="patients.patientdocument",
            object_id=id,
            outcome=AuditOutcome.FAILURE,
            detail=f"API {request.method} {request.path}: not found",
        )
        raise
    _open(request, document.patient_id, "documents")
    return files.file_response(
        document.file,
        user=request.auth,
        obj=document,
        patient_id=document.patient_id,
        category="documents",
        name=files.download_name(f"{document.kind}-{document.pk}", document.file),
        content_type=document.content_type or "application/octet-stream",
        api=True,
    )


@router.post(
    "/patients/{id}/documents",
    response={201: DocumentOut, **error_responses(400, 403, 404, 422)},
    summary="Upload a document (multipart: kind, title, file; PDF, PNG, JPEG, HEIC or TIFF)",
)
def upload_document(
    request: ApiRequest,
    id: int = _patient_id(),
    kind: DocumentKind | None = _FORM,
    title: str | None = _TITLE,
    file: File[UploadedFile] | None = _FILE,
) -> Any:
    require_permission(
        request,
        Permission.CHANGE_PATIENT,
        action=AuditAction.CREATE,
        object_type="patients.patientdocument",
    )
    patient = _open(request, id, "documents")
    absent = [n for n, v in (("kind", kind), ("title", title), ("file", file)) if not v]
    if absent or kind is None or title is None:
        raise _missing(request, "form", *absent)
    try:
        document = services.upload_document(
            actor=request.auth,
            patient=patient,
            kind=kind,
            title=title,
            upload=file,
        )
    except ValidationError as exc:
        request.api_audited = False
        raise InvalidParameters(
            [
                {"loc": ("form", field), "msg": message, "type": code}
                for field, message, code in validation_errors(exc)
            ]
        ) from None
    return Status(201, document)


@router.post(
    "/patients/{id}/merge",
    response={200: MergeOut, **error_responses(400, 403, 404, 422)},
    summary="Merge a duplicate record into this one (every row of its chart moves)",
)
def merge(request: ApiRequest, id: int = _patient_id(), payload: MergeIn | None = _NO_BODY) -> Any:
    require_permission(
        request,
        Permission.MERGE_PATIENT,
        action=AuditAction.UPDATE,
        object_type="patients.patient",
        object_id=id,
    )
    survivor = _open(request, id, "merge")
    if payload is None:
        raise _missing(request, "body", "duplicate_id")
    duplicate = (
        selectors.patient_list(request.auth)
        .filter(pk=payload.duplicate_id, merged_into__isnull=True)
        .exclude(pk=survivor.pk)
        .first()
    )
    if duplicate is None:
        raise ValidationError(
            {
                "duplicate_id": ValidationError(
                    f"No other active record with id {payload.duplicate_id} you may open.",
                    code=ErrorCode.NOT_FOUND,
                )
            }
        )
    record = services.merge_patients(
        actor=request.auth,
        survivor=survivor,
        merged=duplicate,
    )
    return {
        "survivor_id": survivor.pk,
        "merged_id": duplicate.pk,
        "merged_mrn": record.merged_mrn,
        "moved": record.moved,
    }
