"""The demo's statements: last month's run made by the service, and a few accounts in
collections that got the run's statements before they were flagged."""

from __future__ import annotations

import pytest

from medoffice.billing.demo_statements import build_statements
from medoffice.billing.models import CollectionsFlag, Statement, StatementRun
from tests.scheduling.test_demo import build_small

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_small()
        yield
        from django.apps import apps
        from django.core.management import call_command

        call_command("flush", interactive=False)
        reference = __import__(
            "medoffice.billing.migrations.0005_reference_tables", fromlist=["add_reference_rows"]
        )
        reference.add_reference_rows(apps, None)


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
