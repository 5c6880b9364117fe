"""An imported 835 read as a remittance advice PDF from its file page: the whole file, or
one claim; a user of another location gets none of it; the print is audited."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from medoffice.billing.services.era import import_era
from medoffice.core.models import AuditAction, AuditEvent
from medoffice.core.roles import Role
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


def text_of(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def imported(claim, *answers):
    return import_era(data=era_for(claim, *answers), filename="remit.835", actor=SYSTEM).era_file


def test_the_file_page_offers_the_remittance_advice(biller, claim):
    era_file = imported(claim)
    page = biller.get(f"/billing/remittances/{era_file.pk}/").content.decode()
    assert f"/billing/remittances/{era_file.pk}/advice.pdf" in page


def test_the_advice_is_a_pdf_naming_the_claim_and_its_payment(biller, claim):
    era_file = imported(claim)
    response = biller.get(f"/billing/remittances/{era_file.pk}/advice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert claim.control_number in text
    assert "90.00" in text


def test_one_claims_advice_leaves_the_other_claims_out(biller, claim):
    other = submitted_claim()
    era_file = imported(claim, paid_in_full_answer(claim), paid_in_full_answer(other))
    response = biller.get(
        f"/billing/remittances/{era_file.pk}/advice.pdf?claim={claim.control_number}"
    )
    text = text_of(response.content)
    assert claim.control_number in text
    assert other.control_number not in text


def test_a_claim_not_in_the_file_is_not_found(biller, claim):
    era_file = imported(claim)
    response = biller.get(f"/billing/remittances/{era_file.pk}/advice.pdf?claim=NOPE%00ü")
    assert response.status_code == 404


def test_a_user_of_another_location_gets_no_advice(claim):
    era_file = imported(claim)
    elsewhere = login_client(UserFactory(roles=[Role.BILLER], locations=[LocationFactory()]))
    response = elsewhere.get(f"/billing/remittances/{era_file.pk}/advice.pdf")
    assert response.status_code == 404


def test_printing_the_advice_is_audited_with_the_patient(biller, claim):
    era_file = imported(claim)
    biller.get(f"/billing/remittances/{era_file.pk}/advice.pdf")
    event = AuditEvent.objects.filter(action=AuditAction.PRINT).latest("seq")
    assert claim.patient_id in [*event.shown_patient_ids, event.patient_id]
