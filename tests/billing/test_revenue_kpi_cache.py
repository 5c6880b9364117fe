"""The revenue panel keeps its finished months in Django's cache: the figures it shows are
always the ones computed afresh (``cached=False``), after any change of their inputs, and a
user limited to some locations never gets figures kept for another location set."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from medoffice.billing.choices import LedgerParty
from medoffice.billing.models import Claim
from medoffice.billing.selectors import revenue_kpis as selector
from medoffice.billing.selectors.revenue_kpis import revenue_kpis
from medoffice.billing.services import ledger as service
from medoffice.billing.services.payments import void_payment
from medoffice.billing.services.scrub import scrub_claims
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_ledger import claim_of, claimed_visit, desk_payment, lines_of
from tests.factories import SYSTEM, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db
INS = LedgerParty.INSURANCE
NOON_15_JUNE = dt.datetime(2026, 6, 15, 16, 0, tzinfo=dt.UTC)  # noon in the east


@pytest.fixture(autouse=True)
def june(practice, time_machine):
    time_machine.move_to(NOON_15_JUNE, tick=False)
    office_visit_codes()


@pytest.fixture
def here():
    return LocationFactory(name="Here")


@pytest.fixture
def history(here):
    """Visits of April and May at one location (one paid in part), one of June."""
    april = claimed_visit(location=here, days_ago=60)
    may = claimed_visit(location=here, days_ago=30)
    claimed_visit(location=here, days_ago=2)
    line = lines_of(april)[0]
    service.post_insurance_payment(
        actor=SYSTEM,
        line=line,
        payer_id=claim_of(april).payer_id,
        amount="80.00",
        effective_date=dt.date(2026, 5, 20),
    )
    return april, may


def manager():
    return UserFactory(roles=[Role.OFFICE_MANAGER])


def figures(user):
    """The cached figures, checked against the figures computed afresh."""
    kept = revenue_kpis(user)
    assert kept == revenue_kpis(user, cached=False)
    return kept


def test_the_cached_figures_are_the_figures_computed_afresh(history):
    user = manager()
    revenue_kpis(user)  # keeps the finished months

    assert revenue_kpis(user) == revenue_kpis(user, cached=False)


def test_a_second_look_sums_only_the_current_month(history, monkeypatch):
    user = manager()
    revenue_kpis(user)
    windows = []
    summed = selector._window
    monkeypatch.setattr(
        selector, "_window", lambda *a, **k: windows.append(a[1]) or summed(*a, **k)
    )

    revenue_kpis(user)

    assert windows == [[dt.date(2026, 6, 1)]]


def test_an_entry_dated_in_a_finished_month_changes_the_figures(history):
    april, _may = history
    user = manager()
    before = figures(user)

    service.write_off(actor=SYSTEM, line=lines_of(april)[0], kind="contractual", party=INS,
                      payer_id=claim_of(april).payer_id, amount="20.00", group_code="CO",
                      reason_code="45", effective_date=dt.date(2026, 5, 21))  # fmt: skip

    after = figures(user)
    assert after.figure("net_collection_rate").series != before.figure("net_collection_rate").series


def test_an_entry_of_today_changes_the_current_month_only(history):
    _april, may = history
    user = manager()
    before = figures(user)

    service.post_insurance_payment(actor=SYSTEM, line=lines_of(may)[0],
                                   payer_id=claim_of(may).payer_id, amount="50.00")  # fmt: skip

    after = figures(user)
    gross = "gross_collection_rate"
    assert after.figure(gross).series[:-1] == before.figure(gross).series[:-1]
    assert after.figure(gross).value != before.figure(gross).value
    assert after.ar == before.ar - Decimal("50.00")


def test_a_new_claim_of_a_finished_month_changes_the_figures(history, here, time_machine):
    user = manager()
    figures(user)
    time_machine.move_to(NOON_15_JUNE - dt.timedelta(days=40), tick=False)
    claimed_visit(location=here, days_ago=1)
    time_machine.move_to(NOON_15_JUNE, tick=False)

    figures(user)


def test_a_scrub_of_a_finished_months_claim_changes_the_figures(history):
    _april, may = history
    claims = Claim.objects.filter(pk=claim_of(may).pk)
    made_in_may = dt.datetime(2026, 5, 16, 16, 0, tzinfo=dt.UTC)
    claims.update(status="draft", first_scrub_clean=None, created_at=made_in_may)
    user = manager()
    assert figures(user).figure("clean_claim_rate").series[-2] is None  # never scrubbed

    scrub_claims(actor=SYSTEM, claims=claims)

    assert figures(user).figure("clean_claim_rate").series[-2] is not None


def test_a_voided_desk_payment_leaves_the_figures(history, here):
    _april, may = history
    payment = desk_payment(may.patient, "25.00", location=here)
    user = manager()
    figures(user)

    void_payment(actor=manager(), payment=payment, reason="Entered twice.")

    figures(user)


def test_a_user_of_another_location_never_gets_the_figures_kept_for_all(history):
    revenue_kpis(manager())  # keeps every location's finished months
    elsewhere = UserFactory(roles=[Role.OFFICE_MANAGER], locations=[LocationFactory()])

    kept = figures(elsewhere)

    assert kept.ar == Decimal("0.00")
    assert all(v is None for v in kept.figure("gross_collection_rate").series)


def test_a_user_of_the_location_gets_its_figures_once_another_location_has_money(history, here):
    there = LocationFactory(name="There")
    claimed_visit(location=there, days_ago=45)
    revenue_kpis(manager())
    limited = UserFactory(roles=[Role.OFFICE_MANAGER], locations=[here])

    kept = figures(limited)

    assert kept.ar < revenue_kpis(manager()).ar


def _windows_summed(monkeypatch) -> list:
    windows: list = []
    summed = selector._window
    monkeypatch.setattr(
        selector, "_window", lambda *a, **k: windows.append(a[1]) or summed(*a, **k)
    )
    return windows


def test_a_copay_taken_today_keeps_the_finished_months(history, here, monkeypatch):
    user = manager()
    revenue_kpis(user)
    june = claimed_visit(location=here, days_ago=0)
    desk_payment(june.patient, "25.00", location=here)
    windows = _windows_summed(monkeypatch)

    kept = revenue_kpis(user)

    assert windows == [[dt.date(2026, 6, 1)]]  # only the current month summed
    assert kept == revenue_kpis(user, cached=False)


def test_a_payment_on_a_claim_sent_in_a_finished_month_sums_them_again(history, monkeypatch):
    _april, may = history
    sent_in_may = dt.datetime(2026, 5, 16, 16, 0, tzinfo=dt.UTC)
    Claim.objects.filter(pk=claim_of(may).pk).update(first_submitted_at=sent_in_may)
    user = manager()
    revenue_kpis(user)
    service.post_insurance_payment(actor=SYSTEM, line=lines_of(may)[0], claim=claim_of(may),
                                   payer_id=claim_of(may).payer_id, amount="50.00")  # fmt: skip
    windows = _windows_summed(monkeypatch)

    kept = revenue_kpis(user)

    assert len(windows) == 2  # the finished months again, and the current one
    assert kept == revenue_kpis(user, cached=False)
