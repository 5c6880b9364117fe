"""Undoing a payment in the browser: the front desk voids a copay from its receipt (the
reason asked first), and the biller refunds part of one; the receipts say so."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from medoffice.billing.models import PatientPayment, PaymentRefund
from medoffice.billing.services import take_payment
from medoffice.core.roles import Role
from tests.browser.helpers import log_in, save_screenshot, staff
from tests.factories import LocationFactory, PatientFactory
from tests.frontdesk.factories import open_all_week, todays_visit

pytestmark = pytest.mark.browser


@pytest.fixture
def clinic(practice):
    location = LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    open_all_week(location)
    return location


def copay(clinic, cashier, amount="1000.00"):
    patient = PatientFactory(home_location=clinic, last_name="Okafor", first_name="Chidi")
    visit = todays_visit(clinic, patient=patient)
    return take_payment(
        actor=cashier,
        patient=patient,
        location=clinic,
        appointment=visit,
        amount=Decimal(amount),
        method="card",
        reference="4242",
    )


def test_the_front_desk_voids_a_copay_from_its_receipt(page: Page, clinic, clock_at):
    clock_at(10)
    cashier = staff(Role.FRONT_DESK, locations=[clinic])
    payment = copay(clinic, cashier)  # $1,000.00 typed for $10.00
    log_in(page, cashier)

    page.goto(f"/front-desk/payments/{payment.pk}/receipt/")
    expect(page.get_by_test_id("receipt-amount")).to_have_text("$1,000.00")
    page.get_by_test_id("void-payment").click()
    expect(page.get_by_test_id("payment-summary")).to_contain_text("$1,000.00")
    save_screenshot(page, "payment-void")
    page.get_by_test_id("void-confirm").click()  # no reason yet: asked for, nothing voided
    expect(page.locator('[data-field-error="reason"]')).to_have_text(
        "Say why the payment is voided."
    )
    assert not PatientPayment.objects.get(pk=payment.pk).is_void
    page.get_by_test_id("void-reason").fill("Typed 1000 for a $10.00 copay")
    page.get_by_test_id("void-confirm").click()

    expect(page.get_by_test_id("receipt-void")).to_have_text("VOID")
    expect(page.get_by_test_id("receipt-void-note")).to_contain_text("Typed 1000")
    expect(page.get_by_test_id("receipt-net")).to_have_text("$0.00")
    expect(page.get_by_test_id("void-payment")).to_have_count(0)
    save_screenshot(page, "receipt-void")
    assert PatientPayment.objects.get(pk=payment.pk).void_reason.startswith("Typed 1000")

    page.goto(f"/front-desk/appointments/{payment.appointment_id}/check-in/")
    expect(page.get_by_test_id("payment-void")).to_be_visible()
    expect(page.get_by_test_id("payments-total")).to_contain_text("$0.00")


def test_the_biller_refunds_part_of_a_copay(page: Page, clinic, clock_at):
    clock_at(10)
    payment = copay(clinic, staff(Role.FRONT_DESK, locations=[clinic]), amount="40.00")
    log_in(page, staff(Role.BILLER))

    page.goto(f"/front-desk/payments/{payment.pk}/receipt/")
    expect(page.get_by_test_id("void-payment")).to_have_count(0)
    page.get_by_test_id("refund-payment").click()
    expect(page.get_by_test_id("left-to-refund")).to_have_text("$40.00")
    page.get_by_test_id("refund-amount").fill("50")
    page.get_by_test_id("refund-reason").fill("Insurance paid the copay")
    page.get_by_test_id("refund-confirm").click()
    expect(page.locator('[data-field-error="amount"]')).to_contain_text("at most $40.00")
    page.get_by_test_id("refund-amount").fill("15.00")
    page.get_by_test_id("refund-confirm").click()

    expect(page.get_by_test_id("receipt-refunded")).to_have_text("$15.00")
    expect(page.get_by_test_id("receipt-net")).to_have_text("$25.00")
    expect(page.get_by_test_id("history-refund")).to_contain_text("Insurance paid the copay")
    save_screenshot(page, "receipt-refund")
    assert PaymentRefund.objects.get().amount == Decimal("15.00")
