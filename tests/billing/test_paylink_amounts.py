"""Paying part of a balance through a pay link: the page offers the whole due, the
statement's amount when the balance grew since, the payment plan's next instalment, or
another amount from $1.00 up to the due; a refused amount shows every error and opens no
checkout; the processor's checkout asks for the amount chosen and the webhook posts what
was actually paid (against the local fake Stripe, tests/billing/fake_stripe.py)."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from medoffice.billing import paylinks
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import OnlineCheckout, PatientPayment, Statement
from medoffice.billing.processors.stripe import signature_header
from medoffice.billing.selectors import ledger as balances
from medoffice.billing.services import online
from medoffice.billing.services import statements as statement_service
from medoffice.billing.services.plans import create_plan, today
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


def page_of(patient, statement=None) -> str:
    url = paylinks.pay_url(
        patient_id=patient.pk, statement_id=statement.pk if statement is not None else None
    )
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def pay(patient, data: dict[str, str], statement=None):
    return Client().post(page_of(patient, statement), data)


def keys(options: online.PayOptions) -> list[str]:
    return [o.key for o in options.options]


def on_plan(patient):
    return create_plan(
        actor=SYSTEM,
        patient=patient,
        total="150.00",
        instalment_amount="50.00",
        start_date=today(),
        day_of_month=1,
    )


def stated_then_grown(patient) -> Statement:
    """A statement of $170.00, then a second $170.00 visit: $340.00 due now."""
    statement_service.run_statements(as_of=today(), actor=SYSTEM)
    claimed_visit(patient, insured=False)
    return Statement.objects.get(patient=patient)


def deliver(body: bytes):
    header = signature_header(body, WEBHOOK_SECRET, int(time.time()))
    return Client().post(
        WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


# --- what the page offers --------------------------------------------------------------------


def test_without_a_plan_or_statement_the_page_offers_the_whole_due_or_another_amount(patient):
    assert keys(online.pay_options(patient=patient, statement_id=None)) == ["due", "other"]


def test_a_patient_on_a_plan_is_offered_the_next_instalment(patient):
    on_plan(patient)
    options = online.pay_options(patient=patient, statement_id=None)
    instalment = options.get("instalment")
    assert instalment is not None
    assert instalment.amount == D("50.00")


def test_the_statements_amount_is_offered_when_the_balance_grew_since(patient):
    statement = stated_then_grown(patient)
    options = online.pay_options(patient=patient, statement_id=statement.pk)
    assert options.due == D("340.00")
    offered = options.get("statement")
    assert offered is not None
    assert offered.amount == D("170.00")


def test_another_patients_statement_is_not_offered(patient):
    statement = stated_then_grown(patient)
    other = claimed_visit(insured=False).patient
    options = online.pay_options(patient=other, statement_id=statement.pk)
    assert options.get("statement") is None


def test_nothing_due_offers_nothing():
    from tests.factories import PatientFactory

    assert online.pay_options(patient=PatientFactory(), statement_id=None).options == []


def test_the_page_shows_each_option(patient, stripe):
    on_plan(patient)
    text = Client().get(page_of(patient)).content.decode()
    for key in ("due", "instalment", "other"):
        assert f'data-testid="pay-choice-{key}"' in text


# --- choosing the amount ----------------------------------------------------------------------


def test_the_whole_due_is_the_amount_without_a_choice(patient):
    options = online.pay_options(patient=patient, statement_id=None)
    assert online.choose_amount(options=options, choice="", other=None) == D("170.00")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        (None, Code.PAY_AMOUNT_REQUIRED),
        (D("0.99"), Code.PAY_AMOUNT_TOO_SMALL),
        (D("170.01"), Code.PAY_AMOUNT_TOO_LARGE),
    ],
)
def test_another_amount_is_held_between_one_dollar_and_the_due(patient, typed, code):
    options = online.pay_options(patient=patient, statement_id=None)
    with pytest.raises(ValidationError) as refused:
        online.choose_amount(options=options, choice="other", other=typed)
    assert refused.value.error_dict["amount"][0].code == code


def test_a_choice_not_offered_is_refused(patient):
    options = online.pay_options(patient=patient, statement_id=None)
    with pytest.raises(ValidationError) as refused:
        online.choose_amount(options=options, choice="instalment", other=None)
    assert refused.value.error_dict["choice"][0].code == Code.PAY_CHOICE_INVALID


@hsettings(max_examples=40, deadline=None)
@given(st.decimals(min_value=D("1.00"), max_value=D("170.00"), places=2))
def test_any_amount_from_one_dollar_to_the_due_is_taken_as_typed(amount):
    options = online.PayOptions(
        D("170.00"),
        [
            online.PayOption("due", "all", D("170.00")),
            online.PayOption("other", "other", None),
        ],
    )
    assert online.choose_amount(options=options, choice="other", other=amount) == amount


# --- the page and the processor ---------------------------------------------------------------


def test_paying_another_amount_opens_a_checkout_for_that_amount(stripe, patient):
    answer = pay(patient, {"choice": "other", "amount": "45.50"})
    assert answer.status_code == 303
    checkout = OnlineCheckout.objects.get(patient=patient)
    assert checkout.amount == D("45.50")
    assert stripe.sessions[checkout.session_id]["amount_total"] == 4550


def test_paying_the_instalment_opens_a_checkout_for_the_instalment(stripe, patient):
    on_plan(patient)
    assert pay(patient, {"choice": "instalment"}).status_code == 303
    assert OnlineCheckout.objects.get(patient=patient).amount == D("50.00")


def test_paying_the_statements_amount_opens_a_checkout_for_it(stripe, patient):
    statement = stated_then_grown(patient)
    assert pay(patient, {"choice": "statement"}, statement).status_code == 303
    assert OnlineCheckout.objects.get(patient=patient).amount == D("170.00")


@pytest.mark.parametrize(
    "typed",
    ["", "0", "0.50", "170.01", "1e309", "12345678901234567890", "NaN", "12\x00", "💵", "-5"],
)
def test_a_refused_amount_shows_the_page_again_with_the_error_and_opens_no_checkout(
    stripe, patient, typed
):
    answer = pay(patient, {"choice": "other", "amount": typed})
    assert answer.status_code == 400
    assert 'data-testid="form-errors"' in answer.content.decode()
    assert "Another amount" in answer.content.decode()
    assert not OnlineCheckout.objects.exists()
    assert stripe.requests == []


def test_an_amount_typed_beside_another_choice_is_not_read(stripe, patient):
    assert pay(patient, {"choice": "due", "amount": "junk"}).status_code == 303
    assert OnlineCheckout.objects.get(patient=patient).amount == D("170.00")


def test_a_forged_choice_is_refused_and_opens_no_checkout(stripe, patient):
    assert pay(patient, {"choice": "instalment"}).status_code == 400
    assert not OnlineCheckout.objects.exists()


def test_the_webhook_posts_what_was_paid_and_the_rest_stays_due(stripe, patient):
    pay(patient, {"choice": "other", "amount": "45.50"})
    session_id = OnlineCheckout.objects.get(patient=patient).session_id
    deliver(completed_event(stripe.pay(session_id)))
    assert PatientPayment.objects.get(patient=patient).amount == D("45.50")
    assert balances.patient_due(SYSTEM, patient.pk) == D("124.50")


def test_the_webhook_posts_the_processors_total_not_the_checkouts(stripe, patient):
    pay(patient, {"choice": "other", "amount": "45.50"})
    session_id = OnlineCheckout.objects.get(patient=patient).session_id
    session = stripe.pay(session_id)
    session["amount_total"] = 4000  # what the processor actually took
    deliver(json.dumps(json.loads(completed_event(session))).encode())
    assert PatientPayment.objects.get(patient=patient).amount == D("40.00")
