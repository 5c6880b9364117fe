"""Remittances (835): upload an ERA file, the files imported, one file's payments and
claims, and the exceptions queue (match a claim by hand, or resolve)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from medoffice.billing.models import Claim, EraException, EraFile
from medoffice.billing.remittance_pdf import remittance_advice_response
from medoffice.billing.selectors import coverage_proposals
from medoffice.billing.selectors import era as selectors
from medoffice.billing.services import era as services
from medoffice.billing.services import era_exceptions
from medoffice.core.audit import record_event
from medoffice.core.formaction import refusal_text
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage
from medoffice.core.models import AuditAction
from medoffice.core.money import format_money
from medoffice.core.roles import Permission
from medoffice.x12.errors import X12Error


class EraFileList(ListPage):
    model = EraFile
    title = "Remittances (ERA)"
    intro = (
        "835 files from payers: each payment posted to the ledger, and what needs a person "
        "(the exceptions)."
    )
    default_sort = "-uploaded_at"
    data_category = "ledger"
    actions_template = "billing/era/_list_actions.html"
    columns = [
        Column("uploaded_at", "Imported"),
        Column(
            "file_name",
            "File",
            link=lambda f: reverse("billing_office:era-file", args=[f.pk]),
        ),
        Column("status", "Status", value=lambda f: f.get_status_display()),
        Column("payment_count", "Payments", css="text-end"),
        Column("matched_count", "Claims matched", css="text-end"),
        Column("exception_count", "Exceptions", css="text-end"),
        Column("total_paid", "Paid", css="text-end", value=lambda f: format_money(f.total_paid)),
    ]

    def get_permission_required(self) -> list[str]:
        return [Permission.VIEW_LEDGER]

    def export_permission(self) -> str:
        return Permission.VIEW_LEDGER

    def base_queryset(self) -> QuerySet:
        return selectors.era_files(self.request.user)


class EraExceptionList(ListPage):
    model = EraException
    title = "Remittance exceptions"
    intro = (
        "What a remittance could not post by itself: a claim MedOffice does not know, a line "
        "that matches none of the claim's, a code the posting rules do not know. Open one to "
        "match it to a claim or to resolve it."
    )
    default_sort = "-created_at"
    data_category = "ledger"
    actions_template = "billing/era/_exception_actions.html"
    columns = [
        Column("created_at", "Found"),
        Column(
            "kind",
            "What",
            value=lambda e: e.get_kind_display(),
            link=lambda e: reverse("billing_office:era-exception", args=[e.pk]),
        ),
        Column("message", "Detail", sortable=False),
        Column("amount", "Paid held", css="text-end", value=lambda e: format_money(e.amount)),
    ]

    def get_permission_required(self) -> list[str]:
        return [Permission.VIEW_LEDGER]

    def export_permission(self) -> str:
        return Permission.VIEW_LEDGER

    def base_queryset(self) -> QuerySet:
        return selectors.exceptions(self.request.user)

    def extra_context(self) -> dict[str, Any]:
        return {"proposals_open": coverage_proposals.open_count(self.request.user)}


@require_http_methods(["GET", "POST"])
@permission_required(Permission.POST_LEDGER, raise_exception=True)
def era_upload(request: AuthenticatedRequest) -> HttpResponse:
    result = None
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "Choose an 835 file to import."
        elif upload.size is not None and upload.size > services.MAX_FILE:
            error = "The file is larger than 50 MB; it is not posted."
        else:
            try:
                result = services.import_era(
                    data=upload.read(), filename=upload.name or "upload.835", actor=request.user
                )
            except services.EraFileRefused as exc:
                error = f"The file was not posted; nothing was changed. {exc}"
    return render(
        request,
        "billing/era/upload.html",
        {"title": "Import a remittance (835)", "result": result, "error": error},
        status=400 if error else 200,
    )


@require_safe
@permission_required(Permission.VIEW_LEDGER, raise_exception=True)
def era_file_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    view = selectors.get_era_file(request.user, pk)
    return render(
        request,
        "billing/era/detail.html",
        {
            "title": f"Remittance {view.era_file.file_name}",
            "view": view,
            "proposal_counts": coverage_proposals.counts_of_file(request.user, view.era_file),
        },
    )


@require_safe
@permission_required(Permission.VIEW_LEDGER, raise_exception=True)
def era_file_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The file as a remittance advice (PDF): every payment and claim, or one claim's
    (``?claim=<CLP01>``); a user limited to some locations gets only their claims."""
    era_file = selectors.era_files(request.user).filter(pk=pk).first()
    if era_file is None:
        raise Http404("No such ERA file.")
    shown = list(selectors.claim_payments(request.user).filter(payment__era_file=era_file))
    allowed = {cp.claim_identifier for cp in shown}
    wanted = request.GET.get("claim", "").strip()
    claim_ids: set[str] | None = None
    if wanted:
        if wanted not in allowed:
            raise Http404("No such claim in this file.")
        claim_ids = {wanted}
        shown = [cp for cp in shown if cp.claim_identifier == wanted]
    elif request.user.location_ids() is not None:
        if not allowed:
            raise Http404("No claim of this file is at your locations.")
        claim_ids = allowed
    try:
        response = remittance_advice_response(
            era_file.content.encode("utf-8"), era_file.file_name, claim_ids
        )
    except X12Error as refused:
        messages.error(request, f"This file cannot be shown as a remittance advice: {refused}")
        return redirect("billing_office:era-file", pk=era_file.pk)
    record_event(
        AuditAction.PRINT,
        user=request.user,
        obj=era_file,
        patient_ids=[cp.claim.patient_id for cp in shown if cp.claim is not None],
        data_category="ledger",
        detail=f"remittance advice of {era_file.file_name[:80]}"
        + (f", claim {wanted[:38]}" if wanted else ""),
    )
    return response


@require_http_methods(["GET", "POST"])
@permission_required(Permission.VIEW_LEDGER, raise_exception=True)
def era_exception(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    exception = selectors.get_exception(request.user, pk)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not request.user.has_perm(Permission.POST_LEDGER):
            return HttpResponse("Your role does not work remittance exceptions.", status=403)
        action = request.POST.get("action", "")
        try:
            if action == "match":
                number = request.POST.get("claim", "").strip().upper()
                claim = (
                    Claim.objects.restrict(request.user, "view")
                    .filter(control_number=number)
                    .first()
                )
                if claim is None:
                    raise ValidationError(
                        {"claim": ValidationError(f"No claim of yours is numbered “{number}”.")}
                    )
                era_exceptions.match_exception(exception=exception, claim=claim, actor=request.user)
                messages.success(request, f"Posted to claim {claim.control_number}.")
            elif action == "resolve":
                era_exceptions.resolve_exception(
                    exception=exception, actor=request.user, note=request.POST.get("note", "")
                )
                messages.success(request, "The exception is resolved.")
            else:
                raise ValidationError({"action": ValidationError("Match or resolve.")})
            return redirect("billing_office:era-exceptions")
        except ValidationError as exc:
            errors = {
                key: refusal_text(ValidationError(value)) for key, value in exc.error_dict.items()
            }
    return render(
        request,
        "billing/era/exception.html",
        {"title": "Remittance exception", "exception": exception, "errors": errors},
        status=400 if errors else 200,
    )
