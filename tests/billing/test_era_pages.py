"""The remittance pages and API: import an 835, see what it posted, work the exceptions;
a bad file posts nothing; a user of one location sees only that location's claims."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import EraException, EraFile, LedgerEntry
from medoffice.billing.services.era import import_era
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.api.conftest import api_for  # noqa: F401  (the fixture)
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_era import era_for, paid_in_full_answer, submitted_claim
from tests.conftest import login_client
from tests.factories import SYSTEM, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture
def claim():
    return submitted_claim()


@pytest.fixture
def biller():
    return login_client(UserFactory(roles=[Role.BILLER]))


def upload(client, data, name="remit.835"):
    return client.post("/billing/remittances/import/", {"file": SimpleUploadedFile(name, data)})


def test_uploading_an_835_posts_it_and_shows_the_counts(biller, claim):
    response = upload(biller, era_for(claim))
    assert response.status_code == 200
    assert "1 payment posted · 1 of 1 claims matched · 0 exceptions" in response.content.decode()
    assert LedgerEntry.objects.filter(source_kind="era").exists()


def test_uploading_a_truncated_file_names_the_segment_and_posts_nothing(biller, claim):
    data = era_for(claim)
    response = upload(biller, data[: data.index(b"SE*")])
    assert response.status_code == 400
    assert "segment" in response.content.decode()
    assert not EraFile.objects.exists()


def test_the_file_page_lists_the_claims_with_paid_adjusted_and_patient_share(biller, claim):
    result = import_era(data=era_for(claim), filename="remit.835", actor=SYSTEM)
    page = biller.get(f"/billing/remittances/{result.era_file.pk}/").content.decode()
    assert claim.control_number in page
    assert "$90.00" in page
    assert "$25.00" in page


def test_opening_a_file_is_audited_with_its_patients(biller, claim):
    result = import_era(data=era_for(claim), filename="remit.835", actor=SYSTEM)
    biller.get(f"/billing/remittances/{result.era_file.pk}/")
    event = AuditEvent.objects.filter(object_type="billing.erafile", action="read").last()
    assert event is not None
    assert claim.patient_id in [*event.shown_patient_ids, event.patient_id]


def test_a_user_of_another_location_does_not_see_the_claim(claim):
    result = import_era(data=era_for(claim), filename="remit.835", actor=SYSTEM)
    elsewhere = login_client(UserFactory(roles=[Role.BILLER], locations=[LocationFactory()]))
    page = elsewhere.get(f"/billing/remittances/{result.era_file.pk}/").content.decode()
    assert claim.control_number not in page
    assert "belong to locations you do not work at" in page


def test_an_unknown_claim_is_matched_by_hand_on_its_page(biller, claim):
    answer = paid_in_full_answer(claim, claim_id="XX" + claim.control_number)
    import_era(data=era_for(claim, answer), filename="remit.835", actor=SYSTEM)
    exception = EraException.objects.get()
    response = biller.post(
        f"/billing/remittances/exceptions/{exception.pk}/",
        {"action": "match", "claim": claim.control_number},
    )
    assert response.status_code == 302
    exception.refresh_from_db()
    assert exception.resolved_at is not None
    assert LedgerEntry.objects.filter(claim=claim, kind="ins_payment").exists()


def test_matching_to_a_claim_number_that_does_not_exist_names_the_field(biller, claim):
    answer = paid_in_full_answer(claim, claim_id="XX" + claim.control_number)
    import_era(data=era_for(claim, answer), filename="remit.835", actor=SYSTEM)
    exception = EraException.objects.get()
    response = biller.post(
        f"/billing/remittances/exceptions/{exception.pk}/", {"action": "match", "claim": "NOPE"}
    )
    assert response.status_code == 400
    assert "No claim of yours is numbered" in response.content.decode()


def test_resolving_without_a_note_is_refused(biller, claim):
    answer = paid_in_full_answer(claim, claim_id="XX" + claim.control_number)
    import_era(data=era_for(claim, answer), filename="remit.835", actor=SYSTEM)
    exception = EraException.objects.get()
    response = biller.post(
        f"/billing/remittances/exceptions/{exception.pk}/", {"action": "resolve", "note": ""}
    )
    assert response.status_code == 400
    assert EraException.objects.get().resolved_at is None


def test_the_api_imports_an_835_and_reports_the_counts(api_for, claim):  # noqa: F811
    client = api_for(Role.BILLER)
    response = client.post("/api/v1/eras", {"file": SimpleUploadedFile("r.835", era_for(claim))})
    assert response.status_code == 200
    body = response.json()
    assert (body["payments_posted"], body["claims_matched"], body["exceptions"]) == (1, 1, 0)
    era_id = body["era_file"]["id"]
    detail = client.get(f"/api/v1/eras/{era_id}").json()
    assert detail["claims"][0]["paid"] == "90.00"


def test_the_api_refuses_a_truncated_file_with_its_code(api_for, claim):  # noqa: F811
    data = era_for(claim)
    client = api_for(Role.BILLER)
    response = client.post(
        "/api/v1/eras", {"file": SimpleUploadedFile("r.835", data[: data.index(b"SE*")])}
    )
    assert response.status_code == 400
    assert Code.ERA_FILE_UNREADABLE in response.content.decode()
    assert not EraFile.objects.exists()
