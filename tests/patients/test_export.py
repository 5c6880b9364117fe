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


def test_an_export_names_every_patient_in_it_for_the_accounting_of_disclosures(
    client_for, location
):
    patients = [PatientFactory(home_location=location) for _ in range(3)]
    b"".join(client_for(Role.OFFICE_MANAGER).get("/patients/?format=csv").streaming_content)
    entry = AuditEvent.objects.get(action="export", object_type="patients.patient")
    assert sorted(entry.shown_patient_ids) == sorted(p.pk for p in patients)


def test_an_export_records_which_filters_were_used_but_never_the_search_text(client_for, location):
    PatientFactory(home_location=location, last_name="Quill", phone="+14135550123")
    manager = client_for(Role.OFFICE_MANAGER)
    b"".join(manager.get("/patients/?format=csv&q=413+555+0123").streaming_content)
    entry = AuditEvent.objects.get(action="export", object_type="patients.patient")
    assert "q" in entry.detail
    assert "555" not in entry.detail
