"""The reminders' set-up through the JSON API."""

import json

import pytest

from medoffice.core.roles import Role
from medoffice.messaging.models import MessageTemplate, ReminderRule
from tests.scheduling.factories import ProviderFactory

pytestmark = pytest.mark.django_db


def _put(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


def test_the_front_desk_reads_the_message_templates(client_for):
    response = client_for(Role.FRONT_DESK).get("/api/v1/message-templates")
    assert response.status_code == 200
    assert {t["kind"] for t in response.json()} >= {"reminder"}


def test_the_office_manager_changes_a_template(client_for):
    client = client_for(Role.OFFICE_MANAGER)
    template = client.get("/api/v1/message-templates").json()[0]
    body = "Hi {patient_first_name}, see you on {date} at {time}."
    response = _put(client, f"/api/v1/message-templates/{template['id']}", {"body": body})
    assert response.status_code == 200
    assert MessageTemplate.objects.get(pk=template["id"]).body == body


def test_an_unknown_placeholder_is_refused_naming_it(client_for):
    client = client_for(Role.OFFICE_MANAGER)
    template = client.get("/api/v1/message-templates").json()[0]
    response = _put(
        client, f"/api/v1/message-templates/{template['id']}", {"body": "Hi {nickname}"}
    )
    assert response.status_code == 400
    assert "nickname" in json.dumps(response.json())


def test_the_front_desk_cannot_change_a_template(client_for):
    client = client_for(Role.FRONT_DESK)
    template = client.get("/api/v1/message-templates").json()[0]
    response = _put(client, f"/api/v1/message-templates/{template['id']}", {"body": "Hello"})
    assert response.status_code == 403


def test_the_office_manager_adds_and_removes_a_reminder_rule(client_for):
    client = client_for(Role.OFFICE_MANAGER)
    created = client.post(
        "/api/v1/reminder-rules",
        data=json.dumps({"hours_before": 6, "channel": "sms"}),
        content_type="application/json",
    )
    assert created.status_code == 201
    rule_id = created.json()["id"]
    assert client.delete(f"/api/v1/reminder-rules/{rule_id}").status_code == 204
    assert not ReminderRule.objects.filter(pk=rule_id).exists()


def test_renewing_a_feed_changes_its_address(client_for):
    provider = ProviderFactory()
    old = provider.feed_token
    client = client_for(Role.OFFICE_MANAGER)
    response = client.post(f"/api/v1/calendar-feeds/{provider.pk}/renew")
    assert response.status_code == 200
    provider.refresh_from_db()
    assert provider.feed_token != old
    assert provider.feed_token in response.json()["url"]
