"""Break-glass access to a record outside the user's locations, and its review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from medoffice.core.models import AuditAction, AuditEvent, AuditOutcome
from medoffice.core.roles import Role
from medoffice.patients.models import EmergencyAccess
from medoffice.patients.services import EMERGENCY_ACCESS_HOURS
from tests.factories import LocationFactory, PatientFactory

pytestmark = pytest.mark.django_db

REASON = "Patient arrived at the walk-in with chest pain; need the medication list."


@pytest.fixture
def location_a(practice):
    return LocationFactory(practice=practice, name="Main clinic")


@pytest.fixture
def location_b(practice):
    return LocationFactory(practice=practice, name="Lakeside")


@pytest.fixture
def patient_at_b(location_b):
    # A surname no page text contains ("Chang" is in "Change password").
    return PatientFactory(home_location=location_b, mrn="M0900001", last_name="Quorvane")


@pytest.fixture
def provider_at_a(client_for, location_a):
    return client_for(Role.PROVIDER, locations=[location_a])


def break_glass(client, patient, reason: str = REASON):
    return client.post(f"/patients/{patient.pk}/emergency-access/", {"reason": reason})


def test_opening_a_patient_of_another_location_leads_to_the_emergency_access_page(
    provider_at_a, patient_at_b
):
    response = provider_at_a.get(f"/patients/{patient_at_b.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient_at_b.pk}/emergency-access/"
    page = provider_at_a.get(response["Location"])
    assert page.status_code == 200
    assert patient_at_b.last_name not in page.content.decode()


def test_refused_opening_is_audited_as_denied(provider_at_a, patient_at_b):
    provider_at_a.get(f"/patients/{patient_at_b.pk}/")
    event = AuditEvent.objects.get(action=AuditAction.READ, patient_id=patient_at_b.pk)
    assert event.outcome == AuditOutcome.DENIED
    assert event.user_id == provider_at_a.user.pk


def test_a_short_reason_is_refused_naming_the_field(provider_at_a, patient_at_b):
    response = break_glass(provider_at_a, patient_at_b, reason="need it")
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert 'data-field-error="reason"' in response.content.decode()
    assert not EmergencyAccess.objects.exists()
    assert provider_at_a.get(f"/patients/{patient_at_b.pk}/").status_code == 302


def test_a_blank_reason_is_refused_naming_the_field(provider_at_a, patient_at_b):
    response = break_glass(provider_at_a, patient_at_b, reason="   ")
    assert "reason" in response.context["form"].errors
    assert not EmergencyAccess.objects.exists()


def test_a_proper_reason_grants_access_for_four_hours(provider_at_a, patient_at_b):
    response = break_glass(provider_at_a, patient_at_b)
    assert response["Location"] == f"/patients/{patient_at_b.pk}/"
    access = EmergencyAccess.objects.get()
    assert access.user == provider_at_a.user
    assert access.reason == REASON
    assert access.expires_at - access.granted_at == pytest.approx(
        dt.timedelta(hours=EMERGENCY_ACCESS_HOURS), abs=dt.timedelta(seconds=5)
    )
    detail = provider_at_a.get(f"/patients/{patient_at_b.pk}/")
    assert detail.status_code == 200
    assert patient_at_b.last_name in detail.content.decode()
    assert "emergency access" in detail.content.decode()


def test_granting_and_opening_under_emergency_access_are_audited(provider_at_a, patient_at_b):
    break_glass(provider_at_a, patient_at_b)
    provider_at_a.get(f"/patients/{patient_at_b.pk}/")
    events = AuditEvent.objects.filter(
        action=AuditAction.EMERGENCY_ACCESS, patient_id=patient_at_b.pk
    ).order_by("seq")
    granted, opened = list(events)
    assert REASON in granted.detail
    assert granted.object_type == "patients.emergencyaccess"
    assert opened.object_type == "patients.patient"
    assert opened.user_id == provider_at_a.user.pk


def test_expired_emergency_access_no_longer_opens_the_record(provider_at_a, patient_at_b):
    break_glass(provider_at_a, patient_at_b)
    EmergencyAccess.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = provider_at_a.get(f"/patients/{patient_at_b.pk}/")
    assert response["Location"] == f"/patients/{patient_at_b.pk}/emergency-access/"


def test_emergency_access_is_for_the_one_user_who_gave_the_reason(
    provider_at_a, patient_at_b, client_for, location_a
):
    break_glass(provider_at_a, patient_at_b)
    colleague = client_for(Role.PROVIDER, locations=[location_a])
    assert colleague.get(f"/patients/{patient_at_b.pk}/").status_code == 302


def test_emergency_access_appears_on_the_office_managers_home_page(
    provider_at_a, patient_at_b, client_for
):
    break_glass(provider_at_a, patient_at_b)
    manager = client_for(Role.OFFICE_MANAGER)
    response = manager.get("/")
    assert list(response.context["emergency_accesses"]) == [EmergencyAccess.objects.get()]
    assert patient_at_b.mrn in response.content.decode()


def test_emergency_access_appears_on_the_review_page(provider_at_a, patient_at_b, client_for):
    break_glass(provider_at_a, patient_at_b)
    manager = client_for(Role.OFFICE_MANAGER)
    response = manager.get("/patients/emergency-accesses/")
    assert list(response.context["pending"]) == [EmergencyAccess.objects.get()]
    assert REASON in response.content.decode()


def test_reviewing_marks_it_reviewed_and_is_audited(provider_at_a, patient_at_b, client_for):
    break_glass(provider_at_a, patient_at_b)
    access = EmergencyAccess.objects.get()
    manager = client_for(Role.OFFICE_MANAGER)
    response = manager.post(
        f"/patients/emergency-accesses/{access.pk}/review/", {"note": "Confirmed with Dr. A."}
    )
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.reviewed_by == manager.user
    assert access.reviewed_at is not None
    assert access.review_note == "Confirmed with Dr. A."
    assert list(manager.get("/").context["emergency_accesses"]) == []
    assert list(manager.get("/patients/emergency-accesses/").context["reviewed"]) == [access]
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, detail__contains="reviewed")
    assert event.user_id == manager.user.pk
    assert event.patient_id == patient_at_b.pk


def test_reviewing_twice_is_refused(provider_at_a, patient_at_b, client_for):
    break_glass(provider_at_a, patient_at_b)
    access = EmergencyAccess.objects.get()
    manager = client_for(Role.OFFICE_MANAGER)
    manager.post(f"/patients/emergency-accesses/{access.pk}/review/", {"note": "first"})
    manager.post(f"/patients/emergency-accesses/{access.pk}/review/", {"note": "second"})
    access.refresh_from_db()
    assert access.review_note == "first"


def test_front_desk_gets_not_found_for_a_patient_outside_its_locations(
    client_for, location_a, patient_at_b
):
    desk = client_for(Role.FRONT_DESK, locations=[location_a])
    assert desk.get(f"/patients/{patient_at_b.pk}/").status_code == 404
    assert desk.get(f"/patients/{patient_at_b.pk}/emergency-access/").status_code == 403
    assert break_glass(desk, patient_at_b).status_code == 403
    assert not EmergencyAccess.objects.exists()


def test_front_desk_gets_the_same_answer_for_a_patient_that_does_not_exist(client_for, location_a):
    desk = client_for(Role.FRONT_DESK, locations=[location_a])
    assert desk.get("/patients/999999/").status_code == 404


def test_every_opening_of_a_patient_record_is_audited_with_the_patient(client_for, location_a):
    patient = PatientFactory(home_location=location_a)
    desk = client_for(Role.FRONT_DESK, locations=[location_a])
    for _ in range(3):
        assert desk.get(f"/patients/{patient.pk}/").status_code == 200
    reads = AuditEvent.objects.filter(
        action=AuditAction.READ,
        patient_id=patient.pk,
        user_id=desk.user.pk,
        object_type="patients.patient",  # the visit history is its own entry
    )
    assert reads.count() == 3
    assert {e.outcome for e in reads} == {AuditOutcome.SUCCESS}


def test_revealing_the_ssn_is_audited_separately(client_for, location_a):
    patient = PatientFactory(home_location=location_a, ssn="123-45-6789")
    biller = client_for(Role.BILLER)
    masked = biller.get(f"/patients/{patient.pk}/")
    assert "123-45-6789" not in masked.content.decode()
    assert "***-**-6789" in masked.content.decode()
    shown = biller.get(f"/patients/{patient.pk}/?show=ssn")
    assert "123-45-6789" in shown.content.decode()
    assert AuditEvent.objects.filter(patient_id=patient.pk, data_category="ssn").count() == 1


def test_a_role_without_the_ssn_permission_cannot_reveal_it(client_for, location_a):
    patient = PatientFactory(home_location=location_a, ssn="123-45-6789")
    desk = client_for(Role.FRONT_DESK)
    response = desk.get(f"/patients/{patient.pk}/?show=ssn")
    assert "123-45-6789" not in response.content.decode()
    assert not AuditEvent.objects.filter(data_category="ssn").exists()
