"""Managed-care contracts, as JSON (read only): the contracts with their terms and
carve-outs, through the same selectors as the pages (``billing/views/contracts.py``).

Reads need ``VIEW_CONTRACT`` (the office manager and the biller; 403 without). Contracts
name no patient.
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
    get_or_404,
    require_permission,
    restricted,
    row_id,
)
from medoffice.api.errors import error_responses
from medoffice.billing.models import Contract
from medoffice.billing.selectors import contracts as selectors
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission

router = Router(tags=["billing"])


class CarveOutOut(Schema):
    code: str
    modifier: str
    amount: Decimal | None
    percent: Decimal | None


class ContractOut(Schema):
    id: int
    payer_id: int
    payer_name: str
    name: str
    effective_from: dt.date
    effective_to: dt.date | None
    method: str
    fee_schedule_id: int | None
    percent: Decimal | None
    timely_filing_days: int | None
    notes: str
    attachment_name: str
    is_draft: bool
    carve_outs: list[CarveOutOut]


class ContractQuery(Schema):
    payer_id: int | None = Field(None, ge=1, le=MAX_ID)
    drafts: bool | None = Field(None, description="true: only drafts; false: no drafts.")


def _row(contract: Contract) -> dict[str, Any]:
    return {
        **{
            name: getattr(contract, name)
            for name in ContractOut.model_fields
            if name not in {"payer_name", "carve_outs"}
        },
        "payer_name": contract.payer.name,
        "carve_outs": [
            {"code": c.code, "modifier": c.modifier, "amount": c.amount, "percent": c.percent}
            for c in contract.carve_outs.all()
        ],
    }


def _read(request: ApiRequest, what: str) -> None:
    require_permission(
        request, Permission.VIEW_CONTRACT, action=AuditAction.READ, object_type="billing.contract"
    )
    audit(
        request,
        AuditAction.READ,
        object_type="billing.contract",
        data_category="billing reference",
        detail=f"API {request.method} {request.path} ({what})",
    )


@router.get(
    "/billing/contracts",
    response={200: list[ContractOut], **error_responses(403, 422)},
    summary="Managed-care contracts with their terms and carve-outs",
)
@paginate(Pagination)
def list_contracts(request: ApiRequest, filters: Query[ContractQuery]) -> Any:
    restricted(request, Contract)
    rows = selectors.contracts(request.auth).prefetch_related("carve_outs")
    if filters.payer_id is not None:
        rows = rows.filter(payer_id=filters.payer_id)
    if filters.drafts is not None:
        rows = rows.filter(is_draft=filters.drafts)
    _read(request, "contracts")
    return ShapedRows(rows.order_by("payer__name", "-effective_from", "pk"), _row)


@router.get(
    "/billing/contracts/{id}",
    response={200: ContractOut, **error_responses(403, 404, 422)},
    summary="A managed-care contract",
)
def get_contract(request: ApiRequest, id: int = row_id()) -> Any:
    queryset = restricted(request, Contract).select_related("payer").prefetch_related("carve_outs")
    found = get_or_404(request, queryset, id, what="contract")
    _read(request, found.name)
    return _row(found)
