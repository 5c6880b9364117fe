"""The contract pages, browser-free: the list, a contract, new/edit/end, the underpayment
report (location-limited, audited, CSV) and the what-if (nothing saved, CSV, the draft);
bad input answers with the field's error, never a 500."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medoffice.billing.models import Contract
from medoffice.billing.selectors import contracts as selectors
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_contracts import ContractFactory, adjudicated_visit, allowed_schedule
from tests.factories import LocationFactory
from tests.patients.factories import PayerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture
def manager(client_for):
    return client_for(Role.OFFICE_MANAGER)


@pytest.fixture
def payer():
    return PayerFactory(name="Harbor Synthetic Health")


def new_contract(payer, **changes):
    data = {
        "payer": str(payer.pk) if payer else "",
        "name": "Harbor agreement",
        "effective_from": "2026-01-01",
        "method": "charges",
        "percent": "62.5",
        "carve_outs": "J3490,,80%",
        "timely_filing_days": "90",
    }
    data.update(changes)
    return data


def test_the_list_shows_each_contract_with_its_terms(manager, payer):
    ContractFactory(payer=payer, name="Harbor 2026", percent=Decimal("62.5"))

    page = manager.get(reverse("billing_office:contracts"))

    assert page.status_code == 200
    assert b"Harbor 2026" in page.content
    assert b"62.5 % of billed charges" in page.content


def test_a_manager_creates_a_contract_from_the_form(manager, payer):
    answer = manager.post(reverse("billing_office:contract-new"), new_contract(payer))

    contract = Contract.objects.get()
    assert answer.status_code == 302
    assert contract.percent == Decimal("62.5")
    assert contract.carve_outs.get().code == "J3490"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("effective_from", "0001-01-01", b"1900"),
        ("effective_from", "9999-12-31", b"2100"),
        ("percent", "1e309", b"as a number"),
        ("percent", "-5", b"negative"),
        ("percent", "\u0663\u0660", b"as a number"),
        ("timely_filing_days", "1e309", b"whole number"),
        ("carve_outs", "99213,,-1", b"Line 1"),
        ("payer", "99999999999999999999", b"valid choice"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(
    manager, payer, field, value, message
):
    data = new_contract(payer)
    data[field] = value
    answer = manager.post(reverse("billing_office:contract-new"), data)

    assert answer.status_code == 400
    assert message in answer.content
    assert not Contract.objects.exists()


def test_every_error_of_the_form_shows_at_once(manager, payer):
    answer = manager.post(
        reverse("billing_office:contract-new"),
        new_contract(payer, name="", percent="abc", effective_to="2025-01-01"),
    )

    assert answer.status_code == 400
    assert b"3 things to fix" in answer.content or b"things to fix" in answer.content
    for field in (b"id_name_error", b"id_percent_error"):
        assert field in answer.content


def test_an_overlapping_contract_is_refused_naming_the_other(manager, payer):
    ContractFactory(payer=payer, name="Harbor 2025", effective_from=dt.date(2025, 1, 1))

    answer = manager.post(reverse("billing_office:contract-new"), new_contract(payer))

    assert answer.status_code == 400
    assert "Harbor 2025" in answer.content.decode()
    assert Contract.objects.count() == 1


def test_a_biller_reads_a_contract_but_has_no_change_button(client_for, payer):
    contract = ContractFactory(payer=payer)
    biller = client_for(Role.BILLER)

    page = biller.get(reverse("billing_office:contract", args=[contract.pk]))

    assert page.status_code == 200
    assert reverse("billing_office:contract-edit", args=[contract.pk]).encode() not in page.content
    assert biller.get(reverse("billing_office:contract-new")).status_code == 403


def test_the_edit_form_shows_the_contract_as_saved(manager, payer):
    contract = ContractFactory(payer=payer, percent=Decimal("62.5"))
    contract.carve_outs.create(code="J3490", percent=Decimal("80"))

    page = manager.get(reverse("billing_office:contract-edit", args=[contract.pk]))

    assert b"J3490,,80%" in page.content
    assert b'value="62.5"' in page.content


def test_ending_a_contract_on_a_bad_day_says_why(manager, payer):
    contract = ContractFactory(payer=payer, effective_from=dt.date(2026, 1, 1))

    answer = manager.post(
        reverse("billing_office:contract-end", args=[contract.pk]), {"last_day": "2025-01-01"}
    )

    assert answer.status_code == 400
    assert b"before the first" in answer.content


@pytest.fixture
def underpaid(payer):
    schedule = allowed_schedule(payer, {"99213": "100.00", "36415": "10.00"})
    ContractFactory(payer=payer, method="schedule", fee_schedule=schedule, percent=None)
    here = LocationFactory(name="Here")
    rows = adjudicated_visit(payer=payer, location=here, allowed=("90.00", "10.00"))
    return here, rows


def test_the_report_lists_the_underpaid_line_with_totals_per_payer_and_code(manager, underpaid):
    _, (short, _) = underpaid

    page = manager.get(reverse("billing_office:underpayments"))

    text = page.content.decode()
    assert page.status_code == 200
    assert short.claim.control_number in text
    assert "$10.00" in text  # 100 expected − 90 allowed
    assert "Harbor Synthetic Health" in text
    assert reverse("billing_office:claim", args=[short.claim_id]) in text


def test_the_report_leaves_out_lines_within_the_tolerance(manager, underpaid):
    _, (short, _) = underpaid

    page = manager.get(reverse("billing_office:underpayments"), {"tolerance_amount": "10.00"})

    assert short.claim.control_number not in page.content.decode()


def test_the_report_shows_only_the_users_locations(client_for, underpaid):
    _, (short, _) = underpaid
    elsewhere = client_for(Role.BILLER, locations=[LocationFactory(name="Elsewhere")])

    page = elsewhere.get(reverse("billing_office:underpayments"))

    assert short.claim.control_number not in page.content.decode()


def test_the_report_audits_the_patients_it_shows(manager, underpaid):
    _, (short, _) = underpaid

    manager.get(reverse("billing_office:underpayments"))

    event = AuditEvent.objects.filter(object_type="billing.lineadjudication").latest("pk")
    assert short.patient_id in event.shown_patient_ids


def test_the_report_csv_has_every_underpaid_line(manager, underpaid):
    _, (short, _) = underpaid

    answer = manager.get(reverse("billing_office:underpayments"), {"format": "csv"})

    lines = answer.content.decode().splitlines()
    assert lines[0].startswith("Service date,Claim")
    assert len(lines) == 2
    assert short.claim.control_number in lines[1]


@pytest.fixture
def two_underpaid(payer, underpaid):
    here, (short, _) = underpaid
    (later, _) = adjudicated_visit(payer=payer, location=here, allowed=("95.00", "10.00"))
    return short, later


def test_the_report_pages_its_lines_with_the_totals_of_every_line(
    manager, two_underpaid, monkeypatch
):
    monkeypatch.setattr(selectors, "MAX_SHOWN", 1)
    url = reverse("billing_office:underpayments")

    first, second = manager.get(url), manager.get(url, {"page": "2"})

    shown = [[row.pk for row in page.context["report"].lines] for page in (first, second)]
    assert sorted(shown) == sorted([[two_underpaid[0].pk], [two_underpaid[1].pk]])
    assert first.context["report"].total.lines == 2
    assert first.context["report"].total.shortfall == Decimal("15.00")  # 10 + 5


def test_a_page_past_the_last_shows_the_last(manager, two_underpaid, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_SHOWN", 1)

    page = manager.get(reverse("billing_office:underpayments"), {"page": "5"})

    assert page.context["report"].page == 2


@pytest.mark.parametrize("number", ["99999999999999999999", "-1", "\u0663", "1e309", "x\x00"])
def test_a_page_that_is_not_a_page_number_shows_the_first(
    manager, two_underpaid, monkeypatch, number
):
    monkeypatch.setattr(selectors, "MAX_SHOWN", 1)

    page = manager.get(reverse("billing_office:underpayments"), {"page": number})

    assert (page.status_code, page.context["report"].page) == (200, 1)


def test_the_report_csv_keeps_every_line_of_every_page(manager, two_underpaid, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_SHOWN", 1)

    answer = manager.get(reverse("billing_office:underpayments"), {"format": "csv"})

    assert len(answer.content.decode().splitlines()) == 3


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "0001-01-01"}, b"1900"),
        ({"date_to": "9999-01-01"}, b"2100"),
        ({"tolerance_amount": "1e309"}, b"dollars and cents"),
        ({"tolerance_amount": "-5"}, b"dollars and cents"),
        ({"tolerance_percent": "\u0663"}, b"as a number"),
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, b"on or after"),
    ],
)
def test_the_reports_bad_filters_are_refused_with_why(manager, params, message):
    answer = manager.get(reverse("billing_office:underpayments"), params)

    assert answer.status_code == 400
    assert message in answer.content


def test_the_what_if_shows_the_change_and_saves_nothing(manager, underpaid):
    payer = underpaid[1][0].payer

    answer = manager.post(
        reverse("billing_office:what-if"), {"payer": str(payer.pk), "rates": "99213,110.00"}
    )

    text = answer.content.decode()
    assert answer.status_code == 200
    assert "$10.00" in text  # one 99213: 100 now, 110 proposed
    assert Contract.objects.count() == 1


def test_the_what_if_reads_a_csv_of_rates(manager, underpaid):
    payer = underpaid[1][0].payer
    upload = SimpleUploadedFile("rates.csv", b"code,rate\n36415,12.00\n", content_type="text/csv")

    answer = manager.post(
        reverse("billing_office:what-if"),
        {"payer": str(payer.pk), "rates_file": upload, "format": "csv"},
    )

    rows = answer.content.decode().splitlines()
    assert rows[0].startswith("Code,Lines")
    assert any(r.startswith("36415,1,1,10.00,12.00,2.00") for r in rows)


def test_the_what_if_without_a_proposal_says_what_to_enter(manager, payer):
    answer = manager.post(reverse("billing_office:what-if"), {"payer": str(payer.pk)})

    assert answer.status_code == 400
    assert b"Enter proposed rates" in answer.content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("percent_change", "1e309", b"as a number"),
        ("percent_change", "-150", b"at most 100"),
        ("rates", "99213,-1", b"Line 1"),
        ("rates", "\u0663\u0663\u0663\u0663\u0663,1", b"Line 1"),
    ],
)
def test_the_what_ifs_bad_input_is_refused_with_why(manager, payer, field, value, message):
    answer = manager.post(reverse("billing_office:what-if"), {"payer": str(payer.pk), field: value})

    assert answer.status_code == 400
    assert message in answer.content


def test_a_what_if_saved_as_a_draft_is_a_draft_contract(manager, underpaid):
    payer = underpaid[1][0].payer

    answer = manager.post(
        reverse("billing_office:what-if-draft"),
        {
            "payer": str(payer.pk),
            "rates": "99213,110.00",
            "draft_name": "Harbor proposal",
            "draft_from": "2027-01-01",
        },
    )

    draft = Contract.objects.get(is_draft=True)
    assert answer.status_code == 302
    assert draft.carve_outs.get(code="99213").amount == Decimal("110.00")
