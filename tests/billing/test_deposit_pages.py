"""The deposit pages and API: enter a deposit, see it matched, match by hand, unmatch; the
reconciliation (page and CSV); the bank's CSV refused row by row; the billing options;
the remittance pages say which payments wait for their deposit."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import EraPayment, InsuranceDeposit, LedgerEntry
from medoffice.billing.selectors.deposits import reconciliation
from medoffice.billing.services.era import import_era
from medoffice.billing.services.options import hold_posting
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.api.conftest import api_for  # noqa: F401  (the fixture)
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_deposits import deposit
from tests.billing.factories_deposits import hold_posting as turn_on
from tests.billing.factories_era import PAID_ON, D, denied_answer, era_for, submitted_claim
from tests.conftest import login_client
from tests.factories import SYSTEM, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture(autouse=True)
def late_november():
    with time_machine.travel("2026-11-25 15:00:00-05:00", tick=False):
        yield


@pytest.fixture
def claim():
    return submitted_claim()


@pytest.fixture
def biller():
    return login_client(UserFactory(roles=[Role.BILLER]))


def post(data, name="remit.835"):
    return import_era(data=data, filename=name, actor=SYSTEM)


def test_a_deposit_entered_on_the_page_is_matched_to_its_remittance(biller, claim):
    post(era_for(claim))
    response = biller.post(
        "/billing/deposits/new/",
        {"deposit_date": "2026-11-23", "amount": "90.00", "method": "eft", "reference": "EFT0001"},
    )
    assert response.status_code == 302
    assert EraPayment.objects.get().deposit == InsuranceDeposit.objects.get()


def test_the_deposit_form_names_every_wrong_field_at_once(biller):
    response = biller.post(
        "/billing/deposits/new/",
        {"deposit_date": "9999-12-31", "amount": "1e309", "method": "cash", "reference": ""},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"deposit_date", "amount", "method"} <= set(errors)


def test_matching_by_hand_on_the_deposit_page_posts_a_waiting_payment(biller, claim):
    turn_on()
    post(era_for(claim))
    made = deposit("95.00", "BANK-9")
    pk = EraPayment.objects.get().pk
    response = biller.post(f"/billing/deposits/{made.pk}/", {"action": "match", "payment": pk})
    assert response.status_code == 302
    assert LedgerEntry.objects.filter(source_kind="era").exists()


def test_unmatching_on_the_page_is_audited_with_the_reason(biller, claim):
    post(era_for(claim))
    made = deposit("90.00", "EFT0001")
    pk = EraPayment.objects.get().pk
    response = biller.post(
        f"/billing/deposits/{made.pk}/", {"action": "unmatch", "payment": pk, "reason": "typo"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(detail__endswith="typo").exists()


def test_a_bank_file_with_a_bad_row_shows_each_bad_row_and_imports_nothing(biller):
    data = b"date,amount,reference\n2026-11-23,90.00,EFT1\n2026-11-23,abc,EFT2\n2026-02-30,1,E\n"
    response = biller.post(
        "/billing/deposits/import/",
        {"file": SimpleUploadedFile("bank.csv", data), "method": "eft"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Row 3" in text
    assert "Row 4" in text
    assert not InsuranceDeposit.objects.exists()


def test_the_reconciliation_lists_payments_without_deposit_and_differences(claim):
    post(era_for(claim, trace="EFT0001"))
    post(era_for(claim, trace="EFT0002"), name="b.835")
    lone = deposit("40.00", "BANK-LONE")
    short = deposit("85.00", "BANK-SHORT")
    from medoffice.billing.services.deposits import match_deposit

    match_deposit(
        deposit_id=short.pk,
        payment_ids=[EraPayment.objects.get(trace_number="EFT0002").pk],
        actor=SYSTEM,
    )
    report = reconciliation(
        UserFactory(roles=[Role.BILLER]), start=PAID_ON.replace(day=1), end=PAID_ON.replace(day=25)
    )
    assert [p.trace_number for p in report.payments_without_deposit] == ["EFT0001"]
    assert report.deposits_without_payment == [lone]
    assert [(r.deposit, r.difference) for r in report.differences] == [(short, D("-5.00"))]
    assert (report.deposited, report.paid) == (D("125.00"), D("180.00"))


def test_the_reconciliation_does_not_wait_for_a_deposit_of_a_payment_of_nothing(claim):
    post(era_for(claim, denied_answer(claim)))
    report = reconciliation(
        UserFactory(roles=[Role.BILLER]), start=PAID_ON.replace(day=1), end=PAID_ON
    )
    assert report.payments_without_deposit == []


def test_the_reconciliation_counts_a_payment_whose_plb_explains_its_amount_as_balanced(claim):
    post(era_for(claim, plb=(("WO", "X", D("10.00")),)))
    report = reconciliation(
        UserFactory(roles=[Role.BILLER]), start=PAID_ON.replace(day=1), end=PAID_ON
    )
    assert report.unbalanced == []
    assert report.paid == D("80.00")


def test_the_reconciliation_csv_has_a_row_per_day_and_per_open_item(biller, claim):
    post(era_for(claim))
    response = biller.get("/billing/deposits/reconciliation.csv?start=2026-11-01&end=2026-11-25")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("section,date")
    assert any(line.startswith("payment without deposit,2026-11-20") for line in lines)


def test_the_reconciliation_page_refuses_a_period_of_more_than_a_year(biller):
    response = biller.get("/billing/deposits/reconciliation/?start=2000-01-01&end=2026-11-01")
    assert response.status_code == 400


def test_the_reconciliation_links_to_last_month_early_in_the_month():
    with time_machine.travel("2026-12-03 09:00:00-05:00", tick=False):
        biller = login_client(UserFactory(roles=[Role.BILLER]))
        html = biller.get("/billing/deposits/reconciliation/").content.decode()
    assert "?start=2026-11-01&amp;end=2026-11-30" in html


def test_the_office_manager_turns_hold_posting_on_on_the_options_page():
    manager = login_client(UserFactory(roles=[Role.OFFICE_MANAGER]))
    response = manager.post("/billing/options/", {"hold_posting_until_deposit": "on"})
    assert response.status_code == 302
    assert hold_posting() is True


def test_the_import_report_and_the_file_page_say_which_payments_wait(biller, claim):
    turn_on()
    response = biller.post(
        "/billing/remittances/import/", {"file": SimpleUploadedFile("r.835", era_for(claim))}
    )
    assert "Waiting for their bank deposit" in response.content.decode()
    era_file = response.context["result"].era_file
    page = biller.get(f"/billing/remittances/{era_file.pk}/").content.decode()
    assert "waiting for deposit: not posted" in page


def test_the_api_enters_a_deposit_and_matches_it(api_for, claim):  # noqa: F811
    post(era_for(claim))
    client = api_for(Role.BILLER)
    response = client.post(
        "/api/v1/deposits",
        json.dumps(
            {
                "deposit_date": "2026-11-23",
                "amount": "90.00",
                "method": "eft",
                "reference": "EFT0001",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [p["trace_number"] for p in response.json()["payments"]] == ["EFT0001"]


def test_the_api_refuses_a_deposit_without_a_reference_with_its_code(api_for):  # noqa: F811
    client = api_for(Role.BILLER)
    response = client.post(
        "/api/v1/deposits",
        json.dumps({"deposit_date": "2026-11-23", "amount": "90.00", "method": "eft"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert Code.DEPOSIT_REFERENCE_INVALID in response.content.decode()
