"""Which reminders are queued, when, by which channel and in which language."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from medoffice.messaging.models import Message, MessageTemplate
from medoffice.scheduling import reminders, services
from tests.conftest import PRACTICE_ZONE
from tests.factories import SYSTEM
from tests.messaging.factories import (
    ConsentFactory,
    ReachablePatientFactory,
    ReminderRuleFactory,
    open_weekday_at,
)
from tests.scheduling.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(practice):
    """A 10:00 visit a week ahead with a reachable English-speaking patient."""
    return AppointmentFactory(
        patient=ReachablePatientFactory(), start=open_weekday_at(10, days_ahead=7)
    )


def test_a_reminder_is_queued_once_per_rule_however_often_the_queue_runs(visit):
    ReminderRuleFactory(hours_before=72, channel="email")
    ReminderRuleFactory(hours_before=24, channel="sms")
    now = visit.start - dt.timedelta(hours=23)

    first = reminders.queue_reminders(now, actor=SYSTEM)
    second = reminders.queue_reminders(now + dt.timedelta(minutes=5), actor=SYSTEM)

    assert first.queued == 2
    assert second.queued == 0
    assert second.skipped == 0
    assert sorted(visit.messages.values_list("channel", flat=True)) == ["email", "sms"]


def test_no_reminder_is_queued_before_the_rules_time(visit):
    ReminderRuleFactory(hours_before=24, channel="sms")

    reminders.queue_reminders(visit.start - dt.timedelta(hours=30), actor=SYSTEM)

    assert not visit.messages.exists()


def test_cancelled_visits_get_no_reminder(visit):
    ReminderRuleFactory(hours_before=24, channel="sms")
    services.cancel_appointment(actor=SYSTEM, appointment=visit, reason="patient called")

    reminders.queue_reminders(visit.start - dt.timedelta(hours=23), actor=SYSTEM)

    assert not visit.messages.exists()


def test_a_text_message_needs_a_current_text_consent(practice):
    patient = ReachablePatientFactory(sms_consent=False, preferred_contact="phone")
    ConsentFactory(patient=patient, kind="sms", revoked_on=dt.date(2024, 6, 1))
    visit = AppointmentFactory(patient=patient, start=open_weekday_at(10, days_ahead=7))
    ReminderRuleFactory(hours_before=24, channel="sms")

    reminders.queue_reminders(visit.start - dt.timedelta(hours=23), actor=SYSTEM)

    message = visit.messages.get()
    assert message.status == "skipped"
    assert message.error == "no current consent to text messages"
    assert message.body == ""


def test_a_revoked_email_consent_stops_email_reminders(practice):
    patient = ReachablePatientFactory(sms_consent=False, preferred_contact="email")
    ConsentFactory(patient=patient, kind="email", revoked_on=dt.date(2024, 6, 1))
    visit = AppointmentFactory(patient=patient, start=open_weekday_at(10, days_ahead=7))
    ReminderRuleFactory(hours_before=24, channel="email")

    reminders.queue_reminders(visit.start - dt.timedelta(hours=23), actor=SYSTEM)

    message = visit.messages.get()
    assert (message.status, message.error) == (
        "skipped",
        "the patient revoked their e-mail consent",
    )


def test_a_patient_who_cannot_get_texts_gets_the_reminder_by_their_preferred_email(practice):
    patient = ReachablePatientFactory(sms_consent=False, preferred_contact="email")
    visit = AppointmentFactory(patient=patient, start=open_weekday_at(10, days_ahead=7))
    ReminderRuleFactory(hours_before=24, channel="sms")

    reminders.queue_reminders(visit.start - dt.timedelta(hours=23), actor=SYSTEM)

    message = visit.messages.get()
    assert (message.status, message.channel, message.to) == ("queued", "email", patient.email)


def test_a_reminder_due_in_quiet_hours_waits_until_they_end(visit, practice):
    ReminderRuleFactory(hours_before=14, channel="sms")  # due 20:00 the evening before

    reminders.queue_reminders(visit.start - dt.timedelta(hours=13), actor=SYSTEM)

    message = visit.messages.get()
    local = message.scheduled_for.astimezone(services.practice_zone())
    assert message.status == "queued"
    assert (local.date(), local.time()) == (
        visit.start.astimezone(services.practice_zone()).date(),
        practice.quiet_hours_end,
    )


def test_a_reminder_whose_quiet_hours_end_after_the_visit_is_skipped(practice):
    visit = AppointmentFactory(
        patient=ReachablePatientFactory(), start=open_weekday_at(7, days_ahead=7)
    )
    ReminderRuleFactory(hours_before=2, channel="sms")  # due 05:00, quiet until 08:00

    reminders.queue_reminders(visit.start - dt.timedelta(hours=1), actor=SYSTEM)

    message = visit.messages.get()
    assert message.status == "skipped"
    assert "quiet hours" in message.error


def test_a_spanish_speaking_patient_gets_the_spanish_reminder(practice):
    patient = ReachablePatientFactory(preferred_language="es", first_name="Lucía")
    visit = AppointmentFactory(patient=patient, start=open_weekday_at(10, days_ahead=7))
    ReminderRuleFactory(hours_before=24, channel="sms")

    reminders.queue_reminders(visit.start - dt.timedelta(hours=23), actor=SYSTEM)

    body = visit.messages.get().body
    assert "recordatorio de su cita" in body
    assert "10:00" in body


def test_a_language_without_a_template_falls_back_to_english(practice):
    patient = ReachablePatientFactory(preferred_language="vi")
    visit = AppointmentFactory(patient=patient, start=open_weekday_at(10, days_ahead=7))
    ReminderRuleFactory(hours_before=24, channel="sms")

    reminders.queue_reminders(visit.start - dt.timedelta(hours=23), actor=SYSTEM)

    assert "reminder of your visit" in visit.messages.get().body


def test_the_reminder_uses_the_office_managers_edited_template(visit):
    ReminderRuleFactory(hours_before=24, channel="sms")
    reminders.ensure_defaults()
    MessageTemplate.objects.filter(kind="reminder", channel="sms", language="en").update(
        body="Hi {patient_first_name}, see {provider} at {time}. {confirm_url}"
    )

    reminders.queue_reminders(visit.start - dt.timedelta(hours=23), actor=SYSTEM)

    body = visit.messages.get().body
    assert body.startswith(
        f"Hi {visit.patient.first_name}, see {visit.provider.short_name} at 10:00 AM."
    )
    assert "/p/a/" in body


def test_a_reminder_carries_no_clinical_content(practice):
    visit = AppointmentFactory(
        patient=ReachablePatientFactory(last_name="Quorvane"),
        start=open_weekday_at(10, days_ahead=7),
        reason="chest pain follow-up",
        note="discuss biopsy results",
    )
    ReminderRuleFactory(hours_before=24, channel="email")

    reminders.queue_reminders(visit.start - dt.timedelta(hours=23), actor=SYSTEM)

    message = visit.messages.get()
    assert "chest pain" not in message.body
    assert "biopsy" not in message.body
    assert visit.patient.last_name not in message.body


def test_a_visit_booked_after_the_longer_rules_time_gets_only_the_closest_reminder(practice):
    # booked on a Monday for Wednesday (49 hours ahead): from a Thursday, "two days ahead"
    # is the Monday after, past the 72 hours
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=PRACTICE_ZONE), tick=False):
        ReminderRuleFactory(hours_before=72, channel="email")
        ReminderRuleFactory(hours_before=24, channel="sms")
        visit = AppointmentFactory(
            patient=ReachablePatientFactory(), start=open_weekday_at(10, days_ahead=2)
        )

        reminders.queue_reminders(visit.start - dt.timedelta(hours=23), actor=SYSTEM)

    statuses = dict(visit.messages.values_list("channel", "status"))
    assert statuses == {"email": "skipped", "sms": "queued"}


def test_queueing_is_recorded_in_the_audit_log_with_the_patient(visit):
    from medoffice.core.models import AuditEvent

    ReminderRuleFactory(hours_before=24, channel="sms")

    reminders.queue_reminders(visit.start - dt.timedelta(hours=23), actor=SYSTEM)

    message = Message.objects.get(appointment=visit)
    event = AuditEvent.objects.get(object_type="messaging.message", object_id=message.pk)
    assert (event.patient_id, event.data_category, event.user_id) == (
        visit.patient_id,
        "message",
        None,
    )
