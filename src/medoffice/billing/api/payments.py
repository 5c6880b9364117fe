"""Billing API: a payment's void and refund, through the same services as the pages.

``void`` and ``refund`` are ``billing.services.void_payment`` and ``refund_payment``: a
refusal answers 400 naming the field (``reason``, ``amount``) or the request as a whole,
with its code from ``billing/error_codes.py``; a payment outside the caller's locations
answers 404.
"""

# No ``from __future__ import annotations``: ninja resolves the operations' annotations.

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Router, Schema

from medoffice.api.common import Money, get_or_404, restricted, row_id
from medoffice.api.errors import error_responses
from medoffice.billing import selectors, services
from medoffice.billing.models import PatientPayment
from medoffice.core.http import ApiRequest

router = Router(tags=["billing"])


class RefundOut(Schema):
    id: int
    amount: Decimal
    reason: str
    refunded_at: dt.datetime


class PaymentOut(Schema):
    id: int
    receipt_number: str
    patient_id: int
    appointment_id: int | None
    amount: Decimal
    method: str
    received_at: dt.datetime
    voided_at: dt.datetime | None
    void_reason: str
    refunds: list[RefundOut]
    net_amount: Decimal = Field(description="What the practice keeps: 0 when void, less refunds.")

    @staticmethod
    def resolve_refunds(payment: PatientPayment) -> list[Any]:
        return selectors.refunds_of(payment)

    @staticmethod
    def resolve_net_amount(payment: PatientPayment) -> Decimal:
        return selectors.net_amount(payment)


class VoidIn(Schema):
    reason: str = Field(..., max_length=services.MAX_REASON, description="Why it is void.")


class RefundIn(Schema):
    amount: Annotated[Decimal, Money(services.MAX_PAYMENT)]
    reason: str = Field(..., max_length=services.MAX_REASON, description="Why it is refunded.")


@router.post(
    "/payments/{id}/void",
    response={200: PaymentOut, **error_responses(400, 403, 404, 422)},
    summary="Void a payment taken in error (the same practice day, not refunded), with a reason",
)
def void_payment(request: ApiRequest, payload: VoidIn, id: int = row_id()) -> Any:
    payment = get_or_404(request, restricted(request, PatientPayment, "void"), id, what="payment")
    payment = services.void_payment(actor=request.auth, payment=payment, reason=payload.reason)
    request.api_audited = True
    return payment


@router.post(
    "/payments/{id}/refund",
    response={200: PaymentOut, **error_responses(400, 403, 404, 422)},
    summary="Refund part or all of a payment (at most what was paid less earlier refunds)",
)
def refund_payment(request: ApiRequest, payload: RefundIn, id: int = row_id()) -> Any:
    queryset = restricted(request, PatientPayment, "refund")
    payment = get_or_404(request, queryset, id, what="payment")
    services.refund_payment(
        actor=request.auth, payment=payment, amount=payload.amount, reason=payload.reason
    )
    request.api_audited = True
    return queryset.prefetch_related("refunds").get(pk=payment.pk)
