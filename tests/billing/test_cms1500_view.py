"""The CMS-1500 page: /billing/claims/<pk>/cms1500.pdf?form=plain|printed.

The page reads the claim through ``billing.claimdata.claim_for_x12`` (another branch);
here that reading is replaced by a synthetic plain claim, so these tests are about the
page itself: who may print, which claim, the answer for a bad ``form`` and the audit.
"""

from __future__ import annotations

import pytest

from medoffice.billing.views import cms1500 as view
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.cms1500_pdf import field_texts
from tests.billing.factories import office_visit_claim
from tests.factories import LocationFactory
from tests.x12 import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    return office_visit_claim()


@pytest.fixture
def plain_claims(monkeypatch):
    """``claim_for_x12`` as a synthetic claim carrying the database claim's number."""
    monkeypatch.setattr(
        view, "_claim_for_x12", lambda: lambda c: b.claim(control_number=c.control_number)
    )


def url(claim, form: str = "") -> str:
    return f"/billing/claims/{claim.pk}/cms1500.pdf" + (f"?form={form}" if form else "")


@pytest.mark.parametrize("form", ["plain", "printed"])
def test_the_biller_gets_the_claims_pdf(client_for, claim, plain_claims, form):
    response = client_for(Role.BILLER).get(url(claim, form))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert field_texts(response.content)[0]["26"] == claim.control_number


def test_printing_the_form_is_audited_as_print(client_for, claim, plain_claims):
    client = client_for(Role.BILLER)
    client.get(url(claim, "printed"))
    event = AuditEvent.objects.get(action="print", object_id=str(claim.pk))
    assert event.patient_id == claim.patient_id
    assert event.user_id == client.user.pk
    assert "printed" in event.detail


def test_an_unknown_form_is_refused_naming_the_choices(client_for, claim, plain_claims):
    response = client_for(Role.BILLER).get(url(claim, "red"))
    assert response.status_code == 400
    assert "plain, printed" in response.content.decode()


def test_a_claim_of_a_location_the_biller_does_not_work_at_is_not_found(
    client_for, claim, plain_claims
):
    response = client_for(Role.BILLER, locations=[LocationFactory()]).get(url(claim))
    assert response.status_code == 404


def test_the_front_desk_may_not_print_claims(client_for, claim, plain_claims):
    assert client_for(Role.FRONT_DESK).get(url(claim)).status_code == 403


def test_a_claim_the_form_cannot_hold_is_a_clear_error(client_for, claim, monkeypatch):
    monkeypatch.setattr(view, "_claim_for_x12", lambda: lambda c: b.claim(lines=()))
    response = client_for(Role.BILLER).get(url(claim))
    assert response.status_code == 422
    assert "has no service line" in response.content.decode()
