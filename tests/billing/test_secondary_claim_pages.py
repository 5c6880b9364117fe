"""The claim page offers to bill the secondary payer; the EOB entry page makes the claim or
shows every error with nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medoffice.billing.models import Claim, PayerAdjudication
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_cob import accepted_primary

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


def eob(claim: Claim, **changes: str) -> dict[str, str]:
    data = {
        "adjudicated_on": claim.date_of_service.isoformat(),
        "paid": "116.00",
        "line_1_paid": "100.00",
        "line_1_adj_1_group": "CO",
        "line_1_adj_1_reason": "45",
        "line_1_adj_1_amount": "30.00",
        "line_1_adj_2_group": "PR",
        "line_1_adj_2_reason": "2",
        "line_1_adj_2_amount": "20.00",
        "line_2_paid": "16.00",
        "line_2_adj_1_group": "PR",
        "line_2_adj_1_reason": "1",
        "line_2_adj_1_amount": "4.00",
    }
    data.update(changes)
    return data


def test_the_claim_page_offers_to_bill_the_secondary_payer(client_for):
    claim = accepted_primary()
    page = client_for(Role.BILLER).get(reverse("billing_office:claim", args=[claim.pk]))
    assert b'data-testid="claim-next-payer"' in page.content
    assert b"Bill the secondary payer" in page.content


def test_no_offer_for_a_claim_the_payer_has_not_taken(client_for):
    claim = accepted_primary()
    Claim.objects.filter(pk=claim.pk).update(status="submitted")
    page = client_for(Role.BILLER).get(reverse("billing_office:claim", args=[claim.pk]))
    assert b'data-testid="claim-next-payer"' not in page.content


def test_the_entry_page_names_the_secondary_payer(client_for):
    claim = accepted_primary()
    second = claim.patient.coverages.get(order=2)
    page = client_for(Role.BILLER).get(reverse("billing_office:claim-next-payer", args=[claim.pk]))
    assert page.status_code == 200
    assert second.payer.name.encode() in page.content


def test_saving_the_eob_makes_the_secondary_claim_and_opens_it(client_for):
    claim = accepted_primary()
    answer = client_for(Role.BILLER).post(
        reverse("billing_office:claim-next-payer", args=[claim.pk]), eob(claim)
    )
    made = Claim.objects.get(prior_payer_claim=claim)
    assert answer.status_code == 302
    assert answer.url == reverse("billing_office:claim", args=[made.pk])


def test_an_unbalanced_eob_shows_the_errors_and_saves_nothing(client_for):
    claim = accepted_primary()
    answer = client_for(Role.BILLER).post(
        reverse("billing_office:claim-next-payer", args=[claim.pk]),
        eob(claim, line_2_paid="15.00", adjudicated_on="tomorrow"),
    )
    assert answer.status_code == 400
    assert b'data-field-error="line_2"' in answer.content
    assert b'data-field-error="adjudicated_on"' in answer.content
    assert b'value="15.00"' in answer.content
    assert not PayerAdjudication.objects.exists()
    assert not Claim.objects.filter(prior_payer_claim=claim).exists()


def test_the_front_desk_cannot_open_the_entry_page(client_for):
    claim = accepted_primary()
    page = client_for(Role.FRONT_DESK).get(
        reverse("billing_office:claim-next-payer", args=[claim.pk])
    )
    assert page.status_code == 403


def test_the_secondary_claim_page_links_back_to_the_primary(client_for):
    claim = accepted_primary()
    client = client_for(Role.BILLER)
    client.post(reverse("billing_office:claim-next-payer", args=[claim.pk]), eob(claim))
    made = Claim.objects.get(prior_payer_claim=claim)
    page = client.get(reverse("billing_office:claim", args=[made.pk]))
    assert b'data-testid="prior-payer-claim"' in page.content
    primary_page = client.get(reverse("billing_office:claim", args=[claim.pk]))
    assert made.control_number.encode() in primary_page.content
