"""The waitlist and recalls follow the patient's location (minimum necessary, 164.514(d)).

A user limited to one location reaches only the entries and recalls of the patients
registered there; another location's answer like ids that do not exist (404), and
nothing is written.
"""

from __future__ import annotations

import pytest
from django.test import Client

from medoffice.core import services as core_services
from medoffice.core.roles import Role
from medoffice.messaging.models import Message
from medoffice.scheduling.models import RecallOutreach, WaitlistEntry
from tests.factories import LocationFactory, PatientFactory, UserFactory
from tests.scheduling.factories import AppointmentFactory, RecallFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db

MISSING = 999_999


@pytest.fixture
def elsewhere(practice):
    return LocationFactory(practice=practice)


@pytest.fixture
def their_patient(elsewhere):
    return PatientFactory(home_location=elsewhere, last_name="Elsewhere", phone="+14135550199")


@pytest.fixture
def my_patient(location):
    return PatientFactory(home_location=location, last_name="Hereabouts")


def _api(user) -> Client:
    _, raw = core_services.create_api_token(
        user=user, name="test script", access="write", mfa_verified=True
    )
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def desk_api(desk):
    return _api(desk.user)


# --- recalls ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINICAL, Role.PROVIDER])
def test_recall_of_another_locations_patient_answers_like_a_missing_one(
    client_for, location, their_patient, role
):
    recall = RecallFactory(patient=their_patient)
    client = client_for(role, locations=[location])
    response = client.get(f"/schedule/recalls/{recall.pk}/")
    assert response.status_code == 404
    assert client.get(f"/schedule/recalls/{MISSING}/").status_code == 404
    assert "Elsewhere" not in response.content.decode()


def test_recall_of_my_locations_patient_opens(desk, my_patient):
    recall = RecallFactory(patient=my_patient)
    assert desk.get(f"/schedule/recalls/{recall.pk}/").status_code == 200


def test_recalls_api_lists_only_my_locations_patients(desk_api, my_patient, their_patient):
    mine = RecallFactory(patient=my_patient)
    RecallFactory(patient=their_patient)
    response = desk_api.get("/api/v1/recalls")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["items"]] == [mine.pk]


def test_outreach_on_another_locations_recall_answers_404_and_writes_nothing(
    desk_api, their_patient
):
    recall = RecallFactory(patient=their_patient)
    body = {"method": "phone", "outcome": "left a message"}
    response = desk_api.post(
        f"/api/v1/recalls/{recall.pk}/outreach", body, content_type="application/json"
    )
    missing = desk_api.post(
        f"/api/v1/recalls/{MISSING}/outreach", body, content_type="application/json"
    )
    assert response.status_code == missing.status_code == 404
    assert response.json()["code"] == missing.json()["code"]
    assert not RecallOutreach.objects.exists()


def test_recall_list_page_shows_only_my_locations_patients(desk, my_patient, their_patient):
    RecallFactory(patient=my_patient)
    RecallFactory(patient=their_patient)
    page = desk.get("/schedule/recalls/").content.decode()
    assert "Hereabouts" in page
    assert "Elsewhere" not in page


# --- waitlist -----------------------------------------------------------------------------------


def test_waitlist_page_lists_only_my_locations_patients(desk, my_patient, their_patient):
    WaitlistEntryFactory(patient=my_patient)
    WaitlistEntryFactory(patient=their_patient)
    page = desk.get("/schedule/waitlist/").content.decode()
    assert "Hereabouts" in page
    assert "Elsewhere" not in page


def test_waitlist_api_lists_only_my_locations_patients(desk_api, my_patient, their_patient):
    mine = WaitlistEntryFactory(patient=my_patient)
    WaitlistEntryFactory(patient=their_patient)
    response = desk_api.get("/api/v1/waitlist")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["items"]] == [mine.pk]


def test_removing_another_locations_patient_from_the_waitlist_answers_404(desk, their_patient):
    entry = WaitlistEntryFactory(patient=their_patient)
    assert desk.post(f"/schedule/waitlist/{entry.pk}/remove/").status_code == 404
    assert desk.post(f"/schedule/waitlist/{MISSING}/remove/").status_code == 404
    entry.refresh_from_db()
    assert entry.status == "waiting"


def test_offering_a_slot_to_another_locations_patient_answers_404_and_queues_nothing(
    desk, location, my_patient, their_patient
):
    entry = WaitlistEntryFactory(patient=their_patient)
    appointment = AppointmentFactory(patient=my_patient, location=location)
    response = desk.post(f"/schedule/waitlist/{entry.pk}/offer/", {"appointment": appointment.pk})
    assert response.status_code == 404
    assert not Message.objects.exists()
    assert WaitlistEntry.objects.get(pk=entry.pk).offered_at is None


def test_unlimited_users_still_see_every_locations_waitlist(client_for, my_patient, their_patient):
    WaitlistEntryFactory(patient=my_patient)
    WaitlistEntryFactory(patient=their_patient)
    manager = UserFactory(roles=[Role.OFFICE_MANAGER])
    assert WaitlistEntry.objects.restrict(manager, "view").count() == 2


def test_the_waitlists_matches_offer_only_freed_times_at_my_locations(
    desk, location, elsewhere, my_patient, their_patient
):
    from medoffice.scheduling import services
    from medoffice.scheduling.views.outreach import freed_appointments
    from tests.factories import SYSTEM

    mine = AppointmentFactory(patient=my_patient, location=location)
    theirs = AppointmentFactory(patient=their_patient, location=elsewhere)
    for visit in (mine, theirs):
        services.cancel_appointment(actor=SYSTEM, appointment=visit, reason="patient called")
    assert [a.pk for a in freed_appointments(desk.user)] == [mine.pk]
