"""Remittances (835) as JSON: upload an ERA file, the files imported, one file with its
payments and claims, and the open exceptions; through the same service and selectors as
the pages (``billing/views/era.py``).

Uploading needs ``POST_LEDGER``, reading ``VIEW_LEDGER`` (403 without). A file that cannot
be read (truncated, malformed, unbalanced) posts nothing and answers 400 naming the
segment's number, its id and the element (``era_file_unreadable``).
"""

# No ``from __future__ import annotations``: ninja resolves the operations' annotations.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from ninja import File, Router, Schema, UploadedFile
from ninja.pagination import paginate

from medoffice.api.common import (
    Pagination,
    ShapedRows,
    audit,
    audit_patients_shown,
    require_permission,
    restricted,
    row_id,
)
from medoffice.api.errors import error_responses
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import EraClaimPayment, EraException, EraFile
from medoffice.billing.selectors import era as selectors
from medoffice.billing.services import era as services
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission

router = Router(tags=["billing"])


class EraFileOut(Schema):
    id: int
    file_name: str
    sha256: str
    size: int
    uploaded_at: dt.datetime
    status: str
    payment_count: int
    skipped_count: int
    claim_count: int
    matched_count: int
    exception_count: int
    total_paid: Decimal


class EraPaymentOut(Schema):
    id: int
    payer_name: str
    payer_identifier: str
    trace_number: str
    trace_originator: str
    amount: Decimal
    method: str
    payment_date: dt.date | None


class ProviderAdjustmentOut(Schema):
    payment_id: int
    reason: str
    reference: str
    amount: Decimal


class EraClaimOut(Schema):
    id: int
    payment_id: int
    claim_id: int | None
    claim_identifier: str
    status_code: str
    charge: Decimal
    paid: Decimal
    adjusted: Decimal
    patient_responsibility: Decimal
    payer_claim_number: str
    forwarded_to: str
    is_denial: bool
    is_reversal: bool
    posted: bool


class EraExceptionOut(Schema):
    id: int
    era_file_id: int
    claim_payment_id: int | None
    kind: str
    message: str
    amount: Decimal
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str


class EraFileDetailOut(EraFileOut):
    payments: list[EraPaymentOut]
    provider_adjustments: list[ProviderAdjustmentOut]
    claims: list[EraClaimOut]
    exceptions: list[EraExceptionOut]
    hidden_claims: int


class EraImportOut(Schema):
    era_file: EraFileOut
    payments_posted: int
    already_imported: list[str]
    claims: int
    claims_matched: int
    exceptions: int
    denials: int
    warnings: list[str]


_FILE_FIELDS = list(EraFileOut.model_fields)


def _file_row(f: EraFile) -> dict[str, Any]:
    return {name: getattr(f, name) for name in _FILE_FIELDS}


def _claim_row(c: EraClaimPayment) -> dict[str, Any]:
    return {name: getattr(c, name) for name in EraClaimOut.model_fields}


def _exception_row(e: EraException) -> dict[str, Any]:
    return {name: getattr(e, name) for name in EraExceptionOut.model_fields}


def _unreadable(request: ApiRequest, message: str, code: str) -> ValidationError:
    request.api_audited = False
    return ValidationError({"file": [ValidationError(message, code=code)]})


@router.post(
    "/eras",
    response={200: EraImportOut, **error_responses(400, 403, 422)},
    summary="Import an 835 (multipart, field `file`): payments posted, claims matched",
)
def upload_era(request: ApiRequest, file: File[UploadedFile]) -> Any:
    require_permission(
        request, Permission.POST_LEDGER, action=AuditAction.CREATE, object_type="billing.erafile"
    )
    if file.size is not None and file.size > services.MAX_FILE:
        raise _unreadable(request, "The file is larger than 50 MB.", Code.ERA_FILE_TOO_LARGE)
    try:
        result = services.import_era(
            data=file.read(), filename=file.name or "upload.835", actor=request.auth
        )
    except services.EraFileRefused as exc:
        raise _unreadable(request, f"Nothing was posted: {exc}", Code.ERA_FILE_UNREADABLE) from None
    request.api_audited = True
    return {
        "era_file": _file_row(result.era_file),
        "payments_posted": result.payments_posted,
        "already_imported": result.already_imported,
        "claims": result.claims,
        "claims_matched": result.claims_matched,
        "exceptions": result.exceptions,
        "denials": len(result.denials),
        "warnings": result.warnings,
    }


@router.get(
    "/eras",
    response={200: list[EraFileOut], **error_responses(400, 403, 422)},
    summary="The ERA files imported, newest first",
)
@paginate(Pagination)
def list_eras(request: ApiRequest) -> Any:
    restricted(request, EraFile)
    audit(request, AuditAction.READ, object_type="billing.erafile", data_category="ledger")
    return ShapedRows(selectors.era_files(request.auth).order_by("-uploaded_at", "-pk"), _file_row)


@router.get(
    "/eras/{era_id}",
    response={200: EraFileDetailOut, **error_responses(403, 404, 422)},
    summary="One ERA file: its payments, PLB items, claims (of your locations), exceptions",
)
def get_era(request: ApiRequest, era_id: int = row_id()) -> Any:
    restricted(request, EraFile)
    view = selectors.get_era_file(request.auth, era_id)
    request.api_audited = True
    return {
        **_file_row(view.era_file),
        "payments": [
            {name: getattr(p, name) for name in EraPaymentOut.model_fields} for p in view.payments
        ],
        "provider_adjustments": [
            {name: getattr(a, name) for name in ProviderAdjustmentOut.model_fields}
            for a in view.provider_adjustments
        ],
        "claims": [_claim_row(c) for c in view.claims],
        "exceptions": [_exception_row(e) for e in view.exceptions],
        "hidden_claims": view.hidden,
    }


@router.get(
    "/era-exceptions",
    response={200: list[EraExceptionOut], **error_responses(400, 403, 422)},
    summary="The open remittance exceptions (of your locations), newest first",
)
@paginate(Pagination)
def list_era_exceptions(request: ApiRequest) -> Any:
    restricted(request, EraException)
    rows = selectors.exceptions(request.auth).order_by("-created_at", "-pk")

    def shown(listed: list[Any]) -> None:
        audit_patients_shown(
            request,
            [e.claim_payment.claim for e in listed if e.claim_payment and e.claim_payment.claim],
            object_type="billing.eraexception",
            data_category="ledger",
        )

    return ShapedRows(rows.select_related("claim_payment__claim"), _exception_row, shown)
