"""The corrected insured a payer sends (835 NM1*74): the biller's queue shows it beside the
coverage, to the users of the patient's location only; confirmed, the coverage changes
through the patients app's service (audited); dismissed, the reason is kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import CoverageUpdateProposal
from medoffice.billing.services.coverage_proposals import confirm_proposal, dismiss_proposal
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from medoffice.patients.models import Coverage
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_era import era_for, paid_in_full_answer, submitted_claim
from tests.billing.test_era_posting import post
from tests.factories import SYSTEM, LocationFactory

pytestmark = pytest.mark.django_db
QUEUE = "/billing/remittances/corrected-insured/"
NEW_ID = "1EG4TE5MK73"


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture
def claim():
    return submitted_claim()


@pytest.fixture
def proposal(claim):
    post(era_for(claim, paid_in_full_answer(claim, corrected_member_id=NEW_ID)))
    return CoverageUpdateProposal.objects.get()


def test_confirming_changes_the_coverages_member_id(proposal, claim):
    confirm_proposal(proposal=proposal, actor=SYSTEM)

    assert Coverage.objects.get(pk=claim.coverage_id).member_id == NEW_ID
    proposal.refresh_from_db()
    assert proposal.status == "confirmed"


def test_confirming_is_audited_on_the_coverage_and_the_proposal(proposal, claim):
    confirm_proposal(proposal=proposal, actor=SYSTEM)

    coverage_event = AuditEvent.objects.get(object_type="patients.coverage", action="update")
    assert "insured corrected by the payer" in coverage_event.detail
    assert AuditEvent.objects.filter(
        object_type="billing.coverageupdateproposal", action="update"
    ).exists()


def test_a_biller_without_patient_rights_may_confirm(proposal, client_for, claim):
    biller = client_for(Role.BILLER)

    response = biller.post(f"{QUEUE}{proposal.pk}/", {"action": "confirm"})

    assert response.status_code == 302
    assert Coverage.objects.get(pk=claim.coverage_id).member_id == NEW_ID


def test_a_decided_proposal_cannot_be_decided_again(proposal):
    confirm_proposal(proposal=proposal, actor=SYSTEM)

    with pytest.raises(ValidationError) as refused:
        dismiss_proposal(proposal=proposal, reason="changed my mind", actor=SYSTEM)

    assert refused.value.error_list[0].code == Code.COVERAGE_PROPOSAL_DECIDED


def test_dismissing_keeps_the_reason_and_the_coverage(proposal, claim):
    before = Coverage.objects.get(pk=claim.coverage_id).member_id

    dismiss_proposal(proposal=proposal, reason="  The card shows ours. ", actor=SYSTEM)

    proposal.refresh_from_db()
    assert (proposal.status, proposal.dismiss_reason) == ("dismissed", "The card shows ours.")
    assert Coverage.objects.get(pk=claim.coverage_id).member_id == before


@pytest.mark.parametrize("reason", ["", "   ", "\x00"])
def test_dismissing_without_a_reason_is_refused_on_the_field(proposal, client_for, reason):
    response = client_for(Role.BILLER).post(
        f"{QUEUE}{proposal.pk}/", {"action": "dismiss", "reason": reason}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_the_queue_shows_the_coverage_beside_the_correction(proposal, claim, client_for):
    response = client_for(Role.BILLER).get(QUEUE)

    text = response.content.decode()
    assert NEW_ID in text
    assert Coverage.objects.get(pk=claim.coverage_id).member_id in text


def test_a_user_of_another_location_does_not_see_the_proposal(proposal, client_for):
    other = client_for(Role.BILLER, locations=[LocationFactory()])

    assert NEW_ID not in other.get(QUEUE).content.decode()
    assert other.get(f"{QUEUE}{proposal.pk}/").status_code == 404
    assert other.post(f"{QUEUE}{proposal.pk}/", {"action": "confirm"}).status_code == 404


def test_a_user_of_the_claims_location_sees_it(proposal, claim, client_for):
    mine = client_for(Role.BILLER, locations=[claim.encounter.location])

    assert NEW_ID in mine.get(QUEUE).content.decode()


def test_the_remittance_page_counts_the_corrections(proposal, client_for):
    era_file = proposal.claim_payment.payment.era_file

    response = client_for(Role.BILLER).get(f"/billing/remittances/{era_file.pk}/")

    assert response.context["proposal_counts"] == {"proposed": 1, "confirmed": 0, "dismissed": 0}


def test_the_exceptions_queue_links_to_the_corrections(proposal, client_for):
    response = client_for(Role.BILLER).get("/billing/remittances/exceptions/")

    assert 'data-testid="era-proposals-link"' in response.content.decode()
    assert response.context["proposals_open"] == 1
