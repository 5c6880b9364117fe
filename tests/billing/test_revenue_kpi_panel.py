"""The revenue KPI panel of the office manager's home page: each figure worked out with
``billing.kpis`` from a small known ledger, the month's series, the bands, and who sees it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from medoffice.billing.choices import LedgerParty
from medoffice.billing.kpis import Band
from medoffice.billing.selectors.revenue_kpis import month_starts, revenue_kpis
from medoffice.billing.services import ledger as service
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_ledger import claim_of, claimed_visit, lines_of
from tests.factories import SYSTEM, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db
INS, PAT = LedgerParty.INSURANCE, LedgerParty.PATIENT
D = Decimal
NOON_15_JUNE = dt.datetime(2026, 6, 15, 16, 0, tzinfo=dt.UTC)  # noon in the east


@pytest.fixture(autouse=True)
def june(practice, time_machine):
    time_machine.move_to(NOON_15_JUNE, tick=False)
    office_visit_codes()


@pytest.fixture
def known(june):
    """A visit of 10 June: $170 charged; $100 paid and $40 written off by contract on the
    $150 line ($10 left), the $20 line open: $30 of A/R."""
    visit = claimed_visit(days_ago=5)
    first = lines_of(visit)[0]
    payer = claim_of(visit).payer_id
    service.post_insurance_payment(actor=SYSTEM, line=first, payer_id=payer, amount="100.00")
    service.write_off(actor=SYSTEM, line=first, kind="contractual", party=INS, payer_id=payer,
                      amount="40.00", group_code="CO", reason_code="45")  # fmt: skip
    return visit


def manager():
    return UserFactory(roles=[Role.OFFICE_MANAGER])


def test_the_series_are_the_twelve_months_ending_with_this_one():
    months = month_starts(dt.date(2026, 6, 15))
    assert (months[0], months[-1], len(months)) == (dt.date(2025, 7, 1), dt.date(2026, 6, 1), 12)


def test_the_net_collection_rate_is_payments_over_charges_less_contractual(known):
    figures = revenue_kpis(manager())
    assert figures.figure("net_collection_rate").value == D("0.769")  # 100 / (170 − 40)


def test_the_gross_collection_rate_is_payments_over_charges(known):
    assert revenue_kpis(manager()).figure("gross_collection_rate").value == D("0.588")


def test_days_in_ar_is_the_ar_over_the_months_adjusted_charges_per_day(known):
    # $30 of A/R; $130 of adjusted charges over the 15 days of June so far: 3.5 days.
    figure = revenue_kpis(manager()).figure("days_in_ar")
    assert (figure.value, figure.band) == (D("3.5"), Band.GOOD)


def test_the_ar_is_the_net_of_the_ledger(known):
    assert revenue_kpis(manager()).ar == D("30.00")


def test_no_old_ar_means_none_over_90_or_120_days(known):
    figures = revenue_kpis(manager())
    assert figures.figure("ar_over_90_share").value == D("0.000")
    assert figures.figure("ar_over_120_share").value == D("0.000")


def test_a_visit_of_five_months_ago_is_over_120_days_old(known):
    claimed_visit(days_ago=150)  # $170, all of it open
    figures = revenue_kpis(manager())
    assert figures.figure("ar_over_120_share").value == D("0.850")  # 170 / 200


def test_a_month_without_claims_has_no_denial_rate_not_zero(known):
    figure = revenue_kpis(manager()).figure("denial_rate")
    assert figure.value is None
    assert figure.text == "—"


def test_each_series_has_a_value_for_each_month(known):
    for figure in revenue_kpis(manager()).figures:
        assert len(figure.series) == 12, figure.key


def test_a_user_of_another_location_sees_none_of_its_money(known):
    other = UserFactory(roles=[Role.OFFICE_MANAGER], locations=[LocationFactory()])
    assert revenue_kpis(other).ar == D("0.00")


def test_the_office_manager_sees_the_panel_on_the_home_page(client_for, known):
    page = client_for(Role.OFFICE_MANAGER).get("/")
    body = page.content.decode()
    assert 'data-testid="revenue-kpis"' in body
    assert "76.9 %" in body  # the net collection rate
    assert "<svg" in body


def test_the_front_desk_does_not_see_the_panel(client_for, known):
    page = client_for(Role.FRONT_DESK).get("/")
    assert 'data-testid="revenue-kpis"' not in page.content.decode()
