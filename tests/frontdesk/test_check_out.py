"""Check-out: book the follow-up, set a recall, take a balance payment, finish the visit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from medoffice.billing.models import PatientPayment
from medoffice.core.roles import Role
from medoffice.scheduling import services
from medoffice.scheduling.models import Appointment, AppointmentStatus, Recall, StatusChange
from tests.factories import SYSTEM
from tests.frontdesk.factories import local_today, todays_visit

pytestmark = pytest.mark.django_db
S = AppointmentStatus


@pytest.fixture
def seen(location):
    """A visit whose patient has just seen the provider."""
    visit = todays_visit(location)
    for status in (S.ARRIVED, S.ROOMED, S.WITH_PROVIDER):
        visit = services.change_status(actor=SYSTEM, appointment=visit, to_status=status)
    return visit


def url(visit):
    return f"/front-desk/appointments/{visit.pk}/check-out/"


def test_check_out_offers_the_next_open_times_with_the_same_provider(desk, seen):
    response = desk.get(url(seen))
    assert response.status_code == 200
    slots = response.context["slots"]
    assert slots
    assert all(s["start"].date() > local_today() for s in slots)


def test_check_out_offers_times_months_ahead_when_the_next_weeks_are_off(desk, seen):
    from tests.frontdesk.factories import at
    from tests.scheduling.factories import ScheduleExceptionFactory

    back = local_today() + dt.timedelta(days=45)
    ScheduleExceptionFactory(
        provider=seen.provider,
        location=seen.location,
        start=at(local_today() + dt.timedelta(days=1), 0, 0),
        end=at(back, 0, 0),
    )
    slots = desk.get(url(seen)).context["slots"]
    assert len(slots) == 6
    assert all(s["start"].date() >= back for s in slots)


def test_check_out_offers_the_first_six_times_in_order(desk, seen):
    slots = desk.get(url(seen)).context["slots"]
    starts = [s["start"] for s in slots]
    assert len(starts) == 6
    assert starts == sorted(starts)


def test_booking_an_offered_time_books_the_follow_up(desk, seen):
    slot = desk.get(url(seen)).context["slots"][0]
    response = desk.post(url(seen), {"action": "book", "start": slot["value"]})
    assert response.status_code == 302
    follow_up = Appointment.objects.exclude(pk=seen.pk).get(patient=seen.patient)
    assert follow_up.provider == seen.provider
    assert follow_up.appointment_type == seen.appointment_type
    assert follow_up.start == dt.datetime.fromisoformat(slot["value"])


def test_a_taken_follow_up_time_is_refused_clearly(desk, seen):
    slot = desk.get(url(seen)).context["slots"][0]
    desk.post(url(seen), {"action": "book", "start": slot["value"]})
    response = desk.post(url(seen), {"action": "book", "start": slot["value"]})
    assert response.status_code == 200
    assert "just booked by someone else" in " ".join(response.context["errors"])
    assert Appointment.objects.filter(patient=seen.patient).count() == 2


def test_setting_a_recall(desk, seen):
    due = local_today() + dt.timedelta(days=365)
    response = desk.post(
        url(seen), {"action": "recall", "reason": "Annual physical", "due_date": due.isoformat()}
    )
    assert response.status_code == 302
    recall = Recall.objects.get(patient=seen.patient)
    assert (recall.reason, recall.due_date, recall.provider) == (
        "Annual physical",
        due,
        seen.provider,
    )


def test_a_recall_due_in_the_past_is_refused_naming_the_field(desk, seen):
    response = desk.post(
        url(seen), {"action": "recall", "reason": "Annual physical", "due_date": "2020-01-01"}
    )
    assert "due_date" in response.context["recall_form"].errors
    assert not Recall.objects.exists()


def test_taking_a_balance_payment(desk, seen):
    response = desk.post(url(seen), {"action": "payment", "amount": "80.00", "method": "cash"})
    assert response.status_code == 302
    payment = PatientPayment.objects.get()
    assert (payment.amount, payment.kind) == (Decimal("80.00"), "balance")


def test_a_balance_payment_needs_an_amount(desk, seen):
    response = desk.post(url(seen), {"action": "payment", "amount": "", "method": "cash"})
    assert "amount" in response.context["payment_form"].errors
    assert not PatientPayment.objects.exists()


def test_finishing_the_visit_marks_it_done_with_a_time_stamp(desk, seen):
    response = desk.post(url(seen), {"action": "done"})
    assert response.status_code == 302
    seen.refresh_from_db()
    assert seen.status == S.COMPLETED
    assert seen.completed_at is not None
    assert StatusChange.objects.filter(appointment=seen, to_status=S.COMPLETED).exists()


def test_a_visit_not_yet_seen_cannot_be_finished(desk, location):
    visit = todays_visit(location)
    response = desk.post(url(visit), {"action": "done"})
    assert response.status_code == 200
    assert "cannot go to" in " ".join(response.context["errors"])
    assert Appointment.objects.get(pk=visit.pk).status == S.SCHEDULED


def test_clinical_staff_cannot_open_check_out(client_for, seen):
    assert client_for(Role.CLINICAL).get(url(seen)).status_code == 403
