"""Denials and appeals: the queue (grouped by category and code, filters, CSV), a denial's
page with its claim, codes in words, what to do and its actions (appeal, correct, void,
write off, outcome), a denial typed by hand, appeal letters (edited, stored, PDF), the
letter templates and the report (denial rate, top reasons, appeals)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.billing import appeal_letters
from medoffice.billing.appeal_pdf import letter_pdf
from medoffice.billing.filters.denials import DenialFilter
from medoffice.billing.forms.denials import (
    AppealForm,
    AssignForm,
    ManualDenialForm,
    OutcomeForm,
    StatusForm,
    TemplateForm,
)
from medoffice.billing.models import AppealTemplate, Denial
from medoffice.billing.models.denials import WORKING
from medoffice.billing.selectors import claims as claim_selectors
from medoffice.billing.selectors import denials as selectors
from medoffice.billing.services import denials as services
from medoffice.core.formaction import refusal_text, run_form_action
from medoffice.core.formats import as_date
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage
from medoffice.core.money import format_money
from medoffice.core.roles import Permission


def _detail_url(denial: Denial) -> str:
    return reverse("billing_office:denial", args=[denial.pk])


class DenialList(ListPage):
    model = Denial
    title = "Denials"
    intro = (
        "Money the payers refused, by category and by reason code. Open one to see what to "
        "do: appeal it, correct or void the claim, or write it off."
    )
    filterset_class = DenialFilter
    default_sort = "due_on"
    data_category = "claims"
    patient_field = "patient_id"
    actions_template = "billing/denials/_list_actions.html"
    columns = [
        Column("code", "Code", order_by="reason_code", link=_detail_url),
        Column("remark_codes", "Remarks", value=lambda d: " ".join(d.remark_list)),
        Column(
            "category",
            "Category",
            value=lambda d: d.category_label,
            export=lambda d: d.category,
        ),
        Column(
            "claim",
            "Claim",
            order_by="claim__control_number",
            value=lambda d: d.claim.control_number,
            link=lambda d: reverse("billing_office:claim", args=[d.claim_id]),
        ),
        Column(
            "patient",
            "Patient",
            order_by="patient__last_name",
            value=lambda d: f"{d.patient.last_name}, {d.patient.first_name}",
        ),
        Column(
            "payer",
            "Payer",
            order_by="payer__name",
            value=lambda d: d.payer.name if d.payer else "",
        ),
        Column(
            "amount",
            "Amount",
            value=lambda d: format_money(d.amount),
            export=lambda d: d.amount,
            css="text-end",
        ),
        Column(
            "denied_on",
            "Denied",
            value=lambda d: as_date(d.denied_on),
            export=lambda d: d.denied_on,
        ),
        Column("age", "Days", sortable=False, value=selectors.days_old, css="text-end"),
        Column("due_on", "Appeal by", value=lambda d: as_date(d.due_on), export=lambda d: d.due_on),
        Column(
            "status", "Status", value=lambda d: d.get_status_display(), export=lambda d: d.status
        ),
        Column(
            "assigned_to",
            "Assigned",
            order_by="assigned_to__last_name",
            value=lambda d: (
                (d.assigned_to.get_full_name() or d.assigned_to.username) if d.assigned_to else ""
            ),
        ),
    ]

    def get_permission_required(self) -> list[str]:
        return [Permission.VIEW_CLAIM]

    def export_permission(self) -> str:
        return Permission.VIEW_CLAIM

    def base_queryset(self) -> QuerySet:
        return selectors.denials(self.request.user)

    def get(self, request: AuthenticatedRequest) -> HttpResponseBase:
        self.template_name = "core/list.html" if request.htmx else "billing/denials/list.html"
        return super().get(request)

    def extra_context(self) -> dict[str, Any]:
        qs, form, _sort = self.filtered(self.request)
        if form is not None and form.is_bound and not form.is_valid():
            qs = qs.none()
        query = self.request.GET.copy()
        for key in ("page", "category", "code"):
            query.pop(key, None)
        return {"groups": selectors.groups(qs), "group_query": query.urlencode()}


def _detail_context(request: AuthenticatedRequest, denial: Denial, **forms: Any) -> dict[str, Any]:
    user = request.user
    claim = denial.claim
    can_change = user.has_perm(Permission.CHANGE_CLAIM)
    return {
        "title": f"Denial {denial.code} on claim {claim.control_number}",
        "denial": denial,
        "claim": claim,
        "line": denial.charge_line,
        "reason_words": selectors.code_words(denial.group_code, denial.reason_code),
        "remarks": [(code, selectors.remark_words(code)) for code in denial.remark_list],
        "hint": selectors.HINTS.get(denial.category, selectors.HINTS["other"]),
        "hints": [
            (label, selectors.HINTS.get(value, ""))
            for value, label in Denial._meta.get_field("category").choices or []
        ],
        "events": list(selectors.events(denial)),
        "appeals": list(selectors.appeals_of(user, denial)),
        "others": list(
            selectors.denials(user).filter(claim=claim).exclude(pk=denial.pk).order_by("pk")
        ),
        "age": selectors.days_old(denial),
        "can_change": can_change,
        "can_write_off": can_change and user.has_perm(Permission.POST_LEDGER),
        "working": denial.status in WORKING,
        "templates": list(selectors.templates()),
        "status_form": forms.get("status_form") or StatusForm(),
        "assign_form": forms.get("assign_form")
        or AssignForm(
            denial=denial,
            initial={"assigned_to": str(denial.assigned_to_id or "")},
        ),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(),
    }


@require_safe
@permission_required(Permission.VIEW_CLAIM, raise_exception=True)
def denial_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    denial = selectors.get_denial(request.user, pk)
    return render(request, "billing/denials/detail.html", _detail_context(request, denial))


def _refused(request: AuthenticatedRequest, denial: Denial, **forms: Any) -> HttpResponse:
    fresh = selectors.get_denial(request.user, denial.pk, audit=False)
    return render(
        request, "billing/denials/detail.html", _detail_context(request, fresh, **forms), status=400
    )


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def denial_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    denial = selectors.get_denial(request.user, pk, audit=False)
    form = StatusForm(request.POST)
    done = run_form_action(
        request,
        form,
        lambda data: services.change_status(
            denial=denial,
            status=data["status"],
            reason=data["reason"],
            recovered=data["recovered"],
            actor=request.user,
        ),
        success="The denial's status is changed.",
        redirect_to=_detail_url(denial),
    )
    return done or _refused(request, denial, status_form=form)


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def denial_assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    denial = selectors.get_denial(request.user, pk, audit=False)
    form = AssignForm(request.POST, denial=denial)
    done = run_form_action(
        request,
        form,
        lambda data: services.assign_denial(
            denial=denial, assignee=data["assigned_to"], actor=request.user
        ),
        success="The denial is assigned.",
        redirect_to=_detail_url(denial),
    )
    return done or _refused(request, denial, assign_form=form)


@require_POST
@permission_required(Permission.POST_LEDGER, raise_exception=True)
def denial_write_off(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    denial = selectors.get_denial(request.user, pk, audit=False)
    if not request.user.has_perm(Permission.CHANGE_CLAIM):
        raise PermissionDenied("Your role does not work denials.")
    try:
        entries = services.write_off_denial(
            denial=denial, actor=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
    else:
        total = sum((-e.amount for e in entries), services.ZERO)
        messages.success(request, f"{format_money(total)} written off ({denial.code}).")
    return redirect(_detail_url(denial))


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def denial_correct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    denial = selectors.get_denial(request.user, pk, audit=False)
    try:
        encounter = services.correct_denied_claim(
            denial=denial, actor=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
        return redirect(_detail_url(denial))
    messages.success(
        request,
        f"The charges are open for correction (revision {encounter.revision}); their review "
        "makes the replacement claim.",
    )
    return redirect("billing_office:visit-charges", appointment_id=encounter.appointment_id)


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def denial_void(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    denial = selectors.get_denial(request.user, pk, audit=False)
    try:
        made = services.void_denied_claim(
            denial=denial, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
        return redirect(_detail_url(denial))
    messages.success(request, f"Void claim {made.control_number} made; the denial is closed.")
    return redirect("billing_office:claim", pk=made.pk)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def denial_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A denial typed from a letter, a call or a paper EOB, on claim ``pk``."""
    claim = claim_selectors.get_claim(request.user, pk, audit=request.method == "GET")
    form = ManualDenialForm(request.POST or None, claim=claim)
    done = run_form_action(
        request,
        form,
        lambda data: services.record_denial(
            claim=claim,
            charge_line_id=data["line"],
            group=data["group"],
            reason=data["reason"],
            remarks=data["remarks"],
            amount=data["amount"],
            denied_on=data["denied_on"],
            notes=data["notes"],
            actor=request.user,
        ),
        success=lambda denial: f"Denial {denial.code} recorded.",
        redirect_to=lambda denial: redirect(_detail_url(denial)),
        labels={"charge_line_id": "Service line"},
    )
    if done is not None:
        return done
    return render(
        request,
        "billing/denials/new.html",
        {"title": f"Record a denial on claim {claim.control_number}", "claim": claim, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def appeal_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Write an appeal: a template's letter filled for the denial, edited, then stored."""
    denial = selectors.get_denial(request.user, pk, audit=request.method == "GET")
    choices = [denial] + list(
        selectors.denials(request.user)
        .filter(claim=denial.claim_id)
        .exclude(pk=denial.pk)
        .order_by("pk")
    )
    chosen_templates = list(selectors.templates())
    if not chosen_templates:
        services.ensure_templates()
        chosen_templates = list(selectors.templates())
    if request.method == "POST":
        form = AppealForm(request.POST, choices=choices)
        done = run_form_action(
            request,
            form,
            lambda data: services.create_appeal(
                denials=data["denials"],
                template=data["template"],
                letter_text=data["letter_text"],
                method=data["method"],
                sent_on=data["sent_on"],
                actor=request.user,
            ),
            success="The appeal is saved: download its letter below.",
            redirect_to=lambda appeal: redirect(_detail_url(denial) + f"#appeal-{appeal.pk}"),
        )
        if done is not None:
            return done
        status = 400
    else:
        key = request.GET.get("template", "")[:40]
        template = next((t for t in chosen_templates if t.key == key), None)
        if template is None:
            template = _suggested(denial, chosen_templates)
        body = template.body if template else ""
        form = AppealForm(
            choices=choices,
            initial={
                "denials": [str(denial.pk)],
                "template": template.key if template else "",
                "letter_text": appeal_letters.fill(body, selectors.letter_values([denial])),
            },
        )
        status = 200
    return render(
        request,
        "billing/denials/appeal.html",
        {
            "title": f"Appeal denial {denial.code} on claim {denial.claim.control_number}",
            "denial": denial,
            "form": form,
            "templates": chosen_templates,
            "placeholders": appeal_letters.PLACEHOLDERS,
        },
        status=status,
    )


def _suggested(denial: Denial, templates: list[AppealTemplate]) -> AppealTemplate | None:
    fitting = {b.key for b in appeal_letters.BUILT_IN if denial.category in b.categories}
    return next((t for t in templates if t.key in fitting), templates[0] if templates else None)


@require_safe
@permission_required(Permission.VIEW_CLAIM, raise_exception=True)
def appeal_letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    appeal = selectors.get_appeal(request.user, pk)
    response = HttpResponse(letter_pdf(appeal, actor=request.user), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="appeal-{appeal.pk}-{appeal.claim.control_number}.pdf"'
    )
    return response


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def appeal_outcome(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    appeal = selectors.get_appeal(request.user, pk)
    first = appeal.denials.order_by("pk").first()
    if first is None:
        raise Http404("The appeal has no denial.")
    form = OutcomeForm(request.POST)
    done = run_form_action(
        request,
        form,
        lambda data: services.record_appeal_outcome(
            appeal=appeal,
            outcome=data["outcome"],
            outcome_on=data["outcome_on"],
            recovered=data["recovered"],
            reason=data["reason"],
            actor=request.user,
        ),
        success="The appeal's outcome is recorded.",
        redirect_to=_detail_url(first) + f"#appeal-{appeal.pk}",
    )
    return done or _refused(request, first, outcome_form=form)


@require_safe
@permission_required(Permission.VIEW_CLAIM, raise_exception=True)
def denial_report(request: AuthenticatedRequest) -> HttpResponse:
    figures = selectors.report(request.user)
    return render(
        request,
        "billing/denials/report.html",
        {
            "title": "Denials: rate, top reasons and appeals",
            "report": figures,
            "success": selectors.percent(figures.appeal_success_rate),
            "months": [(m, selectors.percent(m.rate)) for m in figures.months],
        },
    )


@require_safe
@permission_required(Permission.VIEW_CLAIM, raise_exception=True)
def template_list(request: AuthenticatedRequest) -> HttpResponse:
    rows = list(selectors.templates(active_only=False))
    if not rows:
        services.ensure_templates()
        rows = list(selectors.templates(active_only=False))
    return render(
        request,
        "billing/denials/templates.html",
        {
            "title": "Appeal letter templates",
            "templates": rows,
            "can_edit": request.user.has_perm(Permission.CHANGE_BILLING_REFERENCE),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_BILLING_REFERENCE, raise_exception=True)
def template_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    template = None
    if pk is not None:
        template = AppealTemplate.objects.filter(pk=pk).first()
        if template is None:
            raise Http404("No such template.")
    initial = (
        {"name": template.name, "body": template.body, "is_active": template.is_active}
        if template
        else {"is_active": True}
    )
    form = TemplateForm(request.POST or None, initial=initial)
    done = run_form_action(
        request,
        form,
        lambda data: services.save_template(
            template=template,
            name=data["name"],
            body=data["body"],
            is_active=data["is_active"],
            actor=request.user,
        ),
        success="The template is saved.",
        redirect_to="billing_office:appeal-templates",
    )
    if done is not None:
        return done
    return render(
        request,
        "billing/denials/template_edit.html",
        {
            "title": f"Template: {template.name}" if template else "New appeal letter template",
            "template": template,
            "form": form,
            "placeholders": appeal_letters.PLACEHOLDERS,
        },
        status=400 if request.method == "POST" else 200,
    )
