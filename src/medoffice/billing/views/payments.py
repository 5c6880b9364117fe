"""Billing's pages: the payments list, a payment's receipt, on screen and as a PDF
(WeasyPrint), and its void and refund. The front desk links to the receipt after taking a copay or a balance
(``billing.services.take_payment``)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from medoffice.billing import receipts, selectors, services
from medoffice.billing.filters import PaymentFilter
from medoffice.billing.forms import RefundForm, VoidForm
from medoffice.billing.models import PatientPayment, PaymentRefund
from medoffice.core.audit import record_event
from medoffice.core.formaction import run_form_action
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage
from medoffice.core.models import AuditAction
from medoffice.core.money import format_money
from medoffice.core.roles import Permission


def _payment_for(request: AuthenticatedRequest, pk: int, action: str = "view") -> PatientPayment:
    return get_object_or_404(
        PatientPayment.objects.restrict(request.user, action)
        .select_related("patient", "location", "appointment__provider", "received_by", "voided_by")
        .prefetch_related(
            Prefetch("refunds", queryset=PaymentRefund.objects.select_related("refunded_by"))
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
    return render(
        request, "billing/receipt.html", receipts.receipt_context(payment, user=request.user)
    )


@require_safe
@permission_required(Permission.VIEW_PATIENTPAYMENT, raise_exception=True)
def receipt_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    payment = _payment_for(request, pk)
    data = receipts.receipt_pdf(payment, actor=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.receipt_number}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@permission_required(Permission.VOID_PATIENTPAYMENT, raise_exception=True)
def void(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The confirmation step of a void: the receipt, the reason asked, then the void."""
    payment = _payment_for(request, pk, "void")
    form = VoidForm(request.POST or None)
    done = run_form_action(
        request,
        form,
        lambda data: services.void_payment(
            actor=request.user, payment=payment, reason=data["reason"]
        ),
        success=f"Receipt {payment.receipt_number} is void.",
        redirect_to=lambda result: redirect("billing:receipt", pk=payment.pk),
    )
    if done is not None:
        return done
    return render(
        request,
        "billing/payment_change.html",
        {
            "payment": payment,
            "form": form,
            "what": "void",
            "title": f"Void receipt {payment.receipt_number}",
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.REFUND_PATIENTPAYMENT, raise_exception=True)
def refund(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A refund: the amount (at most what is left of the payment) and the reason."""
    payment = _payment_for(request, pk, "refund")
    form = RefundForm(request.POST or None)
    done = run_form_action(
        request,
        form,
        lambda data: services.refund_payment(
            actor=request.user, payment=payment, amount=data["amount"], reason=data["reason"]
        ),
        success=lambda result: (
            f"Refunded {format_money(result.amount)} on receipt {payment.receipt_number}."
        ),
        redirect_to=lambda result: redirect("billing:receipt", pk=payment.pk),
    )
    if done is not None:
        return done
    return render(
        request,
        "billing/payment_change.html",
        {
            "payment": payment,
            "form": form,
            "what": "refund",
            "left": selectors.net_amount(payment),
            "title": f"Refund on receipt {payment.receipt_number}",
        },
    )


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
            value=lambda p: timezone.localtime(p.received_at),
        ),
        Column(
            "patient",
            "Patient",
            order_by="patient__last_name",
            value=lambda p: f"{p.patient.last_name}, {p.patient.first_name}",
        ),
        Column("kind", "For", value=lambda p: p.kind.capitalize()),
        Column("method", "Paid by", value=lambda p: p.get_method_display()),
        Column("amount", "Amount", value=lambda p: format_money(p.amount), css="text-end"),
        Column("location", "Location", order_by="location__code", value=lambda p: p.location.code),
    ]

    def base_queryset(self) -> QuerySet:
        return selectors.counted_payments(self.request.user).select_related("patient", "location")
