"""Charges and claims API: encounters (list, get, save charges, send to review, review),
claims (list, get, void, correct) and the ICD-10-CM search, through the same services as
the pages.

A refusal answers 400 with every problem at once, each naming its field
(``diagnosis_2``, ``line_1_units``…) with its code from ``billing/error_codes.py``; an
encounter or claim outside the caller's locations answers 404.
"""

# No ``from __future__ import annotations``: ninja resolves the operations' annotations.

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from medoffice.api.common import (
    MAX_ID,
    Pagination,
    ShapedRows,
    audit,
    audit_patient_read,
    audit_patients_shown,
    get_or_404,
    require_permission,
    restricted,
    row_id,
)
from medoffice.api.errors import error_responses
from medoffice.billing import icd10
from medoffice.billing.filters.claims import ClaimFilter as ClaimRows
from medoffice.billing.filters.encounters import EncounterFilter as EncounterRows
from medoffice.billing.models import Claim, Encounter
from medoffice.billing.services import claims as claim_services
from medoffice.billing.services import encounters as services
from medoffice.core.filtersets import filter_rows
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction, AuditOutcome
from medoffice.core.roles import Permission

router = Router(tags=["billing"])


# --- schemas -------------------------------------------------------------------------------


class DiagnosisOut(Schema):
    position: int
    letter: str
    code: str = Field(description="ICD-10-CM without the dot (E119).")
    description: str


class LineOut(Schema):
    line_number: int
    procedure_code: str
    modifiers: list[str]
    units: Decimal
    charge: Decimal
    diagnosis_pointers: list[int] = Field(description="Positions 1–12 of the diagnoses.")
    description: str
    ndc: str
    ndc_quantity: Decimal | None
    ndc_unit: str
    emergency: bool = Field(False, description="Box 24C (SV109).")
    epsdt: bool = Field(False, description="Box 24H, EPSDT (SV111).")
    family_planning: bool = Field(False, description="Box 24H, family planning (SV112).")
    purchased_charge: Decimal | None = Field(
        None, description="Box 20: the outside lab's price for this line (PS102)."
    )


class EncounterOut(Schema):
    id: int
    appointment_id: int
    patient_id: int
    location_id: int
    rendering_provider_id: int
    date_of_service: dt.date
    place_of_service: str
    referring_name: str
    referring_npi: str
    prior_authorization: str
    other_claim_id: str = Field("", description="Box 11b (REF*Y4).")
    outside_lab_npi: str = Field("", description="Box 20: the outside lab (PS101).")
    status: str
    note: str
    revision: int
    diagnoses: list[DiagnosisOut] = []
    lines: list[LineOut] = []
    claim_ids: list[int] = []


class EncounterRowOut(Schema):
    id: int
    appointment_id: int
    patient_id: int
    location_id: int
    rendering_provider_id: int
    date_of_service: dt.date
    status: str
    revision: int


class LineIn(Schema):
    procedure_code: str = Field(..., max_length=5)
    modifiers: list[str] = Field([], max_length=4)
    units: Decimal = Field(Decimal("1"), max_digits=7, decimal_places=3)
    charge: Decimal | None = Field(
        None, max_digits=10, decimal_places=2, description="Empty: standard charge × units."
    )
    pointers: list[str] = Field(..., max_length=4, description="Diagnosis letters A–L.")
    description: str = Field("", max_length=80)
    ndc: str = Field("", max_length=13)
    ndc_quantity: Decimal | None = Field(None, max_digits=10, decimal_places=3)
    ndc_unit: str = Field("", max_length=2)
    emergency: bool = Field(False, description="Box 24C (SV109).")
    epsdt: bool = Field(False, description="Box 24H, EPSDT (SV111).")
    family_planning: bool = Field(False, description="Box 24H, family planning (SV112).")
    purchased_charge: Decimal | None = Field(
        None,
        max_digits=10,
        decimal_places=2,
        description="Box 20: the outside lab's price for this line; needs outside_lab_npi.",
    )


class ChargesIn(Schema):
    diagnoses: list[str] = Field(..., max_length=12, description="ICD-10-CM, A first.")
    lines: list[LineIn] = Field(..., max_length=50)
    rendering_provider_id: int | None = Field(None, ge=1, le=MAX_ID)
    referring_name: str = Field("", max_length=120)
    referring_npi: str = Field("", max_length=10)
    place_of_service: str = Field("", max_length=2)
    prior_authorization: str = Field("", max_length=50)
    note: str = Field("", max_length=2000)
    other_claim_id: str = Field("", max_length=30, description="Box 11b (REF*Y4).")
    outside_lab_npi: str = Field("", max_length=10, description="Box 20: the lab's NPI (PS101).")
    send_to_review: bool = Field(False, description="Also put the charges in the coder queue.")


class ReviewIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000, description="Needed when returning to the coder.")


class ClaimLineOut(Schema):
    line_number: int
    procedure_code: str
    modifiers: list[str]
    units: Decimal
    charge: Decimal
    diagnosis_pointers: list[int]
    description: str
    ndc: str
    ndc_quantity: Decimal | None
    ndc_unit: str
    service_from: dt.date
    emergency: bool = Field(False, description="Box 24C (SV109).")
    epsdt: bool = Field(False, description="Box 24H, EPSDT (SV111).")
    family_planning: bool = Field(False, description="Box 24H, family planning (SV112).")
    purchased_charge: Decimal | None = Field(
        None, description="Box 20: the outside lab's price for this line (PS102)."
    )


class TransitionOut(Schema):
    from_status: str
    to_status: str
    at: dt.datetime
    by_id: int | None
    note: str


class ClaimRowOut(Schema):
    id: int
    control_number: str
    encounter_id: int
    patient_id: int
    payer_id: int | None
    responsibility: str
    frequency: str
    replaces_id: int | None
    status: str
    date_of_service: dt.date
    total_charge: Decimal
    payer_claim_number: str


class ClaimOut(ClaimRowOut):
    coverage_id: int | None
    diagnoses: list[str]
    place_of_service: str
    batch_id: int | None
    rejection_reason: str
    lines: list[ClaimLineOut]
    transitions: list[TransitionOut]


class EncounterQuery(Schema):
    status: str | None = Field(None, max_length=10, description="One status; default: any.")
    location_id: int | None = Field(None, ge=1, le=MAX_ID)
    provider_id: int | None = Field(None, ge=1, le=MAX_ID)
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class ClaimQuery(Schema):
    status: str | None = Field(None, max_length=12)
    payer_id: int | None = Field(None, ge=1, le=MAX_ID)
    location_id: int | None = Field(None, ge=1, le=MAX_ID)
    provider_id: int | None = Field(None, ge=1, le=MAX_ID)
    patient_id: int | None = Field(None, ge=1, le=MAX_ID)
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class VoidIn(Schema):
    reason: str = Field(..., max_length=200)


class CorrectIn(Schema):
    note: str = Field("", max_length=2000)


class CodeOut(Schema):
    code: str
    display: str
    description: str


# --- shaping -------------------------------------------------------------------------------


def _line(line: Any) -> dict[str, Any]:
    return {
        "line_number": line.line_number,
        "procedure_code": line.procedure_code,
        "modifiers": line.modifier_list,
        "units": line.units,
        "charge": line.charge,
        "diagnosis_pointers": line.pointer_list,
        "description": line.description,
        "ndc": line.ndc,
        "ndc_quantity": line.ndc_quantity,
        "ndc_unit": line.ndc_unit,
        "emergency": line.emergency,
        "epsdt": line.epsdt,
        "family_planning": line.family_planning,
        "purchased_charge": line.purchased_charge,
    }


def _encounter(e: Encounter) -> dict[str, Any]:
    return {
        **_encounter_row(e),
        "place_of_service": e.place_of_service,
        "referring_name": e.referring_name,
        "referring_npi": e.referring_npi,
        "prior_authorization": e.prior_authorization,
        "other_claim_id": e.other_claim_id,
        "outside_lab_npi": e.outside_lab_npi,
        "note": e.note,
        "diagnoses": [
            {
                "position": d.position,
                "letter": services.pointer_letter(d.position),
                "code": d.code,
                "description": icd10.describe(d.code),
            }
            for d in e.diagnoses.all()
        ],
        "lines": [_line(line) for line in e.lines.all()],
        "claim_ids": [c.pk for c in e.claims.all()],
    }


def _encounter_row(e: Encounter) -> dict[str, Any]:
    return {
        "id": e.pk,
        "appointment_id": e.appointment_id,
        "patient_id": e.patient_id,
        "location_id": e.location_id,
        "rendering_provider_id": e.rendering_provider_id,
        "date_of_service": e.date_of_service,
        "status": e.status,
        "revision": e.revision,
    }


def _claim_row(c: Claim) -> dict[str, Any]:
    return {
        "id": c.pk,
        "control_number": c.control_number,
        "encounter_id": c.encounter_id,
        "patient_id": c.patient_id,
        "payer_id": c.payer_id,
        "responsibility": c.responsibility,
        "frequency": c.frequency,
        "replaces_id": c.replaces_id,
        "status": c.status,
        "date_of_service": c.date_of_service,
        "total_charge": c.total_charge,
        "payer_claim_number": c.payer_claim_number,
    }


def _claim(c: Claim) -> dict[str, Any]:
    return {
        **_claim_row(c),
        "coverage_id": c.coverage_id,
        "diagnoses": c.diagnosis_list,
        "place_of_service": c.place_of_service,
        "batch_id": c.batch_id,
        "rejection_reason": c.rejection_reason,
        "lines": [{**_line(line), "service_from": line.service_from} for line in c.lines.all()],
        "transitions": [
            {
                "from_status": t.from_status,
                "to_status": t.to_status,
                "at": t.at,
                "by_id": t.by_id,
                "note": t.note,
            }
            for t in c.transitions.all()
        ],
    }


def _shown(request: ApiRequest, object_type: str, category: str) -> Any:
    def shown(rows: list[Any]) -> None:
        audit_patients_shown(request, rows, object_type=object_type, data_category=category)

    return shown


def _full_encounter(request: ApiRequest, pk: int, action: str = "view") -> Encounter:
    queryset = restricted(request, Encounter, action).prefetch_related(
        "diagnoses", "lines", "claims"
    )
    return get_or_404(request, queryset, pk, what="encounter")


def _full_claim(request: ApiRequest, pk: int) -> Claim:
    queryset = restricted(request, Claim).prefetch_related("lines", "transitions")
    return get_or_404(request, queryset, pk, what="claim")


# --- encounters ----------------------------------------------------------------------------


@router.get(
    "/encounters",
    response={200: list[EncounterRowOut], **error_responses(400, 403, 422)},
    summary="Visits' charges (newest visit first), filtered by status, location, provider, dates",
)
@paginate(Pagination)
def list_encounters(request: ApiRequest, filters: Query[EncounterQuery]) -> Any:
    rows = filter_rows(
        EncounterRows,
        restricted(request, Encounter),
        filters.model_dump(mode="json"),
        rename={"location_id": "location", "provider_id": "provider"},
    )
    return ShapedRows(
        rows.order_by("-date_of_service", "-pk"),
        _encounter_row,
        _shown(request, "billing.encounter", "charges"),
    )


@router.get(
    "/encounters/{id}",
    response={200: EncounterOut, **error_responses(403, 404, 422)},
    summary="A visit's charges: diagnoses, lines and claims",
)
def get_encounter(request: ApiRequest, id: int = row_id()) -> Any:
    encounter = _full_encounter(request, id)
    audit_patient_read(request, encounter, "charges")
    return _encounter(encounter)


@router.put(
    "/encounters/{id}/charges",
    response={200: EncounterOut, **error_responses(400, 403, 404, 422)},
    summary="Replace the charges (every refusal at once, by field), optionally send to review",
)
def save_charges(request: ApiRequest, payload: ChargesIn, id: int = row_id()) -> Any:
    from django.db import transaction

    encounter = _full_encounter(request, id, "change")
    data = services.ChargesInput(
        diagnoses=payload.diagnoses,
        lines=[
            services.LineInput(
                procedure_code=line.procedure_code,
                modifiers=line.modifiers,
                units=line.units,
                charge="" if line.charge is None else line.charge,
                pointers=line.pointers,
                description=line.description,
                ndc=line.ndc,
                ndc_quantity="" if line.ndc_quantity is None else line.ndc_quantity,
                ndc_unit=line.ndc_unit,
                emergency=line.emergency,
                epsdt=line.epsdt,
                family_planning=line.family_planning,
                purchased_charge="" if line.purchased_charge is None else line.purchased_charge,
            )
            for line in payload.lines
        ],
        rendering_provider_id=payload.rendering_provider_id,
        referring_name=payload.referring_name,
        referring_npi=payload.referring_npi,
        place_of_service=payload.place_of_service,
        prior_authorization=payload.prior_authorization,
        note=payload.note,
        other_claim_id=payload.other_claim_id,
        outside_lab_npi=payload.outside_lab_npi,
    )
    with transaction.atomic():
        services.save_charges(actor=request.auth, encounter=encounter, data=data)
        if payload.send_to_review:
            services.send_to_review(actor=request.auth, encounter=encounter)
    request.api_audited = True
    return _encounter(_full_encounter(request, id))


@router.post(
    "/visits/{id}/encounter",
    response={200: EncounterOut, **error_responses(400, 403, 404, 422)},
    summary="Open the charges of a visit that reached the provider (or get its existing ones)",
)
def open_encounter(request: ApiRequest, id: int = row_id()) -> Any:
    from django.http import Http404

    from medoffice.billing.selectors.encounters import visit_for_charges

    require_permission(
        request,
        Permission.CODE_ENCOUNTER,
        action=AuditAction.CREATE,
        object_type="billing.encounter",
    )
    try:
        visit = visit_for_charges(request.auth, id)
    except Http404:
        audit(
            request,
            AuditAction.READ,
            object_type="scheduling.appointment",
            object_id=id,
            outcome=AuditOutcome.FAILURE,
            detail="API: visit not found",
        )
        raise
    encounter = services.open_encounter(actor=request.auth, appointment=visit)
    request.api_audited = True
    return _encounter(_full_encounter(request, encounter.pk))


@router.post(
    "/encounters/{id}/review",
    response={200: EncounterOut, **error_responses(400, 403, 404, 422)},
    summary="Approve the charges (the claim is made) or return them to the coder with a note",
)
def review_encounter(request: ApiRequest, payload: ReviewIn, id: int = row_id()) -> Any:
    encounter = _full_encounter(request, id, "review")
    services.review_encounter(
        actor=request.auth, encounter=encounter, approve=payload.approve, note=payload.note
    )
    request.api_audited = True
    return _encounter(_full_encounter(request, id, "review"))


# --- claims --------------------------------------------------------------------------------


@router.get(
    "/claims",
    response={200: list[ClaimRowOut], **error_responses(400, 403, 422)},
    summary="Claims (newest date of service first), filtered like the claims list",
)
@paginate(Pagination)
def list_claims(request: ApiRequest, filters: Query[ClaimQuery]) -> Any:
    rows = filter_rows(
        ClaimRows,
        restricted(request, Claim),
        filters.model_dump(mode="json"),
        rename={"payer_id": "payer", "location_id": "location", "provider_id": "provider"},
    )
    return ShapedRows(
        rows.order_by("-date_of_service", "-pk"),
        _claim_row,
        _shown(request, "billing.claim", "claims"),
    )


@router.get(
    "/claims/{id}",
    response={200: ClaimOut, **error_responses(403, 404, 422)},
    summary="A claim with its lines and status history",
)
def get_claim(request: ApiRequest, id: int = row_id()) -> Any:
    claim = _full_claim(request, id)
    audit_patient_read(request, claim, "claims")
    return _claim(claim)


@router.post(
    "/claims/{id}/void",
    response={200: ClaimOut, **error_responses(400, 403, 404, 422)},
    summary="Void a claim the payer holds: answers the new frequency-8 claim",
)
def void_claim(request: ApiRequest, payload: VoidIn, id: int = row_id()) -> Any:
    claim = _full_claim(request, id)
    void = claim_services.void_claim(claim=claim, actor=request.auth, reason=payload.reason)
    request.api_audited = True
    return _claim(_full_claim(request, void.pk))


@router.post(
    "/claims/{id}/correct",
    response={200: EncounterOut, **error_responses(400, 403, 404, 422)},
    summary="Reopen the claim's charges for a correction (revision + 1); answers the encounter",
)
def correct_claim(request: ApiRequest, payload: CorrectIn, id: int = row_id()) -> Any:
    claim = _full_claim(request, id)
    encounter = claim_services.correct_claim(claim=claim, actor=request.auth, note=payload.note)
    request.api_audited = True
    return _encounter(_full_encounter(request, encounter.pk))


@router.get(
    "/icd10",
    response={200: list[CodeOut], **error_responses(403, 422)},
    summary="Billable ICD-10-CM codes whose code starts with, or description holds, the text",
)
def search_icd10(
    request: ApiRequest,
    q: str = Query("", max_length=60, description="At least two characters; fewer: nothing."),
) -> list[dict[str, str]]:
    restricted(request, Encounter)
    audit(request, AuditAction.READ, object_type="billing.icd10", detail="ICD-10-CM search")
    return [
        {"code": d.code, "display": d.display, "description": d.description}
        for d in (icd10.search(q, 20) if len(q.strip()) >= 2 else [])
    ]
