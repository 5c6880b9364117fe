"""Undoing a payment: a void (the same practice day, by the front desk, with a reason) and a
refund (by the biller or the office manager, at most what was paid less earlier refunds).
Both are audited and shown in the receipt's history; a void receipt prints as void."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from medoffice.billing import receipts, selectors
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import PatientPayment, PaymentRefund
from medoffice.billing.services import refund_payment, take_payment, void_payment
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.factories import LocationFactory, UserFactory
from tests.frontdesk.factories import todays_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(practice):
    return LocationFactory(practice=practice)


@pytest.fixture
def cashier(clinic):
    return UserFactory(roles=[Role.FRONT_DESK], locations=[clinic])


@pytest.fixture
def biller():
    return UserFactory(roles=[Role.BILLER])


@pytest.fixture
def payment(clinic, cashier):
    visit = todays_visit(clinic)
    return take_payment(
        actor=cashier,
        patient=visit.patient,
        location=clinic,
        appointment=visit,
        amount=Decimal("40.00"),
        method="cash",
    )


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


# --- void ---------------------------------------------------------------------------------


def test_the_front_desk_voids_a_payment_the_same_day_with_a_reason(payment, cashier):
    void_payment(actor=cashier, payment=payment, reason="Entered twice")
    payment.refresh_from_db()
    assert payment.is_void
    assert payment.voided_by == cashier
    assert payment.void_reason == "Entered twice"


def test_a_void_is_audited_naming_the_receipt_and_the_reason(payment, cashier):
    void_payment(actor=cashier, payment=payment, reason="Wrong patient")
    event = AuditEvent.objects.filter(action="update", object_id=str(payment.pk)).get()
    assert event.patient_id == payment.patient_id
    assert payment.receipt_number in event.detail
    assert "Wrong patient" in event.detail


def test_a_void_needs_a_reason(payment, cashier):
    with pytest.raises(ValidationError) as caught:
        void_payment(actor=cashier, payment=payment, reason="  ")
    assert codes(caught.value) == {"reason": [Code.REASON_REQUIRED]}
    assert not PatientPayment.objects.get(pk=payment.pk).is_void


def test_a_payment_of_an_earlier_practice_day_cannot_be_voided(payment, cashier, time_machine):
    time_machine.move_to(payment.received_at + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        void_payment(actor=cashier, payment=payment, reason="Entered twice")
    assert codes(caught.value) == {"__all__": [Code.VOID_NOT_SAME_DAY]}


def _cash(clinic, cashier, amount="10.00"):
    visit = todays_visit(clinic)
    return take_payment(
        actor=cashier,
        patient=visit.patient,
        location=clinic,
        appointment=visit,
        amount=Decimal(amount),
        method="cash",
    )


def test_a_void_after_midnight_utc_is_still_the_same_practice_day(clinic, cashier, clock_at):
    # New York is UTC-5 (UTC-4 in summer): 18:00 there is before midnight UTC, 20:00 after.
    clock_at(18)
    taken = _cash(clinic, cashier)
    clock_at(20)
    void_payment(actor=cashier, payment=taken, reason="Entered twice")
    assert PatientPayment.objects.get(pk=taken.pk).is_void


def test_a_void_after_midnight_practice_time_is_the_next_day(
    clinic, cashier, clock_at, time_machine
):
    clock_at(23, 50)
    taken = _cash(clinic, cashier)
    time_machine.move_to(taken.received_at + dt.timedelta(minutes=20))  # 00:10, same UTC day
    with pytest.raises(ValidationError) as caught:
        void_payment(actor=cashier, payment=taken, reason="Entered twice")
    assert codes(caught.value) == {"__all__": [Code.VOID_NOT_SAME_DAY]}


def test_a_void_payment_cannot_be_voided_again(payment, cashier):
    void_payment(actor=cashier, payment=payment, reason="Entered twice")
    with pytest.raises(ValidationError) as caught:
        void_payment(actor=cashier, payment=payment, reason="Again")
    assert codes(caught.value) == {"__all__": [Code.ALREADY_VOID]}


def test_a_refunded_payment_cannot_be_voided(payment, cashier, biller):
    refund_payment(actor=biller, payment=payment, amount="5.00", reason="Overpaid")
    with pytest.raises(ValidationError) as caught:
        void_payment(actor=cashier, payment=payment, reason="Entered twice")
    assert codes(caught.value) == {"__all__": [Code.VOID_AFTER_REFUND]}


def test_the_biller_does_not_void(payment, biller):
    with pytest.raises(PermissionDenied):
        void_payment(actor=biller, payment=payment, reason="Entered twice")


# --- refund -------------------------------------------------------------------------------


def test_the_biller_refunds_part_of_a_payment(payment, biller):
    refund = refund_payment(actor=biller, payment=payment, amount="15.00", reason="Insurance paid")
    assert refund.amount == Decimal("15.00")
    assert selectors.net_amount(payment) == Decimal("25.00")


def test_a_refund_is_audited_as_a_new_row_with_the_patient(payment, biller):
    refund = refund_payment(actor=biller, payment=payment, amount="15.00", reason="Overpaid")
    event = AuditEvent.objects.get(action="create", object_type="billing.paymentrefund")
    assert event.object_id == str(refund.pk)
    assert event.patient_id == payment.patient_id
    assert "$15.00" in event.detail


def test_a_refund_cannot_exceed_what_was_paid(payment, biller):
    with pytest.raises(ValidationError) as caught:
        refund_payment(actor=biller, payment=payment, amount="40.01", reason="Overpaid")
    assert codes(caught.value) == {"amount": [Code.REFUND_TOO_LARGE]}
    assert "at most $40.00" in caught.value.message_dict["amount"][0]


def test_refunds_together_cannot_exceed_what_was_paid(payment, biller):
    refund_payment(actor=biller, payment=payment, amount="30.00", reason="Overpaid")
    with pytest.raises(ValidationError) as caught:
        refund_payment(actor=biller, payment=payment, amount="10.01", reason="Overpaid")
    message = caught.value.message_dict["amount"][0]
    assert "at most $10.00" in message
    assert "less $30.00 already refunded" in message
    refund_payment(actor=biller, payment=payment, amount="10.00", reason="The rest")
    assert selectors.net_amount(payment) == Decimal("0.00")


def test_a_payment_refunded_in_full_has_nothing_left_to_refund(payment, biller):
    refund_payment(actor=biller, payment=payment, amount="40.00", reason="Overpaid")
    with pytest.raises(ValidationError) as caught:
        refund_payment(actor=biller, payment=payment, amount="1.00", reason="Again")
    assert codes(caught.value) == {"__all__": [Code.NOTHING_LEFT_TO_REFUND]}


def test_a_void_payment_cannot_be_refunded(payment, cashier, biller):
    void_payment(actor=cashier, payment=payment, reason="Entered twice")
    with pytest.raises(ValidationError) as caught:
        refund_payment(actor=biller, payment=payment, amount="1.00", reason="Overpaid")
    assert codes(caught.value) == {"__all__": [Code.REFUND_OF_VOID]}


@pytest.mark.parametrize("amount", ["1e1", "NaN", "-5", "0", "abc", "1.005"])
def test_a_refund_amount_is_read_as_money(payment, biller, amount):
    with pytest.raises(ValidationError) as caught:
        refund_payment(actor=biller, payment=payment, amount=amount, reason="Overpaid")
    assert list(caught.value.error_dict) == ["amount"]
    assert not PaymentRefund.objects.exists()


def test_a_refund_names_every_mistake_at_once(payment, biller):
    with pytest.raises(ValidationError) as caught:
        refund_payment(actor=biller, payment=payment, amount="abc", reason="")
    assert set(caught.value.error_dict) == {"amount", "reason"}


def test_the_front_desk_does_not_refund(payment, cashier):
    with pytest.raises(PermissionDenied):
        refund_payment(actor=cashier, payment=payment, amount="5.00", reason="Overpaid")


# --- what the receipt and the visit show ---------------------------------------------------


def test_the_visit_total_leaves_out_voids_and_takes_off_refunds(payment, cashier, biller, clinic):
    second = take_payment(
        actor=cashier,
        patient=payment.patient,
        location=clinic,
        appointment=payment.appointment,
        amount=Decimal("1000.00"),
        method="cash",
    )
    void_payment(actor=cashier, payment=second, reason="Typed 1000 for 10")
    refund_payment(actor=biller, payment=payment, amount="15.00", reason="Insurance paid")
    payments = selectors.visit_payments(cashier, payment.appointment)
    assert selectors.visit_net_total(payments) == Decimal("25.00")


def test_the_history_lists_the_payment_its_refunds_and_in_order(payment, biller):
    refund_payment(actor=biller, payment=payment, amount="5.00", reason="Overpaid")
    refund_payment(actor=biller, payment=payment, amount="6.00", reason="Overpaid again")
    assert [(e.what, e.amount) for e in selectors.history(payment)] == [
        ("received", Decimal("40.00")),
        ("refund", Decimal("5.00")),
        ("refund", Decimal("6.00")),
    ]


def test_a_void_receipt_page_says_void_with_the_reason(client_for, payment, cashier):
    void_payment(actor=cashier, payment=payment, reason="Entered twice")
    html = client_for(Role.FRONT_DESK).get(f"/front-desk/payments/{payment.pk}/receipt/")
    html = html.content.decode()
    assert 'data-testid="receipt-void"' in html
    assert "Entered twice" in html
    assert 'data-testid="history-void"' in html


def test_a_void_receipt_prints_as_void(payment, cashier):
    void_payment(actor=cashier, payment=payment, reason="Entered twice")
    payment.refresh_from_db()
    pdf = receipts.receipt_document(payment).write_pdf(uncompressed_pdf=True)
    html = receipts.render_receipt_html(payment)
    assert 'class="receipt-void-stamp"' in html
    assert pdf.startswith(b"%PDF-")


def test_a_refund_shows_on_the_receipt_with_the_net_paid(client_for, payment, biller):
    refund_payment(actor=biller, payment=payment, amount="15.00", reason="Insurance paid")
    html = client_for(Role.FRONT_DESK).get(f"/front-desk/payments/{payment.pk}/receipt/")
    html = html.content.decode()
    assert 'data-testid="receipt-refunded">$15.00' in html
    assert 'data-testid="receipt-net">$25.00' in html
    assert "Insurance paid" in html


def test_the_receipt_offers_the_void_to_the_front_desk_only_the_same_day(
    client_for, payment, time_machine
):
    desk = client_for(Role.FRONT_DESK)
    url = f"/front-desk/payments/{payment.pk}/receipt/"
    assert 'data-testid="void-payment"' in desk.get(url).content.decode()
    time_machine.move_to(payment.received_at + dt.timedelta(days=1))
    assert 'data-testid="void-payment"' not in desk.get(url).content.decode()


def test_the_receipt_offers_the_refund_to_the_biller_not_the_front_desk(client_for, payment):
    url = f"/front-desk/payments/{payment.pk}/receipt/"
    assert 'data-testid="refund-payment"' in client_for(Role.BILLER).get(url).content.decode()
    assert (
        'data-testid="refund-payment"' not in client_for(Role.FRONT_DESK).get(url).content.decode()
    )


# --- the pages ----------------------------------------------------------------------------


def test_the_void_page_asks_the_reason_before_voiding(client_for, payment):
    desk = client_for(Role.FRONT_DESK)
    page = desk.get(f"/front-desk/payments/{payment.pk}/void/")
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    assert not PatientPayment.objects.get(pk=payment.pk).is_void


def test_voiding_on_the_page_without_a_reason_names_the_field(client_for, payment):
    desk = client_for(Role.FRONT_DESK)
    response = desk.post(f"/front-desk/payments/{payment.pk}/void/", {"reason": ""})
    assert response.status_code == 200
    assert 'data-field-error="reason"' in response.content.decode()
    assert not PatientPayment.objects.get(pk=payment.pk).is_void


def test_voiding_on_the_page_returns_to_the_void_receipt(client_for, payment):
    desk = client_for(Role.FRONT_DESK)
    response = desk.post(f"/front-desk/payments/{payment.pk}/void/", {"reason": "Entered twice"})
    assert response.status_code == 302
    assert response["Location"] == f"/front-desk/payments/{payment.pk}/receipt/"
    assert PatientPayment.objects.get(pk=payment.pk).is_void


def test_refunding_more_than_was_paid_on_the_page_names_the_amount(client_for, payment):
    biller = client_for(Role.BILLER)
    response = biller.post(
        f"/front-desk/payments/{payment.pk}/refund/", {"amount": "1,000", "reason": "Overpaid"}
    )
    assert response.status_code == 200
    assert "at most $40.00" in response.content.decode()
    assert not PaymentRefund.objects.exists()


def test_a_void_outside_the_users_locations_is_not_found(client_for, payment, practice):
    elsewhere = client_for(Role.FRONT_DESK, locations=[LocationFactory(practice=practice)])
    response = elsewhere.post(f"/front-desk/payments/{payment.pk}/void/", {"reason": "x"})
    assert response.status_code == 404
    assert not PatientPayment.objects.get(pk=payment.pk).is_void


# --- the API ------------------------------------------------------------------------------


def api_post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_the_api_voids_a_payment(client_for, payment):
    response = api_post(
        client_for(Role.FRONT_DESK),
        f"/api/v1/payments/{payment.pk}/void",
        {"reason": "Entered twice"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["voided_at"] is not None
    assert response.json()["net_amount"] == "0.00"


def test_the_api_refund_over_what_is_left_answers_400_naming_amount(client_for, payment):
    response = api_post(
        client_for(Role.BILLER),
        f"/api/v1/payments/{payment.pk}/refund",
        {"amount": "40.01", "reason": "Overpaid"},
    )
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("amount", Code.REFUND_TOO_LARGE)
    ]


@pytest.mark.parametrize("amount", ["1e1", 1e1, "Infinity"])
def test_the_api_refund_amount_never_takes_an_exponent(client_for, payment, amount):
    response = api_post(
        client_for(Role.BILLER),
        f"/api/v1/payments/{payment.pk}/refund",
        {"amount": amount, "reason": "Overpaid"},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["payload.amount"]


def test_the_api_void_with_a_nul_in_the_reason_answers_400_naming_reason(client_for, payment):
    response = api_post(
        client_for(Role.FRONT_DESK),
        f"/api/v1/payments/{payment.pk}/void",
        {"reason": "twice\u0000"},
    )
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("reason", Code.REASON_INVALID)
    ]
    assert not PatientPayment.objects.get(pk=payment.pk).is_void


def test_the_api_void_outside_the_callers_locations_answers_404(client_for, payment, practice):
    elsewhere = client_for(Role.FRONT_DESK, locations=[LocationFactory(practice=practice)])
    response = api_post(elsewhere, f"/api/v1/payments/{payment.pk}/void", {"reason": "x"})
    assert response.status_code == 404
    assert not PatientPayment.objects.get(pk=payment.pk).is_void


def test_the_api_refund_answers_with_the_net_amount(client_for, payment):
    response = api_post(
        client_for(Role.BILLER),
        f"/api/v1/payments/{payment.pk}/refund",
        {"amount": "15", "reason": "Overpaid"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["net_amount"] == "25.00"
    assert [r["amount"] for r in response.json()["refunds"]] == ["15.00"]
