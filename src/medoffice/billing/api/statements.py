"""Patient statements as JSON: run the month's statements, list the runs, the statement
schedule (read and set), a patient's statement history and a statement's PDF; through the same services and selectors as the
pages (``billing/views/statements.py``).

Runs need ``POST_LEDGER``, reads ``VIEW_LEDGER`` (403 without). Statements of patients
outside the caller's locations are neither counted nor shown. A bad date answers 400
naming ``as_of`` (``statement_date_invalid``).
"""

# No ``from __future__ import annotations``: ninja resolves the operations' annotations.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Body, Field, Router, Schema
from ninja.pagination import paginate

from medoffice.api.common import (
    MAX_ID,
    Pagination,
    ShapedRows,
    audit,
    audit_patients_shown,
    get_or_404,
    require_permission,
    restricted,
    row_id,
)
from medoffice.api.errors import error_responses
from medoffice.billing import statement_pdf
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import Statement, StatementRun
from medoffice.billing.selectors import statements as selectors
from medoffice.billing.services import statement_schedule
from medoffice.billing.services import statements as services
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction
from medoffice.core.money import CENT
from medoffice.core.roles import Permission
from medoffice.patients.models import Patient

router = Router(tags=["billing"])


class RunIn(Schema):
    as_of: dt.date | None = Field(
        None, description="The statement date (today when left out); its month is the run's."
    )
    location_ids: list[int] | None = Field(
        None, max_length=100, description="Only these locations (all when left out)."
    )


class RunOut(Schema):
    id: int
    period: dt.date
    as_of: dt.date
    scope: str = Field(description="The location ids run for, comma-separated; empty: all.")
    started_at: dt.datetime
    statements: int = Field(description="The run's statements the caller may see.")
    emailed: int
    to_print: int
    total_due: Decimal


class StatementOut(Schema):
    id: int
    number: str
    run_id: int
    as_of: dt.date
    guarantor_name: str
    patient_id: int
    amount_due: Decimal
    aging_0_30: Decimal
    aging_31_60: Decimal
    aging_61_90: Decimal
    aging_91_120: Decimal
    aging_over_120: Decimal
    stage: int = Field(
        description="0 statement, 1 friendly (30 days), 2 reminder (60), 3 final (90)."
    )
    stage_label: str
    balance_since: dt.date
    delivery: str = Field(description="`email` or `print`.")
    email_to: str
    created_at: dt.datetime


def _run_row(run: StatementRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "period": run.period,
        "as_of": run.as_of,
        "scope": run.scope,
        "started_at": run.started_at,
        "statements": run.seen,  # type: ignore[attr-defined]  # annotated
        "emailed": run.emailed,  # type: ignore[attr-defined]
        "to_print": run.printed,  # type: ignore[attr-defined]
        "total_due": (run.total_due or services.ZERO).quantize(CENT),  # type: ignore[attr-defined]
    }


def _statement_row(s: Statement) -> dict[str, Any]:
    return {
        "id": s.pk,
        "number": s.number,
        "run_id": s.run_id,
        "as_of": s.as_of,
        "guarantor_name": s.guarantor_name,
        "patient_id": s.patient_id,
        "amount_due": s.amount_due,
        "aging_0_30": s.aging_0_30,
        "aging_31_60": s.aging_31_60,
        "aging_61_90": s.aging_61_90,
        "aging_91_120": s.aging_91_120,
        "aging_over_120": s.aging_over_120,
        "stage": s.stage,
        "stage_label": s.get_stage_display(),
        "balance_since": s.balance_since,
        "delivery": s.delivery,
        "email_to": s.email_to,
        "created_at": s.created_at,
    }


@router.post(
    "/statement-runs",
    response={200: RunOut, **error_responses(400, 403, 422)},
    summary="Run the month's statements (again: only those not made yet)",
)
def run_statements(request: ApiRequest, payload: Body[RunIn | None] = None) -> Any:
    require_permission(
        request,
        Permission.POST_LEDGER,
        action=AuditAction.CREATE,
        object_type="billing.statementrun",
    )
    payload = payload or RunIn.model_validate({})
    if payload.location_ids and any(not 1 <= pk <= MAX_ID for pk in payload.location_ids):
        raise ValidationError(
            {
                "location_ids": [
                    ValidationError(
                        "Location ids are whole numbers from 1.",
                        code=Code.STATEMENT_LOCATION_INVALID,
                    )
                ]
            }
        )
    run = services.run_statements(
        as_of=payload.as_of or services.practice_today(),
        actor=request.auth,
        location_ids=payload.location_ids,
    )
    request.api_audited = True
    return _run_row(selectors.get_run(request.auth, run.pk))


@router.get(
    "/statement-runs",
    response={200: list[RunOut], **error_responses(400, 403, 422)},
    summary="The statement runs, newest first",
)
@paginate(Pagination)
def list_runs(request: ApiRequest) -> Any:
    restricted(request, StatementRun)
    audit(
        request,
        AuditAction.READ,
        object_type="billing.statementrun",
        data_category="statements",
        detail=f"API {request.method} {request.path}",
    )
    return ShapedRows(
        selectors.runs(request.auth).order_by("-period", "-pk"), _run_row, lambda _rows: None
    )


def _patient(request: ApiRequest, id: int) -> Patient:
    restricted(request, Statement)
    return get_or_404(request, Patient.objects.restrict(request.auth, "view"), id, what="patient")


@router.get(
    "/patients/{id}/statements",
    response={200: list[StatementOut], **error_responses(400, 403, 404, 422)},
    summary="A patient's statement history, newest first",
)
@paginate(Pagination)
def patient_statements(request: ApiRequest, id: int = row_id()) -> Any:
    patient = _patient(request, id)
    rows = selectors.patient_statements(request.auth, patient.pk)

    def shown(listed: list[Any]) -> None:
        audit_patients_shown(
            request, listed, object_type="billing.statement", data_category="statements"
        )

    return ShapedRows(rows, _statement_row, shown)


@router.get(
    "/patients/{id}/statements/{statement_id}/pdf",
    response={200: None, **error_responses(403, 404, 422)},
    summary="A statement's PDF (application/pdf; printing it is audited)",
)
def statement_file(
    request: ApiRequest, id: int = row_id(), statement_id: int = row_id()
) -> HttpResponse:
    patient = _patient(request, id)
    statement = get_or_404(
        request,
        selectors.statements_for(request.auth).filter(patients=patient.pk),
        statement_id,
        what="statement",
    )
    data = statement_pdf.statement_pdf(statement, actor=request.auth)
    request.api_audited = True
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="statement-{statement.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


class StatementScheduleIn(Schema):
    statement_day: int = Field(description="The day of the month the statements run, 1 to 28.")
    automatic: bool = Field(description="Whether the worker makes the month's run that day.")


class StatementScheduleOut(Schema):
    statement_day: int
    automatic: bool
    last_automatic_period: dt.date | None = Field(
        description="The month of the last automatic run (its first day)."
    )
    this_month_emailed: int = Field(description="This month's run: statements e-mailed.")
    this_month_to_print: int = Field(description="This month's run: statements to print.")


def _schedule_row(request: ApiRequest) -> dict[str, Any]:
    schedule = statement_schedule.current_schedule()
    run = statement_schedule.this_months_run()
    seen = selectors.runs(request.auth).filter(pk=run.pk).first() if run is not None else None
    return {
        "statement_day": schedule.statement_day,
        "automatic": schedule.automatic,
        "last_automatic_period": schedule.last_automatic_period,
        "this_month_emailed": getattr(seen, "emailed", 0),
        "this_month_to_print": getattr(seen, "printed", 0),
    }


@router.get(
    "/statement-schedule",
    response={200: StatementScheduleOut, **error_responses(400, 403, 422)},
    summary="The statement schedule and this month's run's counts",
)
def get_statement_schedule(request: ApiRequest) -> Any:
    require_permission(
        request,
        Permission.VIEW_LEDGER,
        action=AuditAction.READ,
        object_type="billing.statementschedule",
    )
    audit(
        request,
        AuditAction.READ,
        object_type="billing.statementschedule",
        data_category="statements",
        detail=f"API {request.method} {request.path}",
    )
    return _schedule_row(request)


@router.put(
    "/statement-schedule",
    response={200: StatementScheduleOut, **error_responses(400, 403, 422)},
    summary="Set the statement day and whether the month's run is automatic",
)
def set_statement_schedule(request: ApiRequest, payload: StatementScheduleIn) -> Any:
    require_permission(
        request,
        Permission.POST_LEDGER,
        action=AuditAction.UPDATE,
        object_type="billing.statementschedule",
    )
    statement_schedule.update_schedule(
        actor=request.auth, statement_day=payload.statement_day, automatic=payload.automatic
    )
    request.api_audited = True
    return _schedule_row(request)
