"""Claims out of the door, as JSON: scrub one claim or all the drafts, override a warning
with a reason, submit the ready claims as 837P batches, the batches and their files,
acknowledgements (999, TA1, 277CA) and the rejection queue; through the same services and
selectors as the pages (``billing/views/submission.py``).

Writes need ``CHANGE_CLAIM``, reads ``VIEW_CLAIM`` (403 without). A claim, finding or batch
outside the caller's locations answers 404, as does a batch's file when the batch holds a
claim of a location the caller does not work at. A refusal answers 400 with its code from
``billing/error_codes.py``: an error finding cannot be overridden
(``error_not_overridable``); an acknowledgement that cannot be read changes nothing and
names the segment's number, its id and the element (``ack_file_unreadable``).
"""

# No ``from __future__ import annotations``: ninja resolves the operations' annotations.

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import Http404, HttpResponse
from ninja import Body, Field, File, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from pydantic import StringConstraints

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
from medoffice.billing.api.claims import ClaimRowOut, _claim_row
from medoffice.billing.choices import ClaimStatus
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.filters.batches import AcknowledgementFilter, BatchFilter
from medoffice.billing.filters.claims import ClaimFilter
from medoffice.billing.models import Acknowledgement, Claim, ClaimBatch, ClaimFinding
from medoffice.billing.selectors import claims as claim_selectors
from medoffice.billing.selectors import submission as selectors
from medoffice.billing.services import acks, batches, rework, scrub
from medoffice.core.filtersets import filter_rows
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction, AuditOutcome
from medoffice.core.roles import Permission

router = Router(tags=["billing"])
_FILE = File(None, description="The 999, TA1 or 277CA (or send the file as the raw body).")

# Free text without NUL characters (PostgreSQL refuses them in text).
Reason = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1000, pattern=r"^[^\x00]*$"),
]
CLAIM_RENAME = {"payer_id": "payer", "location_id": "location", "provider_id": "provider"}


# --- schemas -------------------------------------------------------------------------------


class FindingOut(Schema):
    id: int
    code: str = Field(description="The edit that found it, e.g. `pointer_missing`.")
    severity: str = Field(description="`error` (fix the claim) or `warning` (fix or override).")
    line_number: int | None = Field(description="The service line, or null for the claim.")
    field: str
    message: str
    fix: str = Field(description="How to fix it.")
    overridden: bool
    overridden_at: dt.datetime | None
    overridden_by_id: int | None
    override_reason: str


class ScrubOut(Schema):
    claim_id: int
    control_number: str
    status: str = Field(description="`ready`, or `scrubbed` while a finding holds it.")
    errors: int
    warnings: int
    findings: list[FindingOut]


class ScrubAllIn(Schema):
    payer_id: int | None = Field(None, ge=1, le=MAX_ID)
    location_id: int | None = Field(None, ge=1, le=MAX_ID)
    provider_id: int | None = Field(None, ge=1, le=MAX_ID)
    date_from: Day | None = None
    date_to: Day | None = None


class ScrubAllOut(Schema):
    scrubbed: int = Field(description="Draft and scrubbed claims scrubbed.")
    ready: int = Field(description="Of those, ready to submit.")
    held: int = Field(description="Of those, held by an error or a warning.")
    errors: int
    warnings: int


class OverrideIn(Schema):
    reason: Reason = Field(
        ..., description="Why the warning does not apply (at most 200 characters)."
    )


class SendAgainIn(Schema):
    fixed: Annotated[str, StringConstraints(max_length=1000)] = Field(
        ...,
        description="What was fixed outside the charges (kept in the claim's history; at most "
        "200 characters after spaces are collapsed).",
    )


class SubmitIn(Schema):
    clearinghouse_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Only the claims of payers sent through it."
    )
    payer_id: int | None = Field(None, ge=1, le=MAX_ID, description="Only this payer's claims.")


class BatchRowOut(Schema):
    id: int
    interchange_control_number: str = Field(description="ISA13, nine digits.")
    group_control_number: str = Field(description="GS06.")
    destination: str = Field(description="The clearinghouse, or the payer billed directly.")
    clearinghouse_id: int | None
    payer_id: int | None
    claim_count: int
    total_charge: Decimal
    file_name: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    delivery_note: str


class AcknowledgementRowOut(Schema):
    id: int
    kind: str = Field(description="`999`, `TA1` or `277CA`.")
    file_name: str
    received_at: dt.datetime
    batch_id: int | None
    accepted: int
    rejected: int


class BatchOut(BatchRowOut):
    created_by_id: int | None
    claims: list[ClaimRowOut] = Field(description="The batch's claims the caller may see.")
    hidden_claims: int = Field(description="Claims of locations the caller does not work at.")
    acknowledgements: list[AcknowledgementRowOut]


class RefusedOut(Schema):
    claim_id: int
    control_number: str
    reason: str


class SubmittedBatchOut(BatchRowOut):
    delivered: bool = Field(description="Whether the transport delivered the file.")


class SubmitOut(Schema):
    claim_count: int
    batches: list[SubmittedBatchOut]
    refused: list[RefusedOut] = Field(description="Claims that could not be written, and why.")


class BatchQuery(Schema):
    clearinghouse_id: int | None = Field(None, ge=1, le=MAX_ID)
    payer_id: int | None = Field(None, ge=1, le=MAX_ID)
    made_from: Day | None = None
    made_to: Day | None = None


class AcknowledgementQuery(Schema):
    kind: str | None = Field(None, max_length=5, description="999, TA1 or 277CA.")
    received_from: Day | None = None
    received_to: Day | None = None


class RejectedQuery(Schema):
    payer_id: int | None = Field(None, ge=1, le=MAX_ID)
    location_id: int | None = Field(None, ge=1, le=MAX_ID)
    provider_id: int | None = Field(None, ge=1, le=MAX_ID)
    patient_id: int | None = Field(None, ge=1, le=MAX_ID)
    date_from: Day | None = None
    date_to: Day | None = None


class RejectedClaimOut(ClaimRowOut):
    rejection_reason: str


class AckLineOut(Schema):
    control_number: str = Field(description="The claim's number (CLM01).")
    claim_id: int | None = Field(description="Null when the claim is not one the caller sees.")
    outcome: str = Field(description="`accepted`, `rejected`, `unchanged` or `not found`.")
    detail: str = Field(description="For a rejection: where (segment, element) and why.")


class AckReportOut(Schema):
    acknowledgement_id: int
    kind: str
    accepted: int
    rejected: int
    claims: list[AckLineOut]
    notes: list[str] = Field(description="TA1s, envelope remarks, batches not ours.")


# --- shaping -------------------------------------------------------------------------------


def _finding(f: ClaimFinding) -> dict[str, Any]:
    return {
        "id": f.pk,
        "code": f.code,
        "severity": f.severity,
        "line_number": f.line_number,
        "field": f.field,
        "message": f.message,
        "fix": f.fix,
        "overridden": f.overridden_at is not None,
        "overridden_at": f.overridden_at,
        "overridden_by_id": f.overridden_by_id,
        "override_reason": f.override_reason,
    }


def _batch_row(b: ClaimBatch) -> dict[str, Any]:
    return {
        "id": b.pk,
        "interchange_control_number": f"{b.interchange_control_number:09d}",
        "group_control_number": str(b.group_control_number),
        "destination": b.clearinghouse.name if b.clearinghouse else b.payer.name if b.payer else "",
        "clearinghouse_id": b.clearinghouse_id,
        "payer_id": b.payer_id,
        "claim_count": b.claim_count,
        "total_charge": b.total_charge,
        "file_name": b.file_name,
        "created_at": b.created_at,
        "delivered_at": b.delivered_at,
        "delivery_note": b.delivery_note,
    }


def _ack_row(a: Acknowledgement) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "file_name": a.file_name,
        "received_at": a.received_at,
        "batch_id": a.batch_id,
        "accepted": a.accepted,
        "rejected": a.rejected,
    }


def _changing(request: ApiRequest, object_type: str, object_id: int | str = "") -> None:
    require_permission(
        request,
        Permission.CHANGE_CLAIM,
        action=AuditAction.UPDATE,
        object_type=object_type,
        object_id=object_id,
    )


def _claim(request: ApiRequest, pk: int) -> Claim:
    return get_or_404(request, restricted(request, Claim), pk, what="claim")


def _findings(claim: Claim) -> list[dict[str, Any]]:
    return [
        _finding(f)
        for f in ClaimFinding.objects.filter(claim=claim).order_by("severity", "line_number", "pk")
    ]


def _scrubbed(request: ApiRequest, outcome: scrub.ScrubOutcome) -> dict[str, Any]:
    """A claim just scrubbed, as ``ScrubOut``; the claim's patient read is audited."""
    claim = outcome.claim
    audit_patient_read(request, claim, "claims")
    return {
        "claim_id": claim.pk,
        "control_number": claim.control_number,
        "status": claim.status,
        "errors": outcome.errors,
        "warnings": outcome.warnings,
        "findings": _findings(claim),
    }


def _listed(request: ApiRequest, object_type: str, what: str) -> None:
    audit(
        request,
        AuditAction.READ,
        object_type=object_type,
        data_category="claims",
        detail=f"API {request.method} {request.path} ({what})",
    )


def _shown(request: ApiRequest) -> Any:
    def shown(rows: list[Any]) -> None:
        audit_patients_shown(request, rows, object_type="billing.claim", data_category="claims")

    return shown


# --- scrubbing -----------------------------------------------------------------------------


@router.post(
    "/claims/scrub",
    response={200: ScrubAllOut, **error_responses(400, 403, 422)},
    summary="Scrub every draft and scrubbed claim the caller sees (optionally filtered; "
    "no body: all)",
)
def scrub_claims(request: ApiRequest, payload: Body[ScrubAllIn | None] = None) -> Any:
    _changing(request, "billing.claim")
    payload = payload or ScrubAllIn.model_validate({})
    chosen = filter_rows(
        ClaimFilter,
        selectors.scrubbable_drafts(request.auth),
        payload.model_dump(mode="json"),
        rename=CLAIM_RENAME,
    )
    outcomes = scrub.scrub_claims(actor=request.auth, claims=chosen)
    request.api_audited = True
    held = sum(1 for o in outcomes if o.findings)
    return {
        "scrubbed": len(outcomes),
        "ready": sum(1 for o in outcomes if o.claim.status == ClaimStatus.READY),
        "held": held,
        "errors": sum(o.errors for o in outcomes),
        "warnings": sum(o.warnings for o in outcomes),
    }


@router.post(
    "/claims/{id}/scrub",
    response={200: ScrubOut, **error_responses(400, 403, 404, 422)},
    summary="Scrub one claim: its findings (line, how to fix) and its new status",
)
def scrub_claim(request: ApiRequest, id: int = row_id()) -> Any:
    _changing(request, "billing.claim", id)
    claim = _claim(request, id)
    outcomes = scrub.scrub_claims(actor=request.auth, claims=Claim.objects.filter(pk=claim.pk))
    if not outcomes:
        request.api_audited = False
        raise ValidationError(
            f"Claim {claim.control_number} is “{claim.get_status_display()}”: only draft, "
            "scrubbed and ready claims are scrubbed.",
            code=Code.CLAIM_LOCKED,
        )
    (outcome,) = outcomes
    return _scrubbed(request, outcome)


@router.post(
    "/claims/{id}/findings/{finding_id}/override",
    response={200: FindingOut, **error_responses(400, 403, 404, 422)},
    summary="Override a scrubber warning with a reason (an error cannot be overridden)",
)
def override_finding(
    request: ApiRequest,
    payload: OverrideIn,
    id: int = row_id(),
    finding_id: int = row_id(),
) -> Any:
    _changing(request, "billing.claimfinding", finding_id)
    claim = _claim(request, id)
    finding = get_or_404(
        request, ClaimFinding.objects.filter(claim=claim), finding_id, what="finding"
    )
    try:
        finding = scrub.override_warning(finding=finding, actor=request.auth, reason=payload.reason)
    except ValidationError:
        request.api_audited = False
        raise
    request.api_audited = True
    return _finding(finding)


@router.post(
    "/claims/{id}/send-again",
    response={200: ScrubOut, **error_responses(400, 403, 404, 422)},
    summary="Send a rejected claim again once its cause is fixed outside the charges",
    description="Back to draft with what was fixed in its history, scrubbed at once against "
    "the patient's current details: ready for the next batch when clean. A claim that is not "
    "rejected answers 400 `claim_not_rejected`; a blank note `note_required`.",
)
def send_claim_again(request: ApiRequest, payload: SendAgainIn, id: int = row_id()) -> Any:
    _changing(request, "billing.claim", id)
    claim = _claim(request, id)
    try:
        outcome = rework.send_again(claim=claim, actor=request.auth, fixed=payload.fixed)
    except ValidationError:
        request.api_audited = False
        raise
    return _scrubbed(request, outcome)


# --- batches -------------------------------------------------------------------------------


@router.post(
    "/batches",
    response={200: SubmitOut, **error_responses(400, 403, 422)},
    summary="Submit the ready claims (no body: all): one 837P batch per clearinghouse or payer "
    "billed directly",
)
def submit_claims(request: ApiRequest, payload: Body[SubmitIn | None] = None) -> Any:
    _changing(request, "billing.claimbatch")
    payload = payload or SubmitIn.model_validate({})
    chosen = None
    if payload.clearinghouse_id is not None or payload.payer_id is not None:
        chosen = Claim.objects.all()
        if payload.clearinghouse_id is not None:
            chosen = chosen.filter(payer__billing__clearinghouse_id=payload.clearinghouse_id)
        if payload.payer_id is not None:
            chosen = chosen.filter(payer_id=payload.payer_id)
    result = batches.export_ready_claims(actor=request.auth, claims=chosen)
    request.api_audited = True
    return {
        "claim_count": result.claim_count,
        "batches": [
            {**_batch_row(done.batch), "destination": done.destination, "delivered": done.delivered}
            for done in result.batches
        ],
        "refused": [
            {"claim_id": claim.pk, "control_number": claim.control_number, "reason": why}
            for claim, why in result.refused
        ],
    }


@router.get(
    "/batches",
    response={200: list[BatchRowOut], **error_responses(400, 403, 422)},
    summary="Claim batches (newest first), filtered by clearinghouse, payer, day made",
)
@paginate(Pagination)
def list_batches(request: ApiRequest, filters: Query[BatchQuery]) -> Any:
    restricted(request, ClaimBatch)
    rows = filter_rows(
        BatchFilter,
        selectors.batches(request.auth),
        filters.model_dump(mode="json"),
        rename={"clearinghouse_id": "clearinghouse", "payer_id": "payer"},
    )
    _listed(request, "billing.claimbatch", "claim batches")
    return ShapedRows(rows.order_by("-created_at", "-pk"), _batch_row)


def _batch(request: ApiRequest, pk: int) -> ClaimBatch:
    restricted(request, ClaimBatch)
    return get_or_404(request, selectors.batches(request.auth), pk, what="batch")


@router.get(
    "/batches/{id}",
    response={200: BatchOut, **error_responses(403, 404, 422)},
    summary="A batch: where it went, its claims (those the caller sees), its acknowledgements",
)
def get_batch(request: ApiRequest, id: int = row_id()) -> Any:
    batch = _batch(request, id)
    visible = list(selectors.batch_claims(request.auth, batch)[:500])
    audit_patients_shown(
        request, visible, object_type="billing.claim", data_category="claims", what="a batch"
    )
    return {
        **_batch_row(batch),
        "created_by_id": batch.created_by_id,
        "claims": [_claim_row(c) for c in visible],
        "hidden_claims": batch.claim_count - selectors.batch_claims(request.auth, batch).count(),
        "acknowledgements": [_ack_row(a) for a in batch.acknowledgements.order_by("-received_at")],
    }


@router.get(
    "/batches/{id}/file",
    response={200: None, **error_responses(403, 404, 422)},
    summary="The batch's 837P as sent (application/edi-x12; the download is audited)",
)
def download_batch(request: ApiRequest, id: int = row_id()) -> HttpResponse:
    batch = _batch(request, id)
    if not selectors.whole_batch_visible(request.auth, batch):
        audit(
            request,
            AuditAction.EXPORT,
            object_type="billing.claimbatch",
            object_id=batch.pk,
            outcome=AuditOutcome.DENIED,
            detail=f"API {request.path}: the batch holds claims of other locations",
        )
        raise Http404("The batch holds claims of locations you do not work at.")
    audit(
        request,
        AuditAction.EXPORT,
        object_type="billing.claimbatch",
        object_id=batch.pk,
        data_category="claims",
        patient_ids=selectors.batch_claims(request.auth, batch).values_list(
            "patient_id", flat=True
        ),
        detail=f"API: 837P file {batch.file_name} ({batch.claim_count} claims)",
    )
    response = HttpResponse(batch.content, content_type="application/edi-x12")
    response["Content-Disposition"] = f'attachment; filename="{batch.file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- acknowledgements and rejections -------------------------------------------------------


def _refuse_file(request: ApiRequest, message: str, code: str) -> ValidationError:
    request.api_audited = False
    return ValidationError({"file": [ValidationError(message, code=code)]})


def _upload(request: ApiRequest, file: UploadedFile | None) -> tuple[bytes, str]:
    """The file's bytes and name: the multipart ``file`` part, or else the raw body."""
    if file is not None:
        if file.size is not None and file.size > acks.MAX_FILE:
            raise _refuse_file(request, "The file is larger than 20 MB.", Code.ACK_FILE_TOO_LARGE)
        return file.read(), file.name or "upload"
    if (request.content_type or "").startswith("multipart/"):
        raise _refuse_file(
            request, "Send the 999, TA1 or 277CA as the part named “file”.", Code.ACK_FILE_REQUIRED
        )
    try:
        body = request.body
    except RequestDataTooBig:
        raise _refuse_file(
            request,
            "The body is too large: send a large file as multipart (the part named “file”).",
            Code.ACK_FILE_TOO_LARGE,
        ) from None
    if not body.strip():
        raise _refuse_file(
            request,
            "Send a 999, TA1 or 277CA: as the multipart part “file”, or as the request body.",
            Code.ACK_FILE_REQUIRED,
        )
    return body, "upload"


@router.post(
    "/acknowledgements",
    response={200: AckReportOut, **error_responses(400, 403, 422)},
    summary="Import a 999 (with any TA1) or 277CA: multipart part `file`, or the raw body",
)
def import_acknowledgement(request: ApiRequest, file: File[UploadedFile] | None = _FILE) -> Any:
    _changing(request, "billing.acknowledgement")
    content, name = _upload(request, file)
    report = acks.import_acknowledgement(content=content, file_name=name, actor=request.auth)
    if not report.ok or report.acknowledgement is None:
        request.api_audited = False
        raise ValidationError(
            {
                "file": [
                    ValidationError(problem, code=Code.ACK_FILE_UNREADABLE)
                    for problem in report.problems
                ]
            }
        )
    ids = dict(
        claim_selectors.claims(request.auth)
        .filter(control_number__in=[line.control_number for line in report.lines])
        .values_list("control_number", "pk")
    )
    shown = Claim.objects.filter(pk__in=ids.values()).values_list("patient_id", flat=True)
    audit(
        request,
        AuditAction.READ,
        object_type="billing.acknowledgement",
        object_id=report.acknowledgement.pk,
        data_category="claims",
        patient_ids=list(shown),
        detail=f"API {request.path}: the report of {report.kind} {name[:80]}",
    )
    return {
        "acknowledgement_id": report.acknowledgement.pk,
        "kind": report.kind,
        "accepted": report.count("accepted"),
        "rejected": report.count("rejected"),
        "claims": [
            {
                "control_number": line.control_number,
                "claim_id": ids.get(line.control_number),
                "outcome": line.outcome,
                "detail": line.detail,
            }
            for line in report.lines
        ],
        "notes": report.notes,
    }


@router.get(
    "/acknowledgements",
    response={200: list[AcknowledgementRowOut], **error_responses(400, 403, 422)},
    summary="Acknowledgements imported (newest first), filtered by kind and day received",
)
@paginate(Pagination)
def list_acknowledgements(request: ApiRequest, filters: Query[AcknowledgementQuery]) -> Any:
    restricted(request, Acknowledgement)
    rows = filter_rows(
        AcknowledgementFilter,
        selectors.acknowledgements(request.auth),
        filters.model_dump(mode="json"),
    )
    _listed(request, "billing.acknowledgement", "acknowledgements")
    return ShapedRows(rows.order_by("-received_at", "-pk"), _ack_row)


@router.get(
    "/claims/rejected",
    response={200: list[RejectedClaimOut], **error_responses(400, 403, 422)},
    summary="The rejection queue: claims the clearinghouse or payer refused, and why",
)
@paginate(Pagination)
def list_rejected_claims(request: ApiRequest, filters: Query[RejectedQuery]) -> Any:
    restricted(request, Claim)
    rows = filter_rows(
        ClaimFilter,
        selectors.rejected_claims(request.auth),
        filters.model_dump(mode="json"),
        rename=CLAIM_RENAME,
    )
    return ShapedRows(
        rows.order_by("date_of_service", "pk"),
        lambda c: {**_claim_row(c), "rejection_reason": c.rejection_reason},
        _shown(request),
    )
