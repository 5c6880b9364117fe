"""Insurance deposits: the list, entering one, the bank's CSV, one deposit with its
payments (match by hand, unmatch), the reconciliation with the remittances (page and CSV),
the provider account, and the billing options (hold posting until the deposit is matched).

Practice-level money, no patient data: ``VIEW_LEDGER`` reads, ``POST_LEDGER`` writes; the
options are the office manager's (``CHANGE_PRACTICE``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from medoffice.billing.forms.deposits import (
    BankFileForm,
    BillingOptionsForm,
    DepositForm,
    UnmatchForm,
)
from medoffice.billing.models import InsuranceDeposit
from medoffice.billing.selectors import deposits as selectors
from medoffice.billing.services import deposits as services
from medoffice.billing.services import options as options_service
from medoffice.core.audit import record_event
from medoffice.core.formaction import errors_onto_form, refusal_text, run_form_action
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage, csv_cell
from medoffice.core.models import AuditAction, practice_zone
from medoffice.core.money import format_money
from medoffice.core.roles import Permission


class DepositList(ListPage):
    model = InsuranceDeposit
    title = "Insurance deposits"
    intro = (
        "Checks and EFTs the bank received from payers, each matched to the remittances' "
        "payments by trace and amount."
    )
    default_sort = "-deposit_date"
    data_category = "ledger"
    actions_template = "billing/deposits/_list_actions.html"
    columns = [
        Column(
            "deposit_date",
            "Deposited",
            link=lambda d: reverse("billing_office:deposit", args=[d.pk]),
        ),
        Column("method", "Method", value=lambda d: d.get_method_display()),
        Column("reference", "Reference"),
        Column("check_number", "Check"),
        Column("amount", "Amount", css="text-end", value=lambda d: format_money(d.amount)),
        Column(
            "matched_total",
            "Matched",
            css="text-end",
            value=lambda d: format_money(d.matched_total),
        ),
    ]

    def get_permission_required(self) -> list[str]:
        return [Permission.VIEW_LEDGER]

    def export_permission(self) -> str:
        return Permission.VIEW_LEDGER

    def base_queryset(self) -> QuerySet:
        return selectors.deposits(self.request.user)


def _audit_read(request: AuthenticatedRequest, what: str, obj: Any = None) -> None:
    record_event(
        AuditAction.READ,
        user=request.user,
        obj=obj,
        object_type="" if obj is not None else "billing.insurancedeposit",
        data_category="ledger",
        detail=what,
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.POST_LEDGER, raise_exception=True)
def deposit_new(request: AuthenticatedRequest) -> HttpResponse:
    form = DepositForm(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> InsuranceDeposit:
        location = data.get("location")
        return services.create_deposit(
            actor=request.user,
            deposit_date=data["deposit_date"],
            amount=data["amount"],
            method=data["method"],
            reference=data.get("reference", ""),
            check_number=data.get("check_number", ""),
            location_id=location.pk if location else None,
            note=data.get("note", ""),
        )

    done = run_form_action(
        request,
        form,
        save,
        success=lambda d: (
            f"Deposit of {format_money(d.amount)} entered"
            + (" and matched to its remittance." if d.payments.exists() else ".")
        ),
        redirect_to=lambda d: redirect("billing_office:deposit", pk=d.pk),
        labels={"location": "Location"},
    )
    if done is not None:
        return done
    return render(
        request,
        "billing/deposits/new.html",
        {"title": "Enter a deposit", "form": form},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.POST_LEDGER, raise_exception=True)
def deposit_import(request: AuthenticatedRequest) -> HttpResponse:
    form = BankFileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    result = None
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = upload.read(services.MAX_FILE + 1)
            result = services.import_bank_file(
                data=data, method=form.cleaned_data["method"], actor=request.user
            )
        except ValidationError as exc:
            errors_onto_form(form, exc)
    return render(
        request,
        "billing/deposits/import.html",
        {"title": "Import the bank's deposits (CSV)", "form": form, "result": result},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.VIEW_LEDGER, raise_exception=True)
def deposit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    view = selectors.get_deposit(request.user, pk)
    unmatch_form = UnmatchForm()
    error = ""
    if request.method == "POST":
        if not request.user.has_perm(Permission.POST_LEDGER):
            return HttpResponse("Your role does not match deposits.", status=403)
        action = request.POST.get("action", "")
        try:
            if action == "match":
                ids = []
                for value in request.POST.getlist("payment"):
                    if not value.isascii() or not value.isdigit() or len(value) > 12:
                        raise ValidationError(
                            {"payments": ValidationError("Choose payments from the list.")}
                        )
                    ids.append(int(value))
                posted = services.match_deposit(
                    deposit_id=view.deposit.pk, payment_ids=ids, actor=request.user
                )
                messages.success(
                    request,
                    "Matched."
                    + (f" {posted} payment{'s' if posted != 1 else ''} posted." if posted else ""),
                )
                return redirect("billing_office:deposit", pk=pk)
            if action == "unmatch":
                unmatch_form = UnmatchForm(request.POST)
                payment = request.POST.get("payment", "")
                if unmatch_form.is_valid() and payment.isascii() and payment.isdigit():
                    if int(payment) not in {p.pk for p in view.payments}:
                        raise ValidationError({"payment": ValidationError("Not this deposit's.")})
                    services.unmatch_payment(
                        payment_id=int(payment),
                        reason=unmatch_form.cleaned_data["reason"],
                        actor=request.user,
                    )
                    messages.success(request, "The payment is no longer matched to this deposit.")
                    return redirect("billing_office:deposit", pk=pk)
                error = "Say why the payment is not this deposit's."
            else:
                error = "Match or unmatch."
        except ValidationError as exc:
            error = refusal_text(exc)
    else:
        _audit_read(request, f"deposit {view.deposit.pk}", view.deposit)
    return render(
        request,
        "billing/deposits/detail.html",
        {
            "title": f"Deposit of {format_money(view.deposit.amount)}",
            "view": view,
            "unmatch_form": unmatch_form,
            "error": error,
        },
        status=400 if error else 200,
    )


def _period(request: AuthenticatedRequest) -> tuple[dt.date, dt.date, str]:
    today = timezone.now().astimezone(practice_zone()).date()
    start, end = today.replace(day=1), today
    error = ""
    try:
        if request.GET.get("start"):
            start = dt.date.fromisoformat(request.GET["start"][:10])
        if request.GET.get("end"):
            end = dt.date.fromisoformat(request.GET["end"][:10])
    except ValueError:
        error = "Dates as YYYY-MM-DD; the month so far is shown."
        start, end = today.replace(day=1), today
    if start > end or (end - start).days > 366 or start.year < 2000 or end.year > 2100:
        error = "From a date before the end, at most a year, between 2000 and 2100."
        start, end = today.replace(day=1), today
    return start, end, error


@require_safe
@permission_required(Permission.VIEW_LEDGER, raise_exception=True)
def reconciliation(request: AuthenticatedRequest) -> HttpResponse:
    start, end, error = _period(request)
    report = selectors.reconciliation(request.user, start=start, end=end)
    _audit_read(request, f"deposit reconciliation {start.isoformat()} to {end.isoformat()}")
    today = timezone.now().astimezone(practice_zone()).date()
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    return render(
        request,
        "billing/deposits/reconciliation.html",
        {
            "title": "Deposits and remittances",
            "report": report,
            "error": error,
            "last_month": (last_month_end.replace(day=1), last_month_end),
        },
        status=400 if error else 200,
    )


@require_safe
@permission_required(Permission.VIEW_LEDGER, raise_exception=True)
def reconciliation_csv(request: AuthenticatedRequest) -> HttpResponse:
    start, end, error = _period(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    report = selectors.reconciliation(request.user, start=start, end=end)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "date", "payer", "trace", "amount", "matched", "difference"])
    for d in report.days:
        writer.writerow(["day", d.day.isoformat(), "", "", d.deposited, d.paid, d.difference])
    for p in report.payments_without_deposit:
        date = p.payment_date.isoformat() if p.payment_date else ""
        writer.writerow(
            [
                "payment without deposit",
                date,
                csv_cell(p.payer_name),
                csv_cell(p.trace_number),
                p.amount,
                "",
                "",
            ]
        )
    for dep in report.deposits_without_payment:
        writer.writerow(
            [
                "deposit without payment",
                dep.deposit_date.isoformat(),
                "",
                csv_cell(dep.trace),
                dep.amount,
                "",
                "",
            ]
        )
    for row in report.differences:
        dep = row.deposit
        writer.writerow(
            [
                "difference",
                dep.deposit_date.isoformat(),
                "",
                csv_cell(dep.trace),
                dep.amount,
                row.matched,
                row.difference,
            ]
        )
    for p in report.unbalanced:
        date = p.payment_date.isoformat() if p.payment_date else ""
        gap = selectors.balance_gap(p)
        writer.writerow(
            [
                "BPR02 not claims minus PLB",
                date,
                csv_cell(p.payer_name),
                csv_cell(p.trace_number),
                p.amount,
                p.amount - gap,
                gap,
            ]
        )
    record_event(
        AuditAction.EXPORT,
        user=request.user,
        object_type="billing.insurancedeposit",
        data_category="ledger",
        detail=f"deposit reconciliation CSV {start.isoformat()} to {end.isoformat()}",
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="reconciliation-{start.isoformat()}-{end.isoformat()}.csv"'
    )
    return response


@require_safe
@permission_required(Permission.VIEW_LEDGER, raise_exception=True)
def provider_account(request: AuthenticatedRequest) -> HttpResponse:
    entries = list(selectors.provider_entries(request.user)[:500])
    balances = selectors.provider_balances(request.user)
    _audit_read(request, "provider account")
    return render(
        request,
        "billing/deposits/provider_account.html",
        {"title": "Provider account", "entries": entries, "balances": balances},
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_PRACTICE, raise_exception=True)
def billing_options(request: AuthenticatedRequest) -> HttpResponse:
    current = options_service.billing_options()
    form = BillingOptionsForm(
        request.POST if request.method == "POST" else None,
        initial={"hold_posting_until_deposit": current.hold_posting_until_deposit},
    )
    done = run_form_action(
        request,
        form,
        lambda data: options_service.set_hold_posting(
            hold=data["hold_posting_until_deposit"], actor=request.user
        ),
        success="Billing options saved.",
        redirect_to="billing_office:billing-options",
    )
    if done is not None:
        return done
    return render(
        request,
        "billing/deposits/options.html",
        {"title": "Billing options", "form": form, "options": current},
        status=400 if form.is_bound else 200,
    )
