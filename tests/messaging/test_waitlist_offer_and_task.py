"""The waitlist offer message, the periodic task and the send-reminders command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from medoffice.core.roles import Role
from medoffice.messaging.models import Message
from medoffice.scheduling import reminders, services, tasks
from tests.factories import SYSTEM
from tests.messaging.factories import ReachablePatientFactory, ReminderRuleFactory, open_weekday_at
from tests.scheduling.factories import AppointmentFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def freed(practice):
    """A visit cancelled by its patient, and a waitlist entry that could take its time."""
    visit = AppointmentFactory(start=open_weekday_at(10, days_ahead=7))
    services.cancel_appointment(actor=SYSTEM, appointment=visit, reason="patient called")
    entry = WaitlistEntryFactory(
        patient=ReachablePatientFactory(first_name="Robin"),
        appointment_type=visit.appointment_type,
    )
    return visit, entry


def test_offering_the_freed_time_queues_a_message_and_marks_the_entry_offered(freed):
    visit, entry = freed

    message = reminders.queue_waitlist_offer(
        entry, visit, now=visit.start - dt.timedelta(days=2), actor=SYSTEM
    )

    entry.refresh_from_db()
    assert entry.status == "offered"
    assert entry.offered_at is not None
    assert (message.kind, message.channel, message.status) == ("waitlist_offer", "sms", "queued")
    assert message.patient == entry.patient
    assert visit.provider.short_name in message.body
    assert visit.patient.first_name not in message.body


def test_the_waitlist_offer_button_queues_the_message(freed, client_for):
    visit, entry = freed
    desk = client_for(Role.FRONT_DESK)

    desk.post(f"/schedule/waitlist/{entry.pk}/offer/", {"appointment": visit.pk})

    message = Message.objects.get(patient=entry.patient, kind="waitlist_offer")
    assert message.status == "queued"


def test_an_offer_to_a_patient_who_cannot_be_reached_is_kept_with_the_reason(freed):
    visit, entry = freed
    patient = entry.patient
    patient.phone, patient.email = "", ""
    patient.save()

    message = reminders.queue_waitlist_offer(entry, visit, actor=SYSTEM)

    assert message.status == "skipped"
    assert message.error.endswith("call the patient")


def test_the_send_reminders_command_queues_and_sends(practice, sms_dir, clock_at):
    clock_at(12)  # outside the quiet hours, which would hold the message until morning
    ReminderRuleFactory(hours_before=720, channel="sms")
    visit = AppointmentFactory(
        patient=ReachablePatientFactory(), start=open_weekday_at(10, days_ahead=7)
    )

    call_command("send_reminders", verbosity=0)

    assert visit.messages.get().status == "sent"
    assert len(list(sms_dir.glob("*.json"))) == 1


def test_the_periodic_run_enqueues_its_successor_once(settings, practice, sms_dir):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }

    first = tasks.schedule_reminder_run()
    second = tasks.schedule_reminder_run()

    waiting = DBTaskResult.objects.filter(
        task_path=tasks.send_due_reminders.module_path, status=TaskResultStatus.READY
    )
    assert first is not None
    assert second is None
    assert waiting.count() == 1
