"""Following up silent claims through the API: the claims without an answer, asking the
payers (276) and importing their 277 answers; same services, location limits and audit as
the pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import StatusInquiry, StatusRequestFile
from medoffice.core.models import Practice
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_followup import Answer, answer_277, waiting_claim
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"
BIG = "9223372036854775808"  # 2**63: one past the largest id the database holds


@pytest.fixture
def office(practice):
    office_visit_codes()
    location = LocationFactory(postal_code="01103-2211")
    Practice.objects.update(postal_code="01103-2211", phone="(413) 555-0100")
    return location


@pytest.fixture
def claim(office, tmp_path: Path):
    return waiting_claim(office, tmp_path / "outbox", days=45)


@pytest.fixture
def biller(api_for):
    return api_for(Role.BILLER)


def test_the_claims_awaiting_an_answer_are_listed_with_their_days(biller, claim):
    body = biller.get(f"{API}/claims/awaiting-answer").json()

    (row,) = body["items"]
    assert (row["id"], row["days_waiting"] >= 44, row["last_answer_kind"]) == (
        claim.pk,
        True,
        None,
    )


def test_a_longer_wait_asked_for_leaves_the_claim_out(biller, claim):
    body = biller.get(f"{API}/claims/awaiting-answer", {"days": 60}).json()

    assert body["items"] == []


@pytest.mark.parametrize("days", ["-1", "1e309", BIG, "x"])
def test_odd_days_answer_a_validation_error(biller, claim, days):
    response = biller.get(f"{API}/claims/awaiting-answer", {"days": days})

    assert response.status_code in {400, 422}


def test_another_locations_biller_lists_nothing(api_for, claim):
    other = api_for(Role.BILLER, locations=[LocationFactory()])

    assert other.get(f"{API}/claims/awaiting-answer").json()["items"] == []


def test_asking_makes_the_276_and_returns_it(biller, claim):
    response = biller.post(
        f"{API}/claim-status/requests", {"claim_ids": [claim.pk]}, content_type="application/json"
    )

    assert response.status_code == 200
    (made,) = response.json()["files"]
    assert claim.control_number in made["content"]
    assert StatusRequestFile.objects.get().pk == made["id"]


def test_asking_without_a_body_asks_about_every_claim_waiting(biller, claim):
    response = biller.post(f"{API}/claim-status/requests", content_type="application/json")

    assert response.json()["claim_count"] == 1


def test_asking_about_a_huge_id_is_refused_and_writes_nothing(biller, claim):
    response = biller.post(
        f"{API}/claim-status/requests",
        {"claim_ids": [int(BIG)]},
        content_type="application/json",
    )

    assert response.status_code in {400, 422}
    assert not StatusRequestFile.objects.exists()


def test_the_front_desk_may_not_ask(api_for, claim):
    response = api_for(Role.FRONT_DESK).post(
        f"{API}/claim-status/requests", content_type="application/json"
    )

    assert response.status_code == 403


def test_a_277_uploaded_is_stored_and_reported(biller, claim):
    text = answer_277(Answer(claim.control_number, "F2:88"))

    response = biller.post(
        f"{API}/claim-status/answers", {"file": SimpleUploadedFile("a.277", text.encode())}
    )

    assert response.status_code == 200
    (line,) = response.json()["claims"]
    assert (line["claim_id"], line["outcome"]) == (claim.pk, "denied")
    assert StatusInquiry.objects.get(claim=claim).kind == "denied"


def test_a_277_for_another_locations_claim_is_not_found_and_not_stored(api_for, claim):
    other = api_for(Role.BILLER, locations=[LocationFactory()])
    text = answer_277(Answer(claim.control_number, "F1:65"))

    response = other.post(f"{API}/claim-status/answers", text, content_type="application/edi-x12")

    (line,) = response.json()["claims"]
    assert (line["claim_id"], line["outcome"]) == (None, "not found")
    assert not StatusInquiry.objects.exists()


def test_an_unreadable_277_answers_400_naming_the_problem(biller, claim):
    response = biller.post(
        f"{API}/claim-status/answers", "ISA*broken~", content_type="application/edi-x12"
    )

    assert response.status_code == 400
    assert Code.STATUS_FILE_UNREADABLE in response.content.decode()
    assert not StatusInquiry.objects.exists()


def test_an_empty_body_asks_for_the_file(biller):
    response = biller.post(f"{API}/claim-status/answers", "", content_type="application/edi-x12")

    assert response.status_code == 400
    assert Code.STATUS_FILE_REQUIRED in response.content.decode()
