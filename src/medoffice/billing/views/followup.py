"""Following up silent claims: the list of claims without an answer (with the open tasks due
and the 276 files made), asking the payers (276), a 276's download, importing the payers'
277 answers, and the notes and tasks on the claim page."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.billing.filters.followup import FollowUpFilter
from medoffice.billing.forms.followup import NoteForm
from medoffice.billing.models import Claim
from medoffice.billing.selectors import claims as claim_selectors
from medoffice.billing.selectors import followup as selectors
from medoffice.billing.services import followup as services
from medoffice.billing.views.claims import render_claim
from medoffice.core.audit import record_event
from medoffice.core.formaction import refusal_text, run_form_action
from medoffice.core.formats import as_date
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.inputs import one_line
from medoffice.core.listing import Column, ListPage
from medoffice.core.models import AuditAction
from medoffice.core.money import format_money
from medoffice.core.roles import Permission

MAX_NUMBERS = 500  # claim numbers typed into "only these claims"


def _when(value: Any) -> Any:
    return value or ""


class FollowUpList(ListPage):
    model = Claim
    title = "Follow-up: claims without an answer"
    intro = (
        "Claims at the payer with no payment or denial yet, submitted at least the days you "
        "choose ago (30 unless you say). Ask the payers (a 276 claim status request), then "
        "import their 277 answers."
    )
    filterset_class = FollowUpFilter
    default_sort = "first_submitted_at"
    data_category = "claims"
    patient_field = "patient_id"
    actions_template = "billing/followup/_list_actions.html"
    columns = [
        Column(
            "control_number", "Claim", link=lambda c: reverse("billing_office:claim", args=[c.pk])
        ),
        Column(
            "patient",
            "Patient",
            order_by="patient__last_name",
            value=lambda c: f"{c.patient.last_name}, {c.patient.first_name}",
        ),
        Column("payer", "Payer", order_by="payer__name", value=lambda c: c.payer.name),
        Column("date_of_service", "Date of service"),
        Column(
            "first_submitted_at",
            "First sent",
            value=lambda c: as_date(c.first_submitted_at),
            export=lambda c: c.first_submitted_at,
        ),
        Column(
            "days_waiting",
            "Days",
            sortable=False,
            value=selectors.days_waiting,
            css="text-end",
        ),
        Column(
            "last_asked_at",
            "Last asked",
            value=lambda c: as_date(c.last_asked_at) if c.last_asked_at else "",
            export=lambda c: _when(c.last_asked_at),
        ),
        Column(
            "last_answer_kind",
            "Last answer",
            value=lambda c: c.last_answer_kind or "none yet",
        ),
        Column("last_answer", "What it said", sortable=False, value=lambda c: c.last_answer or ""),
        Column("status", "Status", value=lambda c: c.get_status_display()),
        Column(
            "total_charge",
            "Charge",
            value=lambda c: format_money(c.total_charge),
            export=lambda c: c.total_charge,
            css="text-end",
        ),
    ]

    def get_permission_required(self) -> list[str]:
        return [Permission.VIEW_CLAIM]

    def export_permission(self) -> str:
        return Permission.VIEW_CLAIM

    def base_queryset(self) -> QuerySet:
        return selectors.awaiting_answer(self.request.user, days=0)

    def get(self, request: AuthenticatedRequest) -> HttpResponseBase:
        # The page shows the tasks and files above the list; htmx swaps the table alone.
        self.template_name = "core/list.html" if request.htmx else "billing/followup/list.html"
        return super().get(request)

    def extra_context(self) -> dict[str, Any]:
        user = self.request.user
        return {
            "can_ask": user.has_perm(Permission.CHANGE_CLAIM),
            "tasks": list(selectors.open_tasks_due(user)[:50]),
            "request_files": list(selectors.request_files(user)[:10]),
            "ask_filters": {
                key: self.request.GET.get(key, "")[:40] for key in ("days", "payer", "last_kind")
            },
        }


def _numbers(text: str) -> list[str]:
    return [n for n in re.split(r"[\s,;]+", one_line(text[:20000])) if n][: MAX_NUMBERS + 1]


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def ask(request: AuthenticatedRequest) -> HttpResponse:
    """A 276 per destination for the claims listed (the filters sent along), or for the
    claim numbers typed."""
    back = reverse("billing_office:follow-up")
    numbers = _numbers(request.POST.get("claims", ""))
    if len(numbers) > MAX_NUMBERS:
        messages.error(request, f"Ask about at most {MAX_NUMBERS} claim numbers at a time.")
        return redirect(back)
    if numbers:
        chosen = services.askable(request.user).filter(control_number__in=numbers)
        unknown = set(numbers) - set(chosen.values_list("control_number", flat=True))
        if unknown:
            messages.error(
                request,
                "Not asked about (not one of your claims at the payer): "
                + ", ".join(sorted(unknown)[:20])
                + ("…" if len(unknown) > 20 else ""),
            )
    else:
        data = {k: request.POST.get(k, "") for k in ("days", "payer", "last_kind")}
        filterset = FollowUpFilter(
            data, queryset=selectors.awaiting_answer(request.user, days=0), request=request
        )
        if not filterset.is_valid():
            messages.error(
                request,
                "These filters cannot be used: "
                + " ".join(
                    f"{k}: {' '.join(str(m) for m in v)}" for k, v in filterset.form.errors.items()
                ),
            )
            return redirect(back)
        chosen = filterset.qs
    result = services.ask_payers(claims=chosen, actor=request.user)
    if not result.files:
        messages.info(request, "No claim to ask about: nothing was written.")
    else:
        messages.success(
            request,
            f"Asked about {result.claim_count} claim(s) in {len(result.files)} file(s): "
            + "; ".join(f"{d.request_file.file_name} for {d.destination}" for d in result.files)
            + ". Download them below and send them to the clearinghouse or payer.",
        )
    for claim, why in result.refused:
        messages.error(request, f"Claim {claim.control_number} was not asked about: {why}")
    return redirect(back)


@require_safe
@permission_required(Permission.VIEW_CLAIM, raise_exception=True)
def request_file(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A 276 as made; it names every claim's patient, so downloads are audited."""
    found = selectors.get_request_file(request.user, pk)
    if not selectors.whole_file_visible(request.user, found):
        raise Http404("The file asks about claims of locations you do not work at.")
    record_event(
        AuditAction.EXPORT,
        user=request.user,
        obj=found,
        data_category="claims",
        patient_ids=list(found.inquiries.values_list("claim__patient_id", flat=True)),
        detail=f"276 file {found.file_name} ({found.claim_count} claims)",
    )
    response = HttpResponse(found.content, content_type="application/edi-x12")
    response["Content-Disposition"] = f'attachment; filename="{found.file_name}"'
    return response


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def answers_upload(request: AuthenticatedRequest) -> HttpResponse:
    report = None
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "Choose a 277 claim status answer to import."
        elif upload.size is not None and upload.size > services.MAX_FILE:
            error = "The file is larger than 20 MB; it is not a claim status answer."
        else:
            report = services.import_claim_status(
                content=upload.read(), file_name=upload.name or "upload", actor=request.user
            )
    return render(
        request,
        "billing/followup/answers.html",
        {
            "title": "Import the payers' answers (277)",
            "report": report,
            "error": error,
            "outcomes": services.OUTCOMES,
        },
        status=400 if error or (report is not None and not report.ok) else 200,
    )


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def add_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    claim = claim_selectors.get_claim(request.user, pk, audit=False)
    form = NoteForm(request.POST, claim=claim)
    valid = form.is_valid()
    done = run_form_action(
        request,
        form,
        lambda data: services.add_note(
            claim=claim,
            text=data["text"],
            follow_up_on=data["follow_up_on"],
            assigned_to=data["assigned_to"],
            actor=request.user,
        ),
        success=lambda note: "The task is saved." if note.is_task else "Note saved.",
        redirect_to=reverse("billing_office:claim", args=[claim.pk]) + "#notes",
    )
    if done is not None:
        return done
    if not valid and not one_line(request.POST.get("text", "")):
        form.add_error("text", "Write the note.")
    return render_claim(request, claim_selectors.get_claim(request.user, pk), form, status=400)


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def complete_task(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    note = selectors.get_note(request.user, pk)
    try:
        services.complete_task(note=note, actor=request.user)
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, "The task is done.")
    if request.POST.get("next") == "follow-up":
        return redirect("billing_office:follow-up")
    return redirect(reverse("billing_office:claim", args=[note.claim_id]) + "#notes")
