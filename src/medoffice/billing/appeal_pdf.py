"""An appeal's letter as PDF: its stored text laid out by WeasyPrint with the receipts'
renderer (fonts and stylesheet made once per process, no URL ever fetched)."""

from __future__ import annotations

from django.template.loader import render_to_string

from medoffice.billing.models import Appeal
from medoffice.billing.receipts import _layout, _render_lock
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, User


def letter_html(appeal: Appeal) -> str:
    paragraphs = [p.strip("\n") for p in appeal.letter_text.split("\n\n") if p.strip()]
    return render_to_string(
        "billing/denials/letter.html",
        {"appeal": appeal, "paragraphs": paragraphs, "title": f"Appeal {appeal.pk}"},
    )


def letter_pdf(appeal: Appeal, *, actor: User) -> bytes:
    """The letter as PDF bytes; printing it is recorded in the audit log."""
    html = letter_html(appeal)
    with _render_lock:
        data: bytes = _layout(html).write_pdf()
    record_event(
        AuditAction.PRINT,
        user=actor,
        obj=appeal,
        patient_id=appeal.claim.patient_id,
        data_category="claims",
        detail=f"appeal letter {appeal.pk} of claim {appeal.claim.control_number} PDF",
    )
    return data
