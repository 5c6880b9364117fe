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


def suggestions(**fields):
    base = {"first_name": "Jonathan", "last_name": "Smithers", "date_of_birth": BORN}
    return services.find_duplicates(**{**base, **fields})


def candidates(**fields):
    return [s.patient for s in suggestions(**fields)]


def test_same_folded_last_name_and_birth_date_is_a_possible_duplicate(location):
    existing = PatientFactory(first_name="Jon", last_name="Smíthers", date_of_birth=BORN)
    assert candidates() == [existing]


def test_first_three_letters_and_initial_match(location):
    existing = PatientFactory(first_name="Jon", last_name="Smithson", date_of_birth=BORN)
    assert candidates() == [existing]


def test_swapped_names_match(location):
    existing = PatientFactory(first_name="Smithers", last_name="Jonathan", date_of_birth=BORN)
    assert candidates() == [existing]


def test_same_name_other_birth_date_is_only_a_weak_hint(location):
    PatientFactory(first_name="Jonathan", last_name="Smithers", date_of_birth=dt.date(1976, 1, 1))
    [found] = suggestions()
    assert (found.strength, found.reasons) == ("weak", ["same name"])


def test_same_birth_date_alone_is_no_match(location):
    PatientFactory(first_name="Unrelated", last_name="Person", date_of_birth=BORN)
    assert candidates() == []


def test_same_phone_is_a_weak_hint_and_member_id_a_possible_duplicate(location):
    by_phone = PatientFactory(phone="+14135550188")
    by_member = CoverageFactory(member_id="QQ123").patient
    [phone] = suggestions(date_of_birth=None, phones=["+14135550188"])
    assert (phone.patient, phone.strength, phone.reasons) == (by_phone, "weak", ["same phone"])
    [member] = suggestions(date_of_birth=None, member_id="QQ123")
    assert (member.patient, member.strength) == (by_member, "possible")
    assert member.reasons == ["same insurance member ID"]


def test_accents_do_not_make_another_person(location):
    existing = PatientFactory(first_name="José", last_name="Núñez", date_of_birth=BORN)
    [found] = suggestions(first_name="Jose", last_name="Nunez")
    assert (found.patient, found.strength) == (existing, "strong")
    assert found.reasons == ["same birth date", "same name"]


def test_a_typo_in_the_first_name_is_a_similar_name(location):
    existing = PatientFactory(first_name="John", last_name="Smithers", date_of_birth=BORN)
    [found] = suggestions(first_name="Jonh")
    assert (found.patient, found.strength) == (existing, "strong")
    assert found.reasons == ["same birth date", "similar name (Jonh/John)"]


def test_a_strong_match_comes_before_phone_only_hints(location):
    for n in range(6):
        PatientFactory(first_name="Aaron", last_name=f"Abbott{n}", phone="+14135550188")
    twin = PatientFactory(first_name="Jon", last_name="Smithers", date_of_birth=BORN)
    found = suggestions(phones=["+14135550188"])
    assert found[0].patient == twin
    assert [s.strength for s in found] == ["strong"] + ["weak"] * 6


def test_a_shared_phone_alone_does_not_hold_the_registration(client_for, location):
    for n in range(6):
        PatientFactory(last_name=f"Household{n}", phone="+14135550188", home_location=location)
    desk = client_for(Role.FRONT_DESK, locations=[location])
    response = desk.post(
        "/patients/new/",
        {
            "first_name": "Unrelated",
            "last_name": "Newcomer",
            "date_of_birth": "1990-01-01",
            "phone": "(413) 555-0188",
            "sex": "F",
            "preferred_contact": "sms",
            "preferred_language": "en",
            "guarantor_relationship": "18",
            "home_location": location.pk,
        },
    )
    assert response.status_code == 302
    assert Patient.objects.filter(last_name="Newcomer").exists()


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
    assert "Strong match" in page
    assert "Why: same birth date, similar name (Jonathan/Jon)" in page
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
    [candidate] = held.json()["candidates"]
    assert candidate["mrn"] == existing.mrn
    assert candidate["strength"] == "strong"
    assert candidate["reasons"] == ["same birth date", "similar name (Jonathan/Jon)"]
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
    ids=["name and birth date", "birth date and phone"],
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
        "date_of_birth": "1975-06-15",
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


def test_the_ten_shown_are_counted_after_the_other_locations_are_left_out(
    client_for, location, practice
):
    from tests.factories import LocationFactory

    lakeside = LocationFactory(practice=practice, name="Lakeside Walk-in")
    for _ in range(10):
        PatientFactory(
            first_name="Jon", last_name="Smithers", date_of_birth=BORN, home_location=lakeside
        )
    here = PatientFactory(
        first_name="Jonathan", last_name="Smithers", date_of_birth=BORN, home_location=location
    )
    desk = client_for(Role.FRONT_DESK, locations=[location])
    held = desk.post("/api/v1/patients", _registration(location), content_type="application/json")
    assert [c["mrn"] for c in held.json()["candidates"]] == [here.mrn]
    assert held.json()["elsewhere"] is True


def test_a_phone_shared_only_with_another_location_says_nothing(
    client_for, location, elsewhere_twin
):
    desk = client_for(Role.FRONT_DESK, locations=[location])
    created = desk.post(
        "/api/v1/patients",
        _registration(
            location,
            first_name="Invented",
            last_name="Person",
            date_of_birth="1990-01-01",
            phone="+14135550177",
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    assert not AuditEvent.objects.filter(patient_id=elsewhere_twin.pk).exists()
