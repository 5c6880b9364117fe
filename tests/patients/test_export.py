from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.factories import PatientFactory


def test_front_desk_cannot_export_the_patient_list(client_for, location):
    PatientFactory(home_location=location)
    response = client_for(Role.FRONT_DESK).get("/patients/?format=csv")
    assert response.status_code == 403


def test_office_manager_exports_the_patient_list_and_the_export_is_audited(client_for, location):
    PatientFactory(home_location=location, last_name="Quill")
    response = client_for(Role.OFFICE_MANAGER).get("/patients/?format=csv")
    assert response.status_code == 200
    assert "Quill" in b"".join(response.streaming_content).decode()
    assert AuditEvent.objects.filter(action="export", object_type="patients.patient").exists()
