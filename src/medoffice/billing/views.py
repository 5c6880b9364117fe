"""Billing's pages: the payments list, a payment's receipt, on screen and as a PDF
(WeasyPrint). The front desk links to the receipt after taking a copay or a balance
(``billing.services.take_payment``)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from medoffice.billing import receipts, selectors
from medoffice.billing.filters import PaymentFilter
from medoffice.billing.models import PatientPayment
from medoffice.core.audit import record_event
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage
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


class PaymentList(ListPage):
    """The payments taken at the desk, newest first, filtered by day, method and kind."""

    model = PatientPayment
    title = "Payments"
    intro = "Money taken at the desk in the locations you work at. Open one for its receipt."
    filterset_class = PaymentFilter
    default_sort = "-received_at"
    data_category = "payment"
    patient_field = "patient_id"
    columns = [
        Column(
            "receipt_number",
            "Receipt",
            link=lambda p: reverse("billing:receipt", args=[p.pk]),
        ),
        Column(
            "received_at",
            "Received",
            value=lambda p: f"{timezone.localtime(p.received_at):%Y-%m-%d %H:%M}",
        ),
        Column(
            "patient",
            "Patient",
            order_by="patient__last_name",
            value=lambda p: f"{p.patient.last_name}, {p.patient.first_name}",
        ),
        Column("kind", "For", value=lambda p: p.kind.capitalize()),
        Column("method", "Paid by", value=lambda p: p.get_method_display()),
        Column("amount", "Amount", value=lambda p: f"${p.amount}", css="text-end"),
        Column("location", "Location", order_by="location__code", value=lambda p: p.location.code),
    ]

    def base_queryset(self) -> QuerySet:
        return selectors.counted_payments(self.request.user).select_related("patient", "location")
