"""The patient's receipt: one template (billing/receipt.html) renders the page and the PDF.

The PDF is WeasyPrint's. What does not change between receipts is made once per process
and kept (`_Renderer`): WeasyPrint's import (about a second), its font configuration
(fontconfig and Pango's font map) and the parsed stylesheet (read again only when the
file changes). Billing's other documents are laid out by the same renderer with their own
stylesheet (`html_to_pdf(html, stylesheet=...)`: the remittance advice), each parsed once
too: parsing a stylesheet compiles its selectors, several milliseconds a document. A web
worker makes them when it starts (`warm_up`, from gunicorn's `post_worker_init`), so no
patient waits for them. Nothing is fetched: the PDF's HTML
links no file, and the URL fetcher refuses any URL, so a receipt never reaches the network.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from medoffice.billing import selectors
from medoffice.billing.models import PatientPayment
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, Practice, User

RECEIPT_STYLESHEET = "billing/receipt.css"


def receipt_context(
    payment: PatientPayment, *, pdf: bool = False, user: User | None = None
) -> dict[str, Any]:
    """What the receipt shows; with ``user`` (the page), the void and refund buttons it may offer."""
    practice = Practice.current()
    now = timezone.now()
    return {
        "payment": payment,
        "history": selectors.history(payment),
        "refunded": selectors.refunded(payment),
        "net": selectors.net_amount(payment),
        "can_void": user is not None and selectors.can_void_now(user, payment, now),
        "can_refund": user is not None and selectors.can_refund_now(user, payment),
        "patient": payment.patient,
        "location": payment.location,
        "practice": practice,
        "appointment": payment.appointment,
        "pdf": pdf,
        "title": f"Receipt {payment.receipt_number}",
    }


@dataclass(frozen=True)
class _Renderer:
    font_config: Any  # weasyprint.text.fonts.FontConfiguration
    stylesheets: list[Any]  # weasyprint.CSS
    stylesheet_stamp: tuple[str, float] | None
    url_fetcher: Any  # weasyprint.urls.URLFetcher allowing no protocol


_renderers: dict[str, _Renderer] = {}  # by stylesheet (its name among the static files)
# One document laid out at a time per process: the font configuration (Pango's font map) is
# shared, and a receipt takes a few tens of milliseconds.
_render_lock = threading.Lock()


def _stylesheet_stamp(stylesheet: str) -> tuple[str, float] | None:
    found = finders.find(stylesheet)
    if not found:
        return None
    path = str(found)
    return path, os.stat(path).st_mtime


def _current_renderer(stylesheet: str = RECEIPT_STYLESHEET) -> _Renderer:
    """The process's font configuration and ``stylesheet`` parsed (call with the lock held)."""
    stamp = _stylesheet_stamp(stylesheet)
    renderer = _renderers.get(stylesheet)
    if renderer is None or renderer.stylesheet_stamp != stamp:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        any_renderer = renderer or next(iter(_renderers.values()), None)
        font_config = any_renderer.font_config if any_renderer else FontConfiguration()
        no_fetching = URLFetcher(allowed_protocols=frozenset())  # every URL refused
        sheets = (
            [CSS(filename=stamp[0], font_config=font_config, url_fetcher=no_fetching)]
            if stamp
            else []
        )
        renderer = _renderers[stylesheet] = _Renderer(font_config, sheets, stamp, no_fetching)
    return renderer


def _layout(html: str, stylesheet: str = RECEIPT_STYLESHEET) -> Any:
    from weasyprint import HTML

    renderer = _current_renderer(stylesheet)
    return HTML(string=html, base_url=str(Path.cwd()), url_fetcher=renderer.url_fetcher).render(
        stylesheets=renderer.stylesheets, font_config=renderer.font_config
    )


def receipt_document(payment: PatientPayment) -> Any:
    """The laid-out WeasyPrint document (its ``pages`` are the printed pages)."""
    html = render_receipt_html(payment)
    with _render_lock:
        return _layout(html)


def html_to_pdf(html: str, *, stylesheet: str = RECEIPT_STYLESHEET) -> bytes:
    """Lay out ``html`` (a document of billing's: a statement, a run's print file, with the
    receipt's stylesheet; a remittance advice with its own) with the process's renderer and
    return the PDF's bytes."""
    with _render_lock:
        data: bytes = _layout(html, stylesheet).write_pdf()
    return data


def html_to_document(html: str, *, stylesheet: str = RECEIPT_STYLESHEET) -> Any:
    """The laid-out WeasyPrint document of ``html`` (its ``pages``)."""
    with _render_lock:
        return _layout(html, stylesheet)


def warm_up(extra_stylesheets: tuple[str, ...] = ("billing/remittance_advice.css",)) -> None:
    """Make the process's renderer and lay out one small page, so the first receipt is quick;
    parse the other documents' stylesheets too."""
    with _render_lock:
        _layout(_WARM_UP_HTML).write_pdf()
        for stylesheet in extra_stylesheets:
            _current_renderer(stylesheet)


# The receipt's fonts (regular and bold, in the receipt's family) without a payment.
_WARM_UP_HTML = (
    '<!doctype html><title>warm-up</title><body class="receipt-body"><article class="receipt">'
    '<h1 class="receipt-practice">MedOffice</h1><table class="receipt-table"><tr class='
    '"receipt-total"><th>Amount</th><td>$1,000.00</td></tr></table></article></body>'
)


def render_receipt_html(payment: PatientPayment) -> str:
    """The HTML the PDF is made from (the page's template, without its buttons)."""
    return render_to_string("billing/receipt.html", receipt_context(payment, pdf=True))


def receipt_pdf(payment: PatientPayment, *, actor: User) -> bytes:
    """The receipt as PDF bytes; printing a receipt is recorded in the audit log."""
    html = render_receipt_html(payment)
    with _render_lock:
        data = _layout(html).write_pdf()
    record_event(
        AuditAction.PRINT,
        user=actor,
        obj=payment,
        patient_id=payment.patient_id,
        data_category="payment",
        detail=f"receipt {payment.receipt_number} PDF",
    )
    return data
