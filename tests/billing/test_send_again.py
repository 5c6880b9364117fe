"""Sending a rejected claim again once its cause is fixed outside the charges."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from medoffice.billing.choices import ClaimStatus
from medoffice.billing.models import Claim
from medoffice.billing.services import claims as claim_services
from medoffice.billing.services.rework import send_again
from medoffice.core.models import Practice
from medoffice.core.roles import Role
from tests.billing.factories_claims import billable_claim, office_visit_codes
from tests.factories import SYSTEM, LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def location():
    office_visit_codes()
    made = LocationFactory(postal_code="01103-2211")
    Practice.objects.update(postal_code="01103-2211", phone="(413) 555-0100")
    return made


def _rejected(location, tmp_path: Path) -> Claim:
    claim = billable_claim(location, tmp_path / "outbox")
    for status in ("ready", "submitted", "rejected"):
        claim = claim_services.transition(claim=claim, to=status, actor=SYSTEM)
    return claim


def test_a_fixed_rejected_claim_is_scrubbed_again_and_ready(location, tmp_path):
    claim = _rejected(location, tmp_path)

    outcome = send_again(claim=claim, actor=SYSTEM, fixed="Member ID corrected.")

    claim.refresh_from_db()
    assert outcome.findings == []
    assert claim.status == ClaimStatus.READY


def test_sending_again_records_what_was_fixed_in_the_history(location, tmp_path):
    claim = _rejected(location, tmp_path)

    send_again(claim=claim, actor=SYSTEM, fixed="Member ID corrected.")

    moves = list(claim.transitions.order_by("pk").values_list("to_status", "note"))
    assert moves[-2] == ("draft", "Sent again after the rejection: Member ID corrected.")
    assert moves[-1][0] == "ready"


def test_a_claim_still_wrong_stays_in_draft_with_its_findings(location, tmp_path):
    claim = _rejected(location, tmp_path)
    claim.lines.filter(line_number=1).update(diagnosis_pointers="")

    outcome = send_again(claim=claim, actor=SYSTEM, fixed="Member ID corrected.")

    claim.refresh_from_db()
    assert outcome.errors >= 1
    assert claim.status == ClaimStatus.SCRUBBED


def test_only_a_rejected_claim_is_sent_again(location, tmp_path):
    claim = _rejected(location, tmp_path)
    send_again(claim=claim, actor=SYSTEM, fixed="Member ID corrected.")

    with pytest.raises(ValidationError) as refused:
        send_again(claim=claim, actor=SYSTEM, fixed="Again.")

    assert "only a rejected claim" in str(refused.value)


def test_what_was_fixed_is_required_and_nothing_changes_without_it(location, tmp_path):
    claim = _rejected(location, tmp_path)

    with pytest.raises(ValidationError) as refused:
        send_again(claim=claim, actor=SYSTEM, fixed="   ")

    claim.refresh_from_db()
    assert "fixed" in refused.value.message_dict
    assert claim.status == ClaimStatus.REJECTED


def test_a_note_too_long_and_a_wrong_status_are_named_together(location, tmp_path):
    claim = _rejected(location, tmp_path)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.ACCEPTED)

    with pytest.raises(ValidationError) as refused:
        send_again(claim=claim, actor=SYSTEM, fixed="x" * 201)

    assert set(refused.value.message_dict) == {"fixed", "__all__"}


def test_the_claim_page_offers_send_again_only_for_a_rejected_claim(location, tmp_path, client_for):
    biller = client_for(Role.BILLER)
    claim = _rejected(location, tmp_path)

    page = biller.get(f"/billing/claims/{claim.pk}/").content.decode()
    assert 'data-testid="claim-send-again"' in page

    response = biller.post(
        f"/billing/claims/{claim.pk}/send-again/", {"fixed": "Member ID corrected."}
    )
    assert response.status_code == 302
    page = biller.get(f"/billing/claims/{claim.pk}/").content.decode()
    assert 'data-testid="claim-send-again"' not in page
    assert "goes in the next batch" in page


def test_the_page_names_a_refusal_instead_of_failing(location, tmp_path, client_for):
    biller = client_for(Role.BILLER)
    claim = _rejected(location, tmp_path)

    response = biller.post(f"/billing/claims/{claim.pk}/send-again/", {"fixed": ""}, follow=True)

    assert response.status_code == 200
    assert "Say what was fixed" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED


def test_a_claim_sent_again_shows_its_rejection_as_the_last_one(location, tmp_path, client_for):
    biller = client_for(Role.BILLER)
    claim = _rejected(location, tmp_path)
    Claim.objects.filter(pk=claim.pk).update(rejection_reason="277CA rejected: A7:33 (test)")

    send_again(claim=claim, actor=SYSTEM, fixed="Member ID corrected.")

    page = biller.get(f"/billing/claims/{claim.pk}/").content.decode()
    assert "Last rejected because" in page


def test_a_nul_or_control_character_in_the_note_is_dropped_not_stored(location, tmp_path):
    claim = _rejected(location, tmp_path)

    send_again(claim=claim, actor=SYSTEM, fixed="Member\x00 ID\x07 corrected.\r\n")

    note = claim.transitions.filter(to_status="draft").latest("pk").note
    assert note == "Sent again after the rejection: Member ID corrected."


def test_the_api_sends_a_rejected_claim_again(location, tmp_path, api_for):
    claim = _rejected(location, tmp_path)
    api = api_for(Role.BILLER)

    response = api.post(
        f"/api/v1/claims/{claim.pk}/send-again",
        {"fixed": "Member ID corrected."},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_the_api_refuses_a_claim_that_is_not_rejected_by_its_code(location, tmp_path, api_for):
    claim = _rejected(location, tmp_path)
    send_again(claim=claim, actor=SYSTEM, fixed="Member ID corrected.")
    api = api_for(Role.BILLER)

    response = api.post(
        f"/api/v1/claims/{claim.pk}/send-again",
        {"fixed": "Again."},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "claim_not_rejected" in response.content.decode()


@pytest.mark.parametrize("pk", ["0", "-1", str(2**63), "1e309", "ü"])
def test_the_api_answers_an_odd_claim_id_without_a_server_error(pk, api_for):
    api = api_for(Role.BILLER)
    response = api.post(
        f"/api/v1/claims/{pk}/send-again", {"fixed": "x"}, content_type="application/json"
    )
    assert response.status_code in {404, 422}
