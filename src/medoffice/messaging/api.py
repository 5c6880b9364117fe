"""Messaging API: message templates and reminder rules.

The same services as the office manager's pages (``services.save_template``,
``save_rule``, ``delete_rule``). Reading needs the
book's view permission; changing needs ``scheduling.change_schedule`` . A template with an unknown placeholder answers 400
naming the placeholder.
"""

from django.core.exceptions import ValidationError
from ninja import Field, Path, Router, Schema
from ninja.responses import Status

from medoffice.api.common import MAX_ID, audit, get_or_404, restricted
from medoffice.api.errors import error_responses
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction
from medoffice.messaging import services
from medoffice.messaging.error_codes import MessagingErrorCode
from medoffice.messaging.models import MessageChannel, MessageTemplate, ReminderRule

router = Router(tags=["reminders"])


class TemplateOut(Schema):
    id: int
    kind: str
    channel: str
    language: str
    subject: str
    body: str


class TemplateIn(Schema):
    subject: str = Field("", max_length=120)
    body: str = Field(..., min_length=1, max_length=2000)


class RuleOut(Schema):
    id: int
    hours_before: int
    channel: str
    is_active: bool


class RuleIn(Schema):
    hours_before: int = Field(..., ge=1, le=720)
    channel: MessageChannel
    is_active: bool = True


@router.get(
    "/message-templates",
    response={200: list[TemplateOut], **error_responses(403)},
    summary="Reminder, waitlist-offer and recall message templates",
)
def list_templates(request: ApiRequest):
    templates = restricted(request, MessageTemplate, "view")
    services.ensure_defaults()
    audit(request, AuditAction.READ, object_type="messaging.messagetemplate")
    return list(templates.order_by("kind", "channel", "language"))


@router.put(
    "/message-templates/{id}",
    response={200: TemplateOut, **error_responses(400, 403, 404, 422)},
    summary="Change a message template's subject and text",
)
def update_template(request: ApiRequest, payload: TemplateIn, id: int = Path(..., ge=1, le=MAX_ID)):
    template = get_or_404(
        request, restricted(request, MessageTemplate, "change"), id, what="message template"
    )
    template.subject = payload.subject
    template.body = payload.body
    saved = services.save_template(actor=request.auth, template=template)
    return saved


@router.get(
    "/reminder-rules",
    response={200: list[RuleOut], **error_responses(403)},
    summary="When reminders are sent, and how",
)
def list_rules(request: ApiRequest):
    rules = restricted(request, ReminderRule, "view")
    services.ensure_defaults()
    audit(request, AuditAction.READ, object_type="messaging.reminderrule")
    return list(rules)


@router.post(
    "/reminder-rules",
    response={201: RuleOut, **error_responses(400, 403, 422)},
    summary="Add a reminder rule (hours before the visit, channel)",
)
def create_rule(request: ApiRequest, payload: RuleIn):
    restricted(request, ReminderRule, "change")
    if ReminderRule.objects.filter(
        hours_before=payload.hours_before, channel=payload.channel
    ).exists():
        raise ValidationError(
            {
                "hours_before": ValidationError(
                    "A rule for that time and channel exists already.",
                    code=MessagingErrorCode.RULE_EXISTS,
                )
            }
        )
    rule = ReminderRule(
        hours_before=payload.hours_before, channel=payload.channel, is_active=payload.is_active
    )
    return Status(201, services.save_rule(actor=request.auth, rule=rule))


@router.delete(
    "/reminder-rules/{id}",
    response={204: None, **error_responses(403, 404, 422)},
    summary="Remove a reminder rule",
)
def delete_rule(request: ApiRequest, id: int = Path(..., ge=1, le=MAX_ID)):
    rule = get_or_404(
        request, restricted(request, ReminderRule, "change"), id, what="reminder rule"
    )
    services.delete_rule(actor=request.auth, rule=rule)
    return Status(204, None)
