"""API operations on a patient's consents, alerts, documents and merge."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from medoffice.patients.models import Patient
from tests.factories import PatientFactory
from tests.patients.factories import PDF_BYTES, AlertFactory, ConsentFactory, DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(location):
    return PatientFactory(home_location=location)


def test_consents_are_listed_with_whether_they_are_current(desk, patient):
    ConsentFactory(patient=patient, kind="sms")
    listed = desk.get(f"/api/v1/patients/{patient.pk}/consents").json()
    assert [(c["kind"], c["is_current"]) for c in listed] == [("sms", True)]


def test_consent_recorded_through_the_api_is_audited_with_the_patient(desk, patient):
    response = desk.post(
        f"/api/v1/patients/{patient.pk}/consents",
        {"kind": "npp", "given_on": "2024-03-01"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert patient.consents.get().kind == "npp"
    assert AuditEvent.objects.filter(patient_id=patient.pk, data_category="consents").exists()


def test_only_active_alerts_are_listed(desk, patient):
    AlertFactory(patient=patient, kind="interpreter")
    AlertFactory(patient=patient, kind="balance", is_active=False)
    listed = desk.get(f"/api/v1/patients/{patient.pk}/alerts").json()
    assert [a["kind"] for a in listed] == ["interpreter"]


def test_alert_added_through_the_api_shows_its_text(desk, patient):
    response = desk.post(
        f"/api/v1/patients/{patient.pk}/alerts",
        {"kind": "other", "text": "  Prefers afternoon calls "},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["text"] == "Prefers afternoon calls"


def test_document_list_gives_metadata_without_the_file(desk, patient):
    document = DocumentFactory(patient=patient)
    (row,) = desk.get(f"/api/v1/patients/{patient.pk}/documents").json()
    assert row["id"] == document.pk
    assert row["size"] == len(PDF_BYTES)
    assert "file" not in row


def test_document_file_answers_the_bytes_with_their_type_and_is_audited(desk, patient):
    document = DocumentFactory(patient=patient)
    response = desk.get(f"/api/v1/documents/{document.pk}/file")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert AuditEvent.objects.filter(
        patient_id=patient.pk, detail__startswith="downloaded"
    ).exists()


def test_uploaded_file_that_is_not_a_document_is_refused_naming_the_field(desk, patient):
    fake = SimpleUploadedFile("scan.pdf", b"MZ not really a pdf", content_type="application/pdf")
    response = desk.post(
        f"/api/v1/patients/{patient.pk}/documents",
        {"kind": "referral", "title": "Referral", "file": fake},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    assert not patient.documents.exists()


def test_merge_through_the_api_moves_the_duplicate_chart(client_for, location, patient):
    manager = client_for(Role.OFFICE_MANAGER, locations=[location])
    duplicate = PatientFactory(home_location=location)
    AlertFactory(patient=duplicate)
    response = manager.post(
        f"/api/v1/patients/{patient.pk}/merge",
        {"duplicate_id": duplicate.pk},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert patient.alerts.count() == 1
    assert Patient.objects.get(pk=duplicate.pk).merged_into_id == patient.pk


def test_uploaded_pdf_is_stored_with_its_checked_type(desk, patient):
    upload = SimpleUploadedFile("letter.bin", PDF_BYTES, content_type="text/plain")
    response = desk.post(
        f"/api/v1/patients/{patient.pk}/documents",
        {"kind": "referral", "title": "Referral", "file": upload},
    )
    assert response.status_code == 201
    assert response.json()["content_type"] == "application/pdf"
