"""Payment plans' pages: make one from the patient's ledger, see one (its instalments,
what is covered, the defaulted flag), cancel one."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.billing.forms.plans import CancelPlanForm, PlanForm
from medoffice.billing.models import PaymentPlan, PaymentPlanInstalment
from medoffice.billing.selectors import ledger as ledger_selectors
from medoffice.billing.services import plans as services
from medoffice.core.formaction import run_form_action
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.money import format_money
from medoffice.core.roles import Permission
from medoffice.patients.selectors import get_patient


def _plan_for(request: AuthenticatedRequest, pk: int, action: str) -> PaymentPlan:
    plan = (
        PaymentPlan.objects.restrict(request.user, action)
        .select_related("patient", "location")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404("No such payment plan.")
    return plan


@require_http_methods(["GET", "POST"])
@permission_required(Permission.POST_LEDGER, raise_exception=True)
def plan_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = get_patient(request.user, pk, data_category="ledger")
    due = ledger_selectors.patient_due(request.user, patient.pk)
    form = PlanForm(
        request.POST or None,
        initial={"total": due, "start_date": services.today(), "day_of_month": 1},
    )
    done = run_form_action(
        request,
        form,
        lambda data: services.create_plan(actor=request.user, patient=patient, **data),
        success=lambda plan: (
            f"Payment plan of {format_money(plan.total)} at "
            f"{format_money(plan.instalment_amount)} a month set up."
        ),
        redirect_to=lambda plan: redirect("billing_office:payment-plan", pk=plan.pk),
    )
    if done is not None:
        return done
    return render(
        request,
        "billing/plans/new.html",
        {
            "title": f"New payment plan for {patient.last_name}, {patient.first_name}",
            "patient": patient,
            "due": due,
            "form": form,
        },
    )


@require_safe
@permission_required(Permission.VIEW_LEDGER, raise_exception=True)
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk, "view")
    services.record_plan_view(user=request.user, plan=plan)
    view = services.plan_view(plan)
    instalments = list(PaymentPlanInstalment.objects.filter(plan=plan).order_by("number"))
    return render(
        request,
        "billing/plans/detail.html",
        {
            "title": f"Payment plan of {plan.patient.last_name}, {plan.patient.first_name}",
            "plan": plan,
            "view": view,
            "instalments": [(i, i.number <= view.standing.covered) for i in instalments],
            "cancel_form": CancelPlanForm(),
            "can_change": request.user.has_perm(Permission.POST_LEDGER),
        },
    )


@require_POST
@permission_required(Permission.POST_LEDGER, raise_exception=True)
def plan_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk, "change")
    form = CancelPlanForm(request.POST)
    done = run_form_action(
        request,
        form,
        lambda data: services.cancel_plan(actor=request.user, plan=plan, reason=data["reason"]),
        success="The payment plan is cancelled.",
        redirect_to=lambda result: redirect("billing_office:payment-plan", pk=plan.pk),
    )
    if done is not None:
        return done
    view = services.plan_view(plan)
    instalments = list(PaymentPlanInstalment.objects.filter(plan=plan).order_by("number"))
    return render(
        request,
        "billing/plans/detail.html",
        {
            "title": f"Payment plan of {plan.patient.last_name}, {plan.patient.first_name}",
            "plan": plan,
            "view": view,
            "instalments": [(i, i.number <= view.standing.covered) for i in instalments],
            "cancel_form": form,
            "can_change": True,
        },
        status=400,
    )
