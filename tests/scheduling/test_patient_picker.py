"""The patient picker of the booking, series, waitlist and recall forms, seen by the server:
``?patient=<id>`` chooses a patient the user may see and nobody else, and only patients the
server offered are accepted."""

from __future__ import annotations

import re

import pytest

from medoffice.core.roles import Role
from medoffice.scheduling.models import Recall
from tests.factories import LocationFactory, PatientFactory

pytestmark = pytest.mark.django_db

FORMS = ["book", "series", "waitlist/new", "recalls/new"]


@pytest.fixture
def north(practice):
    return LocationFactory(practice=practice, name="North")


@pytest.fixture
def south(practice):
    return LocationFactory(practice=practice, name="South")


@pytest.mark.parametrize("form", FORMS)
def test_the_address_chooses_the_patient(client_for, north, form):
    patient = PatientFactory(home_location=north, last_name="Quenneville")
    page = client_for(Role.FRONT_DESK, locations=[north]).get(
        f"/schedule/{form}/", {"patient": patient.pk}
    )
    content = page.content.decode()
    assert page.status_code == 200
    assert f'name="patient" value="{patient.pk}"' in content
    assert f"Quenneville, {patient.first_name} · born" in content


@pytest.mark.parametrize("form", FORMS)
def test_a_patient_of_another_location_is_not_chosen_nor_named(client_for, north, south, form):
    elsewhere = PatientFactory(home_location=south, last_name="Outofscope")
    page = client_for(Role.FRONT_DESK, locations=[north]).get(
        f"/schedule/{form}/", {"patient": elsewhere.pk}
    )
    content = page.content.decode()
    assert page.status_code == 200
    assert "Outofscope" not in content
    assert f'name="patient" value="{elsewhere.pk}"' not in content
    assert 'name="patient" value=""' in content


@pytest.mark.parametrize(
    "value", ["abc", "-1", "0", "99999999999999999999999999", "1e309", "١٢", "9223372036854775808"]
)
def test_a_patient_in_the_address_that_is_no_id_chooses_nobody(client_for, north, value):
    page = client_for(Role.FRONT_DESK, locations=[north]).get(
        "/schedule/recalls/new/", {"patient": value}
    )
    assert page.status_code == 200
    assert 'name="patient" value=""' in page.content.decode()


def test_posting_a_patient_of_another_location_is_refused_and_writes_nothing(
    client_for, north, south
):
    elsewhere = PatientFactory(home_location=south, last_name="Outofscope")
    page = client_for(Role.FRONT_DESK, locations=[north]).post(
        "/schedule/recalls/new/",
        {"patient": elsewhere.pk, "reason": "Eye exam", "due_date": "2030-01-01"},
    )
    content = page.content.decode()
    assert page.status_code == 200
    assert 'data-field-error="patient"' in content
    assert "Outofscope" not in content
    assert not Recall.objects.exists()


def test_a_recall_is_created_for_the_patient_the_picker_chose(client_for, north):
    patient = PatientFactory(home_location=north)
    page = client_for(Role.FRONT_DESK, locations=[north]).post(
        "/schedule/recalls/new/",
        {"patient": patient.pk, "reason": "Eye exam", "due_date": "2030-01-01"},
    )
    assert page.status_code == 302
    assert Recall.objects.get().patient == patient


def test_a_form_without_a_patient_chosen_starts_in_the_search(client_for, north):
    page = client_for(Role.FRONT_DESK, locations=[north]).get("/schedule/waitlist/new/")
    (search,) = re.findall(
        r"<input[^>]*data-testid=\"patient-search\"[^>]*>", page.content.decode()
    )
    assert " autofocus" in search


def test_find_a_slot_carries_the_patient_to_the_booking_form(client_for, north):
    page = client_for(Role.FRONT_DESK, locations=[north]).get("/schedule/find/", {"patient": "42"})
    assert '<input type="hidden" name="patient" value="42">' in page.content.decode()


def test_find_a_slot_drops_a_patient_that_is_no_id(client_for, north):
    page = client_for(Role.FRONT_DESK, locations=[north]).get(
        "/schedule/find/", {"patient": '"><script>'}
    )
    assert 'name="patient"' not in page.content.decode()


def test_the_record_offers_book_waitlist_and_recall_to_the_front_desk(client_for, north):
    patient = PatientFactory(home_location=north)
    content = (
        client_for(Role.FRONT_DESK, locations=[north])
        .get(f"/patients/{patient.pk}/")
        .content.decode()
    )
    assert f'href="/schedule/find/?patient={patient.pk}"' in content
    assert f'href="/schedule/waitlist/new/?patient={patient.pk}"' in content
    assert f'href="/schedule/recalls/new/?patient={patient.pk}"' in content


def test_the_record_offers_no_booking_to_a_role_that_does_not_book(client_for, north):
    patient = PatientFactory(home_location=north)
    content = (
        client_for(Role.BILLER, locations=[north]).get(f"/patients/{patient.pk}/").content.decode()
    )
    assert "/schedule/waitlist/new/" not in content
    assert "/schedule/recalls/new/" not in content
