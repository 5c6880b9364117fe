"""The accounting of disclosures (ONC 170.315(d)(2), (d)(10), (d)(11)): who saw which patient.

Every search and every list that shows patients records one audit entry naming the
patients it showed (those on the page answered, not every match), and never the text
of the search, which can itself be patient data.
"""

from __future__ import annotations

import pytest

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, AuditEvent, concerning_patient
from medoffice.core.roles import Role
from tests.factories import PatientFactory
from tests.frontdesk.factories import todays_visit
from tests.scheduling.factories import RecallFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db


def entries_of(response) -> list[AuditEvent]:
    assert response.status_code == 200, response.content
    return list(AuditEvent.objects.filter(request_id=response["X-Request-ID"]).order_by("seq"))


def the_read(response) -> AuditEvent:
    """The request's one audit entry, which must name patients."""
    (entry,) = entries_of(response)
    assert entry.action == AuditAction.READ
    return entry


# --- the API ------------------------------------------------------------------------------


def test_an_api_patient_search_records_the_patients_on_the_page_it_answered(desk, location):
    smiths = [PatientFactory(home_location=location, last_name="Smithers") for _ in range(3)]
    PatientFactory(home_location=location, last_name="Jones")
    response = desk.get("/api/v1/patients", {"q": "smithers", "limit": 2})
    answered = [row["id"] for row in response.json()["items"]]
    entry = the_read(response)
    assert len(answered) == 2
    assert entry.shown_patient_ids == answered
    assert set(answered) < {p.pk for p in smiths}


def test_an_api_patient_search_records_the_kind_of_search_not_its_text(desk, location):
    PatientFactory(home_location=location, phone="+14135550123")
    response = desk.get("/api/v1/patients", {"q": "413 555 0123"})
    entry = the_read(response)
    assert "phone" in entry.detail
    assert "555" not in entry.detail
    assert "0123" not in entry.patient_ids + entry.object_id


def test_an_api_search_that_finds_no_one_still_records_the_search(desk, location):
    entry = the_read(desk.get("/api/v1/patients", {"q": "nobody"}))
    assert entry.shown_patient_ids == []
    assert "0 shown" in entry.detail


def test_the_api_appointments_of_a_day_are_one_entry_naming_each_patient(desk, location):
    visits = [todays_visit(location, hour=h) for h in (0, 1, 2)]
    response = desk.get("/api/v1/appointments", {"date": visits[0].start.date().isoformat()})
    entry = the_read(response)
    assert sorted(entry.shown_patient_ids) == sorted(v.patient_id for v in visits)
    assert entry.object_type == "scheduling.appointment"


def test_the_api_flow_board_is_one_entry_naming_each_patient_on_it(desk, location):
    visits = [todays_visit(location, hour=h) for h in (0, 1)]
    entry = the_read(desk.get("/api/v1/flow-board"))
    assert sorted(entry.shown_patient_ids) == sorted(v.patient_id for v in visits)


def test_the_api_waitlist_is_one_entry_naming_the_patients_of_the_page(desk, location):
    entries = [
        WaitlistEntryFactory(patient=PatientFactory(home_location=location)) for _ in range(3)
    ]
    response = desk.get("/api/v1/waitlist", {"limit": 2})
    entry = the_read(response)
    assert entry.shown_patient_ids == [e.patient_id for e in entries[:2]]


def test_the_api_recalls_are_one_entry_naming_the_patients_of_the_page(desk, location):
    recalls = [RecallFactory(patient=PatientFactory(home_location=location)) for _ in range(3)]
    response = desk.get("/api/v1/recalls", {"limit": 2, "offset": 1})
    entry = the_read(response)
    answered = [row["patient_id"] for row in response.json()["items"]]
    assert entry.shown_patient_ids == answered
    assert set(answered) < {r.patient_id for r in recalls}


# --- the pages ----------------------------------------------------------------------------


def test_the_patient_list_search_records_the_patients_on_the_page_shown(desk, location):
    found = [PatientFactory(home_location=location, last_name=f"Quill{n}") for n in range(3)]
    PatientFactory(home_location=location, last_name="Jones")
    entry = the_read(desk.get("/patients/", {"q": "quill"}))
    assert entry.shown_patient_ids == [p.pk for p in found]
    assert "search by name" in entry.detail
    assert "quill" not in entry.detail.lower()


def test_the_patient_list_records_only_the_page_shown_not_every_match(desk, location):
    for n in range(27):
        PatientFactory(home_location=location, last_name=f"Paged{n:02d}")
    first = the_read(desk.get("/patients/", {"q": "paged"}))
    second = the_read(desk.get("/patients/", {"q": "paged", "page": 2}))
    assert len(first.shown_patient_ids) == 25
    assert len(second.shown_patient_ids) == 2
    assert not set(first.shown_patient_ids) & set(second.shown_patient_ids)


def test_the_navbar_search_by_phone_records_the_kind_and_not_the_number(desk, location):
    patient = PatientFactory(home_location=location, phone="+14135550199")
    entry = the_read(desk.get("/patients/", {"q": "(413) 555-0199"}))
    assert entry.shown_patient_ids == [patient.pk]
    assert "phone" in entry.detail
    assert "0199" not in entry.detail


def test_the_quick_search_records_the_patients_it_listed(desk, location):
    patient = PatientFactory(home_location=location, last_name="Quimby")
    entry = the_read(desk.get("/patients/quick-search/", {"q": "quim"}))
    assert entry.shown_patient_ids == [patient.pk]
    assert entry.detail.startswith("quick search")


def test_the_booking_pages_patient_picker_records_the_patients_it_offered(desk, location):
    patient = PatientFactory(home_location=location, last_name="Quenneville")
    response = desk.post("/schedule/book/", {"action": "search", "patient_search": "Quenne"})
    (entry,) = [e for e in entries_of(response) if e.detail.startswith("patient picker")]
    assert entry.shown_patient_ids == [patient.pk]


def test_the_waitlist_page_records_the_patients_on_it(desk, location):
    entries = [
        WaitlistEntryFactory(patient=PatientFactory(home_location=location)) for _ in range(2)
    ]
    entry = the_read(desk.get("/schedule/waitlist/"))
    assert sorted(entry.shown_patient_ids) == sorted(e.patient_id for e in entries)


def test_the_recalls_page_records_the_patients_on_it(desk, location):
    recalls = [RecallFactory(patient=PatientFactory(home_location=location)) for _ in range(2)]
    entry = the_read(desk.get("/schedule/recalls/"))
    assert sorted(entry.shown_patient_ids) == sorted(r.patient_id for r in recalls)


def test_the_day_view_records_the_patients_of_the_visits_it_shows(desk, location):
    visits = [todays_visit(location, hour=h) for h in (8, 9)]
    entry = the_read(desk.get("/front-desk/day/"))
    assert sorted(entry.shown_patient_ids) == sorted(v.patient_id for v in visits)


def test_the_flow_board_page_records_the_patients_on_the_board(desk, location):
    visits = [todays_visit(location, hour=h) for h in (0, 1)]
    entry = the_read(desk.get("/front-desk/flow/"))
    assert sorted(entry.shown_patient_ids) == sorted(v.patient_id for v in visits)


# --- who saw this patient? ------------------------------------------------------------------


def test_the_patient_filter_matches_an_id_among_those_shown_and_no_other_number(practice):
    for ids in ([7], [7, 70], [170, 7], [1, 7, 2], [17, 71, 707], []):
        record_event(AuditAction.READ, object_type="patients.patient", patient_ids=ids)
    record_event(AuditAction.READ, object_type="patients.patient", patient_id=7)
    found = AuditEvent.objects.filter(concerning_patient(7)).order_by("seq")
    assert [e.patient_ids or f"#{e.patient_id}" for e in found] == [
        "7",
        "7,70",
        "170,7",
        "1,7,2",
        "#7",
    ]


def test_the_audit_report_filtered_by_patient_lists_the_searches_that_showed_them(
    desk, client_for, location
):
    patient = PatientFactory(home_location=location, last_name="Quaid")
    PatientFactory(home_location=location, last_name="Quaid")
    search = the_read(desk.get("/patients/", {"q": "quaid"}))
    page = client_for(Role.AUDITOR).get("/audit/", {"patient": patient.pk}).content.decode()
    assert f">{search.seq}<" in page
    assert "Patients shown" in page
    assert ", ".join(str(i) for i in search.shown_patient_ids) in page


def test_the_audit_api_filtered_by_patient_answers_the_searches_with_the_ids_shown(
    desk, client_for, location
):
    patient = PatientFactory(home_location=location, last_name="Quade")
    search = the_read(desk.get("/api/v1/patients", {"q": "quade"}))
    response = client_for(Role.AUDITOR).get("/api/v1/audit-events", {"patient_id": patient.pk})
    (item,) = [e for e in response.json()["items"] if e["seq"] == search.seq]
    assert item["patient_ids"] == [patient.pk]
