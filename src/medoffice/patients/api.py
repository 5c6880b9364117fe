"""Patients API: search, open one record (audited), register, coverages, consents,
alerts, documents and merge.

Reads go through the patients selectors (scoped to the caller's locations and
audited); writes through patients/services.py.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Body, Field, File, Form, Path, Query, Router, Schema, UploadedFile
from ninja.errors import ValidationError as InvalidParameters
from ninja.pagination import paginate
from ninja.responses import Status

from medoffice.api.common import (
    MAX_ID,
    Day,
    Pagination,
    SearchText,
    ShapedRows,
    audit,
    require_permission,
)
from medoffice.api.errors import ErrorCode, ErrorOut, error_responses, validation_errors
from medoffice.core.models import AuditAction
from medoffice.patients import files, selectors, services
from medoffice.patients.error_codes import PatientErrorCode
from medoffice.patients.models import (
    AlertKind,
    Consent,
    ConsentKind,
    ContactMethod,
    Coverage,
    CoverageOrder,
    DocumentKind,
    GenderIdentity,
    Language,
    Patient,
    PatientAlert,
    PatientDocument,
    Payer,
    Relationship,
    Sex,
)

router = Router(tags=["patients"])
_QUERY = Query("", description="What to look for.")
_NO_BODY = Body(None)
_FORM = Form(None)
_TITLE = Form(None, max_length=120)
_FILE = File(None)


def _patient_id() -> Any:
    return Path(..., ge=1, le=MAX_ID, description="The patient's id.")


class PatientSummaryOut(Schema):
    id: int
    mrn: str
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: dt.date
    is_active: bool


class PatientOut(PatientSummaryOut):
    middle_name: str
    suffix: str
    sex: Sex
    gender_identity: str
    home_location_id: int | None
    address_line1: str
    address_line2: str
    city: str
    state: str
    postal_code: str
    phone: str = Field(description="Mobile phone, E.164 (+14135550123).")
    phone_home: str
    phone_work: str
    email: str
    preferred_contact: ContactMethod
    preferred_language: Language
    guarantor_relationship: Relationship
    guarantor_first_name: str
    guarantor_last_name: str
    emergency_contact_name: str
    emergency_contact_phone: str
    deceased_date: dt.date | None
    merged_into_id: int | None


class PatientIn(Schema):
    first_name: str = Field(..., min_length=1, max_length=80)
    last_name: str = Field(..., min_length=1, max_length=80)
    middle_name: str = Field("", max_length=80)
    preferred_name: str = Field("", max_length=80)
    date_of_birth: Day
    sex: Sex = Sex.UNKNOWN
    gender_identity: GenderIdentity | None = None
    home_location_id: int | None = Field(None, ge=1, le=MAX_ID)
    address_line1: str = Field("", max_length=120)
    address_line2: str = Field("", max_length=120)
    city: str = Field("", max_length=80)
    state: str = Field("", max_length=2)
    postal_code: str = Field("", max_length=10)
    phone: str = Field("", max_length=30, description="Any US format; stored E.164.")
    phone_home: str = Field("", max_length=30)
    phone_work: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    preferred_contact: ContactMethod = ContactMethod.SMS
    preferred_language: Language = Language.ENGLISH
    guarantor_relationship: Relationship = Relationship.SELF
    guarantor_first_name: str = Field("", max_length=80)
    guarantor_last_name: str = Field("", max_length=80)
    emergency_contact_name: str = Field("", max_length=120)
    emergency_contact_phone: str = Field("", max_length=30)
    member_id: str = Field("", max_length=40, description="Checked for duplicates only.")
    confirm_duplicate: bool = Field(
        False, description="Create the record even though similar records exist."
    )


class DuplicateOut(ErrorOut):
    candidates: list[PatientSummaryOut]


class CoverageOut(Schema):
    id: int
    payer_id: int
    payer_name: str
    plan_name: str
    member_id: str
    group_number: str
    order: CoverageOrder
    relationship: Relationship
    effective_from: dt.date
    effective_to: dt.date | None
    copay: Decimal | None
    is_active: bool


class CoverageIn(Schema):
    payer_id: int = Field(..., ge=1, le=MAX_ID)
    plan_name: str = Field("", max_length=120)
    member_id: str = Field(..., min_length=1, max_length=40)
    group_number: str = Field("", max_length=40)
    order: CoverageOrder = CoverageOrder.PRIMARY
    relationship: Relationship = Relationship.SELF
    subscriber_first_name: str = Field("", max_length=80)
    subscriber_last_name: str = Field("", max_length=80)
    subscriber_date_of_birth: Day | None = None
    effective_from: Day
    effective_to: Day | None = None
    copay: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)


def _summary(p: Patient) -> dict[str, Any]:
    return {
        "id": p.pk,
        "mrn": p.mrn,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "preferred_name": p.preferred_name,
        "date_of_birth": p.date_of_birth,
        "is_active": p.is_active,
    }


def _coverage(c: Coverage) -> dict[str, Any]:
    return {
        "id": c.pk,
        "payer_id": c.payer_id,
        "payer_name": c.payer.name,
        "plan_name": c.plan_name,
        "member_id": c.member_id,
        "group_number": c.group_number,
        "order": c.order,
        "relationship": c.relationship,
        "effective_from": c.effective_from,
        "effective_to": c.effective_to,
        "copay": c.copay,
        "is_active": c.is_active,
    }


def _open(request: HttpRequest, patient_id: int, data_category: str) -> Patient:
    """The patient through the audited selector; outside the caller's locations answers 404."""
    try:
        patient = selectors.get_patient(request.auth, patient_id, data_category=data_category)  # type: ignore[attr-defined]
    except selectors.OutsideScope:
        request.api_audited = True  # type: ignore[attr-defined]
        raise Http404(
            f"No patient with id {patient_id} in your locations "
            "(emergency access is opened in the web application)."
        ) from None
    except (PermissionDenied, Http404):
        request.api_audited = True  # type: ignore[attr-defined]
        raise
    request.api_audited = True  # type: ignore[attr-defined]
    return patient


@router.get(
    "/patients",
    response={200: list[PatientSummaryOut], **error_responses(403, 422)},
    summary="Search patients (names in any order as prefixes, DOB, phone, MRN, member ID)",
)
@paginate(Pagination)
def search(request: HttpRequest, q: SearchText = _QUERY) -> Any:
    require_permission(
        request,
        "patients.view_patient",
        action=AuditAction.READ,
        object_type="patients.patient",
    )
    audit(
        request,
        AuditAction.READ,
        object_type="patients.patient",
        data_category="demographics",
        detail="API patient search",
    )
    return ShapedRows(selectors.search_queryset(request.auth, q), _summary)  # type: ignore[attr-defined]


@router.get(
    "/patients/{id}",
    response={200: PatientOut, **error_responses(403, 404, 422)},
    summary="One patient record (the opening is audited)",
)
def detail(request: HttpRequest, id: int = _patient_id()) -> Any:
    return _open(request, id, "demographics")


@router.post(
    "/patients",
    response={201: PatientOut, 409: DuplicateOut, **error_responses(400, 403, 422)},
    summary="Register a patient (409 with the possible duplicates unless confirm_duplicate)",
)
def register(request: HttpRequest, payload: PatientIn | None = _NO_BODY) -> Any:
    require_permission(
        request,
        "patients.change_patient",
        action=AuditAction.CREATE,
        object_type="patients.patient",
    )
    if payload is None:
        raise ValidationError(
            {"body": ValidationError("Send the patient as a JSON object.", code="missing")}
        )
    data = payload.dict()
    confirm = data.pop("confirm_duplicate")
    member_id = data.pop("member_id")
    if data["gender_identity"] is None:
        data["gender_identity"] = ""
    try:
        patient = services.register_patient(
            actor=request.auth,  # type: ignore[attr-defined]
            confirm_duplicate=confirm,
            member_id=member_id,
            **data,
        )
    except services.DuplicateSuspected as exc:
        audit(
            request,
            AuditAction.CREATE,
            object_type="patients.patient",
            outcome="failure",
            detail="registration held: possible duplicates "
            + ", ".join(c.mrn for c in exc.candidates),
        )
        return Status(
            409,
            {
                "detail": "Possible duplicates exist; send confirm_duplicate: true to create anyway.",
                "code": PatientErrorCode.DUPLICATE_SUSPECTED,
                "errors": [],
                "candidates": [_summary(c) for c in exc.candidates],
            },
        )
    request.api_audited = True  # type: ignore[attr-defined]
    return Status(201, patient)


@router.get(
    "/patients/{id}/coverages",
    response={200: list[CoverageOut], **error_responses(403, 404, 422)},
    summary="A patient's coverages, primary first",
)
def coverages(request: HttpRequest, id: int = _patient_id()) -> Any:
    patient = _open(request, id, "insurance")
    return [_coverage(c) for c in patient.coverages.select_related("payer")]


@router.post(
    "/patients/{id}/coverages",
    response={201: CoverageOut, **error_responses(400, 403, 404, 422)},
    summary="Add a coverage (one active coverage per order)",
)
def add_coverage(
    request: HttpRequest, id: int = _patient_id(), payload: CoverageIn | None = _NO_BODY
) -> Any:
    require_permission(
        request,
        "patients.change_patient",
        action=AuditAction.CREATE,
        object_type="patients.coverage",
    )
    patient = _open(request, id, "insurance")
    if payload is None:
        raise ValidationError(
            {"body": ValidationError("Send the coverage as a JSON object.", code="missing")}
        )
    data = payload.dict()
    payer = Payer.objects.filter(pk=data.pop("payer_id"), is_active=True).first()
    if payer is None:
        raise ValidationError(
            {
                "payer_id": ValidationError(
                    "No active payer with this id.", code=PatientErrorCode.PAYER_INACTIVE
                )
            }
        )
    coverage = services.save_coverage(
        actor=request.auth,  # type: ignore[attr-defined]
        patient=patient,
        payer=payer,
        **data,
    )
    return Status(201, _coverage(coverage))


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


def _missing(request: HttpRequest, source: str, *names: str) -> InvalidParameters:
    """A 422 naming each missing parameter, as ninja answers for a malformed request."""
    request.api_audited = False  # type: ignore[attr-defined]
    return InvalidParameters(
        [{"loc": (source, name), "msg": "Field required", "type": "missing"} for name in names]
    )


def _consent(c: Consent) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.kind,
        "given_on": c.given_on,
        "revoked_on": c.revoked_on,
        "is_current": c.is_current,
    }


def _alert(a: PatientAlert) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "text": a.text,
        "is_active": a.is_active,
        "created_at": a.created_at,
    }


def _document(d: PatientDocument) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "title": d.title,
        "content_type": d.content_type,
        "size": d.size,
        "uploaded_at": d.uploaded_at,
    }


@router.get(
    "/patients/{id}/consents",
    response={200: list[ConsentOut], **error_responses(403, 404, 422)},
    summary="A patient's consents, current and revoked",
)
def consents(request: HttpRequest, id: int = _patient_id()) -> Any:
    patient = _open(request, id, "consents")
    return [_consent(c) for c in patient.consents.all()]


@router.post(
    "/patients/{id}/consents",
    response={201: ConsentOut, **error_responses(400, 403, 404, 422)},
    summary="Record a consent (not dated in the future)",
)
def give_consent(
    request: HttpRequest, id: int = _patient_id(), payload: ConsentIn | None = _NO_BODY
) -> Any:
    require_permission(
        request,
        "patients.change_patient",
        action=AuditAction.CREATE,
        object_type="patients.consent",
    )
    patient = _open(request, id, "consents")
    if payload is None:
        raise _missing(request, "body", "kind", "given_on")
    consent = services.give_consent(
        actor=request.auth,  # type: ignore[attr-defined]
        patient=patient,
        kind=payload.kind,
        given_on=payload.given_on,
    )
    return Status(201, _consent(consent))


@router.get(
    "/patients/{id}/alerts",
    response={200: list[AlertOut], **error_responses(403, 404, 422)},
    summary="A patient's active alerts",
)
def alerts(request: HttpRequest, id: int = _patient_id()) -> Any:
    patient = _open(request, id, "alerts")
    return [_alert(a) for a in patient.alerts.filter(is_active=True)]


@router.post(
    "/patients/{id}/alerts",
    response={201: AlertOut, **error_responses(400, 403, 404, 422)},
    summary="Add an alert the front desk sees on the patient",
)
def add_alert(
    request: HttpRequest, id: int = _patient_id(), payload: AlertIn | None = _NO_BODY
) -> Any:
    require_permission(
        request,
        "patients.change_patient",
        action=AuditAction.CREATE,
        object_type="patients.patientalert",
    )
    patient = _open(request, id, "alerts")
    if payload is None:
        raise _missing(request, "body", "kind")
    alert = services.add_alert(
        actor=request.auth,  # type: ignore[attr-defined]
        patient=patient,
        kind=payload.kind,
        text=payload.text,
    )
    return Status(201, _alert(alert))


@router.get(
    "/patients/{id}/documents",
    response={200: list[DocumentOut], **error_responses(403, 404, 422)},
    summary="A patient's documents (metadata; the bytes are at /documents/{id}/file)",
)
def documents(request: HttpRequest, id: int = _patient_id()) -> Any:
    patient = _open(request, id, "documents")
    return [_document(d) for d in patient.documents.all()]


@router.get(
    "/documents/{id}/file",
    response={200: None, **error_responses(403, 404, 422)},
    summary="A document's file, with its content type (the download is audited)",
)
def document_file(
    request: HttpRequest,
    id: int = Path(..., ge=1, le=MAX_ID, description="The document's id."),
) -> HttpResponse:
    require_permission(
        request,
        "patients.view_patient",
        action=AuditAction.READ,
        object_type="patients.patientdocument",
        object_id=id,
    )
    document = get_object_or_404(PatientDocument, pk=id)
    _open(request, document.patient_id, "documents")
    return files.file_response(
        document.file,
        user=request.auth,  # type: ignore[attr-defined]
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
    request: HttpRequest,
    id: int = _patient_id(),
    kind: DocumentKind | None = _FORM,
    title: str | None = _TITLE,
    file: File[UploadedFile] | None = _FILE,
) -> Any:
    require_permission(
        request,
        "patients.change_patient",
        action=AuditAction.CREATE,
        object_type="patients.patientdocument",
    )
    patient = _open(request, id, "documents")
    absent = [n for n, v in (("kind", kind), ("title", title), ("file", file)) if not v]
    if absent:
        raise _missing(request, "form", *absent)
    try:
        document = services.upload_document(
            actor=request.auth,  # type: ignore[attr-defined]
            patient=patient,
            kind=kind,
            title=title,
            upload=file,
        )
    except ValidationError as exc:
        request.api_audited = False  # type: ignore[attr-defined]
        raise InvalidParameters(
            [
                {"loc": ("form", field), "msg": message, "type": code}
                for field, message, code in validation_errors(exc)
            ]
        ) from None
    return Status(201, _document(document))


@router.post(
    "/patients/{id}/merge",
    response={200: MergeOut, **error_responses(400, 403, 404, 422)},
    summary="Merge a duplicate record into this one (every row of its chart moves)",
)
def merge(request: HttpRequest, id: int = _patient_id(), payload: MergeIn | None = _NO_BODY) -> Any:
    require_permission(
        request,
        "patients.merge_patient",
        action=AuditAction.UPDATE,
        object_type="patients.patient",
        object_id=id,
    )
    survivor = _open(request, id, "merge")
    if payload is None:
        raise _missing(request, "body", "duplicate_id")
    duplicate = (
        selectors.patient_list(request.auth)  # type: ignore[attr-defined]
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
        actor=request.auth,  # type: ignore[attr-defined]
        survivor=survivor,
        merged=duplicate,
    )
    return {
        "survivor_id": survivor.pk,
        "merged_id": duplicate.pk,
        "merged_mrn": record.merged_mrn,
        "moved": record.moved,
    }
