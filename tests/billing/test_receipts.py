"""The receipt: one template for the page and the PDF; printing is audited."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medoffice.billing import receipts
from medoffice.billing.services import take_payment
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.factories import LocationFactory
from tests.frontdesk.factories import todays_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment(practice, client_for):
    clinic = LocationFactory(practice=practice)
    visit = todays_visit(clinic)
    cashier = client_for(Role.FRONT_DESK).user
    return take_payment(
        actor=cashier,
        patient=visit.patient,
        location=clinic,
        appointment=visit,
        amount=Decimal("40.00"),
        method="cash",
    )


def test_receipt_page_shows_number_amount_and_patient(client_for, payment):
    response = client_for(Role.FRONT_DESK).get(f"/front-desk/payments/{payment.pk}/receipt/")
    html = response.content.decode()
    assert response.status_code == 200
    assert payment.receipt_number in html
    assert "$40.00" in html
    assert payment.patient.mrn in html
    assert "style=" not in html


def test_receipt_pdf_is_a_one_page_pdf_made_by_weasyprint(client_for, payment):
    response = client_for(Role.FRONT_DESK).get(f"/front-desk/payments/{payment.pk}/receipt.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    document = receipts.receipt_document(payment)
    assert len(document.pages) == 1
    assert document.metadata.title == f"Receipt {payment.receipt_number}"
    assert payment.receipt_number.encode() in document.write_pdf(uncompressed_pdf=True)


def test_printing_the_receipt_is_audited_as_print(client_for, payment):
    client = client_for(Role.FRONT_DESK)
    client.get(f"/front-desk/payments/{payment.pk}/receipt.pdf")
    event = AuditEvent.objects.get(action="print", object_id=str(payment.pk))
    assert event.patient_id == payment.patient_id
    assert event.user_id == client.user.pk


def test_biller_can_open_a_receipt(client_for, payment):
    response = client_for(Role.BILLER).get(f"/front-desk/payments/{payment.pk}/receipt/")
    assert response.status_code == 200


def test_clinical_staff_cannot_open_a_receipt(client_for, payment):
    response = client_for(Role.CLINICAL).get(f"/front-desk/payments/{payment.pk}/receipt/")
    assert response.status_code == 403


def test_receipt_outside_the_users_locations_is_not_found(client_for, payment, practice):
    other = LocationFactory(practice=practice)
    response = client_for(Role.FRONT_DESK, locations=[other]).get(
        f"/front-desk/payments/{payment.pk}/receipt/"
    )
    assert response.status_code == 404


def test_receipts_share_one_font_configuration_and_stylesheet_per_process(payment):
    receipts.receipt_document(payment)
    first = receipts._renderers[receipts.RECEIPT_STYLESHEET]
    receipts.receipt_document(payment)
    assert receipts._renderers[receipts.RECEIPT_STYLESHEET] is first


@pytest.mark.parametrize("url", ["https://fonts.example.com/a.woff2", "file:///etc/passwd"])
def test_the_receipt_pdf_fetches_nothing(payment, url):
    receipts.receipt_document(payment)
    with pytest.raises(ValueError, match="disallowed protocol"):
        receipts._renderers[receipts.RECEIPT_STYLESHEET].url_fetcher.fetch(url)


def test_a_linked_file_is_left_out_of_the_pdf_not_fetched(caplog):
    document = receipts._layout('<link rel="stylesheet" href="https://cdn.example.com/x.css"><p>x')
    assert len(document.pages) == 1
    assert "disallowed protocol" in caplog.text


def test_the_warm_up_makes_the_renderer(monkeypatch):
    monkeypatch.setattr(receipts, "_renderers", {})
    receipts.warm_up()
    assert receipts._renderers[receipts.RECEIPT_STYLESHEET].stylesheets


def test_the_warm_up_parses_the_remittance_advices_stylesheet_too(monkeypatch):
    monkeypatch.setattr(receipts, "_renderers", {})
    receipts.warm_up()
    assert receipts._renderers["billing/remittance_advice.css"].stylesheets


def test_every_document_shares_the_one_font_configuration(monkeypatch):
    monkeypatch.setattr(receipts, "_renderers", {})
    receipts.warm_up()
    advice = receipts._renderers["billing/remittance_advice.css"]
    assert advice.font_config is receipts._renderers[receipts.RECEIPT_STYLESHEET].font_config


def test_receipt_shows_amounts_with_thousands_separators(client_for, practice):
    visit = todays_visit(LocationFactory(practice=practice))
    large = take_payment(
        actor=client_for(Role.FRONT_DESK).user,
        patient=visit.patient,
        location=visit.location,
        appointment=visit,
        amount=Decimal("1000.00"),
        method="cash",
    )
    html = client_for(Role.FRONT_DESK).get(f"/front-desk/payments/{large.pk}/receipt/")
    assert 'data-testid="receipt-amount">$1,000.00' in html.content.decode()
