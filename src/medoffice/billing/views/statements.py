"""Patient statements and collections' pages: the statement runs (preview, run, result),
a run's detail and its print file, a statement's PDF, a patient's statement history (and
the collections flag), the collections list with its CSV for the agency, and the
small-balance rule."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.billing import statement_pdf
from medoffice.billing.forms.statements import (
    ReasonForm,
    RunForm,
    ScheduleForm,
    SmallBalanceForm,
)
from medoffice.billing.models import StatementDelivery
from medoffice.billing.selectors import statements as selectors
from medoffice.billing.services import statement_schedule
from medoffice.billing.services import statements as services
from medoffice.core.audit import record_event
from medoffice.core.formaction import errors_onto_form, refusal_text
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import csv_cell
from medoffice.core.models import AuditAction, practice_zone
from medoffice.core.roles import Permission
from medoffice.patients.selectors import get_patient

VIEW = Permission.VIEW_LEDGER
WORK = Permission.POST_LEDGER


def _today() -> str:
    return timezone.now().astimezone(practice_zone()).date().isoformat()


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(VIEW, raise_exception=True)
def statement_runs(request: AuthenticatedRequest) -> HttpResponse:
    """The runs; a date previews what a run would do; POST runs it (then its detail)."""
    preview = None
    status = 200
    if request.method == "POST":
        if not request.user.has_perm(WORK):
            return HttpResponse("Your role does not run statements.", status=403)
        form = RunForm(request.POST)
        if form.is_valid():
            try:
                run = services.run_statements(as_of=form.cleaned_data["as_of"], actor=request.user)
            except ValidationError as exc:
                errors_onto_form(form, exc)
            else:
                messages.success(request, f"{run}: done.")
                return redirect("billing_office:statement-run", pk=run.pk)
        status = 400
    else:
        form = RunForm(request.GET if "as_of" in request.GET else None, initial={"as_of": _today()})
        if form.is_bound:
            if form.is_valid():
                try:
                    preview = services.preview_statements(
                        as_of=form.cleaned_data["as_of"], actor=request.user
                    )
                except ValidationError as exc:
                    errors_onto_form(form, exc)
                    status = 400
            else:
                status = 400
    return render(
        request,
        "billing/statements/runs.html",
        {
            "title": "Patient statements",
            "form": form,
            "preview": preview,
            "runs": selectors.runs(request.user)[:24],
            "can_run": request.user.has_perm(WORK),
            **_month_and_schedule(request),
        },
        status=status,
    )


def _month_and_schedule(request: AuthenticatedRequest) -> dict[str, object]:
    """This month's run (its statements the user may see, by delivery) and the schedule."""
    run = statement_schedule.this_months_run()
    month = None
    if run is not None:
        seen = selectors.runs(request.user).filter(pk=run.pk).first()
        if seen is not None:
            month = {
                "run": seen,
                "emailed": getattr(seen, "emailed", 0),  # the selector's counts
                "to_print": getattr(seen, "printed", 0),
            }
    return {"month": month, "schedule": statement_schedule.current_schedule()}


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(VIEW, raise_exception=True)
def statement_schedule_page(request: AuthenticatedRequest) -> HttpResponse:
    """The statement day and whether the month's run is automatic; POST saves it."""
    schedule = statement_schedule.current_schedule()
    status = 200
    if request.method == "POST":
        if not request.user.has_perm(WORK):
            return HttpResponse("Your role does not change the statement schedule.", status=403)
        form = ScheduleForm(request.POST)
        if form.is_valid():
            try:
                statement_schedule.update_schedule(
                    actor=request.user,
                    statement_day=form.cleaned_data["statement_day"],
                    automatic=form.cleaned_data["automatic"],
                )
            except ValidationError as exc:
                errors_onto_form(form, exc)
            else:
                messages.success(request, "The statement schedule is saved.")
                return redirect("billing_office:statement-schedule")
        status = 400
    else:
        form = ScheduleForm(
            initial={"statement_day": schedule.statement_day, "automatic": schedule.automatic}
        )
    return render(
        request,
        "billing/statements/schedule.html",
        {
            "title": "Statement schedule",
            "form": form,
            "schedule": schedule,
            "can_change": request.user.has_perm(WORK),
            **_month_and_schedule(request),
        },
        status=status,
    )


@require_safe
@permission_required(VIEW, raise_exception=True)
def statement_run(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = selectors.get_run(request.user, pk)
    statements = list(
        selectors.run_statements_seen(request.user, run).order_by("guarantor_name", "pk")
    )
    record_event(
        AuditAction.READ,
        user=request.user,
        obj=run,
        patient_ids=[s.patient_id for s in statements],
        data_category="statements",
        detail=f"{run}: {len(statements)} statements shown",
    )
    return render(
        request,
        "billing/statements/run.html",
        {
            "title": str(run),
            "run": run,
            "statements": statements,
            "emailed": [s for s in statements if s.delivery == StatementDelivery.EMAIL],
            "to_print": [s for s in statements if s.delivery == StatementDelivery.PRINT],
        },
    )


@require_safe
@permission_required(VIEW, raise_exception=True)
def statement_run_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = selectors.get_run(request.user, pk)
    statements = list(
        selectors.run_statements_seen(request.user, run)
        .filter(delivery=StatementDelivery.PRINT)
        .order_by("guarantor_name", "pk")
    )
    if not statements:
        return HttpResponse("No statement of this run goes to print.", status=404)
    data = statement_pdf.run_print_pdf(
        run,
        actor=request.user,
        statements=statements,
        whole_run=request.user.location_ids() is None,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="statements-{run.period:%Y-%m}.pdf"'
    return response


@require_safe
@permission_required(VIEW, raise_exception=True)
def statement_file(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    statement = selectors.get_statement(request.user, pk)
    data = statement_pdf.statement_pdf(statement, actor=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="statement-{statement.number}.pdf"'
    return response


def _history(
    request: AuthenticatedRequest, pk: int, form: ReasonForm | None, status: int = 200
) -> HttpResponse:
    patient = get_patient(request.user, pk, data_category="statements")
    key = services.guarantor_key_of(patient)
    return render(
        request,
        "billing/statements/patient.html",
        {
            "title": f"Statements of {patient.last_name}, {patient.first_name}",
            "patient": patient,
            "statements": selectors.patient_statements(request.user, patient.pk),
            "flag": selectors.active_flag_of(request.user, key),
            "form": form or ReasonForm(),
            "can_flag": request.user.has_perm(WORK),
        },
        status=status,
    )


@require_safe
@permission_required(VIEW, raise_exception=True)
def patient_statements(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _history(request, pk, None)


@require_POST
@permission_required(WORK, raise_exception=True)
def flag_collections(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = get_patient(request.user, pk, data_category="collections")
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.flag_to_collections(
                patient=patient, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, "The account is sent to collections; statements stop.")
            return redirect("billing_office:patient-statements", pk=patient.pk)
    return _history(request, pk, form, status=400)


@require_safe
@permission_required(VIEW, raise_exception=True)
def collections(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.agency_rows(request.user)
    record_event(
        AuditAction.READ,
        user=request.user,
        object_type="billing.collectionsflag",
        patient_ids=[r.flag.patient_id for r in rows],
        data_category="collections",
        detail=f"collections list: {len(rows)} shown",
    )
    return render(
        request,
        "billing/statements/collections.html",
        {
            "title": "Accounts in collections",
            "rows": rows,
            "form": ReasonForm(),
            "can_flag": request.user.has_perm(WORK),
        },
    )


@require_POST
@permission_required(WORK, raise_exception=True)
def unflag_collections(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    flag = selectors.get_flag(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Say why the account comes back from collections (200 characters at most)."
        )
        return redirect("billing_office:collections")
    try:
        services.unflag_collections(
            flag=flag, reason=form.cleaned_data["reason"], actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, "The account is back from collections; statements resume.")
    return redirect("billing_office:collections")


AGENCY_COLUMNS = [
    "Name",
    "Address",
    "Date of birth",
    "Phone",
    "Balance",
    "Last payment",
    "Last payment amount",
    "Last statement",
    "Sent to collections",
    "Reason",
]


@require_safe
@permission_required(WORK, raise_exception=True)
def collections_export(request: AuthenticatedRequest) -> HttpResponse:
    """The accounts in collections, for the agency: location-limited, audited as an export."""
    rows = selectors.agency_rows(request.user)
    record_event(
        AuditAction.EXPORT,
        user=request.user,
        object_type="billing.collectionsflag",
        patient_ids=[r.flag.patient_id for r in rows],
        data_category="collections",
        detail=f"collections CSV for the agency: {len(rows)} accounts",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="collections-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(AGENCY_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                csv_cell(cell)
                for cell in (
                    r.name,
                    r.address,
                    r.date_of_birth.isoformat() if r.date_of_birth else "",
                    r.phone,
                    f"{r.balance:.2f}",
                    r.last_payment.isoformat() if r.last_payment else "",
                    f"{r.last_payment_amount:.2f}" if r.last_payment_amount is not None else "",
                    r.last_statement.isoformat() if r.last_statement else "",
                    r.flag.flagged_on.isoformat(),
                    r.flag.reason,
                )
            ]
        )
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(VIEW, raise_exception=True)
def small_balances(request: AuthenticatedRequest) -> HttpResponse:
    """The small-balance write-offs; POST applies the rule."""
    status = 200
    if request.method == "POST":
        if not request.user.has_perm(WORK):
            return HttpResponse("Your role does not write off balances.", status=403)
        form = SmallBalanceForm(request.POST)
        if form.is_valid():
            try:
                done = services.write_off_small_balances(
                    as_of=form.cleaned_data["as_of"],
                    threshold=form.cleaned_data["threshold"],
                    days=form.cleaned_data["days"],
                    actor=request.user,
                )
            except ValidationError as exc:
                errors_onto_form(form, exc)
            else:
                messages.success(request, f"{len(done)} small-balance write-off(s) posted.")
                return redirect("billing_office:small-balances")
        status = 400
    else:
        form = SmallBalanceForm(
            initial={
                "as_of": _today(),
                "threshold": f"{services.small_balance_threshold():.2f}",
                "days": services.small_balance_days(),
            }
        )
    entries = list(services.small_balance_write_offs(request.user)[:200])
    record_event(
        AuditAction.READ,
        user=request.user,
        object_type="billing.ledgerentry",
        patient_ids=[e.patient_id for e in entries],
        data_category="ledger",
        detail=f"small-balance write-offs: {len(entries)} shown",
    )
    return render(
        request,
        "billing/statements/small_balances.html",
        {
            "title": "Small-balance write-offs",
            "form": form,
            "entries": entries,
            "can_run": request.user.has_perm(WORK),
            "ledger_url": reverse("billing_office:credit-balances"),
        },
        status=status,
    )


@require_POST
@permission_required(WORK, raise_exception=True)
def reverse_small_balance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Take a small-balance write-off back (a ledger reversal), with a reason."""
    from medoffice.billing.services import ledger as ledger_services

    entry = services.small_balance_write_offs(request.user).filter(pk=pk).first()
    if entry is None:
        raise Http404("No such small-balance write-off.")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the write-off is reversed (200 characters at most).")
        return redirect("billing_office:small-balances")
    try:
        ledger_services.reverse_entry(
            actor=request.user, entry=entry, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, "The write-off is reversed: the patient owes it again.")
    return redirect("billing_office:small-balances")
