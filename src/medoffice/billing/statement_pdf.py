"""A statement's PDF, and a run's print file (every statement to print, one per page).

Laid out by WeasyPrint from the statement's stored content (``Statement.content``), so a
statement's PDF is the same whenever it is made again; nothing is fetched (``receipts``'
renderer refuses every URL). Printing is recorded in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from medoffice.billing import statement_rules as rules
from medoffice.billing.models import (
    Statement,
    StatementDelivery,
    StatementPrintFile,
    StatementRun,
)
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


def _ids(statements: Iterable[Statement]) -> str:
    return ",".join(str(s.pk) for s in statements)


def print_file_fresh_for() -> dt.timedelta:
    """How long a stored print file is served: its pay links keep at least a month (or,
    with links valid two months or less, half their life) after it is printed."""
    days = settings.PAY_LINK_MAX_AGE_DAYS
    return dt.timedelta(days=days - 30 if days > 60 else days / 2)


def _laid_out(run: StatementRun, statements: list[Statement]) -> bytes:
    return html_to_pdf(render_statements_html(statements, f"{run}: to print"))


def _keep(run: StatementRun, statements: list[Statement]) -> bytes:
    data = _laid_out(run, statements) if statements else b""
    StatementPrintFile.objects.update_or_create(
        run=run,
        defaults={"statement_ids": _ids(statements), "made_at": timezone.now(), "content": data},
    )
    return data


def store_print_file(run: StatementRun) -> bytes:
    """Lay out the run's whole print file now and keep it (the run calls this once it is
    saved, so the biller who opens the file does not wait for the mailing's layout)."""
    return _keep(run, to_print(run))


def _print_file(run: StatementRun, statements: list[Statement]) -> bytes:
    """The kept file when it holds exactly ``statements`` (all the run's statements to
    print) and is fresh; else laid out again and kept."""
    kept = (
        StatementPrintFile.objects.filter(run=run, statement_ids=_ids(statements))
        .filter(made_at__gt=timezone.now() - print_file_fresh_for())
        .values_list("content", flat=True)
        .first()
    )
    return bytes(kept) if kept else _keep(run, statements)


def run_print_pdf(
    run: StatementRun, *, actor: Actor, statements: list[Statement], whole_run: bool = False
) -> bytes:
    """Every statement of the run that goes by mail, one after the other (one file to
    print); ``statements`` are those the actor may see. ``whole_run``: they are all the
    run's statements to print, so the kept file serves (a user limited to some locations
    gets theirs laid out each time)."""
    data = _print_file(run, statements) if whole_run else _laid_out(run, statements)
    record_event(
        AuditAction.PRINT,
        user=actor,
        obj=run,
        patient_ids=[s.patient_id for s in statements],
        data_category="statements",
        detail=f"{len(statements)} statements printed",
    )
    return data
