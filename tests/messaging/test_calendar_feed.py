"""The providers' iCalendar feeds at their secret addresses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from icalendar import Calendar

from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from medoffice.scheduling import services
from medoffice.scheduling.models import Provider
from tests.factories import SYSTEM, PatientFactory
from tests.messaging.factories import open_weekday_at
from tests.scheduling.factories import AppointmentFactory, AppointmentTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(practice):
    visit_type = AppointmentTypeFactory(name="Established visit")
    first = AppointmentFactory(
        patient=PatientFactory(first_name="Jebediah", last_name="Smithson"),
        appointment_type=visit_type,
        start=open_weekday_at(9, days_ahead=3),
    )
    AppointmentFactory(
        patient=PatientFactory(first_name="Ana", last_name="Quintero"),
        provider=first.provider,
        location=first.location,
        appointment_type=visit_type,
        start=open_weekday_at(11, days_ahead=3),
    )
    return first


def _feed(provider: Provider) -> Calendar:
    answer = Client().get(f"/p/ical/{provider.feed_token}.ics")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(answer.content)


def test_the_feed_parses_and_lists_the_providers_visits_by_initials_and_type(booked):
    events = _feed(booked.provider).walk("VEVENT")

    assert sorted(str(e["SUMMARY"]) for e in events) == [
        "A.Q. – Established visit",
        "J.S. – Established visit",
    ]
    first = next(e for e in events if str(e["SUMMARY"]).startswith("J.S."))
    assert first.decoded("DTSTART") == booked.start
    assert str(first["LOCATION"]) == booked.location.name
    assert str(first["STATUS"]) == "TENTATIVE"
    assert str(first["UID"]) == f"appointment-{booked.pk}@localhost"


def test_the_feed_contains_no_last_names(booked):
    body = Client().get(f"/p/ical/{booked.provider.feed_token}.ics").content.decode()

    assert "Smithson" not in body
    assert "Quintero" not in body
    assert "Jebediah" not in body


def test_cancelled_visits_leave_the_feed(booked):
    services.cancel_appointment(actor=SYSTEM, appointment=booked, reason="patient called")

    summaries = [str(e["SUMMARY"]) for e in _feed(booked.provider).walk("VEVENT")]

    assert summaries == ["A.Q. – Established visit"]


def test_an_unknown_feed_address_is_not_found(db):
    assert Client().get("/p/ical/not-a-real-token.ics").status_code == 404


def test_reading_the_feed_is_audited_as_an_export(booked):
    _feed(booked.provider)

    event = AuditEvent.objects.get(action="export", data_category="calendar feed")
    assert (event.object_id, event.user_id, event.detail) == (
        str(booked.provider.pk),
        None,
        "2 visits",
    )


def test_a_new_feed_address_stops_the_old_one(booked, client_for):
    manager = client_for(Role.OFFICE_MANAGER)
    old = booked.provider.feed_token

    manager.post(f"/schedule/messages/calendar-feeds/{booked.provider.pk}/regenerate/")

    booked.provider.refresh_from_db()
    assert booked.provider.feed_token != old
    assert Client().get(f"/p/ical/{old}.ics").status_code == 404
    assert Client().get(f"/p/ical/{booked.provider.feed_token}.ics").status_code == 200


def test_a_provider_sees_and_renews_their_own_feed_but_not_anothers(booked, client_for):
    provider_client = client_for(Role.PROVIDER)
    mine = booked.provider
    mine.user = provider_client.user
    mine.save()
    other = Provider.objects.create(first_name="Other", last_name="Doctor", npi="1245319599")

    page = provider_client.get("/schedule/messages/calendar-feeds/").content.decode()
    own = provider_client.post(f"/schedule/messages/calendar-feeds/{mine.pk}/regenerate/")
    theirs = provider_client.post(f"/schedule/messages/calendar-feeds/{other.pk}/regenerate/")

    assert mine.feed_token in page
    assert other.feed_token not in page
    assert own.status_code == 302
    assert theirs.status_code == 403


def test_the_feed_reaches_thirty_days_back(practice):
    start = open_weekday_at(10, days_ahead=-20)
    past = AppointmentFactory(start=start, now=start - dt.timedelta(days=1))

    assert len(_feed(past.provider).walk("VEVENT")) == 1
