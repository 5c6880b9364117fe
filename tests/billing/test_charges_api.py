"""The charges and claims API: the same services and refusals as the pages, as JSON."""

from __future__ import annotations

import pytest

from medoffice.billing.choices import EncounterStatus
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import Claim, Encounter
from medoffice.billing.services import claims as claim_services
from medoffice.core import services as core_services
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.api.conftest import token_client
from tests.billing.factories_claims import (
    claimed_encounter,
    coded_encounter,
    office_visit_codes,
    seen_visit,
    waiting_encounter,
)
from tests.factories import SYSTEM, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"
CHARGES = {
    "diagnoses": ["E11.9", "I10"],
    "lines": [
        {"procedure_code": "99213", "modifiers": ["25"], "pointers": ["A", "B"]},
        {"procedure_code": "36415", "units": "2", "pointers": ["A"]},
    ],
}


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture
def api_for(practice):
    """A client holding a fresh write token of a new user with the given roles."""

    def make(*roles, locations=None):
        user = UserFactory(roles=list(roles), locations=locations or [])
        _, raw = core_services.create_api_token(
            user=user, name="test script", access="write", mfa_verified=True
        )
        client = token_client(raw)
        client.user = user
        return client

    return make


def test_a_desk_opens_and_saves_charges_and_sends_them_to_review(api_for, location):
    desk = api_for(Role.FRONT_DESK, locations=[location])
    visit = seen_visit(location=location)
    opened = desk.post(f"{API}/visits/{visit.pk}/encounter")
    assert opened.status_code == 200
    response = desk.put(
        f"{API}/encounters/{opened.json()['id']}/charges",
        {**CHARGES, "send_to_review": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == EncounterStatus.REVIEW
    assert [d["code"] for d in body["diagnoses"]] == ["E119", "I10"]
    assert [line["charge"] for line in body["lines"]] == ["150.00", "40.00"]


def test_refusals_name_every_field_with_its_code(api_for, location):
    desk = api_for(Role.FRONT_DESK, locations=[location])
    encounter = coded_encounter(location=location)
    bad = {"diagnoses": ["E11"], "lines": [{"procedure_code": "99213", "pointers": ["C"]}]}
    response = desk.put(
        f"{API}/encounters/{encounter.pk}/charges", bad, content_type="application/json"
    )
    assert response.status_code == 400
    errors = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert errors == {
        ("diagnosis_1", Code.DIAGNOSIS_NOT_BILLABLE),
        ("line_1_pointers", Code.POINTER_NO_DIAGNOSIS),
    }


def test_an_encounter_of_another_location_answers_404(api_for, location):
    desk = api_for(Role.FRONT_DESK, locations=[LocationFactory()])
    encounter = coded_encounter(location=location)
    assert desk.get(f"{API}/encounters/{encounter.pk}").status_code == 404
    assert desk.get(f"{API}/encounters").json()["items"] == []


def test_the_encounter_list_filters_by_status(api_for, location):
    biller = api_for(Role.BILLER)
    waiting = waiting_encounter(location=location)
    coded_encounter(location=location)
    response = biller.get(f"{API}/encounters?status=review")
    assert [row["id"] for row in response.json()["items"]] == [waiting.pk]


def test_reading_an_encounter_is_audited(api_for, location):
    biller = api_for(Role.BILLER)
    encounter = coded_encounter(location=location)
    biller.get(f"{API}/encounters/{encounter.pk}")
    assert AuditEvent.objects.filter(
        patient_id=encounter.patient_id, data_category="charges", user=biller.user
    ).exists()


def test_the_biller_approves_through_the_api(api_for, location):
    biller = api_for(Role.BILLER)
    encounter = waiting_encounter(location=location)
    response = biller.post(
        f"{API}/encounters/{encounter.pk}/review",
        {"approve": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == EncounterStatus.CLAIMED
    assert len(response.json()["claim_ids"]) == 1


def test_the_front_desk_cannot_review_through_the_api(api_for, location):
    desk = api_for(Role.FRONT_DESK, locations=[location])
    encounter = waiting_encounter(location=location)
    response = desk.post(
        f"{API}/encounters/{encounter.pk}/review",
        {"approve": True},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_claims_list_and_detail(api_for, location):
    biller = api_for(Role.BILLER)
    claim = Claim.objects.get(encounter=claimed_encounter(location=location))
    rows = biller.get(f"{API}/claims").json()["items"]
    assert [r["control_number"] for r in rows] == [claim.control_number]
    detail = biller.get(f"{API}/claims/{claim.pk}").json()
    assert detail["diagnoses"] == ["E119", "I10"]
    assert [t["to_status"] for t in detail["transitions"]] == ["draft"]


def test_a_void_without_payer_claim_number_answers_its_code(api_for, location):
    biller = api_for(Role.BILLER)
    claim = Claim.objects.get(encounter=claimed_encounter(location=location))
    for status in ("ready", "submitted", "accepted"):
        claim_services.transition(claim=claim, to=status, actor=SYSTEM)
    response = biller.post(
        f"{API}/claims/{claim.pk}/void", {"reason": "wrong"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == Code.NO_PAYER_CLAIM_NUMBER


def test_a_void_answers_the_frequency_8_claim(api_for, location):
    biller = api_for(Role.BILLER)
    claim = Claim.objects.get(encounter=claimed_encounter(location=location))
    for status in ("ready", "submitted"):
        claim = claim_services.transition(claim=claim, to=status, actor=SYSTEM)
    claim_services.mark_accepted(claim=claim, actor=SYSTEM, payer_claim_number="P1")
    response = biller.post(
        f"{API}/claims/{claim.pk}/void", {"reason": "wrong"}, content_type="application/json"
    )
    assert (response.json()["frequency"], response.json()["replaces_id"]) == ("8", claim.pk)


def test_correct_reopens_the_encounter(api_for, location):
    biller = api_for(Role.BILLER)
    claim = Claim.objects.get(encounter=claimed_encounter(location=location))
    response = biller.post(f"{API}/claims/{claim.pk}/correct", {}, content_type="application/json")
    assert (response.json()["status"], response.json()["revision"]) == ("draft", 2)
    assert Encounter.objects.get(pk=claim.encounter_id).revision == 2


def test_icd10_search(api_for):
    desk = api_for(Role.FRONT_DESK)
    found = desk.get(f"{API}/icd10?q=E11.9").json()
    assert found[0] == {
        "code": "E119",
        "display": "E11.9",
        "description": "Type 2 diabetes mellitus without complications",
    }
