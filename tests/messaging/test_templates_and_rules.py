"""Editing message templates and reminder rules (the office manager's settings page)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from medoffice.core.roles import Role
from medoffice.messaging.models import MessageTemplate, ReminderRule
from medoffice.scheduling import reminders

pytestmark = pytest.mark.django_db


def _template(kind="reminder", channel="sms", language="en") -> MessageTemplate:
    reminders.ensure_defaults()
    return MessageTemplate.objects.get(kind=kind, channel=channel, language=language)


def test_default_templates_exist_in_english_and_spanish(practice):
    reminders.ensure_defaults()

    languages = set(
        MessageTemplate.objects.filter(kind="reminder").values_list("channel", "language")
    )
    assert languages == {("email", "en"), ("sms", "en"), ("email", "es"), ("sms", "es")}


def test_the_first_use_sets_up_a_72_hour_email_and_a_24_hour_text_rule(practice):
    reminders.ensure_defaults()

    assert set(ReminderRule.objects.values_list("hours_before", "channel")) == {
        (72, "email"),
        (24, "sms"),
    }


def test_deleted_rules_do_not_come_back(practice):
    reminders.ensure_defaults()
    ReminderRule.objects.all().delete()

    reminders.ensure_defaults()

    assert not ReminderRule.objects.exists()


def test_an_unknown_placeholder_is_refused_naming_it():
    with pytest.raises(ValidationError) as refused:
        reminders.validate_template_text("", "Hello {patient_last_name}, see you {date}.")

    assert "Unknown placeholder {patient_last_name}" in refused.value.message_dict["body"][0]


def test_a_stray_brace_is_refused():
    with pytest.raises(ValidationError) as refused:
        reminders.validate_template_text("Your visit {date", "Hello")

    assert "has no partner" in refused.value.message_dict["subject"][0]


def test_rendering_leaves_an_unknown_placeholder_visible_and_reaches_into_nothing():
    text = reminders.render_text(
        "Hi {patient_first_name} {nickname} {patient_first_name.__class__}",
        {"patient_first_name": "Ana"},
    )

    assert text == "Hi Ana {nickname} {patient_first_name.__class__}"


def test_the_edit_page_previews_the_template_with_a_sample_visit(client_for):
    template = _template()
    manager = client_for(Role.OFFICE_MANAGER)

    page = manager.post(
        f"/schedule/messages/templates/{template.pk}/",
        {
            "subject": "",
            "body": "Hi {patient_first_name}, see you {date} at {time}.",
            "preview": "1",
        },
    )

    template.refresh_from_db()
    assert page.status_code == 200
    assert "Hi Alex, see you" in page.content.decode()
    assert "Hi {patient_first_name}" not in template.body  # a preview saves nothing


def test_saving_a_template_with_an_unknown_placeholder_shows_the_error(client_for):
    template = _template()
    manager = client_for(Role.OFFICE_MANAGER)

    page = manager.post(
        f"/schedule/messages/templates/{template.pk}/",
        {"subject": "", "body": "See you {when}."},
    )

    template.refresh_from_db()
    assert page.status_code == 200
    assert "Unknown placeholder {when}" in page.content.decode()
    assert "{when}" not in template.body


def test_the_office_manager_saves_a_template(client_for):
    template = _template()
    manager = client_for(Role.OFFICE_MANAGER)

    answer = manager.post(
        f"/schedule/messages/templates/{template.pk}/",
        {"subject": "", "body": "{practice}: see you {date} at {time}. {confirm_url}"},
    )

    template.refresh_from_db()
    assert answer.status_code == 302
    assert template.body == "{practice}: see you {date} at {time}. {confirm_url}"


def test_a_template_in_another_language_can_be_added(client_for):
    manager = client_for(Role.OFFICE_MANAGER)

    manager.post(
        "/schedule/messages/templates/new/",
        {
            "kind": "reminder",
            "channel": "sms",
            "language": "vi",
            "subject": "",
            "body": "{practice}: {date} {time}",
        },
    )

    assert MessageTemplate.objects.filter(kind="reminder", channel="sms", language="vi").exists()


def test_the_office_manager_adds_a_reminder_rule(client_for):
    manager = client_for(Role.OFFICE_MANAGER)

    answer = manager.post(
        "/schedule/messages/rules/new/", {"hours_before": "2", "channel": "sms", "is_active": "on"}
    )

    assert answer.status_code == 302
    assert ReminderRule.objects.filter(hours_before=2, channel="sms", is_active=True).exists()


def test_a_rule_more_than_30_days_ahead_is_refused_naming_the_field(client_for):
    manager = client_for(Role.OFFICE_MANAGER)

    page = manager.post("/schedule/messages/rules/new/", {"hours_before": "800", "channel": "sms"})

    assert page.status_code == 200
    assert page.context["form"].errors["hours_before"]
    assert not ReminderRule.objects.filter(hours_before=800).exists()


def test_the_front_desk_cannot_change_templates(client_for):
    template = _template()
    desk = client_for(Role.FRONT_DESK)

    answer = desk.post(f"/schedule/messages/templates/{template.pk}/", {"body": "x"})

    assert answer.status_code == 403
