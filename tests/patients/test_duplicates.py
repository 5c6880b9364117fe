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
