"""The posting-rule table of remittances: the rules listed (filter by payer and group),
a rule added, changed or deleted, and the rules for all payers reset to the defaults. The
billers and the office manager change them; changes affect later postings only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Case, QuerySet, Value, When
from django.db.models.functions import Concat, LPad
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from medoffice.billing.adjustments import AdjustmentCodeError, carc
from medoffice.billing.filters.reference import PostingRuleFilter
from medoffice.billing.forms.era import ACTION_LABELS, PostingRuleForm
from medoffice.billing.models import PostingRule
from medoffice.billing.services import posting_rules as services
from medoffice.billing.services.era_rules import seed_posting_rules
from medoffice.core.formaction import refusal_text, run_form_action
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage
from medoffice.core.roles import Permission

LATER_ONLY = (
    "A change applies to the remittances imported after it; what was posted stays as posted."
)


def _description(rule: PostingRule) -> str:
    if rule.reason_code == "*":
        return "every other reason of the group"
    try:
        entry = carc(rule.reason_code)
    except AdjustmentCodeError:
        entry = None
    return entry.description if entry else "a code MedOffice does not know"


class PostingRuleList(ListPage):
    model = PostingRule
    title = "Posting rules"
    intro = (
        "What the remittance posting does with each adjustment, by group code and reason "
        "(CARC), optionally only with a remark (RARC) or a claim status (CLP02). A payer's own "
        "rule comes before the rule for all payers. " + LATER_ONLY
    )
    default_sort = "group_code"
    filterset_class = PostingRuleFilter
    actions_template = "billing/era/_rules_actions.html"
    paginate_by = 50
    columns = [
        Column(
            "payer",
            "Payer",
            order_by="payer__name",
            value=lambda r: r.payer.name if r.payer else "All payers",
        ),
        Column(
            "group_code",
            "Group",
            order_by="group_order",
            link=lambda r: reverse("billing_office:posting-rule", args=[r.pk]),
        ),
        Column("reason_code", "CARC", order_by="carc_order"),
        # the CARC's description can be long: it wraps, so the action stays in view
        Column("description", "Reason", sortable=False, value=_description, css="cell-wrap"),
        Column("remark_code", "RARC"),
        Column("claim_status", "CLP02"),
        Column("action", "Action", value=lambda r: ACTION_LABELS.get(r.action, r.action)),
    ]

    def get_permission_required(self) -> list[str]:
        return [Permission.VIEW_LEDGER]

    def export_permission(self) -> str:
        return Permission.VIEW_LEDGER

    def base_queryset(self) -> QuerySet:
        # CARCs in their numeric order (10 before 103): "*" first, then the numbers padded
        # to five, then the codes that start with a letter (A1, B7, P2...) padded alike
        carc = Concat(
            Case(
                When(reason_code="*", then=Value("0")),
                When(reason_code__gte="0", reason_code__lt=":", then=Value("1")),
                default=Value("2"),
            ),
            LPad("reason_code", 5, Value("0")),
        )
        return (
            PostingRule.objects.restrict(self.request.user, "view")
            .select_related("payer")
            .annotate(carc_order=carc, group_order=Concat("group_code", carc))
        )

    def get(
        self, request: AuthenticatedRequest
    ) -> Any:  # the table seeded before it is first shown
        if not PostingRule.objects.exists():
            seed_posting_rules()
        return super().get(request)


def _initial(rule: PostingRule) -> dict[str, Any]:
    return {
        "payer": rule.payer_id,
        "group_code": rule.group_code,
        "reason_code": rule.reason_code,
        "remark_code": rule.remark_code,
        "claim_status": rule.claim_status,
        "action": rule.action,
    }


@require_http_methods(["GET", "POST"])
@permission_required(Permission.POST_LEDGER, raise_exception=True)
def posting_rule_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    rule = (
        get_object_or_404(PostingRule.objects.restrict(request.user, "change"), pk=pk)
        if pk
        else None
    )
    form = PostingRuleForm(request.POST or None, initial=_initial(rule) if rule else None)
    done = run_form_action(
        request,
        form,
        lambda data: services.save_posting_rule(actor=request.user, rule=rule, **data),
        success=lambda r: f"Saved the rule {services.rule_label(r)}. {LATER_ONLY}",
        redirect_to="billing_office:posting-rules",
    )
    if done is not None:
        return done
    return render(
        request,
        "billing/era/rule.html",
        {
            "title": f"Posting rule {services.rule_label(rule)}" if rule else "New posting rule",
            "form": form,
            "rule": rule,
            "later_only": LATER_ONLY,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@permission_required(Permission.POST_LEDGER, raise_exception=True)
def posting_rule_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(PostingRule.objects.restrict(request.user, "change"), pk=pk)
    label = services.rule_label(rule)
    services.delete_posting_rule(actor=request.user, rule=rule)
    messages.success(request, f"Deleted the rule {label}. {LATER_ONLY}")
    return redirect("billing_office:posting-rules")


@require_POST
@permission_required(Permission.POST_LEDGER, raise_exception=True)
def posting_rules_reset(request: AuthenticatedRequest) -> HttpResponse:
    try:
        count = services.reset_posting_rules(actor=request.user)
    except ValidationError as refused:
        messages.error(request, refusal_text(refused))
    else:
        messages.success(
            request,
            f"The rules for all payers are the {count} defaults again; payers' own rules "
            f"are kept. {LATER_ONLY}",
        )
    return redirect("billing_office:posting-rules")
