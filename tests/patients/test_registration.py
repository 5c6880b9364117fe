"""Registering and editing patients: validation naming the field, E.164 phones, MRNs, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core.models import AuditAction, AuditEvent
from medoffice.core.roles import Role
from medoffice.patients import services
from medoffice.patients.models import Patient
from tests.factories import SYSTEM, LocationFactory, PatientFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "first_name": "Ada",
    "last_name": "Quillfeather",
    "date_of_birth": "1980-04-02",
    "sex": "F",
    "preferred_contact": "sms",
    "preferred_language": "en",
    "guarantor_relationship": "18",
    "phone": "(413) 555-0123",
    "postal_code": "01103",
    "state": "ma",
}


def register(client, location, **changes):
    data = {**GOOD, "home_location": location.pk, **changes}
    return client.post("/patients/new/", data)


def test_registration_creates_the_patient_with_an_mrn_and_opens_the_record(desk, location):
    response = register(desk, location)
    patient = Patient.objects.get(last_name="Quillfeather")
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient.pk}/"
    assert patient.mrn.startswith("M")
    assert patient.state == "MA"


def test_phone_is_stored_e164_and_shown_in_national_format(desk, location):
    register(desk, location)
    patient = Patient.objects.get(last_name="Quillfeather")
    assert patient.phone == "+14135550123"
    page = desk.get(f"/patients/{patient.pk}/").content.decode()
    assert "(413) 555-0123" in page


def test_registration_is_audited_with_the_patient_id(desk, location):
    register(desk, location)
    patient = Patient.objects.get(last_name="Quillfeather")
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, patient_id=patient.pk).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "1980-02-30", "30 February 1980 is not a date"),
        ("date_of_birth", "02/30/1980", "30 February 1980 is not a date"),
        ("date_of_birth", "1850-01-01", "more than 130 years ago"),
        ("state", "ZZ", "Choose a US state"),
        ("date_of_birth", "2999-01-01", "future"),
        ("phone", "555-12", "telephone number"),
        ("postal_code", "1103", "ZIP code"),
        ("state", "Massachusetts", "Choose a US state"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    desk, location, field, value, message
):
    response = register(desk, location, **{field: value})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-field-error="{field}"' in page
    assert message in page
    assert not Patient.objects.filter(last_name="Quillfeather").exists()


def test_every_error_of_the_form_shows_at_once(desk, location):
    response = register(
        desk,
        location,
        phone="abc",
        postal_code="1234",
        ssn="123",
        state="ZZ",
        date_of_birth="01/01/1850",
        guarantor_relationship="32",
    )
    page = response.content.decode()
    wrong = ["phone", "postal_code", "ssn", "state", "date_of_birth", "guarantor_first_name"]
    for field in wrong:
        assert f'data-field-error="{field}"' in page, field
        assert f'href="#id_{field}_group"' in page, field
    assert f"{len(wrong) + 1} things to fix before saving" in page  # and the last name
    assert not Patient.objects.exists()


def test_a_field_in_error_is_marked_invalid_and_described_by_its_message(desk, location):
    page = register(desk, location, postal_code="1234").content.decode()
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_postal_code_error"' in page
    assert 'id="id_postal_code_error"' in page


def test_a_zip_plus_four_typed_without_the_dash_is_stored_with_it(desk, location):
    register(desk, location, postal_code="011031234")
    assert Patient.objects.get().postal_code == "01103-1234"


def test_another_guarantor_needs_a_name(desk, location):
    response = register(desk, location, guarantor_relationship="32")
    assert 'data-field-error="guarantor_first_name"' in response.content.decode()
    assert not Patient.objects.exists()


def test_roles_that_do_not_register_are_refused(client_for, location):
    biller = client_for(Role.BILLER)
    assert register(biller, location).status_code == 403
    assert not Patient.objects.exists()


def test_edit_marks_a_patient_deceased_and_inactive(desk, location):
    patient = PatientFactory(home_location=location, date_of_birth=dt.date(1950, 1, 1))
    data = {
        **GOOD,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": "1950-01-01",
        "home_location": location.pk,
        "deceased_date": "2024-05-01",
    }
    response = desk.post(f"/patients/{patient.pk}/edit/", data)
    patient.refresh_from_db()
    assert response.status_code == 302
    assert patient.deceased_date == dt.date(2024, 5, 1)
    assert patient.is_active is False
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, patient_id=patient.pk).exists()


def test_next_mrn_skips_a_number_taken_meanwhile(location):
    PatientFactory(mrn="M0300000", home_location=location)
    taken = services.next_mrn()
    PatientFactory(mrn=taken, home_location=location)
    patient = services.register_patient(
        actor=SYSTEM,
        first_name="Bo",
        last_name="Unique",
        date_of_birth=dt.date(1990, 1, 1),
        home_location=location,
    )
    assert patient.mrn not in {"M0300000", taken}


def test_alerts_are_added_and_deactivated(desk, location):
    patient = PatientFactory(home_location=location)
    desk.post(f"/patients/{patient.pk}/alerts/add/", {"kind": "interpreter", "text": "Spanish"})
    alert = patient.alerts.get()
    assert "Needs interpreter" in desk.get(f"/patients/{patient.pk}/").content.decode()
    desk.post(f"/patients/alerts/{alert.pk}/deactivate/")
    alert.refresh_from_db()
    assert alert.is_active is False


def test_consent_is_given_then_revoked(desk, location):
    patient = PatientFactory(home_location=location)
    desk.post(f"/patients/{patient.pk}/consents/add/", {"kind": "sms", "given_on": "2024-03-01"})
    consent = patient.consents.get()
    desk.post(f"/patients/consents/{consent.pk}/revoke/", {"revoked_on": "2024-04-01"})
    consent.refresh_from_db()
    assert consent.revoked_on == dt.date(2024, 4, 1)


# --- API -------------------------------------------------------------------------------------


def test_api_registration_names_the_bad_field(desk, location):
    body = {
        "first_name": "Ada",
        "last_name": "Quill",
        "date_of_birth": "1980-04-02",
        "phone": "12",
        "home_location_id": location.pk,
    }
    response = desk.post("/api/v1/patients", body, content_type="application/json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["phone"]
    assert not Patient.objects.exists()


def test_api_registration_names_every_bad_field_at_once(desk, location):
    body = {
        "first_name": "Ada",
        "last_name": "Quill",
        "date_of_birth": "2099-04-02",
        "phone": "abc",
        "state": "ZZ",
        "postal_code": "1234",
        "home_location_id": location.pk,
    }
    response = desk.post("/api/v1/patients", body, content_type="application/json")
    assert response.status_code == 400
    fields = {e["field"]: e["code"] for e in response.json()["errors"]}
    assert fields == {
        "phone": "invalid_phone",
        "state": "invalid_state",
        "postal_code": "invalid_zip_code",
        "date_of_birth": "birth_in_future",
    }


def test_api_registration_answers_201_with_e164(desk, location):
    body = {
        "first_name": "Ada",
        "last_name": "Quill",
        "date_of_birth": "1980-04-02",
        "phone": "413.555.0123",
        "home_location_id": location.pk,
    }
    response = desk.post("/api/v1/patients", body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["phone"] == "+14135550123"


def test_api_opening_a_record_outside_the_callers_locations_is_404(client_for, location):
    other = PatientFactory(home_location=LocationFactory())
    desk = client_for(Role.FRONT_DESK, locations=[location])
    assert desk.get(f"/api/v1/patients/{other.pk}").status_code == 404
    assert client_for(Role.HR).get(f"/api/v1/patients/{other.pk}").status_code == 403


def test_a_date_out_of_range_is_named_once():
    from medoffice.patients.forms import ConsentForm

    form = ConsentForm({"kind": "sms", "given_on": "1850-01-01"})
    assert form.errors["given_on"] == ["Enter a date between 1900 and 2100 (year-month-day)."]
