"""The ledger's pages: a patient's ledger (entries by visit and line, running balances,
insurance and patient columns) and the credit-balance report."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import permission_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from medoffice.billing.filters.ledger import CreditFilter
from medoffice.billing.models import LedgerEntry, PaymentPlan
from medoffice.billing.selectors import ledger as selectors
from medoffice.billing.services.plans import plan_view
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage
from medoffice.core.money import CENT, format_money
from medoffice.core.roles import Permission
from medoffice.patients.selectors import get_patient


@require_safe
@permission_required(Permission.VIEW_LEDGER, raise_exception=True)
def patient_ledger(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = get_patient(request.user, pk, data_category="ledger")
    return render(
        request,
        "billing/ledger/patient.html",
        {
            "title": f"Ledger of {patient.last_name}, {patient.first_name}",
            "patient": patient,
            "visits": selectors.patient_ledger(request.user, patient.pk),
            "balance": selectors.patient_balance(request.user, patient.pk),
            "due": selectors.patient_due(request.user, patient.pk),
            "unapplied": selectors.patient_unapplied(request.user, patient.pk),
            "plans": [
                plan_view(plan)
                for plan in PaymentPlan.objects.restrict(request.user, "view").filter(
                    patient_id=patient.pk
                )
            ],
            "can_plan": request.user.has_perm(Permission.POST_LEDGER),
        },
    )


def _patient_name(line: Any) -> str:
    patient = line.encounter.patient
    return f"{patient.last_name}, {patient.first_name}"


class CreditBalanceList(ListPage):
    model = LedgerEntry
    title = "Credit balances"
    intro = (
        "Service lines where the insurance or the patient balance is below zero (an "
        "overpayment, or a charge lowered after payment): refund or apply them."
    )
    filterset_class = CreditFilter
    default_sort = "patient"
    data_category = "ledger"
    patient_field = "patient_id"
    columns = [
        Column(
            "patient",
            "Patient",
            order_by="encounter__patient__last_name",
            value=_patient_name,
            link=lambda line: reverse("billing_office:patient-ledger", args=[line.patient_id]),
        ),
        Column(
            "date_of_service",
            "Date of service",
            order_by="encounter__date_of_service",
            value=lambda line: line.encounter.date_of_service,
        ),
        Column(
            "procedure_code",
            "Line",
            value=lambda line: f"{line.line_number}: {line.procedure_code}",
        ),
        Column(
            "location",
            "Location",
            order_by="encounter__location__code",
            value=lambda line: line.encounter.location.code,
        ),
        Column(
            "insurance_balance",
            "Insurance",
            value=lambda line: format_money(line.insurance_balance),
            export=lambda line: line.insurance_balance.quantize(CENT),
            css="text-end",
        ),
        Column(
            "patient_balance",
            "Patient",
            value=lambda line: format_money(line.patient_balance),
            export=lambda line: line.patient_balance.quantize(CENT),
            css="text-end",
        ),
    ]

    def base_queryset(self) -> QuerySet:
        return selectors.credit_line_rows(self.request.user)
