"""Eligibility's pages, under /billing/eligibility/: the worklist of checks that need
someone (rejected, inactive, not checkable, no answer after a day), one check with its
answer and "Check again", and the 271 upload that shows the same report as the command."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import permission_required
from django.db.models import F, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.billing.filters import EligibilityFilter
from medoffice.billing.forms import CheckAgainForm, Import271Form
from medoffice.billing.models import EligibilityCheck
from medoffice.billing.selectors import eligibility as selectors
from medoffice.billing.services import eligibility as services
from medoffice.core.audit import record_event
from medoffice.core.formaction import run_form_action
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage
from medoffice.core.models import AuditAction
from medoffice.core.money import format_money
from medoffice.core.roles import Permission

VIEW = Permission.VIEW_ELIGIBILITY
CHECK = Permission.CHECK_ELIGIBILITY


def _patient(c: EligibilityCheck) -> str:
    patient = c.coverage.patient
    return f"{patient.last_name}, {patient.first_name}"


def _money(value: Any) -> str:
    return format_money(value) if value is not None else ""


class EligibilityList(ListPage):
    """The checks that need someone: the newest of each coverage and date of service."""

    model = EligibilityCheck
    title = "Eligibility worklist"
    intro = (
        "Insurance checks that failed: rejected by the payer, coverage not active, could not "
        "be sent, or no answer a day after sending. Open one to see the answer or check again."
    )
    filterset_class = EligibilityFilter
    default_sort = "service_date"
    data_category = "eligibility"
    patient_field = "patient_id"
    actions_template = "billing/eligibility/_list_actions.html"
    columns = [
        Column("service_date", "Visit"),
        Column(
            "patient",
            "Patient",
            order_by="coverage__patient__last_name",
            value=_patient,
            link=lambda c: reverse("billing_office:eligibility-check", args=[c.pk]),
        ),
        Column(
            "payer",
            "Payer",
            order_by="coverage__payer__name",
            value=lambda c: c.coverage.payer.name,
        ),
        Column(
            "member_id",
            "Member ID",
            order_by="coverage__member_id",
            value=lambda c: c.coverage.member_id,
        ),
        Column("status", "Status", value=selectors.status_label),
        Column("rejection_reason", "Reason", css="cell-wrap"),
        Column(
            "location",
            "Location",
            order_by="location__code",
            value=lambda c: c.location.code if c.location else "",
        ),
        Column("requested_at", "Asked", value=lambda c: timezone.localtime(c.requested_at)),
    ]

    def get_permission_required(self) -> list[str]:
        return [VIEW]

    def export_permission(self) -> str:
        return VIEW

    def base_queryset(self) -> QuerySet:
        return selectors.latest_only(selectors.visible_checks(self.request.user)).annotate(
            patient_id=F("coverage__patient_id")
        )

    def extra_context(self) -> dict[str, Any]:
        return {"can_check": self.request.user.has_perm(CHECK)}


def _check_for(request: AuthenticatedRequest, pk: int) -> EligibilityCheck:
    return get_object_or_404(selectors.visible_checks(request.user), pk=pk)


@require_safe
@permission_required(VIEW, raise_exception=True)
def check_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    check = _check_for(request, pk)
    record_event(
        AuditAction.READ,
        user=request.user,
        obj=check,
        patient_id=check.coverage.patient_id,
        data_category="eligibility",
        detail=f"eligibility check {check.trace_number}",
    )
    return render(
        request,
        "billing/eligibility/check.html",
        {
            "check": check,
            "status_label": selectors.status_label(check),
            "can_check": request.user.has_perm(CHECK),
            "title": f"Eligibility · {_patient(check)}",
            "money": {
                "copay": _money(check.copay),
                "deductible": _money(check.deductible),
                "deductible_remaining": _money(check.deductible_remaining),
                "out_of_pocket_remaining": _money(check.out_of_pocket_remaining),
                "copay_on_file": _money(check.coverage.copay),
            },
        },
    )


@require_POST
@permission_required(CHECK, raise_exception=True)
def check_again(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    check = _check_for(request, pk)
    form = CheckAgainForm(request.POST)
    done = run_form_action(
        request,
        form,
        lambda data: services.check_again(actor=request.user, check=check),
        success=lambda again: (
            f"A new check ({again.trace_number}) is queued; it goes out with the next batch."
        ),
        redirect_to=lambda again: redirect("billing_office:eligibility-check", pk=again.pk),
    )
    if done is not None:
        return done
    from django.contrib import messages

    for error in form.non_field_errors():
        messages.error(request, str(error))
    return redirect("billing_office:eligibility-check", pk=check.pk)


@require_http_methods(["GET", "POST"])
@permission_required(CHECK, raise_exception=True)
def import_271(request: AuthenticatedRequest) -> HttpResponse:
    """Upload a 271: the same report as `medoffice eligibility import`."""
    form = Import271Form(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = services.import_271(
                actor=request.user, source=upload.read(), file_name=upload.name or ""
            )
            status = 200 if report.ok else 400
        else:
            status = 400
    return render(
        request,
        "billing/eligibility/import.html",
        {"form": form, "report": report, "title": "Import a 271 (eligibility answers)"},
        status=status,
    )
