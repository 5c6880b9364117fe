"""Sending through the backends, and the patient's confirm/cancel links end to end."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core import mail
from django.test import Client

from medoffice.core.models import AuditEvent
from medoffice.scheduling import reminders, services
from medoffice.scheduling.models import SlotClaim, StatusChange
from tests.factories import SYSTEM
from tests.messaging.factories import (
    ReachablePatientFactory,
    ReminderRuleFactory,
    link_path,
    open_weekday_at,
)
from tests.scheduling.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(practice):
    return AppointmentFactory(
        patient=ReachablePatientFactory(first_name="Jordan"),
        start=open_weekday_at(10, days_ahead=7),
    )


def _send_text_reminder(visit) -> dict:
    """Queue and send the 24-hour text reminder; the file the file backend wrote."""
    ReminderRuleFactory(hours_before=24, channel="sms")
    now = visit.start - dt.timedelta(hours=23)
    reminders.run_once(now, actor=SYSTEM)
    return now


def _written(sms_dir) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(sms_dir.glob("*.json"))]


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_the_file_backend_writes_one_file_per_text_message(visit, sms_dir):
    _send_text_reminder(visit)

    [written] = _written(sms_dir)
    assert written["to"] == visit.patient.phone
    assert written["body"].startswith("Test Family Practice: reminder of your visit")
    assert visit.messages.get().status == "sent"


def test_sending_twice_sends_each_message_once(visit, sms_dir):
    now = _send_text_reminder(visit)

    again = reminders.send_queued_messages(now + dt.timedelta(minutes=5), actor=SYSTEM)

    assert again.sent == 0
    assert len(_written(sms_dir)) == 1


def test_email_reminders_go_through_djangos_email_backend(visit):
    ReminderRuleFactory(hours_before=24, channel="email")

    reminders.run_once(visit.start - dt.timedelta(hours=23), actor=SYSTEM)

    [email] = mail.outbox
    assert email.to == [visit.patient.email]
    assert email.subject.startswith("Reminder: your visit on ")
    assert "Hello Jordan," in email.body
    assert email.alternatives[0][1] == "text/html"


def test_a_queued_reminder_for_a_visit_cancelled_since_is_not_sent(visit, sms_dir):
    ReminderRuleFactory(hours_before=14, channel="sms")  # waits for the end of quiet hours
    now = visit.start - dt.timedelta(hours=13)
    reminders.queue_reminders(now, actor=SYSTEM)
    services.cancel_appointment(actor=SYSTEM, appointment=visit, reason="patient called", now=now)

    reminders.send_queued_messages(visit.start - dt.timedelta(hours=1), actor=SYSTEM)

    message = visit.messages.get()
    assert (message.status, message.error) == ("skipped", "the visit is cancelled")
    assert _written(sms_dir) == []


def test_the_confirm_link_in_a_text_message_confirms_the_visit(visit, sms_dir):
    _send_text_reminder(visit)
    path = link_path(_written(sms_dir)[0]["body"], "confirm")
    patient_browser = Client(enforce_csrf_checks=True)

    page = patient_browser.get(path)
    answer = patient_browser.post(path, {"csrfmiddlewaretoken": _csrf(page.content.decode())})

    visit.refresh_from_db()
    assert page.status_code == 200
    assert "Jordan" in page.content.decode()
    assert answer.status_code == 302
    assert visit.status == "confirmed"
    change = StatusChange.objects.filter(appointment=visit).latest("pk")
    assert (change.from_status, change.to_status, change.changed_by) == (
        "scheduled",
        "confirmed",
        None,
    )
    assert "your visit is confirmed" in patient_browser.get(path).content.decode()


def test_the_confirm_page_shows_no_last_name_or_visit_reason(practice):
    visit = AppointmentFactory(
        patient=ReachablePatientFactory(first_name="Jordan", last_name="Quimby"),
        start=open_weekday_at(10, days_ahead=7),
        reason="knee pain",
    )

    html = Client().get(reminders.patient_link(visit, "confirm")[len("http://localhost:8000") :])

    text = html.content.decode()
    assert "Jordan" in text
    assert "Quimby" not in text
    assert "knee pain" not in text


def test_opening_a_link_changes_nothing(visit):
    path = link_path(reminders.patient_link(visit, "cancel"), "cancel")

    Client().get(path)

    visit.refresh_from_db()
    assert visit.status == "scheduled"


def test_the_cancel_link_cancels_the_visit_and_frees_the_slot(visit):
    path = link_path(reminders.patient_link(visit, "cancel"), "cancel")

    answer = Client().post(path)

    visit.refresh_from_db()
    assert answer.status_code == 302
    assert visit.status == "cancelled"
    assert visit.cancel_reason == reminders.PATIENT_CANCEL_REASON
    assert not SlotClaim.objects.filter(appointment=visit).exists()
    # the freed time can be booked again
    AppointmentFactory(provider=visit.provider, location=visit.location, start=visit.start)


def test_a_patients_link_action_is_audited_without_a_user(visit):
    path = link_path(reminders.patient_link(visit, "confirm"), "confirm")

    Client().post(path)

    event = AuditEvent.objects.filter(detail="patient link: confirmed").get()
    assert (event.user_id, event.patient_id, event.object_id) == (
        None,
        visit.patient_id,
        str(visit.pk),
    )


def test_a_tampered_link_is_refused_with_the_practice_phone(visit, practice):
    practice.phone = "(413) 555-0142"
    practice.save()
    path = link_path(reminders.patient_link(visit, "confirm"), "confirm")
    token = path.split("/")[3]
    tampered = path.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))

    answer = Client().post(tampered)

    visit.refresh_from_db()
    assert answer.status_code == 400
    assert "(413) 555-0142" in answer.content.decode()
    assert visit.status == "scheduled"


def test_a_confirm_token_does_not_work_as_a_cancel_token(visit):
    confirm_token = link_path(reminders.patient_link(visit, "confirm"), "confirm").split("/")[3]

    answer = Client().post(f"/p/a/{confirm_token}/cancel/")

    visit.refresh_from_db()
    assert answer.status_code == 400
    assert visit.status == "scheduled"


def test_a_link_to_a_visit_that_has_started_has_expired(practice):
    start = open_weekday_at(10, days_ahead=-7)
    past = AppointmentFactory(
        patient=ReachablePatientFactory(), start=start, now=start - dt.timedelta(days=1)
    )
    path = link_path(reminders.patient_link(past, "cancel"), "cancel")

    answer = Client().post(path)

    past.refresh_from_db()
    assert answer.status_code == 410
    assert "expired" in answer.content.decode()
    assert past.status == "scheduled"
