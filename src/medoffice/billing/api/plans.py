"""Billing API: a patient's payment plans, and a new one (``billing.services.plans``).

A refusal answers 400 naming the field (``total``, ``instalment_amount``, ``start_date``,
``day_of_month``) or the request (an active plan already), all at once, with its code; a
patient outside the caller's locations answers 404.
"""

# No ``from __future__ import annotations``: ninja resolves the operations' annotations.

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema
from ninja.responses import Status

from medoffice.api.common import Money, require_permission, row_id
from medoffice.api.errors import error_responses
from medoffice.billing import services as billing_services
from medoffice.billing.models import PaymentPlan, PaymentPlanInstalment
from medoffice.billing.services import plans as services
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission
from medoffice.patients import selectors as patient_selectors
from medoffice.patients.models import Patient

router = Router(tags=["billing"])


class InstalmentOut(Schema):
    number: int
    due_date: dt.date
    amount: Decimal
    covered: bool = Field(description="The payments since the plan began cover it in full.")


class PlanOut(Schema):
    id: int
    patient_id: int
    total: Decimal
    instalment_amount: Decimal
    frequency: str
    start_date: dt.date
    day_of_month: int
    status: str = Field(description="active, completed, cancelled or defaulted")
    paid: Decimal = Field(description="What the patient paid since the plan began.")
    left: Decimal
    in_default: bool = Field(description="An instalment is unpaid past the grace days.")
    instalments: list[InstalmentOut]


class PlanIn(Schema):
    total: Annotated[Decimal, Money(billing_services.MAX_PAYMENT)]
    instalment_amount: Annotated[Decimal, Money(billing_services.MAX_PAYMENT)]
    start_date: dt.date
    day_of_month: int = Field(..., ge=1, le=28, description="1 to 28: every month has it.")
    note: str = Field("", max_length=200)


def _out(plan: PaymentPlan) -> dict[str, Any]:
    view = services.plan_view(plan)
    return {
        "id": plan.pk,
        "patient_id": plan.patient_id,
        "total": plan.total,
        "instalment_amount": plan.instalment_amount,
        "frequency": plan.frequency,
        "start_date": plan.start_date,
        "day_of_month": plan.day_of_month,
        "status": plan.status,
        "paid": view.standing.paid,
        "left": view.standing.left,
        "in_default": plan.status == "defaulted" or (plan.status == "active" and view.past_due),
        "instalments": [
            {
                "number": i.number,
                "due_date": i.due_date,
                "amount": i.amount,
                "covered": i.number <= view.standing.covered,
            }
            for i in PaymentPlanInstalment.objects.filter(plan=plan).order_by("number")
        ],
    }


def _open(request: ApiRequest, patient_id: int) -> Patient:
    try:
        patient = patient_selectors.get_patient(request.auth, patient_id, data_category="ledger")
    except patient_selectors.OutsideScope:
        request.api_audited = True
        raise Http404(f"No patient with id {patient_id} in your locations.") from None
    except (PermissionDenied, Http404):
        request.api_audited = True
        raise
    request.api_audited = True
    return patient


@router.get(
    "/patients/{id}/payment-plans",
    response={200: list[PlanOut], **error_responses(403, 404, 422)},
    summary="A patient's payment plans with their instalments, newest first",
)
def payment_plans(request: ApiRequest, id: int = row_id()) -> Any:
    require_permission(
        request, Permission.VIEW_LEDGER, action=AuditAction.READ, object_type="billing.paymentplan"
    )
    patient = _open(request, id)
    plans = PaymentPlan.objects.restrict(request.auth, "view").filter(patient=patient)
    return [_out(plan) for plan in plans]


@router.post(
    "/patients/{id}/payment-plans",
    response={201: PlanOut, **error_responses(400, 403, 404, 422)},
    summary="Set up a monthly payment plan for (at most) what the patient is due now",
)
def create_payment_plan(request: ApiRequest, payload: PlanIn, id: int = row_id()) -> Any:
    require_permission(
        request,
        Permission.POST_LEDGER,
        action=AuditAction.CREATE,
        object_type="billing.paymentplan",
    )
    patient = _open(request, id)
    plan = services.create_plan(
        actor=request.auth,
        patient=patient,
        total=payload.total,
        instalment_amount=payload.instalment_amount,
        start_date=payload.start_date,
        day_of_month=payload.day_of_month,
        note=payload.note,
    )
    return Status(201, _out(plan))
