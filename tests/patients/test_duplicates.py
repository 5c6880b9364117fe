"""The duplicate check at registration: warning with links, "create anyway" audited."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core.models import AuditAction, AuditEvent
from medoffice.core.roles import Role
from medoffice.patients import services
from medoffice.patients.models import Patient
from tests.factories import PatientFactory
from tests.patients.factories import CoverageFactory

pytestmark = pytest.mark.django_db
BORN = dt.date(1975, 6, 15)


def candidates(**fields):
    base = {"first_name": "Jonathan", "last_name": "Smithers", "date_of_birth": BORN}
    return services.find_duplicates(**{**base, **fields})


def test_same_folded_last_name_and_birth_date_is_a_possible_duplicate(location):
    existing = PatientFactory(first_name="Jon", last_name="Smíthers", date_of_birth=BORN)
    assert candidates() == [existing]


def test_first_three_letters_and_initial_match(location):
    existing = PatientFactory(first_name="Jon", last_name="Smithson", date_of_birth=BORN)
    assert candidates() == [existing]


def test_swapped_names_match(location):
    existing = PatientFactory(first_name="Smithers", last_name="Jonathan", date_of_birth=BORN)
    assert candidates() == [existing]


def test_same_name_other_birth_date_is_not_a_duplicate(location):
    PatientFactory(first_name="Jonathan", last_name="Smithers", date_of_birth=dt.date(1976, 1, 1))
    assert candidates() == []


def test_same_phone_or_member_id_is_a_possible_duplicate(location):
    by_phone = PatientFactory(phone="+14135550188")
    by_member = CoverageFactory(member_id="QQ123").patient
    assert candidates(date_of_birth=None, phones=["+14135550188"]) == [by_phone]
    assert candidates(date_of_birth=None, member_id="QQ123") == [by_member]


def test_form_warns_with_links_and_creates_only_when_confirmed(client_for, location):
    existing = PatientFactory(
        first_name="Jon", last_name="Smithers", date_of_birth=BORN, home_location=location
    )
    desk = client_for(Role.FRONT_DESK, locations=[location])
    data = {
        "first_name": "Jonathan",
        "last_name": "Smithers",
        "date_of_birth": "1975-06-15",
        "sex": "M",
        "preferred_contact": "sms",
        "preferred_language": "en",
        "guarantor_relationship": "18",
        "home_location": location.pk,
    }
    warned = desk.post("/patients/new/", data)
    page = warned.content.decode()
    assert 'data-testid="duplicate-warning"' in page
    assert f"/patients/{existing.pk}/" in page
    assert Patient.objects.count() == 1
    created = desk.post("/patients/new/", {**data, "confirm_duplicate": "on"})
    assert created.status_code == 302
    new = Patient.objects.exclude(pk=existing.pk).get()
    event = AuditEvent.objects.get(action=AuditAction.CREATE, patient_id=new.pk)
    assert existing.mrn in event.detail


def test_api_answers_409_with_candidates_unless_confirmed(client_for, location):
    existing = PatientFactory(
        first_name="Jon", last_name="Smithers", date_of_birth=BORN, home_location=location
    )
    desk = client_for(Role.FRONT_DESK, locations=[location])
    body = {
        "first_name": "Jonathan",
        "last_name": "Smithers",
        "date_of_birth": "1975-06-15",
        "home_location_id": location.pk,
    }
    held = desk.post("/api/v1/patients", body, content_type="application/json")
    assert held.status_code == 409
    assert [c["mrn"] for c in held.json()["candidates"]] == [existing.mrn]
    confirmed = desk.post(
        "/api/v1/patients", {**body, "confirm_duplicate": True}, content_type="application/json"
    )
    assert confirmed.status_code == 201


# --- minimum necessary: another location's matches are not disclosed (164.514(d)) -----------


@pytest.fixture
def elsewhere_twin(practice):
    from tests.factories import LocationFactory

    return PatientFactory(
        first_name="Jon",
        last_name="Smithers",
        date_of_birth=BORN,
        phone="+14135550177",
        home_location=LocationFactory(practice=practice, name="Lakeside Walk-in"),
    )


def _registration(location, **fields):
    return {
        "first_name": "Jonathan",
        "last_name": "Smithers",
        "date_of_birth": "1975-06-15",
        "home_location_id": location.pk,
        **fields,
    }


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"first_name": "Invented", "last_name": "Person", "phone": "+14135550177"},
    ],
    ids=["name and birth date", "phone"],
)
def test_api_tells_a_limited_user_only_that_a_duplicate_exists_elsewhere(
    client_for, location, elsewhere_twin, fields
):
    desk = client_for(Role.FRONT_DESK, locations=[location])
    held = desk.post(
        "/api/v1/patients", _registration(location, **fields), content_type="application/json"
    )
    assert held.status_code == 409
    body = held.json()
    assert body["candidates"] == []
    assert body["elsewhere"] is True
    text = held.content.decode()
    assert elsewhere_twin.mrn not in text
    assert "Lakeside" not in text
    assert "1975" not in text
    assert "ask the office manager" in body["detail"]


def test_registration_page_tells_a_limited_user_only_that_a_duplicate_exists_elsewhere(
    client_for, location, elsewhere_twin
):
    desk = client_for(Role.FRONT_DESK, locations=[location])
    data = {
        "first_name": "Invented",
        "last_name": "Person",
        "date_of_birth": "1990-01-01",
        "phone": "(413) 555-0177",
        "sex": "M",
        "preferred_contact": "sms",
        "preferred_language": "en",
        "guarantor_relationship": "18",
        "home_location": location.pk,
    }
    page = desk.post("/patients/new/", data).content.decode()
    assert 'data-testid="duplicate-elsewhere"' in page
    assert "ask the office manager" in page
    assert elsewhere_twin.mrn not in page
    assert "Smithers" not in page
    assert "Lakeside" not in page
    assert f"/patients/{elsewhere_twin.pk}/" not in page


def test_office_manager_sees_the_other_locations_duplicate(client_for, location, elsewhere_twin):
    manager = client_for(Role.OFFICE_MANAGER)
    held = manager.post(
        "/api/v1/patients", _registration(location), content_type="application/json"
    )
    assert held.status_code == 409
    assert [c["mrn"] for c in held.json()["candidates"]] == [elsewhere_twin.mrn]
    assert held.json()["elsewhere"] is False


def test_every_candidate_is_audited_against_its_patient(client_for, location, elsewhere_twin):
    here_twin = PatientFactory(
        first_name="Jon", last_name="Smithers", date_of_birth=BORN, home_location=location
    )
    desk = client_for(Role.FRONT_DESK, locations=[location])
    desk.post("/api/v1/patients", _registration(location), content_type="application/json")
    shown = AuditEvent.objects.get(action=AuditAction.READ, patient_id=here_twin.pk)
    hidden = AuditEvent.objects.get(action=AuditAction.READ, patient_id=elsewhere_twin.pk)
    assert (shown.outcome, hidden.outcome) == ("success", "denied")
    assert shown.user_id == hidden.user_id == desk.user.pk


def test_a_limited_user_may_still_register_after_confirming(client_for, location, elsewhere_twin):
    desk = client_for(Role.FRONT_DESK, locations=[location])
    created = desk.post(
        "/api/v1/patients",
        _registration(location, confirm_duplicate=True),
        content_type="application/json",
    )
    assert created.status_code == 201
    event = AuditEvent.objects.get(action=AuditAction.CREATE, patient_id=created.json()["id"])
    assert "outside the user's locations" in event.detail
