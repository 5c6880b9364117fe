"""Eligibility API: the checks (the worklist's filter), one check, and a 271 import.

The list keeps the rows the worklist page keeps for the same values
(``billing.filters.EligibilityFilter``): without ``status``, the checks that need someone;
``status=all`` for every check. The import is ``billing.services.eligibility.import_271``:
a file that cannot be read answers 400 with the same report, naming the segment and
element, and changes nothing.
"""

# No ``from __future__ import annotations``: ninja resolves the operations' annotations.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F
from ninja import Field as SchemaField
from ninja import File, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from medoffice.api.common import (
    MAX_ID,
    Day,
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
from medoffice.billing.filters.eligibility import EligibilityFilter
from medoffice.billing.forms.eligibility import MAX_271_BYTES
from medoffice.billing.models import EligibilityCheck
from medoffice.billing.selectors import eligibility as selectors
from medoffice.billing.services import eligibility as services
from medoffice.core.filtersets import filter_rows
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission
from medoffice.x12.errors import X12Error

router = Router(tags=["billing"])


class EligibilityCheckOut(Schema):
    id: int
    patient_id: int
    coverage_id: int
    appointment_id: int | None
    location_id: int | None
    payer_name: str
    member_id: str
    service_date: dt.date
    trace_number: str
    status: str
    status_label: str
    plan_name: str
    copay: Decimal | None
    copay_on_file: Decimal | None
    deductible: Decimal | None
    deductible_remaining: Decimal | None
    out_of_pocket_remaining: Decimal | None
    rejection_reason: str
    requested_at: dt.datetime
    answered_at: dt.datetime | None


class EligibilityCheckFilter(Schema):
    status: str | None = SchemaField(
        None,
        max_length=20,
        description="rejected, inactive, failed, no_answer, active, sent, queued or all. "
        "Default: the checks that need someone (rejected, inactive, failed, no answer).",
    )
    location_id: int | None = SchemaField(None, ge=1, le=MAX_ID)
    payer_id: int | None = SchemaField(None, ge=1, le=MAX_ID)
    date_from: Day | None = SchemaField(None, description="Visits on or after this date.")
    date_to: Day | None = SchemaField(None, description="Visits on or before this date.")


class X12ErrorOut(Schema):
    message: str
    segment_number: int
    segment_id: str
    element: int
    text: str


class EligibilityAnswerOut(Schema):
    name: str
    member_id: str
    trace: str
    status: str
    plan: str
    copay: Decimal | None
    deductible: Decimal | None
    deductible_remaining: Decimal | None
    out_of_pocket_remaining: Decimal | None
    rejection: str
    check_id: int | None
    matched: bool


class EligibilityImportOut(Schema):
    ok: bool
    file_name: str
    error: X12ErrorOut | None
    answers: list[EligibilityAnswerOut]
    rejections: list[str]
    warnings: list[str]
    matched: int
    report: list[str] = SchemaField(description="The report as the command prints it.")


def _row(c: EligibilityCheck) -> dict[str, Any]:
    return {
        "id": c.pk,
        "patient_id": c.coverage.patient_id,
        "coverage_id": c.coverage_id,
        "appointment_id": c.appointment_id,
        "location_id": c.location_id,
        "payer_name": c.coverage.payer.name,
        "member_id": c.coverage.member_id,
        "service_date": c.service_date,
        "trace_number": c.trace_number,
        "status": c.status,
        "status_label": selectors.status_label(c),
        "plan_name": c.plan_name,
        "copay": c.copay,
        "copay_on_file": c.coverage.copay,
        "deductible": c.deductible,
        "deductible_remaining": c.deductible_remaining,
        "out_of_pocket_remaining": c.out_of_pocket_remaining,
        "rejection_reason": c.rejection_reason,
        "requested_at": c.requested_at,
        "answered_at": c.answered_at,
    }


@router.get(
    "/billing/eligibility-checks",
    response={200: list[EligibilityCheckOut], **error_responses(400, 403, 422)},
    summary="Eligibility checks (by default the worklist: the ones that need someone)",
)
@paginate(Pagination)
def eligibility_checks(request: ApiRequest, filters: Query[EligibilityCheckFilter]) -> Any:
    restricted(request, EligibilityCheck)
    base = selectors.latest_only(selectors.visible_checks(request.auth)).annotate(
        patient_id=F("coverage__patient_id")
    )
    rows = filter_rows(
        EligibilityFilter,
        base,
        filters.model_dump(mode="json"),
        rename={"location_id": "location", "payer_id": "payer"},
    )

    def shown(page: list[Any]) -> None:
        audit_patients_shown(
            request, page, object_type="billing.eligibilitycheck", data_category="eligibility"
        )

    return ShapedRows(rows.order_by("service_date", "pk"), _row, shown)


@router.get(
    "/billing/eligibility-checks/{id}",
    response={200: EligibilityCheckOut, **error_responses(403, 404, 422)},
    summary="One eligibility check and the payer's answer",
)
def eligibility_check(request: ApiRequest, id: int = row_id()) -> Any:
    restricted(request, EligibilityCheck)
    check = get_or_404(request, selectors.visible_checks(request.auth), id, what="check")
    check.patient_id = check.coverage.patient_id  # type: ignore[attr-defined]  # for the audit
    audit_patient_read(request, check, "eligibility")
    return _row(check)


@router.post(
    "/billing/eligibility-imports",
    response={200: EligibilityImportOut, 400: EligibilityImportOut, **error_responses(403, 422)},
    summary="Import a 271 (multipart, field `file`): the report, per subscriber",
)
def import_eligibility_271(request: ApiRequest, file: File[UploadedFile]) -> Any:
    require_permission(
        request,
        Permission.CHECK_ELIGIBILITY,
        action=AuditAction.UPDATE,
        object_type="billing.eligibilitycheck",
    )
    if (file.size or 0) > MAX_271_BYTES:
        audit(
            request,
            AuditAction.UPDATE,
            object_type="billing.eligibilitycheck",
            detail="271 refused: too large",
        )
        return Status(
            400,
            services.ImportReport(
                file_name=file.name or "",
                error=X12Error(f"the file is larger than {MAX_271_BYTES} bytes"),
            ).as_dict(),
        )
    report = services.import_271(actor=request.auth, source=file.read(), file_name=file.name or "")
    request.api_audited = True
    return Status(200 if report.ok else 400, report.as_dict())
