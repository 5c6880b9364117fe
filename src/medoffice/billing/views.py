"""Billing's pages: a payment's receipt, on screen and as a PDF (WeasyPrint). The front
desk links here after taking a copay or a balance (``billing.services.take_payment``)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from medoffice.billing import receipts
from medoffice.billing.models import PatientPayment
from medoffice.core.audit import record_event
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission


def _payment_for(request: AuthenticatedRequest, pk: int) -> PatientPayment:
    return get_object_or_404(
        PatientPayment.objects.restrict(request.user, "view").select_related(
            "patient", "location", "appointment__provider", "received_by"
        ),
        pk=pk,
    )


@require_safe
@permission_required(Permission.VIEW_PATIENTPAYMENT, raise_exception=True)
def receipt(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    payment = _payment_for(request, pk)
    record_event(
        AuditAction.READ,
        user=request.user,
        obj=payment,
        patient_id=payment.patient_id,
        data_category="payment",
        detail=f"receipt {payment.receipt_number}",
    )
    return render(request, "billing/receipt.html", receipts.receipt_context(payment))


@require_safe
@permission_required(Permission.VIEW_PATIENTPAYMENT, raise_exception=True)
def receipt_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    payment = _payment_for(request, pk)
    data = receipts.receipt_pdf(payment, actor=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.receipt_number}.pdf"'
    return response
