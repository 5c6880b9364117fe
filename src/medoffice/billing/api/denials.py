"""Denials and appeals as JSON: the queue (the page's filters), one denial with its codes
in words, history and appeals, a status change with its reason, and an appeal with its
letter; through the same services and selectors as the pages (``billing/views/denials.py``).

Reads need ``VIEW_CLAIM``, writes ``CHANGE_CLAIM`` (403 without). Denials of claims outside
the caller's locations are never listed and answer 404.
"""

# No ``from __future__ import annotations``: ninja resolves the operations' annotations.

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from medoffice.api.common import (
    MAX_ID,
    Day,
    Money,
    Pagination,
    ShapedRows,
    audit_patient_read,
    audit_patients_shown,
    get_or_404,
    require_permission,
    restricted,
    row_id,
)
from medoffice.api.errors import error_responses
from medoffice.billing import appeal_letters
from medoffice.billing.choices import AppealMethod, DenialStatus
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.filters.denials import MAX_AGE, DenialFilter
from medoffice.billing.models import Appeal, AppealTemplate, Denial
from medoffice.billing.selectors import denials as selectors
from medoffice.billing.services import denials as services
from medoffice.core.filtersets import filter_rows
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission

router = Router(tags=["billing"])
Amount = Annotated[Decimal, Money(services.MAX_AMOUNT, allow_zero=True)]


class DenialQuery(Schema):
    payer_id: int | None = Field(None, ge=1, le=MAX_ID)
    category: str | None = Field(
        None, max_length=30, description="`eligibility`, `authorisation`, `coding`…"
    )
    code: str | None = Field(
        None, max_length=11, description="A CARC (`16`), group and CARC (`CO-16`) or RARC."
    )
    status: str | None = Field(
        None, max_length=12, description="A status, or `working` (open, appealed, corrected)."
    )
    age: int | None = Field(
        None, ge=0, le=MAX_AGE, description="Denied at least this many days ago."
    )
    assigned: str | None = Field(None, max_length=20, description="`me`, `nobody`, or a user's id.")


class DenialOut(Schema):
    id: int
    claim_id: int
    control_number: str
    patient_id: int
    payer_id: int | None
    charge_line_id: int | None
    group_code: str
    reason_code: str
    remark_codes: list[str]
    description: str = Field(description="The group and reason code in words.")
    category: str
    amount: str
    denied_on: dt.date
    due_on: dt.date
    status: str
    assigned_to_id: int | None
    recovered: str | None
    source_kind: str
    source_id: str


class EventOut(Schema):
    at: dt.datetime
    from_status: str
    to_status: str
    reason: str
    by_id: int | None


class AppealOut(Schema):
    id: int
    denial_ids: list[int]
    template: str | None
    letter_text: str
    method: str
    sent_on: dt.date | None
    outcome: str
    outcome_on: dt.date | None
    recovered: str | None


class DenialDetailOut(DenialOut):
    remarks: list[dict[str, str]] = Field(description="Each RARC with its words.")
    hint: str = Field(description="What to do, for the denial's category.")
    history: list[EventOut]
    appeals: list[AppealOut]


class StatusIn(Schema):
    status: str = Field(max_length=12, description=", ".join(DenialStatus.values))
    reason: str = Field(max_length=services.MAX_REASON)
    recovered: Amount | None = None


class AppealIn(Schema):
    template: str | None = Field(
        None, max_length=40, description="A template's key: its letter filled in for the claim."
    )
    letter_text: str | None = Field(
        None, max_length=services.MAX_LETTER, description="The letter (else the template's)."
    )
    denial_ids: list[int] | None = Field(
        None, max_length=50, description="The claim's denials appealed (else this one)."
    )
    method: str = Field(AppealMethod.MAIL, max_length=12)
    sent_on: Day | None = None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _row(d: Denial) -> dict[str, Any]:
    return {
        "id": d.pk,
        "claim_id": d.claim_id,
        "control_number": d.claim.control_number,
        "patient_id": d.patient_id,
        "payer_id": d.payer_id,
        "charge_line_id": d.charge_line_id,
        "group_code": d.group_code,
        "reason_code": d.reason_code,
        "remark_codes": d.remark_list,
        "description": selectors.code_words(d.group_code, d.reason_code),
        "category": d.category,
        "amount": f"{d.amount:.2f}",
        "denied_on": d.denied_on,
        "due_on": d.due_on,
        "status": d.status,
        "assigned_to_id": d.assigned_to_id,
        "recovered": _money(d.recovered),
        "source_kind": d.source_kind,
        "source_id": d.source_id,
    }


def _appeal(a: Appeal) -> dict[str, Any]:
    return {
        "id": a.pk,
        "denial_ids": sorted(d.pk for d in a.denials.all()),
        "template": a.template.key if a.template else None,
        "letter_text": a.letter_text,
        "method": a.method,
        "sent_on": a.sent_on,
        "outcome": a.outcome,
        "outcome_on": a.outcome_on,
        "recovered": _money(a.recovered),
    }


def _detail(request: ApiRequest, d: Denial) -> dict[str, Any]:
    return {
        **_row(d),
        "remarks": [{"code": c, "description": selectors.remark_words(c)} for c in d.remark_list],
        "hint": selectors.HINTS.get(d.category, selectors.HINTS["other"]),
        "history": [
            {
                "at": e.at,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "reason": e.reason,
                "by_id": e.by_id,
            }
            for e in selectors.events(d)
        ],
        "appeals": [_appeal(a) for a in selectors.appeals_of(request.auth, d)],
    }


def _one(request: ApiRequest, pk: int) -> Denial:
    return get_or_404(request, selectors.denials(request.auth), pk, what="denial")


@router.get(
    "/denials",
    response={200: list[DenialOut], **error_responses(400, 403, 422)},
    summary="Denials (the appeal deadline soonest first), filtered like the denial queue",
)
@paginate(Pagination)
def list_denials(request: ApiRequest, filters: Query[DenialQuery]) -> Any:
    restricted(request, Denial)
    values = filters.model_dump(mode="json")
    if values.get("assigned") == "me":  # the filter reads "me" from a page's request
        values["assigned"] = str(request.auth.pk)
    rows = filter_rows(
        DenialFilter, selectors.denials(request.auth), values, rename={"payer_id": "payer"}
    )

    def shown(listed: list[Any]) -> None:
        audit_patients_shown(request, listed, object_type="billing.denial", data_category="claims")

    return ShapedRows(rows.order_by("due_on", "pk"), _row, shown)


@router.get(
    "/denials/{id}",
    response={200: DenialDetailOut, **error_responses(403, 404, 422)},
    summary="A denial: its codes in words, what to do, its history and appeals",
)
def get_denial(request: ApiRequest, id: int = row_id()) -> Any:
    restricted(request, Denial)
    denial = _one(request, id)
    audit_patient_read(request, denial, "claims")
    return _detail(request, denial)


def _changing(request: ApiRequest, object_type: str, pk: int) -> None:
    require_permission(
        request,
        Permission.CHANGE_CLAIM,
        action=AuditAction.UPDATE,
        object_type=object_type,
        object_id=pk,
    )


@router.post(
    "/denials/{id}/status",
    response={200: DenialDetailOut, **error_responses(400, 403, 404, 422)},
    summary="Change a denial's status, saying why (an overturned one with what was recovered)",
)
def change_denial_status(request: ApiRequest, payload: StatusIn, id: int = row_id()) -> Any:
    _changing(request, "billing.denial", id)
    denial = _one(request, id)
    services.change_status(
        denial=denial,
        status=payload.status,
        reason=payload.reason,
        recovered=payload.recovered,
        actor=request.auth,
    )
    request.api_audited = True
    return _detail(request, _one(request, id))


@router.post(
    "/denials/{id}/appeals",
    response={200: AppealOut, **error_responses(400, 403, 404, 422)},
    summary="Appeal a denial (and others of its claim) with a letter: yours or a template's",
)
def appeal_denial(request: ApiRequest, payload: AppealIn, id: int = row_id()) -> Any:
    from django.core.exceptions import ValidationError

    _changing(request, "billing.appeal", id)
    denial = _one(request, id)
    template = None
    if payload.template:
        template = AppealTemplate.objects.filter(key=payload.template, is_active=True).first()
        if template is None:
            raise ValidationError(
                {
                    "template": [
                        ValidationError(
                            "No letter template has that key.",
                            code=Code.APPEAL_TEMPLATE_INVALID,
                        )
                    ]
                }
            )
    chosen = [denial]
    if payload.denial_ids:
        mine = selectors.denials(request.auth).filter(
            claim_id=denial.claim_id, pk__in=[i for i in payload.denial_ids if 1 <= i <= MAX_ID]
        )
        chosen = list(mine)
        if len(chosen) != len(set(payload.denial_ids)):
            raise ValidationError(
                {
                    "denial_ids": [
                        ValidationError(
                            "Each id must be a denial of this denial's claim.",
                            code=Code.APPEAL_DENIALS_REQUIRED,
                        )
                    ]
                }
            )
    text = payload.letter_text
    if text is None:
        text = (
            appeal_letters.fill(template.body, selectors.letter_values(chosen)) if template else ""
        )
    appeal = services.create_appeal(
        denials=chosen,
        template=template,
        letter_text=text,
        method=payload.method,
        sent_on=payload.sent_on,
        actor=request.auth,
    )
    request.api_audited = True
    return _appeal(appeal)
