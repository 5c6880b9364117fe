"""Following up silent claims, as JSON: the claims without an answer, asking the payers
(one 276 per clearinghouse or payer billed directly) and importing their 277 answers;
through the same services and selectors as the pages (``billing/views/followup.py``).

Writes need ``CHANGE_CLAIM``, reads ``VIEW_CLAIM`` (403 without). Claims outside the
caller's locations are never listed nor asked about; a 277's answer for one is reported
``not found`` and not stored. A 277 that cannot be read changes nothing and names the
segment's number, its id and the element (``status_file_unreadable``).
"""

# No ``from __future__ import annotations``: ninja resolves the operations' annotations.

import datetime as dt
from typing import Any

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db.models import QuerySet
from ninja import Body, Field, File, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate

from medoffice.api.common import (
    MAX_ID,
    Pagination,
    ShapedRows,
    audit,
    audit_patients_shown,
    require_permission,
    restricted,
)
from medoffice.api.errors import error_responses
from medoffice.billing.api.claims import ClaimRowOut, _claim_row
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.filters.followup import FollowUpFilter
from medoffice.billing.models import Claim, StatusRequestFile
from medoffice.billing.selectors import followup as selectors
from medoffice.billing.services import followup as services
from medoffice.core.filtersets import filter_rows
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission

router = Router(tags=["billing"])
_FILE = File(None, description="The 277 (or send the file as the raw body).")


class AwaitingQuery(Schema):
    days: int | None = Field(
        None,
        ge=0,
        le=selectors.MAX_DAYS,
        description=f"First submitted at least this many days ago ({selectors.DEFAULT_DAYS}).",
    )
    payer_id: int | None = Field(None, ge=1, le=MAX_ID)
    last_kind: str | None = Field(
        None,
        max_length=20,
        description="The last answer's kind: `none` (never answered), `paid`, `denied`, "
        "`pending`, `information wanted`…",
    )


class AwaitingClaimOut(ClaimRowOut):
    first_submitted_at: dt.datetime
    days_waiting: int
    last_asked_at: dt.datetime | None
    last_answered_at: dt.datetime | None
    last_answer_kind: str | None
    last_answer: str | None


class AskIn(Schema):
    claim_ids: list[int] | None = Field(
        None,
        max_length=services.MAX_ASK_IDS,
        description="The claims to ask about; none: every claim awaiting an answer for "
        "`days` days.",
    )
    days: int | None = Field(None, ge=0, le=selectors.MAX_DAYS)


class RequestFileOut(Schema):
    id: int
    interchange_control_number: str = Field(description="ISA13, nine digits.")
    destination: str
    clearinghouse_id: int | None
    payer_id: int | None
    file_name: str
    claim_count: int
    created_at: dt.datetime
    content: str = Field(description="The 276 as written (send it to the destination).")


class RefusedOut(Schema):
    claim_id: int
    control_number: str
    reason: str


class AskOut(Schema):
    claim_count: int
    files: list[RequestFileOut]
    refused: list[RefusedOut] = Field(description="Claims the 276 could not carry, and why.")


class StatusLineOut(Schema):
    control_number: str = Field(description="The claim's number (TRN02, our CLM01).")
    claim_id: int | None = Field(description="Null when the claim is not one the caller sees.")
    outcome: str = Field(
        description="`paid`, `denied`, `pending`, `information wanted`, `not found`, or "
        "the answer's kind (`finalized`, `acknowledged`, `rejected`, `error`)."
    )
    detail: str


class StatusReportOut(Schema):
    payer_name: str
    claims: list[StatusLineOut]
    notes: list[str] = Field(description="Envelope remarks.")


def _awaiting_row(c: Claim) -> dict[str, Any]:
    return {
        **_claim_row(c),
        "first_submitted_at": c.first_submitted_at,
        "days_waiting": selectors.days_waiting(c),
        "last_asked_at": c.last_asked_at,  # type: ignore[attr-defined]  # annotated
        "last_answered_at": c.last_answered_at,  # type: ignore[attr-defined]
        "last_answer_kind": c.last_answer_kind,  # type: ignore[attr-defined]
        "last_answer": c.last_answer,  # type: ignore[attr-defined]
    }


def _file_row(f: StatusRequestFile) -> dict[str, Any]:
    return {
        "id": f.pk,
        "interchange_control_number": f"{f.interchange_control_number:09d}",
        "destination": f.destination,
        "clearinghouse_id": f.clearinghouse_id,
        "payer_id": f.payer_id,
        "file_name": f.file_name,
        "claim_count": f.claim_count,
        "created_at": f.created_at,
        "content": f.content,
    }


def _changing(request: ApiRequest, object_type: str) -> None:
    require_permission(
        request, Permission.CHANGE_CLAIM, action=AuditAction.UPDATE, object_type=object_type
    )


@router.get(
    "/claims/awaiting-answer",
    response={200: list[AwaitingClaimOut], **error_responses(400, 403, 422)},
    summary="Claims at the payer without an answer for `days` days (30), longest first",
)
@paginate(Pagination)
def list_awaiting_answer(request: ApiRequest, filters: Query[AwaitingQuery]) -> Any:
    restricted(request, Claim)
    rows = filter_rows(
        FollowUpFilter,
        selectors.awaiting_answer(request.auth, days=0),
        filters.model_dump(mode="json"),
        rename={"payer_id": "payer"},
    )

    def shown(listed: list[Any]) -> None:
        audit_patients_shown(request, listed, object_type="billing.claim", data_category="claims")

    return ShapedRows(rows.order_by("first_submitted_at", "pk"), _awaiting_row, shown)


@router.post(
    "/claim-status/requests",
    response={200: AskOut, **error_responses(400, 403, 422)},
    summary="Ask the payers (276): one file per clearinghouse or payer billed directly",
)
def ask_payers(request: ApiRequest, payload: Body[AskIn | None] = None) -> Any:
    _changing(request, "billing.statusrequestfile")
    payload = payload or AskIn.model_validate({})
    chosen: QuerySet[Claim]
    if payload.claim_ids is not None:
        if any(not 1 <= pk <= MAX_ID for pk in payload.claim_ids):
            raise ValidationError(
                {"claim_ids": [ValidationError("Claim ids are whole numbers from 1.")]}
            )
        chosen = Claim.objects.filter(pk__in=payload.claim_ids)
    else:
        chosen = selectors.awaiting_answer(request.auth, days=payload.days)
    result = services.ask_payers(claims=chosen, actor=request.auth)
    request.api_audited = True
    return {
        "claim_count": result.claim_count,
        "files": [_file_row(done.request_file) for done in result.files],
        "refused": [
            {"claim_id": claim.pk, "control_number": claim.control_number, "reason": why}
            for claim, why in result.refused
        ],
    }


def _refuse_file(request: ApiRequest, message: str, code: str) -> ValidationError:
    request.api_audited = False
    return ValidationError({"file": [ValidationError(message, code=code)]})


def _upload(request: ApiRequest, file: UploadedFile | None) -> tuple[bytes, str]:
    if file is not None:
        if file.size is not None and file.size > services.MAX_FILE:
            raise _refuse_file(
                request, "The file is larger than 20 MB.", Code.STATUS_FILE_TOO_LARGE
            )
        return file.read(), file.name or "upload"
    if (request.content_type or "").startswith("multipart/"):
        raise _refuse_file(
            request, "Send the 277 as the part named “file”.", Code.STATUS_FILE_REQUIRED
        )
    try:
        body = request.body
    except RequestDataTooBig:
        raise _refuse_file(
            request,
            "The body is too large: send a large file as multipart (the part named “file”).",
            Code.STATUS_FILE_TOO_LARGE,
        ) from None
    if not body.strip():
        raise _refuse_file(
            request,
            "Send a 277: as the multipart part “file”, or as the request body.",
            Code.STATUS_FILE_REQUIRED,
        )
    return body, "upload"


@router.post(
    "/claim-status/answers",
    response={200: StatusReportOut, **error_responses(400, 403, 422)},
    summary="Import a 277 claim status answer: multipart part `file`, or the raw body",
)
def import_answers(request: ApiRequest, file: File[UploadedFile] | None = _FILE) -> Any:
    _changing(request, "billing.statusinquiry")
    content, name = _upload(request, file)
    report = services.import_claim_status(content=content, file_name=name, actor=request.auth)
    if not report.ok:
        request.api_audited = False
        raise ValidationError(
            {
                "file": [
                    ValidationError(problem, code=Code.STATUS_FILE_UNREADABLE)
                    for problem in report.problems
                ]
            }
        )
    shown = Claim.objects.filter(
        pk__in=[line.claim_id for line in report.lines if line.claim_id]
    ).values_list("patient_id", flat=True)
    audit(
        request,
        AuditAction.READ,
        object_type="billing.statusinquiry",
        data_category="claims",
        patient_ids=list(shown),
        detail=f"API {request.path}: the report of 277 {name[:80]}",
    )
    return {
        "payer_name": report.payer_name,
        "claims": [
            {
                "control_number": line.control_number,
                "claim_id": line.claim_id,
                "outcome": line.outcome,
                "detail": line.detail,
            }
            for line in report.lines
        ],
        "notes": report.notes,
    }
