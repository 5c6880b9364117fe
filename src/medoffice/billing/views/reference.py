"""The billing office's reference pages: code sets, NCCI edits, payers with their billing
profiles and plans, clearinghouses and fee schedules, and the imports with their reports.

Everyone with ``VIEW_BILLING_REFERENCE`` reads them (the front desk and providers too);
the biller and the office manager (``CHANGE_BILLING_REFERENCE``) import and edit.

An import that finds bad rows shows its report and keeps the file for a moment (a file
in the temporary folder named by a random token held in the session), so "import the
good rows" does not ask for the file again.
"""

from __future__ import annotations

import contextlib
import csv
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from medoffice.billing.filters.reference import (
    AddOnCodeFilter,
    FeeEntryFilter,
    MueLimitFilter,
    PayerFilter,
    ProcedureCodeFilter,
    PtpEditFilter,
)
from medoffice.billing.forms.reference import (
    ClearinghouseForm,
    CodeImportForm,
    FeeImportForm,
    FeeScheduleForm,
    NcciImportForm,
    PayerForm,
    PlanForm,
)
from medoffice.billing.models import (
    AddOnCode,
    Clearinghouse,
    FeeSchedule,
    FeeScheduleEntry,
    MueLimit,
    Plan,
    ProcedureCode,
    PtpEdit,
)
from medoffice.billing.selectors import reference as selectors
from medoffice.billing.services import imports
from medoffice.billing.services import reference as services
from medoffice.core.formaction import errors_onto_form, run_form_action
from medoffice.core.formats import as_date
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage, csv_cell
from medoffice.core.money import format_money
from medoffice.core.roles import Permission
from medoffice.patients.models import Payer

VIEW = Permission.VIEW_BILLING_REFERENCE
CHANGE = Permission.CHANGE_BILLING_REFERENCE
SYNTHETIC_BADGE = mark_safe(  # a constant of ours, no input in it
    '<span class="badge text-bg-warning" title="Made up for the demo; not a real code set entry"'
    ' data-testid="synthetic-badge">synthetic demo code</span>'
)
STASH_KEY = "billing_import_stash"
STASH_DIR = Path(tempfile.gettempdir()) / "medoffice-billing-imports"
STASH_SECONDS = 3600  # how long an uploaded file waits for "import the good rows"


def _synthetic(obj: Any) -> Any:
    return SYNTHETIC_BADGE if obj.is_synthetic else ""


def _day(value: Any) -> str:
    return as_date(value) if value else ""


def _day_column(field: str, label: str) -> Column:
    return Column(field, label, value=lambda row: _day(getattr(row, field)))


def _code_column(field: str, label: str) -> Column:
    """A code that opens its procedure-code page."""
    return Column(
        field, label, link=lambda row: reverse("billing_office:code", args=[getattr(row, field)])
    )


# Every reference list flags the rows made up for the demo, on the page and in the CSV.
SYNTHETIC_COLUMN = Column(
    "is_synthetic",
    "Synthetic",
    value=_synthetic,
    export=lambda row: "synthetic demo code" if row.is_synthetic else "",
)


# --- the lists -------------------------------------------------------------------------


NCCI_LISTS = [
    ("PTP edits", "billing_office:ptp"),
    ("MUEs", "billing_office:mue"),
    ("Add-on edits", "billing_office:addon"),
]


class ReferenceList(ListPage):
    """A reference list: seen with VIEW_BILLING_REFERENCE, exported likewise."""

    change_links: ClassVar[list[tuple[str, str]]] = []  # (label, url name) shown to editors
    sibling_links: ClassVar[list[tuple[str, str]]] = []  # (label, url name) shown to all

    def get_permission_required(self) -> list[str]:
        return [VIEW]

    def export_permission(self) -> str:
        return VIEW

    def extra_context(self) -> dict[str, Any]:
        can_change = self.request.user.has_perm(CHANGE)
        return {
            "sibling_links": [(label, reverse(name)) for label, name in self.sibling_links],
            "can_change": can_change,
            "change_links": [(label, reverse(name)) for label, name in self.change_links]
            if can_change
            else [],
        }

    actions_template = "billing/reference/_list_actions.html"


class ProcedureCodeList(ReferenceList):
    model = ProcedureCode
    title = "Procedure codes"
    intro = (
        "CPT and HCPCS Level II codes. CPT belongs to the AMA: the practice imports its own "
        "licensed file; codes marked synthetic were made up for the demo."
    )
    filterset_class = ProcedureCodeFilter
    default_sort = "code"
    change_links = [("Import codes", "billing_office:code-import")]
    columns = [
        _code_column("code", "Code"),
        Column("code_set", "Set", value=lambda c: c.get_code_set_display()),
        Column("short_description", "Description"),
        Column(
            "is_not_otherwise_classified",
            "NOC",
            value=lambda c: "NOC" if c.is_not_otherwise_classified else "",
            export=lambda c: "yes" if c.is_not_otherwise_classified else "no",
        ),
        Column(
            "requires_ndc",
            "NDC",
            value=lambda c: "NDC" if c.requires_ndc else "",
            export=lambda c: "yes" if c.requires_ndc else "no",
        ),
        _day_column("effective_from", "From"),
        _day_column("effective_to", "To"),
        Column("is_active", "Active", value=lambda c: "yes" if c.is_active else "no"),
        SYNTHETIC_COLUMN,
    ]


class PtpEditList(ReferenceList):
    model = PtpEdit
    title = "NCCI procedure-to-procedure edits"
    intro = "Column 2 is not paid with column 1 on the same day, unless the modifier indicator is 1 and an NCCI-associated modifier applies."
    filterset_class = PtpEditFilter
    default_sort = "column1"
    change_links = [("Import NCCI edits", "billing_office:ncci-import")]
    sibling_links = NCCI_LISTS
    columns = [
        Column("table", "Table", value=lambda e: e.get_table_display()),
        _code_column("column1", "Column 1"),
        _code_column("column2", "Column 2"),
        Column("modifier_indicator", "Modifier indicator"),
        _day_column("effective_from", "Effective"),
        _day_column("deleted_on", "Deleted"),
        Column("rationale", "Rationale"),
        SYNTHETIC_COLUMN,
    ]


class MueLimitList(ReferenceList):
    model = MueLimit
    title = "NCCI medically unlikely edits"
    intro = "The most units of a code a line (indicator 1) or a day (2, 3) may bill."
    filterset_class = MueLimitFilter
    default_sort = "code"
    change_links = [("Import NCCI edits", "billing_office:ncci-import")]
    sibling_links = NCCI_LISTS
    columns = [
        Column("table", "Table", value=lambda e: e.get_table_display()),
        _code_column("code", "Code"),
        Column("units", "Units", css="text-end"),
        Column(
            "adjudication",
            "Adjudication",
            value=lambda e: e.get_adjudication_display(),
            export=lambda e: e.adjudication,
        ),
        _day_column("effective_from", "From"),
        _day_column("effective_to", "To"),
        Column("rationale", "Rationale"),
        SYNTHETIC_COLUMN,
    ]


class AddOnCodeList(ReferenceList):
    model = AddOnCode
    title = "NCCI add-on code edits"
    intro = "An add-on code is billed only with one of its primary codes."
    filterset_class = AddOnCodeFilter
    default_sort = "addon"
    change_links = [("Import NCCI edits", "billing_office:ncci-import")]
    sibling_links = NCCI_LISTS
    columns = [
        _code_column("addon", "Add-on"),
        _code_column("primary", "Primary"),
        Column("edit_type", "Edit type"),
        _day_column("effective_from", "Effective"),
        _day_column("deleted_on", "Deleted"),
        SYNTHETIC_COLUMN,
    ]


class PayerList(ReferenceList):
    model = Payer
    title = "Payers"
    intro = "Each payer's billing profile: the filing indicator, timely filing, how claims go."
    filterset_class = PayerFilter
    default_sort = "name"
    change_links = [("New payer", "billing_office:payer-new")]
    columns = [
        Column("name", "Payer", link=lambda p: reverse("billing_office:payer", args=[p.pk])),
        Column("payer_id", "Payer ID"),
        Column(
            "filing_indicator",
            "Filing indicator",
            order_by="billing__filing_indicator",
            value=lambda p: p.billing.filing_indicator if _has_profile(p) else "—",
        ),
        Column(
            "timely_filing",
            "Timely filing",
            sortable=False,
            value=lambda p: _timely_text(p),
        ),
        Column(
            "submission",
            "Claims go",
            order_by="billing__submission",
            value=lambda p: p.billing.get_submission_display() if _has_profile(p) else "—",
        ),
        Column(
            "clearinghouse",
            "Clearinghouse",
            sortable=False,
            value=lambda p: (p.billing.clearinghouse or "") if _has_profile(p) else "",
        ),
    ]

    def base_queryset(self) -> QuerySet:
        if not self.request.user.has_perm(VIEW):
            return Payer.objects.none()
        return selectors.payers_with_profiles()


def _has_profile(payer: Payer) -> bool:
    return selectors.profile_of(payer) is not None


def _timely_text(payer: Payer) -> str:
    profile = selectors.profile_of(payer)
    if profile is None:
        return "no profile yet"
    if profile.timely_filing_rule == "medicare":
        return "Medicare: 1 calendar year"
    return f"{profile.timely_filing_days} days"


class ClearinghouseList(ReferenceList):
    model = Clearinghouse
    title = "Clearinghouses"
    default_sort = "name"
    change_links = [("New clearinghouse", "billing_office:clearinghouse-new")]
    columns = [
        Column("name", "Name", link=lambda c: reverse("billing_office:clearinghouse", args=[c.pk])),
        Column("submitter_id", "Submitter ETIN"),
        Column("receiver_id", "Receiver ID"),
        Column("receiver_name", "Receiver"),
        Column("production", "Mode", value=lambda c: "production" if c.production else "test"),
        Column("outbox", "Outbox folder"),
        Column("is_active", "In use", value=lambda c: "yes" if c.is_active else "no"),
    ]


class FeeScheduleList(ReferenceList):
    model = FeeSchedule
    title = "Fee schedules"
    intro = "The practice's standard charges and each payer's allowed amounts."
    default_sort = "name"
    change_links = [("New fee schedule", "billing_office:fee-schedule-new")]
    columns = [
        Column("name", "Name", link=lambda s: reverse("billing_office:fee-schedule", args=[s.pk])),
        Column("kind", "Kind", value=lambda s: s.get_kind_display()),
        Column("payer", "Payer", order_by="payer__name", value=lambda s: s.payer or ""),
        Column("entry_count", "Entries", css="text-end"),
        Column("is_active", "In use", value=lambda s: "yes" if s.is_active else "no"),
    ]

    def base_queryset(self) -> QuerySet:
        return (
            super().base_queryset().select_related("payer").annotate(entry_count=Count("entries"))
        )


class FeeScheduleDetail(ReferenceList):
    """One schedule's entries, filtered by code, sortable, exported as CSV."""

    model = FeeScheduleEntry
    title = "Fee schedule"
    filterset_class = FeeEntryFilter
    default_sort = "code"
    actions_template = "billing/reference/_schedule_actions.html"
    columns = [
        Column("code", "Code"),
        Column("modifier", "Modifier"),
        Column(
            "amount",
            "Amount",
            value=lambda e: format_money(e.amount),
            export=lambda e: f"{e.amount:.2f}",
            css="text-end",
        ),
        Column(
            "effective_from",
            "From",
            value=lambda e: _day(e.effective_from),
            export=lambda e: e.effective_from.isoformat(),
        ),
        Column(
            "effective_to",
            "To",
            value=lambda e: _day(e.effective_to),
            export=lambda e: e.effective_to.isoformat() if e.effective_to else "",
        ),
    ]

    def get(self, request: AuthenticatedRequest, pk: int) -> Any:  # type: ignore[override]  # the schedule's id from the address
        self.schedule = get_object_or_404(FeeSchedule.objects.restrict(request.user, "view"), pk=pk)
        return super().get(request)

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().filter(schedule=self.schedule)

    def extra_context(self) -> dict[str, Any]:
        context = super().extra_context()
        context["schedule"] = self.schedule
        context["title"] = self.schedule.name
        context["intro"] = f"{self.schedule.get_kind_display()}" + (
            f" of {self.schedule.payer}." if self.schedule.payer else "."
        )
        return context


# --- a code ------------------------------------------------------------------------------


@require_safe
@permission_required(VIEW, raise_exception=True)
def code_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """A code with its PTP edits (either column), MUEs and add-on edits."""
    code = code.upper()
    procedure = ProcedureCode.objects.restrict(request.user, "view").filter(code=code).first()
    edits = selectors.code_edits(code)
    if procedure is None and not any(
        (edits.as_column1, edits.as_column2, edits.mues, edits.primaries, edits.addons)
    ):
        raise Http404(f"No code {code}.")
    return render(
        request,
        "billing/reference/code.html",
        {"title": f"Code {code}", "code": code, "procedure": procedure, "edits": edits},
    )


# --- imports -----------------------------------------------------------------------------


def _stash(request: AuthenticatedRequest, data: bytes, filename: str, meta: dict[str, Any]) -> str:
    STASH_DIR.mkdir(mode=0o700, exist_ok=True)
    stale = time.time() - STASH_SECONDS
    for old in STASH_DIR.iterdir():  # files whose "import the good rows" never came
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < stale:
                old.unlink()
    token = secrets.token_urlsafe(16)
    (STASH_DIR / token).write_bytes(data)
    request.session[STASH_KEY] = {"token": token, "filename": filename[:200], "meta": meta}
    return token


def _unstash(request: AuthenticatedRequest, token: str) -> tuple[bytes, str, dict[str, Any]] | None:
    held = request.session.get(STASH_KEY)
    if not held or not secrets.compare_digest(str(held.get("token", "")), token or "-"):
        return None
    path = STASH_DIR / held["token"]
    request.session.pop(STASH_KEY, None)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    path.unlink(missing_ok=True)
    return data, held["filename"], held["meta"]


def _run_import(
    request: AuthenticatedRequest,
    *,
    form: Any,
    meta: dict[str, Any],
    run: Any,
    template: str,
    context: dict[str, Any],
    done_url: str,
) -> HttpResponse:
    """The upload (or the stashed file with "import the good rows"), the report."""
    report = None
    token = ""
    if request.method == "POST" and request.POST.get("stash"):
        held = _unstash(request, request.POST["stash"])
        if held is None:
            messages.error(request, "That file is no longer held; upload it again.")
            return redirect(request.path)
        data, filename, meta = held
        try:
            report = run(data=data, filename=filename, meta=meta, good=True)
        except ValidationError as exc:
            errors_onto_form(form, exc)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        meta = {**meta, **_meta_of(form)}
        try:
            report = run(
                data=data,
                filename=upload.name,
                meta=meta,
                good=form.cleaned_data["import_good_rows"],
            )
        except ValidationError as exc:
            errors_onto_form(form, exc)
        else:
            if not report.applied and report.problems and report.rows_read > report.bad_rows:
                token = _stash(request, data, upload.name, meta)
    if report is not None and report.applied:
        messages.success(request, report.summary)
    status = 200 if report is None or report.applied or not form.errors else 400
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "report": report,
            "problems": report.problems[:500] if report else [],
            "stash": token,
            "good_count": report.rows_read - report.bad_rows if report else 0,
            "done_url": done_url,
        },
        status=400 if form.errors else status,
    )


def _meta_of(form: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for name in ("code_set", "kind", "table"):
        if name in form.cleaned_data:
            meta[name] = form.cleaned_data[name]
    if form.cleaned_data.get("effective_from"):
        meta["effective_from"] = form.cleaned_data["effective_from"].isoformat()
    return meta


@require_http_methods(["GET", "POST"])
@permission_required(CHANGE, raise_exception=True)
def code_import(request: AuthenticatedRequest) -> HttpResponse:
    form = CodeImportForm(request.POST or None, request.FILES or None)

    def run(*, data: bytes, filename: str, meta: dict[str, Any], good: bool) -> Any:
        return imports.import_procedure_codes(
            actor=request.user,
            code_set=meta["code_set"],
            data=data,
            filename=filename,
            import_good_rows=good,
        )

    return _run_import(
        request,
        form=form,
        meta={},
        run=run,
        template="billing/reference/import.html",
        context={"title": "Import procedure codes", "what": "codes"},
        done_url=reverse("billing_office:codes"),
    )


@require_http_methods(["GET", "POST"])
@permission_required(CHANGE, raise_exception=True)
def ncci_import(request: AuthenticatedRequest) -> HttpResponse:
    form = NcciImportForm(request.POST or None, request.FILES or None)

    def run(*, data: bytes, filename: str, meta: dict[str, Any], good: bool) -> Any:
        from datetime import date

        start = meta.get("effective_from")
        return imports.import_ncci(
            actor=request.user,
            kind=meta["kind"],
            table=meta["table"],
            data=data,
            filename=filename,
            effective_from=date.fromisoformat(start) if start else None,
            import_good_rows=good,
        )

    return _run_import(
        request,
        form=form,
        meta={},
        run=run,
        template="billing/reference/import.html",
        context={"title": "Import NCCI edits", "what": "ncci"},
        done_url=reverse("billing_office:ptp"),
    )


@require_http_methods(["GET", "POST"])
@permission_required(CHANGE, raise_exception=True)
def fee_schedule_import(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(FeeSchedule.objects.restrict(request.user, "view"), pk=pk)
    form = FeeImportForm(request.POST or None, request.FILES or None)

    def run(*, data: bytes, filename: str, meta: dict[str, Any], good: bool) -> Any:
        if meta.get("schedule") != schedule.pk:
            raise ValidationError("That file was uploaded for another schedule; upload it again.")
        return imports.import_fee_schedule(
            actor=request.user,
            schedule=schedule,
            data=data,
            filename=filename,
            import_good_rows=good,
        )

    return _run_import(
        request,
        form=form,
        meta={"schedule": schedule.pk},
        run=run,
        template="billing/reference/import.html",
        context={"title": f"Import into {schedule.name}", "what": "fees", "schedule": schedule},
        done_url=reverse("billing_office:fee-schedule", args=[schedule.pk]),
    )


@require_safe
@permission_required(VIEW, raise_exception=True)
def fee_schedule_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The schedule in the import's columns: exported, it imports back unchanged."""
    schedule = get_object_or_404(FeeSchedule.objects.restrict(request.user, "view"), pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="fee-schedule-{schedule.pk}-{stamp}.csv"'
    )
    writer = csv.writer(response)
    for row in imports.fee_schedule_csv_rows(schedule):
        writer.writerow([csv_cell(cell) for cell in row])
    return response


# --- payers, plans, clearinghouses, schedules -----------------------------------------------


def _payer_initial(payer: Payer) -> dict[str, Any]:
    profile = selectors.profile_of(payer)
    initial: dict[str, Any] = {"name": payer.name, "payer_id": payer.payer_id, "phone": payer.phone}
    if profile is not None:
        for name in services.PROFILE_FIELDS:
            initial[name] = getattr(profile, name + "_id" if name == "clearinghouse" else name)
    return initial


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def payer_detail(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    """A payer and its billing profile; editors change both through one form, and add plans."""
    payer = get_object_or_404(selectors.payers_with_profiles(), pk=pk) if pk else None
    can_change = request.user.has_perm(CHANGE)
    if (request.method == "POST" or payer is None) and not can_change:
        raise _denied()
    form = PayerForm(request.POST or None, initial=_payer_initial(payer) if payer else None)
    done = run_form_action(
        request,
        form,
        lambda data: services.save_payer(actor=request.user, payer=payer, data=data),
        success=lambda p: f"Saved {p.name}.",
        redirect_to=lambda p: redirect("billing_office:payer", pk=p.pk),
    )
    if done is not None:
        return done
    today = timezone.localdate()
    deadline = selectors.timely_filing_deadline(payer, today) if payer else None
    return render(
        request,
        "billing/reference/payer.html",
        {
            "title": payer.name if payer else "New payer",
            "payer": payer,
            "form": form,
            "can_change": can_change,
            "plans": Plan.objects.filter(payer=payer) if payer else [],
            "schedules": FeeSchedule.objects.filter(payer=payer) if payer else [],
            "deadline_today": deadline,
            "facts": _payer_facts(form) if payer and not can_change else [],
        },
        status=400 if form.errors else 200,
    )


def _payer_facts(form: PayerForm) -> list[tuple[str, str]]:
    """The form's values as words, for those who read the payer without changing it."""
    facts = []
    for field in form:
        value = field.value()
        choices = dict(getattr(field.field, "choices", []) or [])
        if choices and value not in (None, ""):
            value = choices.get(value, value)
            value = getattr(value, "instance", value)  # a model choice's object
        facts.append((str(field.label), str(value) if value not in (None, "") else "—"))
    return facts


def _denied() -> Exception:
    from django.core.exceptions import PermissionDenied

    return PermissionDenied("Your roles do not allow changing billing reference data.")


def _edit_page(
    request: AuthenticatedRequest,
    *,
    form: Any,
    save: Any,
    title: str,
    back: str,
    saved: Any,
) -> HttpResponse:
    done = run_form_action(
        request,
        form,
        save,
        success=lambda obj: f"Saved {obj}.",
        redirect_to=saved,
    )
    if done is not None:
        return done
    return render(
        request,
        "billing/reference/edit.html",
        {"title": title, "form": form, "back": back},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required(CHANGE, raise_exception=True)
def plan_edit(
    request: AuthenticatedRequest, payer_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    """A new plan of a payer (``payer_pk``), or a plan (``pk``) edited."""
    plan = get_object_or_404(Plan.objects.select_related("payer"), pk=pk) if pk else None
    payer = plan.payer if plan else get_object_or_404(Payer.objects.all(), pk=payer_pk)
    initial = (
        {"name": plan.name, "filing_indicator": plan.filing_indicator, "is_active": plan.is_active}
        if plan
        else None
    )
    form = PlanForm(request.POST or None, initial=initial)
    return _edit_page(
        request,
        form=form,
        save=lambda data: services.save_plan(actor=request.user, payer=payer, plan=plan, data=data),
        title=f"{'Plan ' + plan.name if plan else 'New plan'} of {payer.name}",
        back=reverse("billing_office:payer", args=[payer.pk]),
        saved=lambda obj: redirect("billing_office:payer", pk=payer.pk),
    )


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def clearinghouse_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    house = (
        get_object_or_404(Clearinghouse.objects.restrict(request.user, "view"), pk=pk)
        if pk
        else None
    )
    if not request.user.has_perm(CHANGE) and (request.method == "POST" or house is None):
        raise _denied()
    form = ClearinghouseForm(request.POST or None, instance=house)
    if not request.user.has_perm(CHANGE):
        for field in form.fields.values():
            field.disabled = True
    return _edit_page(
        request,
        form=form,
        save=lambda data: services.save_clearinghouse(
            actor=request.user, clearinghouse=house, data=data
        ),
        title=house.name if house else "New clearinghouse",
        back=reverse("billing_office:clearinghouses"),
        saved=lambda obj: redirect("billing_office:clearinghouses"),
    )


@require_http_methods(["GET", "POST"])
@permission_required(CHANGE, raise_exception=True)
def fee_schedule_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    schedule = get_object_or_404(FeeSchedule.objects.all(), pk=pk) if pk else None
    form = FeeScheduleForm(
        request.POST or None, initial=FeeScheduleForm.initial_of(schedule) if schedule else None
    )
    return _edit_page(
        request,
        form=form,
        save=lambda data: services.save_fee_schedule(
            actor=request.user, schedule=schedule, data=data
        ),
        title=schedule.name if schedule else "New fee schedule",
        back=reverse("billing_office:fee-schedules"),
        saved=lambda obj: redirect("billing_office:fee-schedule", pk=obj.pk),
    )
