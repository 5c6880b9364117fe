"""Billing reference API: code sets, payers with their billing profiles, fee schedules and
their entries, and the imports (multipart CSV/TXT/XLSX) answering the validation report.

Reads need ``VIEW_BILLING_REFERENCE``, imports ``CHANGE_BILLING_REFERENCE`` (403 without).
An import whose file cannot be read at all answers 400 naming ``file``; a file with bad
rows answers 200 with ``applied: false`` and every bad row (row, column, message), unless
``import_good_rows`` was sent, when the good rows are written and the bad ones listed.
"""

# No ``from __future__ import annotations``: ninja resolves the operations' annotations.

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from ninja import Field, File, Form, Path, Query, Router, Schema, UploadedFile
from ninja.errors import ValidationError as InvalidParameters
from ninja.pagination import paginate

from medoffice.api.common import (
    Day,
    Pagination,
    ShapedRows,
    audit,
    get_or_404,
    require_permission,
    restricted,
    row_id,
)
from medoffice.api.errors import error_responses
from medoffice.billing.filters.reference import FeeEntryFilter, ProcedureCodeFilter
from medoffice.billing.models import FeeSchedule, FeeScheduleEntry, PayerProfile, ProcedureCode
from medoffice.billing.selectors import reference as selectors
from medoffice.billing.services import imports
from medoffice.core.filtersets import filter_rows
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction, AuditOutcome
from medoffice.core.roles import Permission
from medoffice.patients.models import Payer

router = Router(tags=["billing"])

_FILE = File(None)
_GOOD = Form(False, description="Import the good rows even when some are bad.")
_KIND = Form(None, description="ptp, mue or addon (required).")
_TABLE = Form("practitioner", description="practitioner, outpatient or dme.")
_START = Form(None, description="MUE rows without their own effective date take this one.")
_CODE_SET = Form(None, description="cpt or hcpcs (required).")


class CodeOut(Schema):
    code: str
    code_set: str
    short_description: str
    description: str
    is_not_otherwise_classified: bool
    requires_ndc: bool
    effective_from: dt.date | None
    effective_to: dt.date | None
    is_active: bool
    is_synthetic: bool = Field(description="Made up for the demo; not a real code set entry.")


class PtpOut(Schema):
    table: str
    column1: str
    column2: str
    modifier_indicator: str
    effective_from: dt.date
    deleted_on: dt.date | None


class MueOut(Schema):
    table: str
    units: int
    adjudication: str
    effective_from: dt.date
    effective_to: dt.date | None


class AddOnOut(Schema):
    addon: str
    primary: str
    edit_type: int
    effective_from: dt.date
    deleted_on: dt.date | None


class CodeDetailOut(CodeOut):
    ptp_as_column1: list[PtpOut]
    ptp_as_column2: list[PtpOut]
    mues: list[MueOut]
    addon_primaries: list[AddOnOut] = Field(description="The code is an add-on: its primaries.")
    addons: list[AddOnOut] = Field(description="The code is a primary: add-ons billed with it.")


class ProfileOut(Schema):
    filing_indicator: str
    timely_filing_rule: str
    timely_filing_days: int
    submission: str
    clearinghouse_id: int | None
    claims_address_line1: str
    claims_address_line2: str
    claims_city: str
    claims_state: str
    claims_postal_code: str


class PayerOut(Schema):
    id: int
    name: str
    payer_id: str
    phone: str
    is_active: bool
    profile: ProfileOut | None = Field(description="Null until the payer's billing is set up.")
    timely_filing_deadline: dt.date | None = Field(
        None, description="For a line with the from-date asked (``from_date``), its deadline."
    )


class ScheduleOut(Schema):
    id: int
    name: str
    kind: str
    payer_id: int | None
    is_active: bool
    entry_count: int


class EntryOut(Schema):
    code: str
    modifier: str
    amount: Decimal
    effective_from: dt.date
    effective_to: dt.date | None


class ProblemOut(Schema):
    row: int
    column: str
    message: str


class ReportOut(Schema):
    kind: str
    rows_read: int
    good_rows: int
    created: int
    updated: int
    applied: bool = Field(description="Whether anything was written.")
    summary: str
    bad_rows: int = Field(description="Rows with a problem; a row may have several problems.")
    problems: list[ProblemOut]


class CodeQuery(Schema):
    q: str | None = Field(None, max_length=100, description="A code's first characters or words.")
    code_set: Literal["cpt", "hcpcs"] | None = None
    active: bool | None = None
    synthetic: bool | None = None


class EntryQuery(Schema):
    code: str | None = Field(None, max_length=5, description="One code.")


def _read(request: ApiRequest, object_type: str, what: str) -> None:
    require_permission(
        request, Permission.VIEW_BILLING_REFERENCE, action=AuditAction.READ, object_type=object_type
    )
    audit(
        request,
        AuditAction.READ,
        object_type=object_type,
        data_category="billing reference",
        detail=f"API {request.method} {request.path} ({what})",
    )


@router.get(
    "/billing/codes",
    response={200: list[CodeOut], **error_responses(400, 403, 422)},
    summary="Procedure codes (CPT, HCPCS), searched by code or words",
)
@paginate(Pagination)
def list_procedure_codes(request: ApiRequest, filters: Query[CodeQuery]) -> Any:
    queryset = restricted(request, ProcedureCode)
    rows = filter_rows(ProcedureCodeFilter, queryset, filters.model_dump(mode="json"))
    _read(request, "billing.procedurecode", "codes")
    return ShapedRows(rows.order_by("code"))


@router.get(
    "/billing/codes/{code}",
    response={200: CodeDetailOut, **error_responses(403, 404, 422)},
    summary="A procedure code with its NCCI edits (PTP, MUE, add-on)",
)
def get_procedure_code(
    request: ApiRequest, code: str = Path(..., pattern=r"^[A-Za-z0-9]{5}$")
) -> Any:
    queryset = restricted(request, ProcedureCode)
    found = queryset.filter(code=code.upper()).first()
    if found is None:
        audit(
            request,
            AuditAction.READ,
            object_type="billing.procedurecode",
            object_id=code.upper(),
            outcome=AuditOutcome.FAILURE,
            detail=f"API {request.method} {request.path}: not found",
        )
        raise Http404(f"No procedure code {code.upper()}.")
    edits = selectors.code_edits(found.code)
    _read(request, "billing.procedurecode", found.code)
    return {
        **{name: getattr(found, name) for name in CodeOut.model_fields},
        "ptp_as_column1": edits.as_column1,
        "ptp_as_column2": edits.as_column2,
        "mues": edits.mues,
        "addon_primaries": edits.primaries,
        "addons": edits.addons,
    }


def _payer_row(payer: Payer, from_date: dt.date | None) -> dict[str, Any]:
    profile = selectors.profile_of(payer)
    return {
        "id": payer.pk,
        "name": payer.name,
        "payer_id": payer.payer_id,
        "phone": payer.phone,
        "is_active": payer.is_active,
        "profile": (
            {name: getattr(profile, name) for name in ProfileOut.model_fields}
            if profile is not None
            else None
        ),
        "timely_filing_deadline": (
            selectors.timely_filing_deadline(payer, from_date) if from_date else None
        ),
    }


@router.get(
    "/billing/payers",
    response={200: list[PayerOut], **error_responses(403, 422)},
    summary="Payers with their billing profiles (and a line's timely filing deadline)",
)
@paginate(Pagination)
def list_billing_payers(request: ApiRequest, from_date: Day | None = None) -> Any:
    restricted(request, PayerProfile)
    _read(request, "billing.payerprofile", "payers")
    return ShapedRows(selectors.payers_with_profiles(), lambda payer: _payer_row(payer, from_date))


@router.get(
    "/billing/fee-schedules",
    response={200: list[ScheduleOut], **error_responses(403, 422)},
    summary="Fee schedules: the standard charges and payers' allowed amounts",
)
@paginate(Pagination)
def list_fee_schedules(request: ApiRequest) -> Any:
    queryset = restricted(request, FeeSchedule).annotate(entry_count=Count("entries"))
    _read(request, "billing.feeschedule", "fee schedules")
    return ShapedRows(queryset.order_by("kind", "name", "pk"))


@router.get(
    "/billing/fee-schedules/{id}/entries",
    response={200: list[EntryOut], **error_responses(400, 403, 404, 422)},
    summary="A fee schedule's entries (filtered by code)",
)
@paginate(Pagination)
def list_fee_schedule_entries(
    request: ApiRequest, filters: Query[EntryQuery], id: int = row_id()
) -> Any:
    schedule = get_or_404(request, restricted(request, FeeSchedule), id, what="fee schedule")
    rows = filter_rows(
        FeeEntryFilter,
        FeeScheduleEntry.objects.filter(schedule=schedule),
        filters.model_dump(mode="json"),
    )
    _read(request, "billing.feescheduleentry", schedule.name)
    return ShapedRows(rows.order_by("code", "modifier", "effective_from", "pk"))


def _missing(request: ApiRequest, *names: str) -> InvalidParameters:
    """A 422 naming each missing part of the multipart form, as ninja answers."""
    request.api_audited = False
    return InvalidParameters(
        [{"loc": ("form", name), "msg": "Field required", "type": "missing"} for name in names]
    )


def _importing(request: ApiRequest, object_type: str) -> None:
    require_permission(
        request,
        Permission.CHANGE_BILLING_REFERENCE,
        action=AuditAction.UPDATE,
        object_type=object_type,
    )


def _report(request: ApiRequest, run: Any) -> Any:
    try:
        report = run()
    except ValidationError:
        request.api_audited = False
        raise
    request.api_audited = True
    if not report.applied:
        audit(
            request,
            AuditAction.UPDATE,
            object_type=f"billing.{report.kind}",
            data_category="billing reference",
            detail=f"API import refused: {report.bad_rows} bad rows",
        )
    return report.as_dict()


@router.post(
    "/billing/imports/codes",
    response={200: ReportOut, **error_responses(400, 403, 422)},
    summary="Import a CPT or HCPCS file (multipart: code_set, file, import_good_rows)",
)
def import_procedure_codes_file(
    request: ApiRequest,
    code_set: Literal["cpt", "hcpcs"] | None = _CODE_SET,
    import_good_rows: bool = _GOOD,
    file: File[UploadedFile] | None = _FILE,
) -> Any:
    _importing(request, "billing.procedurecode")
    if code_set is None or file is None:
        raise _missing(
            request, *[n for n, v in (("code_set", code_set), ("file", file)) if v is None]
        )
    return _report(
        request,
        lambda: imports.import_procedure_codes(
            actor=request.auth,
            code_set=code_set,
            data=file.read(),
            filename=file.name or "",
            import_good_rows=import_good_rows,
        ),
    )


@router.post(
    "/billing/imports/ncci",
    response={200: ReportOut, **error_responses(400, 403, 422)},
    summary="Import an NCCI file (multipart: kind ptp|mue|addon, table, file, import_good_rows)",
)
def import_ncci_file(
    request: ApiRequest,
    kind: Literal["ptp", "mue", "addon"] | None = _KIND,
    table: Literal["practitioner", "outpatient", "dme"] = _TABLE,
    effective_from: Day | None = _START,
    import_good_rows: bool = _GOOD,
    file: File[UploadedFile] | None = _FILE,
) -> Any:
    _importing(request, "billing.ptpedit")
    if kind is None or file is None:
        raise _missing(request, *[n for n, v in (("kind", kind), ("file", file)) if v is None])
    return _report(
        request,
        lambda: imports.import_ncci(
            actor=request.auth,
            kind=kind,
            table=table,
            data=file.read(),
            filename=file.name or "",
            effective_from=effective_from,
            import_good_rows=import_good_rows,
        ),
    )


@router.post(
    "/billing/fee-schedules/{id}/import",
    response={200: ReportOut, **error_responses(400, 403, 404, 422)},
    summary="Import entries into a fee schedule (multipart CSV: code, modifier, amount, "
    "effective_from, effective_to)",
)
def import_fee_schedule_file(
    request: ApiRequest,
    id: int = row_id(),
    import_good_rows: bool = _GOOD,
    file: File[UploadedFile] | None = _FILE,
) -> Any:
    _importing(request, "billing.feescheduleentry")
    if file is None:
        raise _missing(request, "file")
    schedule = get_or_404(request, restricted(request, FeeSchedule), id, what="fee schedule")
    return _report(
        request,
        lambda: imports.import_fee_schedule(
            actor=request.auth,
            schedule=schedule,
            data=file.read(),
            filename=file.name or "",
            import_good_rows=import_good_rows,
        ),
    )
