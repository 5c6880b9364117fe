"""Paying through a pay link with Stripe Checkout, against a local fake Stripe
(tests/billing/fake_stripe.py): the session, the webhook's signature, the payment posted
once and applied oldest-first."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from medoffice.billing import paylinks
from medoffice.billing.models import LedgerEntry, OnlineCheckout, PatientPayment
from medoffice.billing.processors import ProcessorError, WebhookRefused, get_processor
from medoffice.billing.processors.stripe import StripeCheckout, signature_header
from medoffice.billing.selectors import ledger as balances
from medoffice.core.models import AuditEvent
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_ledger import claimed_visit
from tests.billing.fake_stripe import (  # noqa: F401 - the fixture
    WEBHOOK_SECRET,
    completed_event,
    fake_stripe_server,
)
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
D = Decimal
WEBHOOK = "/p/pay/webhook/stripe/"


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()
    cache.clear()


@pytest.fixture
def patient():
    return claimed_visit(insured=False).patient  # self-pay: $170.00 due


def page_of(patient) -> str:
    url = paylinks.pay_url(patient_id=patient.pk)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def start(patient) -> tuple[Client, str, str]:
    """Press Pay: the client, the Stripe address it was sent to, the session id."""
    client = Client()
    answer = client.post(page_of(patient))
    assert answer.status_code == 303, answer.content
    session_id = OnlineCheckout.objects.get(patient=patient).session_id
    return client, answer["Location"], session_id


def deliver(client: Client, body: bytes, *, secret: str = WEBHOOK_SECRET, at: int | None = None):
    header = signature_header(body, secret, int(time.time()) if at is None else at)
    return client.post(WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


# --- the adapter --------------------------------------------------------------------------


def test_a_session_is_created_in_cents_with_our_reference_and_an_idempotency_key(stripe):
    checkout = StripeCheckout().create_checkout(
        amount=D("170.00"),
        currency="usd",
        reference="patient-1-abc",
        description="Balance",
        success_url="https://x.test/done/?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="https://x.test/",
        idempotency_key="patient-1-abc",
    )
    sent = stripe.requests[0]
    assert sent["path"] == "/v1/checkout/sessions"
    assert sent["form"]["line_items[0][price_data][unit_amount]"] == "17000"
    assert sent["form"]["mode"] == "payment"
    assert sent["form"]["client_reference_id"] == "patient-1-abc"
    assert sent["key"] == "patient-1-abc"
    assert checkout.redirect_url.startswith("https://checkout.stripe.test/")


def test_the_secret_key_is_sent_as_basic_auth(stripe):
    with pytest.raises(ProcessorError):
        StripeCheckout().session_status("cs_missing")
    assert stripe.requests[0]["auth"].startswith("Basic ")


def test_a_refusal_by_stripe_is_a_processor_error_in_its_words(stripe):
    stripe.refuse = True
    with pytest.raises(ProcessorError, match="cannot take payments"):
        StripeCheckout().create_checkout(
            amount=D("1.00"),
            currency="usd",
            reference="r",
            description="d",
            success_url="https://x.test/",
            cancel_url="https://x.test/",
            idempotency_key="k",
        )


def test_an_unreachable_stripe_is_a_processor_error(settings):
    settings.STRIPE_SECRET_KEY = "sk_test"
    adapter = StripeCheckout(base_url="http://127.0.0.1:9", timeout=0.5)
    with pytest.raises(ProcessorError, match="could not be reached"):
        adapter.session_status("cs_1")


def test_a_webhook_signed_with_the_secret_is_accepted():
    body = completed_event({"id": "cs_1", "object": "checkout.session", "payment_status": "paid"})
    now = 1_800_000_000
    event = StripeCheckout(webhook_secret="whsec_x").verify_webhook(
        body, {"Stripe-Signature": signature_header(body, "whsec_x", now)}, now=now
    )
    assert event.type == "checkout.session.completed"
    assert event.session is not None
    assert event.session.paid


@pytest.mark.parametrize(
    "header",
    ["", "t=1800000000", "v1=abc", "t=1800000000,v1=0000", "nonsense"],
)
def test_a_webhook_without_a_good_signature_is_refused(header):
    with pytest.raises(WebhookRefused):
        StripeCheckout(webhook_secret="whsec_x").verify_webhook(
            b"{}", {"Stripe-Signature": header}, now=1_800_000_000
        )


def test_a_webhook_signed_with_another_secret_is_refused():
    body = b'{"type": "x"}'
    header = signature_header(body, "whsec_other", 1_800_000_000)
    with pytest.raises(WebhookRefused, match="does not match"):
        StripeCheckout(webhook_secret="whsec_x").verify_webhook(
            body, {"Stripe-Signature": header}, now=1_800_000_000
        )


def test_an_old_signature_is_refused_as_a_replay():
    body = b'{"type": "x"}'
    header = signature_header(body, "whsec_x", 1_800_000_000)
    with pytest.raises(WebhookRefused, match="too old"):
        StripeCheckout(webhook_secret="whsec_x").verify_webhook(
            body, {"Stripe-Signature": header}, now=1_800_000_000 + 301
        )


def test_the_none_processor_is_the_default_and_takes_nothing(settings):
    settings.PAYMENT_PROCESSOR = "none"
    processor = get_processor()
    assert processor.name == "none"
    assert not processor.configured


# --- the pages and the webhook ---------------------------------------------------------------


def test_pressing_pay_opens_a_session_for_the_amount_due_and_sends_the_patient_there(
    stripe, patient
):
    _, location, session_id = start(patient)
    assert location == f"https://checkout.stripe.test/c/pay/{session_id}"
    assert stripe.sessions[session_id]["amount_total"] == 17000
    assert OnlineCheckout.objects.get(session_id=session_id).amount == D("170.00")


def test_the_redirect_to_the_processor_is_allowed_by_the_pages_content_policy(stripe, patient):
    answer = Client().post(page_of(patient))
    assert "form-action 'self' https://checkout.stripe.test" in answer["Content-Security-Policy"]


def test_a_paid_webhook_posts_a_card_payment_with_the_session_as_reference(stripe, patient):
    client, _, session_id = start(patient)
    answer = deliver(client, completed_event(stripe.pay(session_id)))
    assert answer.status_code == 200
    payment = PatientPayment.objects.get(patient=patient)
    assert payment.method == "card"
    assert payment.processor_reference == session_id
    assert payment.amount == D("170.00")
    assert payment.received_by is None


def test_the_payment_is_applied_to_the_oldest_balances_and_clears_what_is_due(stripe, patient):
    client, _, session_id = start(patient)
    deliver(client, completed_event(stripe.pay(session_id)))
    assert balances.patient_due(SYSTEM, patient.pk) == D("0.00")
    assert LedgerEntry.objects.filter(patient=patient, kind="pt_payment").count() == 2


def test_the_same_webhook_delivered_twice_posts_one_payment(stripe, patient):
    client, _, session_id = start(patient)
    body = completed_event(stripe.pay(session_id))
    deliver(client, body)
    deliver(client, body)
    assert PatientPayment.objects.filter(patient=patient).count() == 1


def test_the_return_page_confirms_with_stripe_and_posts_the_payment_once(stripe, patient):
    client, _, session_id = start(patient)
    stripe.pay(session_id)
    page = client.get(page_of(patient) + f"done/?session_id={session_id}")
    assert 'data-testid="pay-done"' in page.content.decode()
    deliver(client, completed_event(stripe.sessions[session_id]))  # the webhook comes after
    assert PatientPayment.objects.filter(patient=patient).count() == 1


def test_the_return_page_before_payment_says_it_is_being_processed(stripe, patient):
    client, _, session_id = start(patient)
    page = client.get(page_of(patient) + f"done/?session_id={session_id}")
    assert 'data-testid="pay-pending"' in page.content.decode()
    assert not PatientPayment.objects.filter(patient=patient).exists()


def test_the_return_page_with_another_patients_session_is_refused(stripe, patient):
    _, _, session_id = start(patient)
    other = claimed_visit(insured=False).patient
    assert Client().get(page_of(other) + f"done/?session_id={session_id}").status_code == 404


def test_an_unpaid_session_webhook_posts_nothing(stripe, patient):
    client, _, session_id = start(patient)
    deliver(client, completed_event(stripe.sessions[session_id]))
    assert not PatientPayment.objects.filter(patient=patient).exists()


def test_a_webhook_with_a_bad_signature_answers_400_and_writes_nothing(stripe, patient):
    client, _, session_id = start(patient)
    answer = deliver(client, completed_event(stripe.pay(session_id)), secret="whsec_wrong")
    assert answer.status_code == 400
    assert not PatientPayment.objects.filter(patient=patient).exists()


def test_a_webhook_whose_body_is_not_json_answers_400(stripe):
    assert deliver(Client(), b"not json").status_code == 400


def test_the_webhook_needs_no_csrf_token(stripe, patient):
    client = Client(enforce_csrf_checks=True)
    _, _, session_id = start(patient)
    assert deliver(client, completed_event(stripe.pay(session_id))).status_code == 200


def test_the_online_payment_is_audited(stripe, patient):
    client, _, session_id = start(patient)
    deliver(client, completed_event(stripe.pay(session_id)))
    payment = PatientPayment.objects.get(patient=patient)
    assert AuditEvent.objects.filter(
        object_type="billing.patientpayment", object_id=str(payment.pk), action="create"
    ).exists()


def test_a_refusing_processor_leaves_the_patient_on_the_page_with_a_message(stripe, patient):
    stripe.refuse = True
    answer = Client().post(page_of(patient))
    assert answer.status_code == 200
    assert 'data-testid="pay-problem"' in answer.content.decode()
    assert not OnlineCheckout.objects.exists()


def test_the_receipt_of_an_online_payment_says_it_was_paid_online(stripe, patient, client_for):
    from medoffice.core.roles import Role

    client, _, session_id = start(patient)
    deliver(client, completed_event(stripe.pay(session_id)))
    payment = PatientPayment.objects.get(patient=patient)
    receipt = client_for(Role.FRONT_DESK).get(f"/front-desk/payments/{payment.pk}/receipt/")
    assert "Paid online by card" in receipt.content.decode()
