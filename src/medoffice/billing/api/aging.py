"""The A/R aging as JSON: by payer (each payer and the patients' share) or by patient, as
of a day (today in the practice's time zone by default), for a location; the same form and
selectors as the page (``billing/views/aging.py``).

Needs ``VIEW_LEDGER`` (403 without). A user limited to some locations sees only their
entries. Parameters are read by the page's form, as text: a day that is not one
(``9999-99-99``, ``1e309``) or out of 1900–2100 (year 1) is a 400 naming ``as_of``. The
by-patient view comes a page at a time (``limit``, ``offset``) and is audited with the
patients it shows.
"""

# No ``from __future__ import annotations``: ninja resolves the operations' annotations.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from medoffice.api.common import MAX_ID, audit, require_permission
from medoffice.api.errors import error_responses
from medoffice.billing.forms.aging import AgingForm
from medoffice.billing.selectors import aging as selectors
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission

router = Router(tags=["billing"])


class AgingQuery(Schema):
    by: str | None = Field(None, max_length=10, description="`payer` (default) or `patient`.")
    as_of: str | None = Field(
        None,
        max_length=40,
        description="The day the balances are aged on, YYYY-MM-DD (today by default).",
    )
    location_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Only this location's entries."
    )
    sort: str | None = Field(
        None,
        max_length=20,
        description="`name`, `total` or a bucket's key, `-` first for largest first "
        "(`-total`, the default); the patients' share's row stays last by payer.",
    )
    limit: int = Field(selectors.PAGE_SIZE, ge=1, le=selectors.MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10**9)


class BucketsOut(Schema):
    days_0_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_91_120: Decimal
    days_over_120: Decimal


class AgingRowOut(BucketsOut):
    payer_id: int | None = Field(
        description="By payer: the payer; null on the patients' share's row."
    )
    patient_id: int | None = Field(description="By patient: the patient.")
    name: str
    total: Decimal
    share: Decimal | None = Field(description="Of the whole total, a fraction (0.123).")


class AgingOut(Schema):
    by: str
    as_of: dt.date
    count: int = Field(description="Rows in all (the page holds `limit` of them at most).")
    rows: list[AgingRowOut]
    totals: BucketsOut
    total: Decimal
    shares: dict[str, Decimal | None]


def _row(by: str, row: selectors.AgingRow) -> dict[str, Any]:
    return {
        **{k: v.quantize(Decimal("0.01")) for k, v in row.buckets.items()},
        "payer_id": row.key if by == "payer" else None,
        "patient_id": row.patient_id,
        "name": row.name,
        "total": row.total.quantize(Decimal("0.01")),
        "share": row.share,
    }


@router.get(
    "/ar/aging",
    response={200: AgingOut, **error_responses(400, 403, 422)},
    summary="A/R aging by payer or by patient: 0–30, 31–60, 61–90, 91–120, 120+ days",
)
def ar_aging(request: ApiRequest, filters: Query[AgingQuery]) -> Any:
    require_permission(
        request, Permission.VIEW_LEDGER, action=AuditAction.READ, object_type="billing.ledgerentry"
    )
    data = {"by": filters.by, "as_of": filters.as_of, "location": filters.location_id}
    if filters.sort:
        data["sort"] = filters.sort
    form = AgingForm({k: v for k, v in data.items() if v is not None}, user=request.auth)
    if not form.is_valid():
        names = {"location": "location_id"}
        refused: dict[str, list[ValidationError]] = {}
        for name, found in form.errors.as_data().items():  # the form's errors, coded
            refused[names.get(name, name)] = found
        raise ValidationError(refused)
    cleaned = form.cleaned_data
    location = cleaned.get("location")
    common: dict[str, Any] = {
        "as_of": cleaned["as_of"],
        "location_id": location.pk if location else None,
    }
    if cleaned["by"] == "patient":
        result = selectors.aging_by_patient(
            request.auth,
            **common,
            sort=cleaned["sort"],
            offset=filters.offset,
            limit=filters.limit,
        )
    else:
        result = selectors.aging_by_payer(request.auth, **common, sort=cleaned["sort"])
    audit(
        request,
        AuditAction.READ,
        object_type="billing.ledgerentry",
        data_category="ledger",
        detail=f"A/R aging by {result.by} as of {result.as_of}: {len(result.rows)} rows",
        patient_ids=result.patient_ids,
    )
    return {
        "by": result.by,
        "as_of": result.as_of,
        "count": result.count,
        "rows": [_row(result.by, r) for r in result.rows],
        "totals": {k: v.quantize(Decimal("0.01")) for k, v in result.totals.items()},
        "total": result.total.quantize(Decimal("0.01")),
        "shares": result.shares,
    }
