"""Billing's PDFs keep within the page (fixed table layouts with the columns' widths given),
and the renderer parses each document's stylesheet once per process."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string

from medoffice.billing import receipts
from medoffice.billing.remittance_pdf import (
    ADVICE_STYLESHEET,
    remittance_advice_html,
    remittance_advice_pdf,
)
from medoffice.x12.r835 import read_835
from tests.x12.builders835 import FULL, interchange

TOLERANCE = 0.5  # CSS px


def _overflow(document: Any) -> list[str]:
    """The text of each line that runs past its page's right margin."""
    found = []
    for page in document.pages:
        box = page._page_box
        right = box.content_box_x() + box.width + TOLERANCE
        for child in box.descendants():
            text = type(child).__name__ == "TextBox"
            if text and child.content_box_x() + child.width > right:
                found.append(child.text)
    return found


def _statement(visits: int) -> dict[str, Any]:
    visit = {
        "date": dt.date(2026, 12, 19),
        "patient": "Maximiliana Featherstonehaugh",
        "provider": "Bartholomew Okonkwo-Villanueva, PA-C",
        "codes": "99214, 90686, 90471, 36415",
        "charges": Decimal("12345.00"),
        "insurance_paid": Decimal("10000.00"),
        "insurance_adjusted": Decimal("1234.56"),
        "patient_paid": Decimal("1000.00"),
        "patient_due": Decimal("11110.44"),
    }
    how = {"practice": "Riverside", "mail_to": "1 River Road", "phone": "+1 413-555-0180"}
    return {
        "number": "S000001",
        "as_of": dt.date(2026, 12, 31),
        "stage": 1,
        "guarantor_name": "Maximiliana Featherstonehaugh",
        "guarantor_address": "902 Harold Rapids, Palmer, MA 01069",
        "amount_due": Decimal("11110.44"),
        "due_by": dt.date(2027, 1, 30),
        "message": "Here is your statement.",
        "how": how,
        "pay_url": "",
        "aging": [("0-30 days", Decimal("11110.44"))],
        "visits": [visit] * visits,
        "payments": [
            {
                "date": dt.date(2026, 12, 1),
                "receipt": "R-2026-000123",
                "method": "card",
                "amount": Decimal("1000.00"),
            }
        ],
        "payments_since": dt.date(2026, 11, 30),
    }


def test_a_statements_nine_columns_keep_within_the_page():
    html = render_to_string(
        "billing/statements/statement.html",
        {"title": "Statement", "practice": "Riverside", "statements": [_statement(12)]},
    )
    document = receipts.html_to_document(html)
    assert _overflow(document) == []


def test_a_remittance_advice_keeps_within_the_page():
    remittances = read_835(interchange(FULL), strict=False).remittances
    document = receipts.html_to_document(
        remittance_advice_html(remittances), stylesheet=ADVICE_STYLESHEET
    )
    assert _overflow(document) == []


def test_the_advice_stylesheet_is_parsed_once_per_process():
    remittance = read_835(interchange(FULL), strict=False).remittances[0]
    remittance_advice_pdf(remittance)
    first = receipts._renderers[ADVICE_STYLESHEET].stylesheets
    remittance_advice_pdf(remittance)
    assert receipts._renderers[ADVICE_STYLESHEET].stylesheets is first
    assert first
