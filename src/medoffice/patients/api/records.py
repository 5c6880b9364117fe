"""Patients API: search, open one record (audited), register, coverages.

Reads go through the patients selectors (scoped to the caller's locations and
audited); writes through the patients services.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Body, Field, File, Form, Path, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from medoffice.api.common import (
    MAX_ID,
    Day,
    Money,
    Pagination,
    SearchText,
    ShapedRows,
    audit,
    audit_patients_shown,
    require_permission,
)
from medoffice.api.errors import ErrorOut, error_responses
from medoffice.core.filtersets import filter_rows
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission
from medoffice.patients import selectors, services
from medoffice.patients.choices import MAX_COPAY
from medoffice.patients.error_codes import PatientErrorCode
from medoffice.patients.filters import PatientFilter
from medoffice.patients.models import (
    ContactMethod,
    Coverage,
    CoverageOrder,
    GenderIdentity,
    Language,
    Patient,
    Payer,
    Relationship,
    Sex,
)
from medoffice.patients.search import kinds, parse

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


class DuplicateCandidateOut(PatientSummaryOut):
    strength: Literal["strong", "possible", "weak"] = Field(
        description="How strongly the record matches; a weak hint (a shared phone or "
        "address alone) never holds a registration by itself."
    )
    score: int = Field(description="The points the shared details add up to.")
    reasons: list[str] = Field(
        description='Why it is suggested, e.g. "same birth date", "similar name (Jon/John)".'
    )


class DuplicateOut(ErrorOut):
    candidates: list[DuplicateCandidateOut] = Field(
        description="The possible duplicates at your locations, strongest first."
    )
    elsewhere: bool = Field(
        description="A possible duplicate is registered at a location outside yours "
        "(not listed); ask the office manager."
    )


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

    @staticmethod
    def resolve_payer_name(coverage: Coverage) -> str:
        return coverage.payer.name


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
    copay: Annotated[Decimal, Money(MAX_COPAY, allow_zero=True)] | None = Field(
        None, description="Office-visit copay; null for none."
    )


def _open(request: ApiRequest, patient_id: int, data_category: str) -> Patient:
    """The patient through the audited selector; outside the caller's locations answers 404."""
    try:
        patient = selectors.get_patient(request.auth, patient_id, data_category=data_category)
    except selectors.OutsideScope:
        request.api_audited = True
        raise Http404(
            f"No patient with id {patient_id} in your locations "
            "(emergency access is opened in the web application)."
        ) from None
    except (PermissionDenied, Http404):
        request.api_audited = True
        raise
    request.api_audited = True
    return patient


@router.get(
    "",
    response={200: list[PatientSummaryOut], **error_responses(403, 422)},
    summary="Search patients (names in any order as prefixes, DOB, phone, MRN, member ID)",
)
@paginate(Pagination)
def search(request: ApiRequest, q: SearchText = _QUERY) -> Any:
    require_permission(
        request,
        Permission.VIEW_PATIENT,
        action=AuditAction.READ,
        object_type="patients.patient",
    )
    searched = f"patient search by {kinds(parse(q))}"
    found = filter_rows(PatientFilter, selectors.listed_patients(request.auth), {"q": q})
    return ShapedRows(
        selectors.in_search_order(found, q),
        shown=lambda rows: audit_patients_shown(
            request,
            rows,
            object_type="patients.patient",
            data_category="demographics",
            what=searched,
        ),
    )


@router.get(
    "/{id}",
    response={200: PatientOut, **error_responses(403, 404, 422)},
    summary="One patient record (the opening is audited)",
)
def detail(request: ApiRequest, id: int = _patient_id()) -> Any:
    return _open(request, id, "demographics")


@router.post(
    "",
    response={201: PatientOut, 409: DuplicateOut, **error_responses(400, 403, 422)},
    summary="Register a patient (409 with the possible duplicates unless confirm_duplicate)",
)
def register(request: ApiRequest, payload: PatientIn | None = _NO_BODY) -> Any:
    require_permission(
        request,
        Permission.CHANGE_PATIENT,
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
            actor=request.auth,
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
            + ", ".join(
                [c.patient.mrn for c in exc.candidates]
                + (["others outside the user's locations"] if exc.elsewhere else [])
            ),
        )
        detail = "Possible duplicates exist; send confirm_duplicate: true to create anyway."
        if exc.elsewhere:
            detail = (
                "A possible duplicate is registered at another location; ask the office "
                "manager, or send confirm_duplicate: true to create anyway."
            )
        return Status(
            409,
            {
                "detail": detail,
                "code": PatientErrorCode.DUPLICATE_SUSPECTED,
                "errors": [],
                "candidates": list(exc.candidates),
                "elsewhere": exc.elsewhere,
            },
        )
    request.api_audited = True
    return Status(201, patient)


@router.get(
    "/{id}/coverages",
    response={200: list[CoverageOut], **error_responses(403, 404, 422)},
    summary="A patient's coverages, primary first",
)
def coverages(request: ApiRequest, id: int = _patient_id()) -> Any:
    patient = _open(request, id, "insurance")
    return list(patient.coverages.select_related("payer"))


@router.post(
    "/{id}/coverages",
    response={201: CoverageOut, **error_responses(400, 403, 404, 422)},
    summary="Add a coverage (one active coverage per order)",
)
def add_coverage(
    request: ApiRequest, id: int = _patient_id(), payload: CoverageIn | None = _NO_BODY
) -> Any:
    require_permission(
        request,
        Permission.CHANGE_PATIENT,
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
        actor=request.auth,
        patient=patient,
        payer=payer,
        **data,
    )
    return Status(201, coverage)
