"""A statement's PDF, and a run's print file (every statement to print, one per page).

Laid out by WeasyPrint from the statement's stored content (``Statement.content``), so a
statement's PDF is the same whenever it is made again; nothing is fetched (``receipts``'
renderer refuses every URL). Printing is recorded in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string

from medoffice.billing import statement_rules as rules
from medoffice.billing.models import Statement, StatementDelivery, StatementRun
from medoffice.billing.receipts import html_to_pdf
from medoffice.billing.services.statements import statement_pay_url
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, Practice
from medoffice.core.permissions import Actor


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def statement_view(statement: Statement) -> dict[str, Any]:
    """What the template shows of one statement."""
    content = statement.content
    return {
        "number": statement.number,
        "as_of": statement.as_of,
        "stage": statement.stage,
        "guarantor_name": statement.guarantor_name,
        "guarantor_address": statement.guarantor_address,
        "amount_due": statement.amount_due,
        "due_by": _day(content["due_by"]),
        "message": content["message"],
        "how": content["how_to_pay"],
        "pay_url": statement_pay_url(statement),
        "aging": [(rules.AGING_LABELS[k], content["aging"][k]) for k in rules.AGING_BUCKETS],
        "visits": [{**v, "date": _day(v["date"])} for v in content["visits"]],
        "payments": [{**p, "date": _day(p["date"])} for p in content["payments"]],
        "payments_since": _day(content["payments_since"]),
    }


def render_statements_html(statements: Iterable[Statement], title: str) -> str:
    return render_to_string(
        "billing/statements/statement.html",
        {
            "title": title,
            "practice": Practice.current(),
            "statements": [statement_view(s) for s in statements],
        },
    )


def statement_pdf(statement: Statement, *, actor: Actor) -> bytes:
    data = html_to_pdf(render_statements_html([statement], f"Statement {statement.number}"))
    record_event(
        AuditAction.PRINT,
        user=actor,
        obj=statement,
        patient_id=statement.patient_id,
        data_category="statements",
        detail=f"statement {statement.number} PDF",
    )
    return data


def to_print(run: StatementRun) -> list[Statement]:
    return list(
        run.statements.filter(delivery=StatementDelivery.PRINT).order_by("guarantor_name", "pk")
    )


def run_print_pdf(run: StatementRun, *, actor: Actor, statements: list[Statement]) -> bytes:
    """Every statement of the run that goes by mail, one after the other (one file to
    print); ``statements`` are those the actor may see."""
    data = html_to_pdf(render_statements_html(statements, f"{run}: to print"))
    record_event(
        AuditAction.PRINT,
        user=actor,
        obj=run,
        patient_ids=[s.patient_id for s in statements],
        data_category="statements",
        detail=f"{len(statements)} statements printed",
    )
    return data
