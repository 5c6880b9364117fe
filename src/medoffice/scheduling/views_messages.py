"""The office manager's reminder set-up: message templates (with a preview) and reminder
rules; and the providers' calendar-feed addresses. Thin: parse, call a service, render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from medoffice.core.forms import BootstrapMixin, apply_errors
from medoffice.core.navigation import NavEntry
from medoffice.core.roles import Role
from medoffice.patients.models import Language
from medoffice.scheduling import ical, reminders
from medoffice.scheduling.models import MessageTemplate, Provider, ReminderRule

SETUP = "scheduling.change_schedule"


@dataclass(frozen=True)
class CalendarFeedNavEntry(NavEntry):
    """Shown to the office manager and to providers (who see their own feed)."""

    def visible_to(self, user: Any) -> bool:
        return user.has_perm(SETUP) or Role.PROVIDER in user.role_set


class MessageTemplateForm(BootstrapMixin, forms.ModelForm):
    language = forms.ChoiceField(
        choices=[c for c in Language.choices if c[0] != "other"], initial="en"
    )

    class Meta:
        model = MessageTemplate
        fields = ["kind", "channel", "language", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        help_texts = {"subject": "E-mail only; text messages have no subject."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("kind", "channel", "language"):
                self.fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            reminders.validate_template_text(data.get("subject", ""), data.get("body", ""))
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                if name not in self.errors:
                    for error in errors:
                        self.add_error(name, error)
        return data


class ReminderRuleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ReminderRule
        fields = ["hours_before", "channel", "is_active"]
        labels = {"hours_before": "Hours before the visit", "is_active": "In use"}


@permission_required(SETUP, raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    reminders.ensure_defaults()
    return render(
        request,
        "scheduling/messages/index.html",
        {
            "title": "Reminders and messages",
            "templates": MessageTemplate.objects.restrict(request.user, "view"),
            "rules": ReminderRule.objects.restrict(request.user, "view"),
        },
    )


def _template_page(
    request: HttpRequest, form: MessageTemplateForm, title: str, template: MessageTemplate | None
) -> HttpResponse:
    preview = None
    language = (
        template.language if template is not None else form.data.get("language", "en")
    ) or "en"
    if form.is_bound and form.is_valid():
        draft = form.instance
        preview = reminders.render_template(draft, reminders.sample_values(language))
    elif template is not None and not form.is_bound:
        preview = reminders.render_template(template, reminders.sample_values(language))
    return render(
        request,
        "scheduling/messages/template_form.html",
        {
            "title": title,
            "form": form,
            "preview": preview,
            "placeholders": reminders.PLACEHOLDERS,
            "back": reverse("messages:index"),
        },
    )


def _save_template(request: HttpRequest, form: MessageTemplateForm) -> HttpResponse | None:
    if "preview" in request.POST or not form.is_valid():
        return None
    try:
        template = reminders.save_template(actor=request.user, template=form.instance)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, f"Saved the template “{template}”.")
    return redirect("messages:index")


@permission_required(SETUP, raise_exception=True)
def template_new(request: HttpRequest) -> HttpResponse:
    form = MessageTemplateForm(request.POST or None)
    if request.method == "POST":
        done = _save_template(request, form)
        if done is not None:
            return done
    return _template_page(request, form, "New message template", None)


@permission_required(SETUP, raise_exception=True)
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(MessageTemplate.objects.restrict(request.user, "change"), pk=pk)
    form = MessageTemplateForm(request.POST or None, instance=template)
    if request.method == "POST":
        done = _save_template(request, form)
        if done is not None:
            return done
    return _template_page(request, form, f"Template: {template}", template)


def _rule_page(request: HttpRequest, rule: ReminderRule | None) -> HttpResponse:
    form = ReminderRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            saved = reminders.save_rule(actor=request.user, rule=form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Saved the reminder rule “{saved}”.")
            return redirect("messages:index")
    return render(
        request,
        "scheduling/setup_form.html",
        {
            "title": "Reminder rule" if rule else "New reminder rule",
            "form": form,
            "back": reverse("messages:index"),
        },
    )


@permission_required(SETUP, raise_exception=True)
def rule_new(request: HttpRequest) -> HttpResponse:
    return _rule_page(request, None)


@permission_required(SETUP, raise_exception=True)
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(ReminderRule.objects.restrict(request.user, "change"), pk=pk)
    return _rule_page(request, rule)


@require_POST
@permission_required(SETUP, raise_exception=True)
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(ReminderRule.objects.restrict(request.user, "change"), pk=pk)
    label = str(rule)
    reminders.delete_rule(actor=request.user, rule=rule)
    messages.success(request, f"Removed the reminder rule “{label}”.")
    return redirect("messages:index")


# --- calendar feeds -----------------------------------------------------------------------------


def _feed_providers(user: Any) -> list[Provider]:
    if user.has_perm(SETUP):
        return list(Provider.objects.filter(is_active=True))
    if Role.PROVIDER in user.role_set:
        return list(Provider.objects.filter(user=user))
    raise PermissionDenied("Only the office manager and providers see calendar feeds.")


def feeds(request: HttpRequest) -> HttpResponse:
    providers = _feed_providers(request.user)
    rows = [
        (
            provider,
            request.build_absolute_uri(reverse("public:calendar-feed", args=[provider.feed_token])),
        )
        for provider in providers
    ]
    return render(
        request,
        "scheduling/messages/feeds.html",
        {"title": "Calendar feeds", "rows": rows, "is_manager": request.user.has_perm(SETUP)},
    )


@require_POST
def feed_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(Provider, pk=pk)
    ical.regenerate_feed_token(actor=request.user, provider=provider)
    messages.success(
        request,
        f"{provider}'s calendar feed has a new address; the old one no longer works.",
    )
    return redirect("messages:feeds")
