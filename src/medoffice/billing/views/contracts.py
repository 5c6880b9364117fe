"""Managed-care contracts' pages: the list, a contract (read), new/edit/end (the office
manager), the underpayment report with its CSV, and the what-if (with its CSV, and its
proposal kept as a draft contract).

Reading needs ``VIEW_CONTRACT`` (the office manager and the biller), writing
``CHANGE_CONTRACT`` (the office manager). The report and the what-if read only the lines of
the user's locations; the report's lines name patients' claims, so each page and CSV of it
is audited.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.billing.forms.contracts import (
    ContractForm,
    DraftForm,
    EndContractForm,
    UnderpaymentForm,
    WhatIfForm,
)
from medoffice.billing.models import Contract
from medoffice.billing.selectors import contracts as selectors
from medoffice.billing.services import contracts as services
from medoffice.core.audit import record_event
from medoffice.core.formaction import errors_onto_form, run_form_action
from medoffice.core.formats import as_date
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage, csv_cell
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission

VIEW = Permission.VIEW_CONTRACT
CHANGE = Permission.CHANGE_CONTRACT


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _terms(contract: Contract) -> str:
    if contract.method == "schedule":
        return f"{contract.fee_schedule}"
    if contract.method == "medicare":
        return f"{_percent(contract.percent)} % of {contract.fee_schedule}"
    return f"{_percent(contract.percent)} % of billed charges"


class ContractList(ListPage):
    model = Contract
    title = "Managed-care contracts"
    intro = (
        "What each payer agreed to allow, and from when. A payer has one contract in force "
        "on any day; drafts (saved from the what-if) are never in force."
    )
    default_sort = "payer"
    actions_template = "billing/contracts/_list_actions.html"
    columns = [
        Column("name", "Contract", link=lambda c: reverse("billing_office:contract", args=[c.pk])),
        Column("payer", "Payer", order_by="payer__name", value=lambda c: c.payer.name),
        Column("effective_from", "From", value=lambda c: as_date(c.effective_from)),
        Column(
            "effective_to",
            "To",
            value=lambda c: as_date(c.effective_to) if c.effective_to else "no end",
        ),
        Column("method", "Priced by", sortable=False, value=_terms),
        Column("timely_filing_days", "Timely filing (days)", css="text-end"),
        Column("is_draft", "Draft", value=lambda c: "draft" if c.is_draft else ""),
    ]

    def get_permission_required(self) -> list[str]:
        return [VIEW]

    def export_permission(self) -> str:
        return VIEW

    def base_queryset(self) -> QuerySet:
        return selectors.contracts(self.request.user)

    def extra_context(self) -> dict[str, Any]:
        return {"can_change": self.request.user.has_perm(CHANGE)}


@require_safe
@permission_required(VIEW, raise_exception=True)
def contract_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    contract = selectors.get_contract(request.user, pk)
    return render(
        request,
        "billing/contracts/detail.html",
        {
            "title": contract.name,
            "contract": contract,
            "terms": _terms(contract),
            "carve_outs": list(contract.carve_outs.all()),
            "can_change": request.user.has_perm(CHANGE),
            "end_form": EndContractForm(),
        },
    )


def _save(form: ContractForm, request: AuthenticatedRequest, contract: Contract | None) -> Any:
    data = form.cleaned_data
    return services.save_contract(
        contract=contract,
        payer=data["payer"],
        name=data["name"],
        effective_from=data["effective_from"],
        effective_to=data["effective_to"],
        method=data["method"],
        fee_schedule=data["fee_schedule"],
        percent=data["percent"],
        carve_outs=data["carve_outs"],
        timely_filing_days=data["timely_filing_days"],
        notes=data["notes"],
        attachment_name=data["attachment_name"],
        is_draft=contract.is_draft if contract else False,
        actor=request.user,
    )


@require_http_methods(["GET", "POST"])
@permission_required(CHANGE, raise_exception=True)
def contract_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    """A new contract (no ``pk``) or one changed; its carve-outs are replaced."""
    contract = selectors.get_contract(request.user, pk) if pk else None
    initial = ContractForm.initial_of(contract) if contract else None
    form = ContractForm(request.POST or None, initial=initial)
    done = run_form_action(
        request,
        form,
        lambda _data: _save(form, request, contract),
        success=lambda saved: f"Saved {saved.name}.",
        redirect_to=lambda saved: redirect("billing_office:contract", pk=saved.pk),
    )
    if done is not None:
        return done
    return render(
        request,
        "billing/contracts/edit.html",
        {
            "title": f"Change {contract.name}" if contract else "New contract",
            "form": form,
            "back": (
                reverse("billing_office:contract", args=[contract.pk])
                if contract
                else reverse("billing_office:contracts")
            ),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@permission_required(CHANGE, raise_exception=True)
def contract_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    contract = selectors.get_contract(request.user, pk)
    form = EndContractForm(request.POST)
    done = run_form_action(
        request,
        form,
        lambda data: services.end_contract(
            contract=contract, last_day=data["last_day"], actor=request.user
        ),
        success=lambda _ended: f"{contract.name} ends on {as_date(form.cleaned_data['last_day'])}.",
        redirect_to=lambda _ended: redirect("billing_office:contract", pk=contract.pk),
    )
    if done is not None:
        return done
    return render(
        request,
        "billing/contracts/detail.html",
        {
            "title": contract.name,
            "contract": contract,
            "terms": _terms(contract),
            "carve_outs": list(contract.carve_outs.all()),
            "can_change": True,
            "end_form": form,
        },
        status=400,
    )


# --- the underpayment report ----------------------------------------------------------------

REPORT_COLUMNS = [
    "Service date",
    "Claim",
    "Payer",
    "Code",
    "Modifiers",
    "Units",
    "Billed",
    "Expected allowed",
    "Allowed",
    "Paid",
    "Short by",
]


@require_safe
@permission_required(VIEW, raise_exception=True)
def underpayments(request: AuthenticatedRequest) -> HttpResponse:
    """Lines allowed below what the contract expects, by more than the tolerances."""
    form = UnderpaymentForm(request.GET or None)
    report = None
    wants_csv = request.GET.get("format") == "csv"
    if form.is_bound and not form.is_valid():
        if wants_csv:
            text = "\n".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items())
            return HttpResponse(text, status=400, content_type="text/plain")
    else:
        data = form.cleaned_data if form.is_bound else {}
        payer = data.get("payer")
        report = selectors.underpayments(
            request.user,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            payer_id=payer.pk if payer else None,
            tolerance_amount=data.get("tolerance_amount") or Decimal("0"),
            tolerance_percent=data.get("tolerance_percent") or Decimal("0"),
            limit=None if wants_csv else selectors.MAX_SHOWN,
            page=_page_number(request.GET.get("page")),
            audit=not wants_csv,
        )
        if wants_csv:
            return _underpayments_csv(request, report)
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("page", None)
    return render(
        request,
        "billing/contracts/underpayments.html",
        {
            "title": "Underpayments",
            "form": form,
            "report": report,
            "csv_query": query.urlencode(),
        },
        status=400 if form.errors else 200,
    )


def _page_number(text: str | None) -> int:
    """The page asked for; anything but a plain page number is the first page."""
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 9:
        return 1
    return int(text)


def _underpayments_csv(
    request: AuthenticatedRequest, report: selectors.Underpayments
) -> HttpResponse:
    record_event(
        AuditAction.EXPORT,
        user=request.user,
        object_type="billing.lineadjudication",
        data_category="claims",
        patient_ids=[row.patient_id for row in report.lines],
        detail=f"underpayment report CSV: {len(report.lines)} line(s)",
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    for row in report.lines:
        assert row.expected_allowed is not None
        writer.writerow(
            [
                csv_cell(v)
                for v in (
                    row.service_date,
                    row.claim.control_number,
                    row.payer.name,
                    row.code,
                    row.modifiers,
                    row.units.normalize(),
                    row.billed,
                    row.expected_allowed,
                    row.allowed,
                    row.paid,
                    row.expected_allowed - row.allowed,
                )
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="underpayments-{stamp}.csv"'
    return response


# --- the what-if --------------------------------------------------------------------------


def _rates_text(rates: dict[str, Decimal]) -> str:
    return "\n".join(f"{code},{rate}" for code, rate in sorted(rates.items()))


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def what_if(request: AuthenticatedRequest) -> HttpResponse:
    """Proposed rates applied to the payer's last 12 months: nothing is saved here."""
    form = WhatIfForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = selectors.run_what_if(
            request.user,
            data["payer"],
            today=timezone.localdate(),
            proposed_rates=data["proposed_rates"],
            percent_change=data["percent_change"],
        )
        if request.POST.get("format") == "csv":
            return _what_if_csv(result)
    data = form.cleaned_data if result is not None else {}
    return render(
        request,
        "billing/contracts/what_if.html",
        {
            "title": "What-if: proposed rates",
            "form": form,
            "result": result,
            "draft_form": DraftForm(initial={"draft_from": timezone.localdate()}),
            "proposal": {
                "payer": request.POST.get("payer", ""),
                "rates": _rates_text(data.get("proposed_rates") or {}),
                "percent_change": request.POST.get("percent_change", "")[:20],
            },
            "can_change": request.user.has_perm(CHANGE),
        },
        status=400 if form.errors else 200,
    )


def _what_if_csv(result: selectors.WhatIf) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Code", "Lines", "Units", "Expected now", "Proposed", "Change", "Change %"])
    for row in result.rows:
        writer.writerow(
            [
                csv_cell(row.code),
                row.lines,
                row.units.normalize(),
                row.current,
                row.proposed,
                row.change,
                "" if row.change_percent is None else row.change_percent,
            ]
        )
    writer.writerow(
        ["Total", result.line_count, "", result.current, result.proposed, result.change, ""]
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="what-if.csv"'
    return response


@require_POST
@permission_required(CHANGE, raise_exception=True)
def what_if_draft(request: AuthenticatedRequest) -> HttpResponse:
    """The what-if's proposal saved as a draft contract of the payer."""
    form = WhatIfForm(request.POST)
    draft = DraftForm(request.POST)
    if form.is_valid() and draft.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                contract = services.save_what_if_draft(
                    payer=data["payer"],
                    name=draft.cleaned_data["draft_name"],
                    effective_from=draft.cleaned_data["draft_from"],
                    proposed_rates=data["proposed_rates"],
                    percent_change=data["percent_change"],
                    today=timezone.localdate(),
                    actor=request.user,
                )
        except ValidationError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, f"Saved the draft {contract.name}.")
            return redirect("billing_office:contract", pk=contract.pk)
    return render(
        request,
        "billing/contracts/what_if.html",
        {
            "title": "What-if: proposed rates",
            "form": form,
            "result": None,
            "draft_form": draft,
            "draft_errors": True,
            "proposal": {
                "payer": request.POST.get("payer", "")[:20],
                "rates": request.POST.get("rates", "")[:20000],
                "percent_change": request.POST.get("percent_change", "")[:20],
            },
            "can_change": True,
        },
        status=400,
    )
