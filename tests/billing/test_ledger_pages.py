"""The ledger's pages: a patient's ledger by visit and line with running balances, and the
credit-balance report with its filter and CSV; both only for the biller and the office
manager, and a user of another location sees nothing of the patient."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from medoffice.billing.choices import LedgerParty
from medoffice.billing.services import ledger as service
from medoffice.billing.views.ledger import CreditBalanceList
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_ledger import claim_of, claimed_visit, lines_of
from tests.factories import SYSTEM, LocationFactory

pytestmark = pytest.mark.django_db
INS, PAT = LedgerParty.INSURANCE, LedgerParty.PATIENT


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture
def visit():
    visit = claimed_visit()
    service.transfer(
        actor=SYSTEM, line=lines_of(visit)[0], amount="30.00", from_party=INS,
        from_payer_id=claim_of(visit).payer_id, to_party=PAT,
    )  # fmt: skip
    return visit


@pytest.fixture
def credit(visit):
    """Line 2 overpaid by the payer: a $5.00 insurance credit."""
    service.post_insurance_payment(
        actor=SYSTEM, line=lines_of(visit)[1], payer_id=claim_of(visit).payer_id,
        amount="25.00", allows_credit=True,
    )  # fmt: skip
    return visit


def ledger_url(visit) -> str:
    return reverse("billing_office:patient-ledger", args=[visit.patient_id])


def test_the_ledger_lists_every_entry_of_the_patient(client_for, visit):
    page = client_for(Role.BILLER).get(ledger_url(visit))
    assert page.content.count(b'data-testid="ledger-row"') == 4  # 2 charges, 2 halves


def test_the_ledger_shows_the_insurance_and_patient_balances(client_for, visit):
    page = client_for(Role.BILLER).get(ledger_url(visit))
    assert (page.context["balance"].insurance, page.context["balance"].patient) == (
        Decimal("140.00"),
        Decimal("30.00"),
    )


def test_the_running_total_ends_at_the_patients_balance(client_for, visit):
    page = client_for(Role.BILLER).get(ledger_url(visit))
    last = page.context["visits"][-1].lines[-1].rows[-1]
    assert last.running_total == Decimal("170.00")


def test_opening_a_ledger_is_audited(client_for, visit):
    client_for(Role.BILLER).get(ledger_url(visit))
    assert AuditEvent.objects.filter(data_category="ledger", patient_id=visit.patient_id).exists()


def test_a_user_of_another_location_sees_nothing_of_the_patient(client_for, visit):
    elsewhere = client_for(Role.BILLER, locations=[LocationFactory()])
    assert elsewhere.get(ledger_url(visit)).status_code == 404


def test_the_front_desk_does_not_open_the_ledger(client_for, visit):
    assert client_for(Role.FRONT_DESK).get(ledger_url(visit)).status_code == 403


def test_the_credit_balances_list_a_line_below_zero(client_for, credit):
    page = client_for(Role.BILLER).get(reverse("billing_office:credit-balances"))
    assert b"-$5.00" in page.content
    assert credit.patient.last_name.encode() in page.content


def test_the_credit_balances_leave_out_lines_not_in_credit(client_for, credit):
    page = client_for(Role.BILLER).get(reverse("billing_office:credit-balances"))
    assert page.content.count(b"/ledger/") == 1


def test_the_credit_balances_filter_by_side(client_for, credit):
    page = client_for(Role.BILLER).get(
        reverse("billing_office:credit-balances"), {"side": "patient"}
    )
    assert b"-$5.00" not in page.content


def test_the_credit_balances_export_as_csv(client_for, credit):
    answer = client_for(Role.BILLER).get(
        reverse("billing_office:credit-balances"), {"format": "csv"}
    )
    text = b"".join(answer.streaming_content).decode()
    assert "'-5.00,0.00" in text  # a leading minus is quoted, as in every export


def test_a_user_of_another_location_sees_no_credit_balances(client_for, credit):
    elsewhere = client_for(Role.BILLER, locations=[LocationFactory()])
    page = elsewhere.get(reverse("billing_office:credit-balances"))
    assert b"-$5.00" not in page.content


@pytest.fixture
def two_credits(credit):
    """A second line in credit: line 1 paid $10.00 past its $10.00 left to the payer."""
    service.post_insurance_payment(
        actor=SYSTEM, line=lines_of(credit)[0], payer_id=claim_of(credit).payer_id,
        amount="130.00", allows_credit=True,
    )  # fmt: skip
    return credit


def test_the_credit_balances_are_paged(client_for, two_credits, monkeypatch):
    monkeypatch.setattr(CreditBalanceList, "paginate_by", 1)
    biller = client_for(Role.BILLER)

    first = biller.get(reverse("billing_office:credit-balances"))
    second = biller.get(reverse("billing_office:credit-balances"), {"page": "2"})

    assert (first.context["paginator"].count, len(first.context["rows"])) == (2, 1)
    assert first.context["rows"] != second.context["rows"]


def test_the_credit_balances_csv_keeps_every_line_of_every_page(
    client_for, two_credits, monkeypatch
):
    monkeypatch.setattr(CreditBalanceList, "paginate_by", 1)
    answer = client_for(Role.BILLER).get(
        reverse("billing_office:credit-balances"), {"format": "csv"}
    )
    text = b"".join(answer.streaming_content).decode()
    assert "'-5.00,0.00" in text
    assert "'-10.00,30.00" in text


def test_the_credit_balances_show_each_sides_balance_of_the_line(client_for, two_credits):
    page = client_for(Role.BILLER).get(reverse("billing_office:credit-balances"))
    shown = {(line.insurance_balance, line.patient_balance) for line in page.context["page"]}
    assert shown == {(Decimal("-5.00"), Decimal("0.00")), (Decimal("-10.00"), Decimal("30.00"))}


def record_url(visit) -> str:
    return reverse("patients:detail", args=[visit.patient_id])


def test_the_patient_record_shows_the_balances_and_the_way_to_the_ledger(client_for, visit):
    html = client_for(Role.BILLER).get(record_url(visit)).content.decode()
    banner = html[html.index('data-testid="banner-ledger"') :]
    banner = banner[: banner.index("</dd>")]
    assert "Insurance $140.00, patient $30.00" in banner
    assert ledger_url(visit) in banner


def test_the_front_desk_sees_no_ledger_on_the_patient_record(client_for, visit):
    html = client_for(Role.FRONT_DESK).get(record_url(visit)).content.decode()
    assert 'data-testid="banner-ledger"' not in html
