"""The office manager's messaging set-up: message templates (with a preview) and reminder
rules. Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.core.formaction import run_form_action
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage
from medoffice.core.roles import Permission
from medoffice.messaging import kinds, services
from medoffice.messaging.filters import MessageFilter
from medoffice.messaging.forms import MessageTemplateForm, ReminderRuleForm
from medoffice.messaging.models import Message, MessageTemplate, ReminderRule
from medoffice.messaging.services import SETUP


@require_safe
@permission_required(SETUP, raise_exception=True)
def index(request: AuthenticatedRequest) -> HttpResponse:
    services.ensure_defaults()
    return render(
        request,
        "messaging/index.html",
        {
            "title": "Reminders and messages",
            "templates": MessageTemplate.objects.restrict(request.user, "view"),
            "rules": ReminderRule.objects.restrict(request.user, "view"),
        },
    )


def _template_page(
    request: AuthenticatedRequest,
    form: MessageTemplateForm,
    title: str,
    template: MessageTemplate | None,
) -> HttpResponse:
    preview = None
    language = (
        template.language if template is not None else form.data.get("language", "en")
    ) or "en"
    if form.is_bound and form.is_valid():
        draft = form.instance
        preview = services.render_template(draft, kinds.sample_values(draft.kind, language))
    elif template is not None and not form.is_bound:
        preview = services.render_template(template, kinds.sample_values(template.kind, language))
    return render(
        request,
        "messaging/template_form.html",
        {
            "title": title,
            "form": form,
            "preview": preview,
            "placeholders": kinds.all_placeholders(),
            "back": reverse("messages:index"),
        },
    )


def _save_template(request: AuthenticatedRequest, form: MessageTemplateForm) -> HttpResponse | None:
    if "preview" in request.POST:
        return None
    return run_form_action(
        request,
        form,
        lambda data: services.save_template(actor=request.user, template=form.instance),
        success=lambda template: f"Saved the template “{template}”.",
        redirect_to="messages:index",
    )


@require_http_methods(["GET", "POST"])
@permission_required(SETUP, raise_exception=True)
def template_new(request: AuthenticatedRequest) -> HttpResponse:
    form = MessageTemplateForm(request.POST or None)
    if request.method == "POST":
        done = _save_template(request, form)
        if done is not None:
            return done
    return _template_page(request, form, "New message template", None)


@require_http_methods(["GET", "POST"])
@permission_required(SETUP, raise_exception=True)
def template_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(MessageTemplate.objects.restrict(request.user, "change"), pk=pk)
    form = MessageTemplateForm(request.POST or None, instance=template)
    if request.method == "POST":
        done = _save_template(request, form)
        if done is not None:
            return done
    return _template_page(request, form, f"Template: {template}", template)


def _rule_page(request: AuthenticatedRequest, rule: ReminderRule | None) -> HttpResponse:
    form = ReminderRuleForm(request.POST or None, instance=rule)
    done = run_form_action(
        request,
        form,
        lambda data: services.save_rule(actor=request.user, rule=form.instance),
        success=lambda saved: f"Saved the reminder rule “{saved}”.",
        redirect_to="messages:index",
    )
    if done is not None:
        return done
    return render(
        request,
        "messaging/rule_form.html",
        {
            "title": "Reminder rule" if rule else "New reminder rule",
            "form": form,
            "back": reverse("messages:index"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(SETUP, raise_exception=True)
def rule_new(request: AuthenticatedRequest) -> HttpResponse:
    return _rule_page(request, None)


@require_http_methods(["GET", "POST"])
@permission_required(SETUP, raise_exception=True)
def rule_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(ReminderRule.objects.restrict(request.user, "change"), pk=pk)
    return _rule_page(request, rule)


@require_POST
@permission_required(SETUP, raise_exception=True)
def rule_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(ReminderRule.objects.restrict(request.user, "change"), pk=pk)
    label = str(rule)
    services.delete_rule(actor=request.user, rule=rule)
    messages.success(request, f"Removed the reminder rule “{label}”.")
    return redirect("messages:index")


class DeliveryLog(ListPage):
    """Every message sent or due to be sent to patients, newest first: what went out, what
    was skipped (no consent, quiet hours) and what failed, with the reason."""

    model = Message
    title = "Delivery log"
    intro = "Messages to patients: sent, queued, skipped and failed, with the reason."
    filterset_class = MessageFilter
    default_sort = "-scheduled_for"
    data_category = "messages"
    patient_field = "patient_id"
    columns = [
        Column(
            "scheduled_for",
            "Due",
            value=lambda m: timezone.localtime(m.scheduled_for),
        ),
        Column(
            "patient",
            "Patient",
            order_by="patient__last_name",
            value=lambda m: f"{m.patient.last_name}, {m.patient.first_name}",
        ),
        Column("kind", "Kind", value=lambda m: m.get_kind_display()),
        Column("channel", "Channel", value=lambda m: m.get_channel_display()),
        Column("to", "To"),
        Column("status", "Status", value=lambda m: m.get_status_display()),
        Column("error", "Reason", sortable=False),
    ]

    def get_permission_required(self) -> list[str]:
        return [Permission.VIEW_APPOINTMENT]  # the messages' "view" (``MessageQuerySet``)

    def base_queryset(self) -> QuerySet:
        return Message.objects.restrict(self.request.user, "view").select_related("patient")
