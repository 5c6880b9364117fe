"""Balance text reminders and payment-plan reminders: who gets one, when, how often."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from medoffice.billing import reminders
from medoffice.billing.services import plans
from medoffice.billing.tasks import patient_billing
from medoffice.messaging.models import Message
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_ledger import claimed_visit
from tests.factories import SYSTEM, LocationFactory, PatientFactory
from tests.messaging.factories import ReachablePatientFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


def owing(patient=None):
    """A patient due $170.00 (a self-pay visit)."""
    location = LocationFactory()
    patient = patient or ReachablePatientFactory(home_location=location)
    claimed_visit(patient, location=location, insured=False)
    return patient


def balance_messages(patient=None):
    rows = Message.objects.filter(kind=reminders.BALANCE_KIND)
    return rows.filter(patient=patient) if patient is not None else rows


def test_a_patient_due_a_balance_with_text_consent_gets_a_text_with_the_pay_link():
    patient = owing()
    report = reminders.queue_balance_reminders(actor=SYSTEM)
    [message] = balance_messages(patient)
    assert report.queued == 1
    assert message.channel == "sms"
    assert message.to == patient.phone
    assert "$170.00" in message.body
    assert "/p/pay/" in message.body


def test_the_pay_link_in_the_text_opens_the_pay_page():
    patient = owing()
    reminders.queue_balance_reminders(actor=SYSTEM)
    path = re.search(r"https?://[^/\s]+(/p/pay/\S+/)", balance_messages(patient)[0].body)
    assert path is not None
    assert Client().get(path.group(1)).status_code == 200


def test_no_text_without_consent_to_text_messages():
    patient = owing(PatientFactory(phone="+14135550123"))
    reminders.queue_balance_reminders(actor=SYSTEM)
    assert not balance_messages(patient).exists()


def test_no_text_after_the_patient_revoked_consent():
    patient = owing()
    patient.consents.filter(kind="sms").update(revoked_on=dt.date.today())
    reminders.queue_balance_reminders(actor=SYSTEM)
    assert not balance_messages(patient).exists()


def test_no_text_to_a_patient_on_an_active_payment_plan():
    patient = owing()
    plans.create_plan(
        actor=SYSTEM,
        patient=patient,
        total="170.00",
        instalment_amount="50.00",
        start_date=plans.today(),
        day_of_month=1,
    )
    reminders.queue_balance_reminders(actor=SYSTEM)
    assert not balance_messages(patient).exists()


def test_a_registered_exclusion_such_as_collections_leaves_the_patient_out(monkeypatch):
    patient = owing()
    monkeypatch.setattr(reminders, "_exclusions", [lambda ids: {patient.pk} & ids])
    reminders.queue_balance_reminders(actor=SYSTEM)
    assert not balance_messages(patient).exists()


def test_no_text_to_a_patient_whose_account_is_in_collections():
    from medoffice.billing.services.statements import flag_to_collections

    patient = owing()
    flag_to_collections(patient=patient, reason="Sent to the agency", actor=SYSTEM)
    reminders.queue_balance_reminders(actor=SYSTEM)
    assert not balance_messages(patient).exists()


def test_a_patient_taken_out_of_collections_gets_texts_again():
    from medoffice.billing.services.statements import flag_to_collections, unflag_collections

    patient = owing()
    flag = flag_to_collections(patient=patient, reason="Sent to the agency", actor=SYSTEM)
    unflag_collections(flag=flag, reason="Paid the agency", actor=SYSTEM)
    reminders.queue_balance_reminders(actor=SYSTEM)
    assert balance_messages(patient).count() == 1


def test_no_text_to_a_patient_with_nothing_due():
    patient = ReachablePatientFactory()
    reminders.queue_balance_reminders(actor=SYSTEM)
    assert not balance_messages(patient).exists()


@pytest.mark.parametrize(("hour", "minute"), [(7, 59), (21, 0), (23, 30)])
def test_nothing_is_queued_outside_8_to_21_practice_time(clock_at, hour, minute):
    patient = owing()
    clock_at(hour, minute)
    reminders.queue_balance_reminders(actor=SYSTEM)
    assert not balance_messages(patient).exists()


@pytest.mark.parametrize(("hour", "minute"), [(8, 0), (20, 59)])
def test_texts_are_queued_from_8_until_just_before_21(clock_at, hour, minute):
    patient = owing()
    clock_at(hour, minute)
    reminders.queue_balance_reminders(actor=SYSTEM)
    assert balance_messages(patient).count() == 1


def test_a_queued_text_still_waiting_at_21_is_held_back(clock_at):
    patient = owing()
    reminders.queue_balance_reminders(actor=SYSTEM)
    message = balance_messages(patient).get()
    now = clock_at(21, 5)
    assert reminders._still_wanted(message, now) != ""


def test_at_most_one_text_per_n_days(settings):
    settings.BALANCE_REMINDER_EVERY_DAYS = 30
    patient = owing()
    reminders.queue_balance_reminders(actor=SYSTEM)
    now = dt.datetime.now(dt.UTC)
    with time_machine.travel(now + dt.timedelta(days=29)):
        reminders.queue_balance_reminders(actor=SYSTEM)
    assert balance_messages(patient).count() == 1
    with time_machine.travel(now + dt.timedelta(days=30, hours=1)):
        reminders.queue_balance_reminders(actor=SYSTEM)
    assert balance_messages(patient).count() == 2


def test_the_hourly_task_queues_and_sends_the_texts(settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path)
    patient = owing()
    result = patient_billing.call()
    assert result["balance_reminders"] == 1
    assert result["sent"] >= 1
    assert balance_messages(patient).get().status == "sent"
    assert len(list(tmp_path.iterdir())) >= 1


# --- plan reminders --------------------------------------------------------------------------


def plan_for(patient, day: int):
    return plans.create_plan(
        actor=SYSTEM,
        patient=patient,
        total="150.00",
        instalment_amount="50.00",
        start_date=plans.today(),
        day_of_month=day,
    )


def test_a_plan_reminder_goes_out_a_few_days_before_an_instalment():
    patient = owing()
    plan = plan_for(patient, 1)
    first = plan.instalments.order_by("number").first()
    before = dt.datetime.combine(
        first.due_date - dt.timedelta(days=reminders.PLAN_REMINDER_DAYS), dt.time(15)
    ).replace(tzinfo=dt.UTC)
    with time_machine.travel(before - dt.timedelta(days=1)):
        reminders.queue_plan_reminders(actor=SYSTEM)
    assert not Message.objects.filter(kind=reminders.PLAN_KIND).exists()
    with time_machine.travel(before):
        reminders.queue_plan_reminders(actor=SYSTEM)
        reminders.queue_plan_reminders(actor=SYSTEM)
    [message] = Message.objects.filter(kind=reminders.PLAN_KIND, patient=patient)
    assert "$50.00" in message.body


def test_a_plan_reminder_goes_by_e_mail_when_the_patient_has_no_text_consent():
    location = LocationFactory()
    patient = owing(PatientFactory(home_location=location, email="pat@example.com", phone=""))
    plan = plan_for(patient, 1)
    first = plan.instalments.order_by("number").first()
    with time_machine.travel(
        dt.datetime.combine(first.due_date - dt.timedelta(days=1), dt.time(15)).replace(
            tzinfo=dt.UTC
        )
    ):
        reminders.queue_plan_reminders(actor=SYSTEM)
    assert Message.objects.get(kind=reminders.PLAN_KIND, patient=patient).channel == "email"
