"""Signed pay links: what a token names, when it stops working, what the public page shows."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import signing
from django.core.cache import cache
from django.test import Client
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from medoffice.billing import paylinks
from medoffice.core.models import AuditEvent
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_ledger import claimed_visit
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()  # the refused-link counts of earlier tests
    yield
    cache.clear()


@pytest.fixture
def patient():
    return claimed_visit(insured=False).patient  # self-pay: $170.00 due at once


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_pay_url_is_absolute_under_the_public_base_url(settings):
    settings.PUBLIC_BASE_URL = "https://pay.example.org"
    url = paylinks.pay_url(patient_id=7)
    assert url.startswith("https://pay.example.org/p/pay/")
    assert url.endswith("/")


def test_a_token_names_the_patient_and_the_statement():
    token = paylinks.make_token(patient_id=12, statement_id=34)
    assert paylinks.read_token(token) == paylinks.PayLink(12, 34)


def test_a_token_without_a_statement_names_only_the_patient():
    assert paylinks.read_token(paylinks.make_token(patient_id=5)) == paylinks.PayLink(5, None)


@hsettings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=2**40), st.none() | st.integers(1, 2**40))
def test_every_token_reads_back_what_it_was_made_from(patient_id, statement_id):
    token = paylinks.make_token(patient_id=patient_id, statement_id=statement_id)
    assert paylinks.read_token(token) == paylinks.PayLink(patient_id, statement_id)


def test_a_changed_token_is_refused_with_404():
    token = paylinks.make_token(patient_id=5)
    forged = token.replace("5", "6", 1)
    with pytest.raises(paylinks.PayLinkRefused) as refused:
        paylinks.read_token(forged)
    assert refused.value.status == 404


def test_a_token_signed_for_another_purpose_is_refused():
    other = signing.TimestampSigner(salt="medoffice.scheduling.confirm").sign("5")
    with pytest.raises(paylinks.PayLinkRefused):
        paylinks.read_token(other)


def test_a_token_expires_after_the_setting_with_410(settings):
    settings.PAY_LINK_MAX_AGE_DAYS = 60
    with time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        token = paylinks.make_token(patient_id=5)
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        assert paylinks.read_token(token).patient_id == 5  # 59 days: still good
    with (
        time_machine.travel(dt.datetime(2026, 3, 3, 12, tzinfo=dt.UTC), tick=False),
        pytest.raises(paylinks.PayLinkRefused) as refused,
    ):
        paylinks.read_token(token)
    assert refused.value.status == 410


def test_the_page_shows_the_first_name_last_initial_and_the_amount_due(patient):
    page = Client().get(path_of(paylinks.pay_url(patient_id=patient.pk)))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"{patient.first_name} {patient.last_name[0]}." in text
    assert patient.last_name not in text
    assert "$170.00" in text


def test_the_page_never_shows_the_date_of_birth_or_the_record_number(patient):
    text = Client().get(path_of(paylinks.pay_url(patient_id=patient.pk))).content.decode()
    assert patient.mrn not in text
    assert patient.date_of_birth.isoformat() not in text


def test_without_a_processor_the_page_says_how_to_pay_by_phone_or_mail(patient, settings):
    settings.PAYMENT_PROCESSOR = "none"
    text = Client().get(path_of(paylinks.pay_url(patient_id=patient.pk))).content.decode()
    assert 'data-testid="pay-offline"' in text
    assert 'data-testid="pay-button"' not in text


def test_opening_the_page_is_audited_as_a_read_of_the_patients_balance(patient):
    Client().get(path_of(paylinks.pay_url(patient_id=patient.pk)))
    event = AuditEvent.objects.filter(patient_id=patient.pk, action="read").latest("pk")
    assert event.data_category == "ledger"
    assert "pay link" in event.username


def test_a_tampered_link_gets_a_plain_404_page_naming_no_one(patient):
    url = path_of(paylinks.pay_url(patient_id=patient.pk))
    answer = Client().get(url[:-3] + "xx/")
    assert answer.status_code == 404
    assert patient.first_name not in answer.content.decode()


def test_a_link_for_a_patient_that_does_not_exist_gets_404():
    answer = Client().get(path_of(paylinks.pay_url(patient_id=999999)))
    assert answer.status_code == 404


def test_an_expired_link_gets_410(patient, settings):
    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(days=61)):
        url = path_of(paylinks.pay_url(patient_id=patient.pk))
    assert Client().get(url).status_code == 410


def test_guessing_links_is_stopped_by_the_rate_limit(settings, patient):
    settings.PUBLIC_LINK_FAILURE_RATE = "3/min"
    client = Client()
    good = path_of(paylinks.pay_url(patient_id=patient.pk))
    answers = [client.get(f"/p/pay/guess-{n}/").status_code for n in range(3)]
    assert answers == [404, 404, 404]
    refused = client.get(good)
    assert refused.status_code == 429
    assert refused["Retry-After"]


def test_a_patient_with_nothing_due_sees_no_pay_button(settings):
    settings.PAYMENT_PROCESSOR = "none"
    patient = PatientFactory()
    text = Client().get(path_of(paylinks.pay_url(patient_id=patient.pk))).content.decode()
    assert 'data-testid="pay-nothing"' in text
    assert "$0.00" in text
