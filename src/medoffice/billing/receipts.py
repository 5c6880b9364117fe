"""The patient's receipt: one template (billing/receipt.html) renders the page and the PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from medoffice.billing.models import PatientPayment
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, Practice, User

RECEIPT_STYLESHEET = "billing/receipt.css"


def receipt_context(payment: PatientPayment, *, pdf: bool = False) -> dict[str, Any]:
    practice = Practice.current()
    return {
        "payment": payment,
        "patient": payment.patient,
        "location": payment.location,
        "practice": practice,
        "appointment": payment.appointment,
        "pdf": pdf,
        "title": f"Receipt {payment.receipt_number}",
    }


def receipt_document(payment: PatientPayment) -> Any:
    """The laid-out WeasyPrint document (its ``pages`` are the printed pages)."""
    from weasyprint import CSS, HTML

    stylesheet = finders.find(RECEIPT_STYLESHEET)
    sheets = [CSS(filename=str(stylesheet))] if stylesheet else []
    html = render_to_string("billing/receipt.html", receipt_context(payment, pdf=True))
    return HTML(string=html, base_url=str(Path.cwd())).render(stylesheets=sheets)


def receipt_pdf(payment: PatientPayment, *, actor: User) -> bytes:
    """The receipt as PDF bytes; printing a receipt is recorded in the audit log."""
    data = receipt_document(payment).write_pdf()
    record_event(
        AuditAction.PRINT,
        user=actor,
        obj=payment,
        patient_id=payment.patient_id,
        data_category="payment",
        detail=f"receipt {payment.receipt_number} PDF",
    )
    return data
