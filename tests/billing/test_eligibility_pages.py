"""The eligibility worklist, a check's page and "Check again", the 271 upload, the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from medoffice.billing.models import EligibilityCheck
from medoffice.core.roles import Role
from tests.api.conftest import api_for  # noqa: F401  (the fixture)
from tests.billing.factories_eligibility import CoverageFactory, EligibilityCheckFactory
from tests.billing.x12_271 import answer_271
from tests.factories import LocationFactory, PatientFactory

pytestmark = pytest.mark.django_db

URL = "/billing/eligibility/"


def _check(location, *, last_name="Doe", status="rejected", **fields):
    patient = PatientFactory(home_location=location, last_name=last_name)
    return EligibilityCheckFactory(
        coverage=CoverageFactory(patient=patient), location=location, status=status, **fields
    )


def test_the_worklist_lists_rejected_inactive_and_failed_checks(client_for, location):
    for status, name in [("rejected", "Rejo"), ("inactive", "Inacto"), ("failed", "Failo")]:
        _check(location, status=status, last_name=name)
    _check(location, status="active", last_name="Activo")
    page = client_for(Role.BILLER).get(URL).content.decode()
    assert all(name in page for name in ("Rejo", "Inacto", "Failo"))
    assert "Activo" not in page


def test_a_check_sent_a_day_ago_without_an_answer_is_on_the_worklist(client_for, location):
    _check(
        location,
        status="sent",
        last_name="Lateo",
        requested_at=timezone.now() - dt.timedelta(days=2),
    )
    _check(location, status="sent", last_name="Freshy")
    page = client_for(Role.BILLER).get(URL).content.decode()
    assert "Lateo" in page
    assert "No answer after a day" in page
    assert "Freshy" not in page


def test_a_check_asked_again_leaves_the_worklist(client_for, location):
    old = _check(location, last_name="Againo")
    EligibilityCheckFactory(
        coverage=old.coverage, location=location, service_date=old.service_date, status="active"
    )
    assert "Againo" not in client_for(Role.BILLER).get(URL).content.decode()


def test_the_worklist_filters_by_status(client_for, location):
    _check(location, status="rejected", last_name="Rejo")
    _check(location, status="inactive", last_name="Inacto")
    page = client_for(Role.BILLER).get(URL, {"status": "inactive"}).content.decode()
    assert "Inacto" in page
    assert "Rejo" not in page


def test_the_worklist_filters_by_location_and_date_of_service(client_for, location):
    other = LocationFactory(practice=location.practice)
    _check(location, last_name="Hereo", service_date=dt.date(2026, 12, 3))
    _check(other, last_name="Thereo", service_date=dt.date(2026, 12, 3))
    _check(location, last_name="Latero", service_date=dt.date(2026, 12, 9))
    page = (
        client_for(Role.BILLER)
        .get(URL, {"location": location.pk, "date_from": "2026-12-01", "date_to": "2026-12-05"})
        .content.decode()
    )
    assert "Hereo" in page
    assert "Thereo" not in page
    assert "Latero" not in page


def test_the_worklist_filters_by_payer(client_for, location):
    wanted = _check(location, last_name="Payo")
    _check(location, last_name="Otherpayo")
    page = client_for(Role.BILLER).get(URL, {"payer": wanted.coverage.payer_id}).content.decode()
    assert "Payo" in page
    assert "Otherpayo" not in page


def test_the_worklist_sorts_by_patient(client_for, location):
    _check(location, last_name="Zed")
    _check(location, last_name="Abe")
    page = client_for(Role.BILLER).get(URL, {"sort": "-patient"}).content.decode()
    assert page.index("Zed") < page.index("Abe")


def test_the_worklist_exports_csv(client_for, location):
    _check(location, last_name="Csvo")
    response = client_for(Role.BILLER).get(URL, {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "Csvo" in body
    assert body.splitlines()[0].startswith("Visit,Patient,Payer,Member ID,Status")


def test_a_user_of_one_location_never_sees_another_locations_check(client_for, location):
    other = LocationFactory(practice=location.practice)
    theirs = _check(other, last_name="Elsewhere")
    desk = client_for(Role.FRONT_DESK, locations=[location])
    page = desk.get(URL).content.decode()
    assert "Elsewhere" not in page
    assert theirs.coverage.member_id not in page
    assert "Elsewhere" not in b"".join(desk.get(URL, {"format": "csv"}).streaming_content).decode()
    assert desk.get(f"{URL}{theirs.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.CLINICAL, Role.HR])
def test_roles_without_eligibility_cannot_open_the_worklist(client_for, role):
    assert client_for(role).get(URL).status_code == 403


def test_the_check_page_shows_the_answer_and_the_reason(client_for, location):
    check = _check(location, rejection_reason="subscriber/insured not found (AAA 75)")
    page = (
        client_for(Role.FRONT_DESK, locations=[location]).get(f"{URL}{check.pk}/").content.decode()
    )
    assert "subscriber/insured not found (AAA 75)" in page
    assert 'data-testid="check-again"' in page


def test_check_again_queues_a_new_check_and_opens_it(client_for, location):
    check = _check(location)
    response = client_for(Role.BILLER).post(f"{URL}{check.pk}/check-again/")
    again = EligibilityCheck.objects.exclude(pk=check.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"{URL}{again.pk}/"
    assert again.status == "queued"


def test_the_upload_page_imports_a_271_and_shows_the_report(client_for, location):
    check = _check(location, status="sent")
    upload = SimpleUploadedFile("answer.271", answer_271(trace=check.trace_number).encode())
    response = client_for(Role.BILLER).post(f"{URL}import/", {"file": upload})
    page = response.content.decode()
    check.refresh_from_db()
    assert response.status_code == 200
    assert check.status == "active"
    assert f"check {check.trace_number}" in page


def test_the_upload_page_names_the_segment_of_a_malformed_file(client_for, location):
    check = _check(location, status="sent")
    broken = answer_271(trace=check.trace_number).replace("EB*B**98", "EB***98")
    response = client_for(Role.BILLER).post(
        f"{URL}import/", {"file": SimpleUploadedFile("bad.271", broken.encode())}
    )
    assert response.status_code == 400
    assert "segment 13 (EB) element 1" in response.content.decode()
    check.refresh_from_db()
    assert check.status == "sent"


# --- the API ------------------------------------------------------------------------------


def test_the_api_lists_the_worklist_and_filters_by_status(api_for, location):  # noqa: F811
    _check(location, status="rejected", last_name="Rejo")
    inactive = _check(location, status="inactive", last_name="Inacto")
    client = api_for(Role.BILLER)
    assert len(client.get("/api/v1/billing/eligibility-checks").json()["items"]) == 2
    (only,) = client.get("/api/v1/billing/eligibility-checks", {"status": "inactive"}).json()[
        "items"
    ]
    assert only["id"] == inactive.pk


def test_the_api_gives_one_check_with_its_answer(api_for, location):  # noqa: F811
    check = _check(location, status="rejected", rejection_reason="patient not found (AAA 67)")
    body = api_for(Role.BILLER).get(f"/api/v1/billing/eligibility-checks/{check.pk}").json()
    assert (body["status"], body["rejection_reason"]) == ("rejected", "patient not found (AAA 67)")


def test_the_api_hides_another_locations_check(api_for, location):  # noqa: F811
    check = _check(LocationFactory(practice=location.practice))
    client = api_for(Role.FRONT_DESK, locations=[location])
    assert client.get(f"/api/v1/billing/eligibility-checks/{check.pk}").status_code == 404
    assert client.get("/api/v1/billing/eligibility-checks").json()["items"] == []


def test_the_api_imports_a_271_and_returns_the_report(api_for, location):  # noqa: F811
    check = _check(location, status="sent")
    upload = SimpleUploadedFile("answer.271", answer_271(trace=check.trace_number).encode())
    response = api_for(Role.BILLER).post("/api/v1/billing/eligibility-imports", {"file": upload})
    body = response.json()
    assert response.status_code == 200
    assert body["answers"][0]["check_id"] == check.pk
    assert body["answers"][0]["copay"] == "30.00"


def test_the_api_answers_400_with_the_segment_for_a_malformed_271(api_for, location):  # noqa: F811
    upload = SimpleUploadedFile("bad.271", b"ISA*00*garbage")
    response = api_for(Role.BILLER).post("/api/v1/billing/eligibility-imports", {"file": upload})
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert response.json()["error"]["text"]


def test_the_api_refuses_the_import_to_a_role_without_eligibility(api_for):  # noqa: F811
    upload = SimpleUploadedFile("answer.271", answer_271().encode())
    response = api_for(Role.PROVIDER).post("/api/v1/billing/eligibility-imports", {"file": upload})
    assert response.status_code == 403


def test_an_upload_by_a_user_of_one_location_leaves_another_locations_check_alone(
    client_for, location
):
    theirs = _check(LocationFactory(practice=location.practice), status="sent", last_name="Farro")
    upload = SimpleUploadedFile("answer.271", answer_271(trace=theirs.trace_number).encode())
    desk = client_for(Role.FRONT_DESK, locations=[location])
    page = desk.post(f"{URL}import/", {"file": upload}).content.decode()
    theirs.refresh_from_db()
    assert theirs.status == "sent"
    assert theirs.trace_number not in page.replace(f"TRN*2*{theirs.trace_number}", "")
    assert "no matching coverage" in page
