"""The reminders' rows of the authorization matrix.

The office manager edits the message templates and reminder rules. The calendar-feed
page is the office manager's (every provider) and each provider's (their own); only the
office manager renews another provider's address. The public /p/ URLs answer everyone,
logged in or not, because the signed token or the feed's secret is the authorisation:
the targets here create a valid one. A confirm or cancel button answers with a redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from tests.core.test_authorization_matrix import BI, CL, EVERY_ROLE, FD, OM, PR, api, page

BOOK_READERS = {OM, FD, BI, PR, CL}


def _message_template() -> Any:
    from medoffice.messaging.models import MessageTemplate
    from medoffice.scheduling import reminders

    reminders.ensure_defaults()
    return MessageTemplate.objects.get(kind="reminder", channel="sms", language="en")


def _reminder_rule() -> Any:
    from tests.messaging.factories import ReminderRuleFactory

    return ReminderRuleFactory(hours_before=48, channel="email")


def _feed_provider() -> Any:
    from tests.scheduling.factories import ProviderFactory

    return ProviderFactory()


def _link_token(purpose: str) -> Callable[[], Any]:
    def make() -> Any:
        from medoffice.scheduling import reminders
        from tests.messaging.factories import open_weekday_at
        from tests.scheduling.factories import AppointmentFactory

        visit = AppointmentFactory(start=open_weekday_at(10, days_ahead=7))
        return SimpleNamespace(pk=reminders.appointment_token(visit, purpose))

    return make


def _feed_token() -> Any:
    return SimpleNamespace(pk=_feed_provider().feed_token)


def _new_body(form: str, make: Callable[[], Any]) -> Callable[[Any], dict[str, Any]]:
    def body(_target: Any) -> dict[str, Any]:
        from medoffice.messaging import forms
        from tests.formdata import new_object_body

        return new_object_body(getattr(forms, form), make)

    return body


def _edit_body(form: str, **changes: str) -> Callable[[Any], dict[str, Any]]:
    def body(instance: Any) -> dict[str, Any]:
        from medoffice.messaging import forms
        from tests.formdata import form_body

        return {**form_body(getattr(forms, form)(instance=instance)), **changes}

    return body


ROWS = [
    page("/schedule/messages/", "Reminders and messages: set-up", {OM}),
    page("/schedule/messages/log/", "Delivery log", {OM, FD, BI, PR, CL}),
    page("/schedule/messages/templates/new/", "New message template", {OM}),
    page(
        "/schedule/messages/templates/new/",
        "New message template: save",
        {OM},
        method="POST",
        ok=302,
        body=_new_body("MessageTemplateForm", _message_template),
    ),
    page(
        "/schedule/messages/templates/<int:pk>/",
        "Edit a message template (with preview)",
        {OM},
        target="message_template",
    ),
    page(
        "/schedule/messages/templates/<int:pk>/",
        "Edit a message template: save",
        {OM},
        method="POST",
        ok=302,
        target="message_template",
        body=_edit_body("MessageTemplateForm"),
    ),
    page("/schedule/messages/rules/new/", "New reminder rule", {OM}),
    page(
        "/schedule/messages/rules/new/",
        "New reminder rule: save",
        {OM},
        method="POST",
        ok=302,
        body=_new_body("ReminderRuleForm", _reminder_rule),
    ),
    page(
        "/schedule/messages/rules/<int:pk>/",
        "Edit a reminder rule",
        {OM},
        target="reminder_rule",
    ),
    page(
        "/schedule/messages/rules/<int:pk>/",
        "Edit a reminder rule: save",
        {OM},
        method="POST",
        ok=302,
        target="reminder_rule",
        body=_edit_body("ReminderRuleForm", hours_before="72"),
    ),
    page(
        "/schedule/messages/rules/<int:pk>/delete/",
        "Remove a reminder rule",
        {OM},
        method="POST",
        ok=302,
        target="reminder_rule",
    ),
    page("/schedule/messages/calendar-feeds/", "Calendar feed addresses", {OM, PR}),
    page(
        "/schedule/messages/calendar-feeds/<int:pk>/regenerate/",
        "Give a provider's calendar feed a new address",
        {OM},
        method="POST",
        ok=302,
        target="feed_provider",
    ),
    page(
        "/p/a/<str:token>/confirm/",
        "Patient link: confirm page (valid signed token)",
        EVERY_ROLE,
        anonymous=200,
        target="confirm_token",
    ),
    page(
        "/p/a/<str:token>/confirm/",
        "Patient link: confirm the visit (valid signed token)",
        EVERY_ROLE,
        method="POST",
        ok=302,
        anonymous=302,
        target="confirm_token",
    ),
    page(
        "/p/a/<str:token>/cancel/",
        "Patient link: cancel page (valid signed token)",
        EVERY_ROLE,
        anonymous=200,
        target="cancel_token",
    ),
    page(
        "/p/a/<str:token>/cancel/",
        "Patient link: cancel the visit (valid signed token)",
        EVERY_ROLE,
        method="POST",
        ok=302,
        anonymous=302,
        target="cancel_token",
    ),
    page(
        "/p/ical/<str:feed_token>.ics",
        "Provider's calendar feed (secret address)",
        EVERY_ROLE,
        anonymous=200,
        target="feed_token",
    ),
]

ROWS += [
    api("GET", "/api/v1/message-templates", "API: message templates", BOOK_READERS),
    api(
        "PUT",
        "/api/v1/message-templates/{id}",
        "API: change a message template",
        {OM},
        target="message_template",
        body=lambda template: {
            "subject": template.subject,
            "body": "See you soon. " + template.body,
        },
    ),
    api("GET", "/api/v1/reminder-rules", "API: reminder rules", BOOK_READERS),
    api(
        "POST",
        "/api/v1/reminder-rules",
        "API: add a reminder rule",
        {OM},
        ok=201,
        body=lambda _target: {"hours_before": 6, "channel": "sms"},
    ),
    api(
        "DELETE",
        "/api/v1/reminder-rules/{id}",
        "API: remove a reminder rule",
        {OM},
        ok=204,
        target="reminder_rule",
    ),
    api("GET", "/api/v1/calendar-feeds", "API: calendar feed addresses", BOOK_READERS),
    api(
        "POST",
        "/api/v1/calendar-feeds/{id}/renew",
        "API: renew another provider's feed address",
        {OM},
        target="feed_provider",
    ),
]

TARGETS: dict[str, Callable[[], Any]] = {
    "message_template": _message_template,
    "reminder_rule": _reminder_rule,
    "feed_provider": _feed_provider,
    "confirm_token": _link_token("confirm"),
    "cancel_token": _link_token("cancel"),
    "feed_token": _feed_token,
}
