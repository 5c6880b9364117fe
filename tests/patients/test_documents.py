"""Documents: type read from the content, size limit, downloads checked and audited."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from medoffice.patients.models import PatientDocument
from tests.factories import PatientFactory
from tests.patients.factories import PDF_BYTES, DocumentFactory

pytestmark = pytest.mark.django_db


def upload(client, patient, name, content):
    return client.post(
        f"/patients/{patient.pk}/documents/add/",
        {"kind": "referral", "title": "Referral", "file": SimpleUploadedFile(name, content)},
    )


def test_a_pdf_is_stored(desk, location):
    patient = PatientFactory(home_location=location)
    assert upload(desk, patient, "letter.pdf", PDF_BYTES).status_code == 302
    assert PatientDocument.objects.get().content_type == "application/pdf"


def test_a_forged_file_is_refused_naming_the_field(desk, location):
    patient = PatientFactory(home_location=location)
    response = upload(desk, patient, "letter.pdf", b"MZ\x90\x00 not a pdf at all")
    page = response.content.decode()
    assert 'data-field-error="file"' in page
    assert "content was checked" in page
    assert not PatientDocument.objects.exists()


def test_an_oversized_file_is_refused_and_nothing_saved(desk, location, settings, tmp_path):
    settings.PATIENT_DOCUMENT_MAX_BYTES = 1024
    patient = PatientFactory(home_location=location)
    response = upload(desk, patient, "big.pdf", PDF_BYTES + b"0" * 2048)
    assert 'data-field-error="file"' in response.content.decode()
    assert not PatientDocument.objects.exists()
    assert not list((tmp_path / "media").rglob("*.pdf"))


def test_download_is_audited(desk, location):
    document = DocumentFactory(patient=PatientFactory(home_location=location))
    response = desk.get(f"/patients/documents/{document.pk}/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        patient_id=document.patient_id, data_category="documents", detail__startswith="downloaded"
    ).exists()


@pytest.mark.parametrize("role", [Role.HR, Role.AUDITOR])
def test_download_is_refused_to_roles_without_patient_access(client_for, role):
    document = DocumentFactory()
    assert client_for(role).get(f"/patients/documents/{document.pk}/").status_code == 403
