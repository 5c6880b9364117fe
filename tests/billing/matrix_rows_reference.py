"""Billing reference's rows of the authorization matrix: code sets, NCCI edits, payers,
plans, clearinghouses, fee schedules, their imports and their API.

Everyone who sees the reference (the office manager, the biller, the front desk and
providers: ``VIEW_BILLING_REFERENCE``) reads the lists and details; only the biller and the
office manager (``CHANGE_BILLING_REFERENCE``) import and edit. HR, clinical staff and the
auditor are refused. Every write carries a body the view accepts and really writes.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from tests.core.test_authorization_matrix import BI, FD, OM, PR, api, page

READERS = {OM, BI, FD, PR}
EDITORS = {OM, BI}
CPT_FILE = b"Code,Short Description\n99213,Office visit (matrix)\n"
PTP_FILE = (
    b"Column 1\tColumn 2\tEffective Date\tDeletion Date\tModifier\n99214\t36415\t20260101\t*\t1\n"
)
FEE_FILE = b"code,modifier,amount,effective_from,effective_to\n99213,,125.00,2026-01-01,\n"


def _upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def _codes_body(_target: Any) -> dict[str, Any]:
    return {"code_set": "cpt", "file": _upload("cpt.csv", CPT_FILE)}


def _ncci_body(_target: Any) -> dict[str, Any]:
    return {"kind": "ptp", "table": "practitioner", "file": _upload("ptp.txt", PTP_FILE)}


def _fee_body(_target: Any) -> dict[str, Any]:
    return {"file": _upload("fees.csv", FEE_FILE)}


def _payer_body(target: Any) -> dict[str, Any]:
    return {
        "name": target.name if target is not None else "Matrix Payer",
        "payer_id": "MX001",
        "phone": "(413) 555-0123",
        "filing_indicator": "CI",
        "timely_filing_rule": "days",
        "timely_filing_days": "120",
        "submission": "electronic",
        "clearinghouse": "",
    }


def _plan_body(_target: Any) -> dict[str, Any]:
    return {"name": "Matrix plan", "filing_indicator": "", "is_active": "on"}


def _clearinghouse_body(_target: Any) -> dict[str, Any]:
    return {
        "name": "Matrix clearinghouse",
        "submitter_id": "ETIN9",
        "submitter_qualifier": "ZZ",
        "receiver_id": "RCV9",
        "receiver_qualifier": "ZZ",
        "receiver_name": "RECEIVER",
        "is_active": "on",
    }


def _schedule_body(_target: Any) -> dict[str, Any]:
    return {"name": "Matrix standard", "kind": "standard", "payer": "", "is_active": "on"}


ROWS = [
    page("/billing/codes/", "Billing: procedure codes", READERS),
    page("/billing/codes/import/", "Billing: import codes (the form)", EDITORS),
    page(
        "/billing/codes/import/",
        "Billing: import a code file (the report)",
        EDITORS,
        method="POST",
        body=_codes_body,
    ),
    page("/billing/codes/<str:code>/", "Billing: a code and its edits", READERS, target="ref_code"),
    page("/billing/ncci/ptp/", "Billing: NCCI PTP edits", READERS),
    page("/billing/ncci/mue/", "Billing: NCCI MUEs", READERS),
    page("/billing/ncci/addon/", "Billing: NCCI add-on edits", READERS),
    page("/billing/ncci/import/", "Billing: import NCCI edits (the form)", EDITORS),
    page(
        "/billing/ncci/import/",
        "Billing: import an NCCI file (the report)",
        EDITORS,
        method="POST",
        body=_ncci_body,
    ),
    page("/billing/payers/", "Billing: payers", READERS),
    page("/billing/payers/new/", "Billing: new payer (the form)", EDITORS),
    page(
        "/billing/payers/new/",
        "Billing: add a payer with its billing profile",
        EDITORS,
        method="POST",
        ok=302,
        body=_payer_body,
    ),
    page(
        "/billing/payers/<int:pk>/",
        "Billing: a payer (read-only without change)",
        READERS,
        target="ref_payer",
    ),
    page(
        "/billing/payers/<int:pk>/",
        "Billing: change a payer and its billing profile",
        EDITORS,
        method="POST",
        ok=302,
        target="ref_payer",
        body=_payer_body,
    ),
    page(
        "/billing/payers/<int:payer_pk>/plans/new/",
        "Billing: new plan (the form)",
        EDITORS,
        target="ref_payer",
    ),
    page(
        "/billing/payers/<int:payer_pk>/plans/new/",
        "Billing: add a plan to a payer",
        EDITORS,
        method="POST",
        ok=302,
        target="ref_payer",
        body=_plan_body,
    ),
    page("/billing/plans/<int:pk>/", "Billing: a plan (the form)", EDITORS, target="ref_plan"),
    page(
        "/billing/plans/<int:pk>/",
        "Billing: change a plan",
        EDITORS,
        method="POST",
        ok=302,
        target="ref_plan",
        body=_plan_body,
    ),
    page("/billing/clearinghouses/", "Billing: clearinghouses", READERS),
    page("/billing/clearinghouses/new/", "Billing: new clearinghouse (the form)", EDITORS),
    page(
        "/billing/clearinghouses/new/",
        "Billing: add a clearinghouse",
        EDITORS,
        method="POST",
        ok=302,
        body=_clearinghouse_body,
    ),
    page(
        "/billing/clearinghouses/<int:pk>/",
        "Billing: a clearinghouse (read-only without change)",
        READERS,
        target="ref_clearinghouse",
    ),
    page(
        "/billing/clearinghouses/<int:pk>/",
        "Billing: change a clearinghouse",
        EDITORS,
        method="POST",
        ok=302,
        target="ref_clearinghouse",
        body=_clearinghouse_body,
    ),
    page("/billing/fee-schedules/", "Billing: fee schedules", READERS),
    page("/billing/fee-schedules/new/", "Billing: new fee schedule (the form)", EDITORS),
    page(
        "/billing/fee-schedules/new/",
        "Billing: add a fee schedule",
        EDITORS,
        method="POST",
        ok=302,
        body=_schedule_body,
    ),
    page(
        "/billing/fee-schedules/<int:pk>/",
        "Billing: a fee schedule's entries",
        READERS,
        target="ref_schedule",
    ),
    page(
        "/billing/fee-schedules/<int:pk>/edit/",
        "Billing: a fee schedule (the form)",
        EDITORS,
        target="ref_schedule",
    ),
    page(
        "/billing/fee-schedules/<int:pk>/edit/",
        "Billing: change a fee schedule",
        EDITORS,
        method="POST",
        ok=302,
        target="ref_schedule",
        body=_schedule_body,
    ),
    page(
        "/billing/fee-schedules/<int:pk>/import/",
        "Billing: import fee entries (the form)",
        EDITORS,
        target="ref_schedule",
    ),
    page(
        "/billing/fee-schedules/<int:pk>/import/",
        "Billing: import a fee file (the report)",
        EDITORS,
        method="POST",
        target="ref_schedule",
        body=_fee_body,
    ),
    page(
        "/billing/fee-schedules/<int:pk>/export.csv",
        "Billing: a fee schedule as CSV for re-import",
        READERS,
        target="ref_schedule",
    ),
    api("GET", "/api/v1/billing/codes", "API: procedure codes", READERS),
    api(
        "GET",
        "/api/v1/billing/codes/{code}",
        "API: a procedure code and its edits",
        READERS,
        target="ref_code",
    ),
    api("GET", "/api/v1/billing/payers", "API: payers with their billing profiles", READERS),
    api("GET", "/api/v1/billing/fee-schedules", "API: fee schedules", READERS),
    api(
        "GET",
        "/api/v1/billing/fee-schedules/{id}/entries",
        "API: a fee schedule's entries",
        READERS,
        target="ref_schedule",
    ),
    api(
        "POST",
        "/api/v1/billing/imports/codes",
        "API: import a code file",
        EDITORS,
        body=_codes_body,
        encoding="form",
    ),
    api(
        "POST",
        "/api/v1/billing/imports/ncci",
        "API: import an NCCI file",
        EDITORS,
        body=_ncci_body,
        encoding="form",
    ),
    api(
        "POST",
        "/api/v1/billing/fee-schedules/{id}/import",
        "API: import a fee file",
        EDITORS,
        target="ref_schedule",
        body=_fee_body,
        encoding="form",
    ),
]


def _code() -> Any:
    from tests.billing.factories_reference import ProcedureCodeFactory, PtpEditFactory

    code = ProcedureCodeFactory(code="99215", short_description="Matrix visit")
    PtpEditFactory(column1="99215", column2="36415")
    return SimpleNamespace(pk=code.code)


def _payer() -> Any:
    from tests.billing.factories_reference import PayerProfileFactory

    return PayerProfileFactory().payer


def _plan() -> Any:
    from tests.billing.factories_reference import PlanFactory

    return PlanFactory()


def _clearinghouse() -> Any:
    from tests.billing.factories_reference import ClearinghouseFactory

    return ClearinghouseFactory()


def _schedule() -> Any:
    from tests.billing.factories_reference import FeeScheduleEntryFactory

    return FeeScheduleEntryFactory(code="36415").schedule


TARGETS: dict[str, Callable[[], Any]] = {
    "ref_code": _code,
    "ref_payer": _payer,
    "ref_plan": _plan,
    "ref_clearinghouse": _clearinghouse,
    "ref_schedule": _schedule,
}
