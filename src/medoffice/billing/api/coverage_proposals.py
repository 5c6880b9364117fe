"""The corrected insured payers sent (835 NM1*74) as JSON: the queue, and a correction
confirmed (applied to the patient's coverage) or dismissed with a reason; through the same
selectors and services as the pages (``billing/views/coverage_proposals.py``).

Reading needs ``VIEW_LEDGER``, deciding ``POST_LEDGER`` (403 without); the caller's
locations only (another location's correction answers 404). A correction decided already
answers 400 (``coverage_proposal_decided``).
"""

# No ``from __future__ import annotations``: ninja resolves the operations' annotations.

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from medoffice.api.common import (
    Pagination,
    ShapedRows,
    audit_patients_shown,
    get_or_404,
    require_permission,
    restricted,
    row_id,
)
from medoffice.api.errors import error_responses
from medoffice.billing.models import CoverageUpdateProposal, ProposalStatus
from medoffice.billing.selectors import coverage_proposals as selectors
from medoffice.billing.services import coverage_proposals as services
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission

router = Router(tags=["billing"])


class ProposalOut(Schema):
    id: int
    status: str
    claim_payment_id: int
    claim_id: int | None
    claim_identifier: str
    era_file_id: int
    coverage_id: int | None
    patient_id: int | None
    current_member_id: str | None
    member_id: str
    last_name: str
    first_name: str
    decided_at: dt.datetime | None
    dismiss_reason: str


class ProposalQuery(Schema):
    status: str = Field(
        ProposalStatus.PROPOSED.value,
        max_length=10,
        description="proposed (the default), confirmed, dismissed, or all",
    )


class DismissIn(Schema):
    reason: str = Field(max_length=services.MAX_REASON)


def _row(p: CoverageUpdateProposal) -> dict[str, Any]:
    cp = p.claim_payment
    return {
        "id": p.pk,
        "status": p.status,
        "claim_payment_id": cp.pk,
        "claim_id": cp.claim_id,
        "claim_identifier": cp.claim_identifier,
        "era_file_id": cp.payment.era_file_id,
        "coverage_id": p.coverage_id,
        "patient_id": p.coverage.patient_id if p.coverage else None,
        "current_member_id": p.coverage.member_id if p.coverage else None,
        "member_id": p.member_id,
        "last_name": p.last_name,
        "first_name": p.first_name,
        "decided_at": p.decided_at,
        "dismiss_reason": p.dismiss_reason,
    }


@router.get(
    "/era-coverage-proposals",
    response={200: list[ProposalOut], **error_responses(400, 403, 422)},
    summary="Corrected insured from remittances (of your locations), beside the coverage",
)
@paginate(Pagination)
def list_coverage_proposals(request: ApiRequest, filters: Query[ProposalQuery]) -> Any:
    restricted(request, CoverageUpdateProposal)
    status = filters.status.strip().lower()
    if status not in {*ProposalStatus.values, "all"}:
        from django.core.exceptions import ValidationError

        from medoffice.billing.error_codes import BillingErrorCode as Code

        raise ValidationError(
            {
                "status": [
                    ValidationError(
                        "Ask for proposed, confirmed, dismissed or all.",
                        code=Code.COVERAGE_PROPOSAL_STATUS_INVALID,
                    )
                ]
            }
        )
    rows = selectors.proposals(request.auth, status="" if status == "all" else status)

    def shown(listed: list[Any]) -> None:
        audit_patients_shown(
            request,
            [p.coverage for p in listed if p.coverage is not None],
            object_type="billing.coverageupdateproposal",
            data_category="insurance",
        )

    return ShapedRows(rows, _row, shown)


def _deciding(request: ApiRequest, pk: int) -> CoverageUpdateProposal:
    require_permission(
        request,
        Permission.POST_LEDGER,
        action=AuditAction.UPDATE,
        object_type="billing.coverageupdateproposal",
        object_id=pk,
    )
    return get_or_404(request, selectors.proposals(request.auth, status=""), pk, what="proposal")


@router.post(
    "/era-coverage-proposals/{id}/confirm",
    response={200: ProposalOut, **error_responses(400, 403, 404, 422)},
    summary="Confirm a corrected insured: the coverage gets it (the claim is not re-sent)",
)
def confirm_coverage_proposal(request: ApiRequest, id: int = row_id()) -> Any:
    proposal = _deciding(request, id)
    services.confirm_proposal(proposal=proposal, actor=request.auth)
    request.api_audited = True
    return _row(selectors.proposals(request.auth, status="").get(pk=id))


@router.post(
    "/era-coverage-proposals/{id}/dismiss",
    response={200: ProposalOut, **error_responses(400, 403, 404, 422)},
    summary="Dismiss a corrected insured, saying why: the coverage stays as it is",
)
def dismiss_coverage_proposal(request: ApiRequest, payload: DismissIn, id: int = row_id()) -> Any:
    proposal = _deciding(request, id)
    services.dismiss_proposal(proposal=proposal, reason=payload.reason, actor=request.auth)
    request.api_audited = True
    return _row(selectors.proposals(request.auth, status="").get(pk=id))
