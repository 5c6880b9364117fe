"""The corrected insured as JSON: the queue beside the coverage, confirm and dismiss."""

from __future__ import annotations

import pytest

from medoffice.billing.models import CoverageUpdateProposal
from medoffice.core.roles import Role
from medoffice.patients.models import Coverage
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_era import era_for, paid_in_full_answer, submitted_claim
from tests.billing.test_era_posting import post
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/era-coverage-proposals"
NEW_ID = "1EG4TE5MK73"


@pytest.fixture
def claim(practice):
    office_visit_codes()
    claim = submitted_claim()
    post(era_for(claim, paid_in_full_answer(claim, corrected_member_id=NEW_ID)))
    return claim


def test_the_list_shows_the_correction_beside_the_coverages_member_id(claim, api_for):
    [row] = api_for(Role.BILLER).get(URL).json()["items"]

    assert row["member_id"] == NEW_ID
    assert row["current_member_id"] == Coverage.objects.get(pk=claim.coverage_id).member_id


def test_confirming_changes_the_coverage(claim, api_for):
    pk = CoverageUpdateProposal.objects.get().pk

    response = api_for(Role.BILLER).post(f"{URL}/{pk}/confirm")

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert Coverage.objects.get(pk=claim.coverage_id).member_id == NEW_ID


def test_dismissing_without_a_reason_names_the_field(claim, api_for):
    pk = CoverageUpdateProposal.objects.get().pk

    response = api_for(Role.BILLER).post(
        f"{URL}/{pk}/dismiss", {"reason": " "}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "reason" in response.content.decode()


def test_another_locations_correction_is_not_found(claim, api_for):
    pk = CoverageUpdateProposal.objects.get().pk
    other = api_for(Role.BILLER, locations=[LocationFactory()])

    assert other.get(URL).json()["items"] == []
    assert other.post(f"{URL}/{pk}/confirm").status_code == 404
