"""The demo's statements: last month's run made by the service, and a few accounts in
collections that got the run's statements before they were flagged."""

from __future__ import annotations

import pytest

from medoffice.billing.demo_statements import build_statements
from medoffice.billing.models import CollectionsFlag, Statement, StatementRun

pytestmark = pytest.mark.django_db


def test_the_demo_has_last_months_statement_run(demo):
    from medoffice.billing.services.statements import practice_today

    [run] = StatementRun.objects.all()
    assert run.period == (
        practice_today().replace(day=1) - __import__("datetime").timedelta(days=1)
    ).replace(day=1)
    assert run.statements.exists()


def test_every_demo_statement_is_above_the_minimum(demo):
    assert not Statement.objects.filter(amount_due__lte=5).exists()


def test_a_few_demo_accounts_are_in_collections(demo):
    assert 1 <= CollectionsFlag.objects.filter(reversed_at__isnull=True).count() <= 3


def test_building_the_statements_again_adds_nothing(demo):
    before = (Statement.objects.count(), CollectionsFlag.objects.count())
    build_statements({})
    assert (Statement.objects.count(), CollectionsFlag.objects.count()) == before
