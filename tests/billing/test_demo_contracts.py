"""The demo's contracts and adjudicated lines: a contract per demo payer, one adjudication
per line of the older claims, about 3 % of them underpaid (what the report finds)."""

from __future__ import annotations

import pytest

from medoffice.billing.models import Contract, LineAdjudication
from medoffice.billing.selectors.contracts import underpayments
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def test_the_demo_has_commercial_and_percent_of_medicare_contracts(demo):
    methods = set(Contract.objects.values_list("method", flat=True))

    assert {"schedule", "medicare"} <= methods


def test_each_adjudicated_line_is_recorded_once_with_its_contract(demo):
    rows = LineAdjudication.objects.filter(source_kind="demo")  # not the EOBs typed in

    assert rows.exists()
    assert not rows.filter(contract__isnull=True).exists()
    assert rows.values("charge_line_id").distinct().count() == rows.count()


def test_a_few_percent_of_the_demo_lines_are_underpaid(demo):
    priced = LineAdjudication.objects.filter(expected_allowed__isnull=False).count()
    short = underpayments(SYSTEM, limit=None, audit=False).total.lines

    assert 0 < short < priced * 0.08


def test_building_the_demo_again_adds_no_contract(demo):
    from medoffice.billing.demo_contracts import build_contracts

    before = (Contract.objects.count(), LineAdjudication.objects.count())
    build_contracts({})

    assert (Contract.objects.count(), LineAdjudication.objects.count()) == before
