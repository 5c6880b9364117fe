"""Insurance deposits as JSON: the deposits, entering one, one deposit with its payments,
matching payments to it by hand and unmatching one (with its reason), the reconciliation,
and the provider account; through the same services and selectors as the pages
(``billing/views/deposits.py``). Reading needs ``VIEW_LEDGER``, writing ``POST_LEDGER``.
Practice-level money: no patient data, no location limit."""

# No ``from __future__ import annotations``: ninja resolves the operations' annotations.

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from medoffice.api.common import (
    Day,
    Money,
    Pagination,
    ShapedRows,
    audit,
    require_permission,
    restricted,
    row_id,
)
from medoffice.api.errors import error_responses
from medoffice.billing.bank_csv import MAXIMUM
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import InsuranceDeposit, ProviderAccountEntry
from medoffice.billing.selectors import deposits as selectors
from medoffice.billing.services import deposits as services
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction, practice_zone
from medoffice.core.roles import Permission

router = Router(tags=["billing"])


class DepositOut(Schema):
    id: int
    deposit_date: dt.date
    amount: Decimal
    method: str
    reference: str
    check_number: str
    location_id: int | None
    note: str
    source: str
    matched_total: Decimal


class DepositIn(Schema):
    deposit_date: Day
    amount: Annotated[Decimal, Money(MAXIMUM)]
    method: str = Field(..., description="check, eft or ach", max_length=5)
    reference: str = Field("", max_length=50, description="The EFT trace (TRN02).")
    check_number: str = Field("", max_length=30)
    location_id: int | None = None
    note: str = Field("", max_length=300)


class DepositPaymentOut(Schema):
    id: int
    era_file_id: int
    payer_name: str
    payer_identifier: str
    trace_number: str
    amount: Decimal
    payment_date: dt.date | None
    status: str


class DepositDetailOut(DepositOut):
    payments: list[DepositPaymentOut]
    difference: Decimal


class MatchIn(Schema):
    payment_ids: list[int] = Field(..., min_length=1, max_length=100)


class MatchOut(Schema):
    deposit: DepositDetailOut
    payments_posted: int = Field(description="Payments held for their deposit, posted now.")


class UnmatchIn(Schema):
    payment_id: int
    reason: str = Field(..., max_length=200)


class DayOut(Schema):
    day: dt.date
    deposited: Decimal
    paid: Decimal
    difference: Decimal


class ReconciliationOut(Schema):
    start: dt.date
    end: dt.date
    days: list[DayOut]
    payments_without_deposit: list[DepositPaymentOut]
    deposits_without_payment: list[DepositOut]
    deposits_with_difference: list[DepositOut]
    unbalanced_payments: list[DepositPaymentOut] = Field(
        description="Payments whose BPR02 is not Σ CLP04 − Σ PLB."
    )


class ProviderEntryOut(Schema):
    id: int
    payment_id: int
    payer_name: str
    kind: str
    reason: str
    reference: str
    claim_id: int | None
    amount: Decimal
    effective_date: dt.date


_DEPOSIT_FIELDS = [f for f in DepositOut.model_fields if f != "matched_total"]


def _deposit_row(d: InsuranceDeposit) -> dict[str, Any]:
    row = {name: getattr(d, name) for name in _DEPOSIT_FIELDS}
    row["matched_total"] = selectors.matched_total(d)
    return row


def _payment_row(p: Any) -> dict[str, Any]:
    return {name: getattr(p, name) for name in DepositPaymentOut.model_fields}


def _detail(request: ApiRequest, deposit_id: int) -> dict[str, Any]:
    view = selectors.get_deposit(request.auth, deposit_id)
    return {
        **_deposit_row(view.deposit),
        "payments": [_payment_row(p) for p in view.payments],
        "difference": view.difference,
    }


@router.get(
    "/deposits",
    response={200: list[DepositOut], **error_responses(400, 403, 422)},
    summary="The insurance deposits, newest first",
)
@paginate(Pagination)
def list_deposits(request: ApiRequest) -> Any:
    restricted(request, InsuranceDeposit)
    audit(request, AuditAction.READ, object_type="billing.insurancedeposit", data_category="ledger")
    rows = selectors.deposits(request.auth).order_by("-deposit_date", "-pk")
    return ShapedRows(rows, _deposit_row)


@router.post(
    "/deposits",
    response={200: DepositDetailOut, **error_responses(400, 403, 422)},
    summary="Enter a deposit; matched at once to the one payment of its trace and amount",
)
def create_deposit(request: ApiRequest, payload: DepositIn) -> Any:
    require_permission(
        request,
        Permission.POST_LEDGER,
        action=AuditAction.CREATE,
        object_type="billing.insurancedeposit",
    )
    deposit = services.create_deposit(actor=request.auth, **payload.dict())
    request.api_audited = True
    return _detail(request, deposit.pk)


@router.get(
    "/deposits/reconciliation",
    response={200: ReconciliationOut, **error_responses(400, 403, 422)},
    summary="Deposits against remittance payments from start to end (at most a year; "
    "without dates the month so far)",
)
def deposit_reconciliation(
    request: ApiRequest, start: Day | None = None, end: Day | None = None
) -> Any:
    restricted(request, InsuranceDeposit)
    today = timezone.now().astimezone(practice_zone()).date()
    start = start or today.replace(day=1)
    end = end or today
    if start > end or (end - start).days > 366:
        raise ValidationError(
            {
                "end": ValidationError(
                    "From a date before the end, at most a year.", code=Code.DEPOSIT_DATE_INVALID
                )
            }
        )
    report = selectors.reconciliation(request.auth, start=start, end=end)
    audit(
        request,
        AuditAction.READ,
        object_type="billing.insurancedeposit",
        data_category="ledger",
        detail=f"reconciliation {start.isoformat()} to {end.isoformat()}",
    )
    return {
        "start": start,
        "end": end,
        "days": [
            {"day": d.day, "deposited": d.deposited, "paid": d.paid, "difference": d.difference}
            for d in report.days
        ],
        "payments_without_deposit": [_payment_row(p) for p in report.payments_without_deposit],
        "deposits_without_payment": [_deposit_row(d) for d in report.deposits_without_payment],
        "deposits_with_difference": [_deposit_row(r.deposit) for r in report.differences],
        "unbalanced_payments": [_payment_row(p) for p in report.unbalanced],
    }


@router.get(
    "/deposits/{deposit_id}",
    response={200: DepositDetailOut, **error_responses(403, 404, 422)},
    summary="One deposit with the remittance payments matched to it",
)
def get_deposit(request: ApiRequest, deposit_id: int = row_id()) -> Any:
    restricted(request, InsuranceDeposit)
    row = _detail(request, deposit_id)
    audit(
        request,
        AuditAction.READ,
        object_type="billing.insurancedeposit",
        object_id=deposit_id,
        data_category="ledger",
    )
    return row


@router.post(
    "/deposits/{deposit_id}/match",
    response={200: MatchOut, **error_responses(400, 403, 404, 422)},
    summary="Match remittance payments (of one payer) to a deposit; held payments post",
)
def match_deposit(request: ApiRequest, payload: MatchIn, deposit_id: int = row_id()) -> Any:
    restricted(request, InsuranceDeposit, "change")
    selectors.get_deposit(request.auth, deposit_id)
    posted = services.match_deposit(
        deposit_id=deposit_id, payment_ids=payload.payment_ids, actor=request.auth
    )
    request.api_audited = True
    return {"deposit": _detail(request, deposit_id), "payments_posted": posted}


@router.post(
    "/deposits/{deposit_id}/unmatch",
    response={200: DepositDetailOut, **error_responses(400, 403, 404, 422)},
    summary="Take a payment off its deposit, with the reason (audited)",
)
def unmatch_deposit_payment(
    request: ApiRequest, payload: UnmatchIn, deposit_id: int = row_id()
) -> Any:
    restricted(request, InsuranceDeposit, "change")
    view = selectors.get_deposit(request.auth, deposit_id)
    if payload.payment_id not in {p.pk for p in view.payments}:
        raise ValidationError(
            {
                "payment_id": ValidationError(
                    "This payment is not matched to this deposit.", code=Code.DEPOSIT_NOT_MATCHED
                )
            }
        )
    services.unmatch_payment(
        payment_id=payload.payment_id, reason=payload.reason, actor=request.auth
    )
    request.api_audited = True
    return _detail(request, deposit_id)


@router.get(
    "/provider-account",
    response={200: list[ProviderEntryOut], **error_responses(400, 403, 422)},
    summary="The provider account's transactions (PLB items of posted payments), newest first",
)
@paginate(Pagination)
def provider_account_entries(request: ApiRequest) -> Any:
    restricted(request, ProviderAccountEntry)
    audit(
        request,
        AuditAction.READ,
        object_type="billing.provideraccountentry",
        data_category="ledger",
    )
    return ShapedRows(
        selectors.provider_entries(request.auth),
        lambda e: {name: getattr(e, name) for name in ProviderEntryOut.model_fields},
    )
