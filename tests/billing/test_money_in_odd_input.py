"""Odd input on the newest money-in pages (deposits and the reconciliation, corrected
insured, posting rules, the statement schedule) is refused or ignored, never a server
error: year 1 and 9999 dates, 1e309, 2**63, other scripts' digits, control characters,
nothing at all."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medoffice.billing.models import CoverageUpdateProposal, PostingRule
from medoffice.billing.services.era_rules import seed_posting_rules
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_deposits import deposit
from tests.billing.factories_era import era_for, paid_in_full_answer, submitted_claim
from tests.billing.test_era_posting import post

pytestmark = pytest.mark.django_db

ODD = [
    "0001-01-01",
    "9999-12-31",
    "1e309",
    str(2**63),
    "-" + str(2**63),
    "２０２６-１１-０１",
    "٣",
    "Zoë \u202e",
    "",
    " ",
    "a\x00b",
    "NaN",
    "x" * 5000,
]


@pytest.fixture
def money(practice):
    office_visit_codes()
    claim = submitted_claim()
    post(era_for(claim, paid_in_full_answer(claim, corrected_member_id="W123456701")))
    seed_posting_rules()
    return {
        "deposit": deposit(reference="UNRELATED1"),
        "proposal": CoverageUpdateProposal.objects.get(),
        "rule": PostingRule.objects.order_by("pk").first(),
    }


@pytest.fixture
def biller(client_for):
    return client_for(Role.BILLER)


def _no_server_error(response) -> None:
    assert response.status_code < 500, response.content[:300]


@pytest.mark.parametrize("value", ODD)
def test_odd_reconciliation_dates_are_refused_not_an_error(biller, money, value):
    for url in ("/billing/deposits/reconciliation/", "/billing/deposits/reconciliation.csv"):
        _no_server_error(biller.get(url, {"start": value, "end": value}))
        _no_server_error(biller.get(url, {"start": "2026-01-01", "end": value}))


@pytest.mark.parametrize("value", ODD)
def test_odd_list_parameters_are_ignored_not_an_error(biller, money, value):
    for url in (
        "/billing/deposits/",
        "/billing/remittances/rules/",
        "/billing/remittances/corrected-insured/",
    ):
        for name in ("page", "sort", "payer", "group", "status"):
            _no_server_error(biller.get(url, {name: value}))


@pytest.mark.parametrize(
    "url",
    [
        "/billing/deposits/{big}/",
        "/billing/remittances/rules/{big}/",
        "/billing/remittances/corrected-insured/{big}/",
    ],
)
def test_an_id_beyond_the_database_is_not_found(biller, money, url):
    assert biller.get(url.format(big=2**63)).status_code == 404


@pytest.mark.parametrize("value", ODD)
def test_odd_deposit_fields_are_refused_not_an_error(biller, money, value):
    response = biller.post(
        "/billing/deposits/new/",
        {
            "deposit_date": value,
            "amount": value,
            "method": value,
            "reference": value,
            "check_number": value,
            "location": value,
            "note": value,
        },
    )

    assert response.status_code == 400


@pytest.mark.parametrize("value", ODD)
def test_an_odd_bank_file_is_refused_not_an_error(biller, money, value):
    body = f"date,amount,reference\n{value},{value},{value}\n".encode("utf-8", "surrogatepass")
    response = biller.post(
        "/billing/deposits/import/",
        {"file": SimpleUploadedFile("bank.csv", body, "text/csv"), "method": "eft"},
    )

    assert response.status_code == 400


@pytest.mark.parametrize("value", ODD)
def test_odd_matching_on_a_deposit_is_refused_not_an_error(biller, money, value):
    url = f"/billing/deposits/{money['deposit'].pk}/"
    for action in ("match", "unmatch", value):
        _no_server_error(biller.post(url, {"action": action, "payment": value, "reason": value}))


@pytest.mark.parametrize("value", ODD)
def test_odd_decisions_on_a_correction_are_refused_not_an_error(biller, money, value):
    url = f"/billing/remittances/corrected-insured/{money['proposal'].pk}/"
    for action in ("dismiss", value):
        _no_server_error(biller.post(url, {"action": action, "reason": value}))


@pytest.mark.parametrize("value", ODD)
def test_odd_posting_rule_fields_are_refused_not_an_error(biller, money, value):
    fields = {
        "payer": value,
        "group_code": value,
        "reason_code": value,
        "remark_code": value,
        "claim_status": value,
        "action": value,
    }
    for url in (
        "/billing/remittances/rules/new/",
        f"/billing/remittances/rules/{money['rule'].pk}/",
    ):
        assert biller.post(url, fields).status_code == 400


@pytest.mark.parametrize("value", ODD)
def test_odd_statement_schedule_fields_are_refused_not_an_error(biller, money, value):
    response = biller.post(
        "/billing/statements/schedule/", {"statement_day": value, "automatic": value}
    )

    _no_server_error(response)
