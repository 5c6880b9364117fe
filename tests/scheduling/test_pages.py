"""The appointment book's pages: set-up, find a slot, book, cancel, waitlist, recalls, API."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core.roles import Role
from medoffice.scheduling.models import Appointment, TemplateBlock, WaitlistEntry
from tests.factories import PatientFactory
from tests.scheduling.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    ProviderFactory,
    TemplateBlockFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db


def test_overlapping_block_on_the_template_page_shows_the_message(client_for, location):
    provider = ProviderFactory(locations=[location])
    TemplateBlockFactory(provider=provider, location=location, weekday=1)
    client = client_for(Role.OFFICE_MANAGER)
    response = client.post(
        "/schedule/setup/templates/new/",
        {
            "provider": provider.pk,
            "location": location.pk,
            "weekday": 1,
            "start": "09:00",
            "end": "10:00",
            "effective_from": "2020-01-01",
        },
    )
    assert response.status_code == 200
    assert "overlaps" in response.content.decode()
    assert TemplateBlock.objects.filter(provider=provider).count() == 1


def test_provider_with_a_bad_npi_check_digit_is_refused(client_for, location):
    client = client_for(Role.OFFICE_MANAGER)
    response = client.post(
        "/schedule/setup/providers/new/",
        {"first_name": "Ann", "last_name": "Lee", "npi": "1234567890", "color": "#112233"},
    )
    assert response.status_code == 200
    assert 'data-field-error="npi"' in response.content.decode()


def test_find_a_slot_lists_open_slots_and_booking_a_taken_one_names_the_time(client_for, location):
    provider = ProviderFactory(locations=[location])
    kind = AppointmentTypeFactory(duration=20)
    start = next_weekday_at(10)
    TemplateBlockFactory(provider=provider, location=location, weekday=start.weekday())
    client = client_for(Role.FRONT_DESK)
    found = client.get(
        "/schedule/find/", {"appointment_type": kind.pk, "from_date": start.date().isoformat()}
    )
    assert 'data-testid="slot"' in found.content.decode()
    AppointmentFactory(provider=provider, location=location, appointment_type=kind, start=start)
    patient = PatientFactory(home_location=location)
    response = client.post(
        "/schedule/book/",
        {
            "appointment_type": kind.pk,
            "provider": provider.pk,
            "location": location.pk,
            "start": start.isoformat(),
            "patient": patient.pk,
            "action": "book",
        },
    )
    assert response.status_code == 200
    assert "Time: That time was just booked" in response.content.decode()


def test_booking_from_the_page_creates_the_appointment(client_for, location):
    provider = ProviderFactory(locations=[location])
    kind = AppointmentTypeFactory(duration=20)
    start = next_weekday_at(11)
    TemplateBlockFactory(provider=provider, location=location, weekday=start.weekday())
    patient = PatientFactory(home_location=location)
    client = client_for(Role.FRONT_DESK)
    response = client.post(
        "/schedule/book/",
        {
            "appointment_type": kind.pk,
            "provider": provider.pk,
            "location": location.pk,
            "start": start.isoformat(),
            "patient": patient.pk,
            "reason": "Cough",
            "action": "book",
        },
    )
    assert response.status_code == 302
    assert Appointment.objects.filter(patient=patient, start=start).exists()


def test_cancelled_appointment_page_shows_waitlist_matches(client_for, location):
    appointment = AppointmentFactory(location=location)
    client = client_for(Role.FRONT_DESK)
    WaitlistEntry.objects.create(
        patient=PatientFactory(home_location=location),
        appointment_type=appointment.appointment_type,
        created_by=client.user,
    )
    client.post(f"/schedule/appointments/{appointment.pk}/cancel/", {"cancel_reason": "Away"})
    page = client.get(f"/schedule/appointments/{appointment.pk}/").content.decode()
    assert 'data-testid="waitlist-matches"' in page
    waitlist = client.get("/schedule/waitlist/").content.decode()
    assert 'data-testid="waitlist-match"' in waitlist


def test_overbooked_appointment_is_marked_on_its_page(client_for, location):
    from tests.scheduling.factories import OverbookRuleFactory

    first = AppointmentFactory(location=location)
    OverbookRuleFactory(provider=first.provider)
    extra = AppointmentFactory(
        location=location,
        provider=first.provider,
        appointment_type=first.appointment_type,
        start=first.start,
        overbook=True,
    )
    page = client_for(Role.FRONT_DESK).get(f"/schedule/appointments/{extra.pk}/")
    assert 'data-testid="overbook-badge"' in page.content.decode()


def test_recall_outreach_is_recorded_and_moves_it_to_contacted(client_for, location):
    from tests.scheduling.factories import RecallFactory

    recall = RecallFactory(patient=PatientFactory(home_location=location))
    client = client_for(Role.FRONT_DESK)
    client.post(
        f"/schedule/recalls/{recall.pk}/",
        {"action": "outreach", "outreach-method": "phone", "outreach-outcome": "Left a message"},
    )
    recall.refresh_from_db()
    assert recall.status == "contacted"
    assert recall.outreach.count() == 1


def test_api_booking_a_taken_slot_answers_409_naming_start(client_for, location):
    first = AppointmentFactory(location=location)
    client = client_for(Role.FRONT_DESK)
    response = client.post(
        "/api/v1/appointments",
        {
            "patient_id": PatientFactory(home_location=location).pk,
            "provider_id": first.provider_id,
            "location_id": location.pk,
            "appointment_type_id": first.appointment_type_id,
            "start": (first.start + dt.timedelta(minutes=5)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "start"


def test_api_books_an_open_slot_with_201(client_for, location):
    provider = ProviderFactory(locations=[location])
    kind = AppointmentTypeFactory()
    start = next_weekday_at(9)
    TemplateBlockFactory(provider=provider, location=location, weekday=start.weekday())
    client = client_for(Role.FRONT_DESK)
    response = client.post(
        "/api/v1/appointments",
        {
            "patient_id": PatientFactory(home_location=location).pk,
            "provider_id": provider.pk,
            "location_id": location.pk,
            "appointment_type_id": kind.pk,
            "start": start.isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201


def test_recall_list_and_recall_page_show_the_phone_in_national_format(client_for, location):
    from tests.scheduling.factories import RecallFactory

    recall = RecallFactory(patient=PatientFactory(home_location=location, phone="+14135550123"))
    client = client_for(Role.FRONT_DESK)
    listing = client.get("/schedule/recalls/").content.decode()
    page = client.get(f"/schedule/recalls/{recall.pk}/").content.decode()
    assert "(413) 555-0123" in listing
    assert "(413) 555-0123" in page
    assert "+14135550123" not in listing + page


@pytest.mark.parametrize("page", ["book", "series", "waitlist/new", "recalls/new"])
def test_searching_for_a_patient_lists_them_without_complaining_about_empty_fields(
    client_for, location, page
):
    patient = PatientFactory(home_location=location, last_name="Quenneville")
    response = client_for(Role.FRONT_DESK).post(
        f"/schedule/{page}/", {"action": "search", "patient_search": "Quenneville"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert f'value="{patient.pk}"' in content
    assert "data-field-error" not in content


def _booking_page(client, provider, location, start, **extra):
    params = {"provider": provider.pk, "location": location.pk, "start": start.isoformat()}
    return client.get("/schedule/book/", {**params, **extra})


def test_the_booking_form_offers_the_types_and_proposes_the_providers_most_booked_one(
    client_for, location
):
    provider = ProviderFactory(locations=[location])
    TemplateBlockFactory(provider=provider, location=location, weekday=next_weekday_at(9).weekday())
    AppointmentTypeFactory(name="Annual physical", duration=40)
    follow_up = AppointmentTypeFactory(name="Follow-up", duration=20)
    for hour in (9, 10):
        AppointmentFactory(
            provider=provider,
            location=location,
            appointment_type=follow_up,
            start=next_weekday_at(hour),
        )
    response = _booking_page(client_for(Role.FRONT_DESK), provider, location, next_weekday_at(11))
    form = response.context["form"]
    assert form["appointment_type"].value() == follow_up.pk
    body = response.content.decode()
    assert "Annual physical (40 min)" in body
    assert 'data-minutes="40"' in body


def test_the_booking_form_shows_when_the_visit_ends(client_for, location):
    provider = ProviderFactory(locations=[location])
    kind = AppointmentTypeFactory(name="Annual physical", duration=40)
    start = next_weekday_at(10)
    response = _booking_page(
        client_for(Role.FRONT_DESK), provider, location, start, appointment_type=kind.pk
    )
    assert 'data-testid="visit-end">10:40 AM<' in response.content.decode()


def test_booking_a_type_too_long_for_the_gap_names_the_real_reason_on_the_page(
    client_for, location
):
    provider = ProviderFactory(locations=[location])
    start = next_weekday_at(10)
    TemplateBlockFactory(provider=provider, location=location, weekday=start.weekday())
    AppointmentFactory(
        provider=provider,
        location=location,
        start=start + dt.timedelta(minutes=20),
        appointment_type=AppointmentTypeFactory(duration=20),
    )
    physical = AppointmentTypeFactory(name="Annual physical", duration=40)
    response = client_for(Role.FRONT_DESK).post(
        "/schedule/book/",
        {
            "appointment_type": physical.pk,
            "provider": provider.pk,
            "location": location.pk,
            "start": start.isoformat(),
            "patient": PatientFactory(home_location=location).pk,
            "action": "book",
        },
    )
    body = response.content.decode()
    assert "does not fit before" in body
    assert "20 minutes are free" in body
    assert "just booked by someone else" not in body


def test_api_booking_a_type_too_long_for_the_gap_answers_does_not_fit(client_for, location):
    provider = ProviderFactory(locations=[location])
    start = next_weekday_at(10)
    TemplateBlockFactory(provider=provider, location=location, weekday=start.weekday())
    AppointmentFactory(
        provider=provider,
        location=location,
        start=start + dt.timedelta(minutes=20),
        appointment_type=AppointmentTypeFactory(duration=20),
    )
    response = client_for(Role.FRONT_DESK).post(
        "/api/v1/appointments",
        {
            "patient_id": PatientFactory(home_location=location).pk,
            "provider_id": provider.pk,
            "location_id": location.pk,
            "appointment_type_id": AppointmentTypeFactory(duration=40).pk,
            "start": start.isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "start",
        "message": response.json()["errors"][0]["message"],
        "code": "does_not_fit",
    }
    assert "20 minutes are free" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "start", ["9999-12-31T23:59", "0001-01-01T00:00", "0001-01-01T00:00+14:00", "not a time", ""]
)
def test_the_booking_form_with_a_time_at_the_calendars_ends_answers_without_error(
    client_for, location, start
):
    provider = ProviderFactory(locations=[location])
    kind = AppointmentTypeFactory(duration=40)
    response = client_for(Role.FRONT_DESK).get(
        "/schedule/book/",
        {
            "provider": provider.pk,
            "location": location.pk,
            "start": start,
            "appointment_type": kind.pk,
        },
    )
    assert response.status_code == 200


@pytest.mark.parametrize("field", ["patient", "provider", "appointment_type", "location"])
@pytest.mark.parametrize("value", ["²", "١٢", "99999999999999999999999", "1e3", "-1"])
def test_the_booking_form_takes_an_id_that_is_no_number_as_none_chosen(
    client_for, location, field, value
):
    provider = ProviderFactory(locations=[location])
    kind = AppointmentTypeFactory(duration=20)
    query = {
        "provider": provider.pk,
        "location": location.pk,
        "start": "2031-03-04T10:00",
        "appointment_type": kind.pk,
    }
    query[field] = value
    response = client_for(Role.FRONT_DESK).get("/schedule/book/", query)
    assert response.status_code == 200
