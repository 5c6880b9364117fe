"""The demo's payment plans: up to three of the patients who owe the most, once."""

from __future__ import annotations

import pytest

from medoffice.billing.demo_plans import build_plans
from medoffice.billing.models import PaymentPlan
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_ledger import claimed_visit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


def test_the_demo_gives_three_owing_patients_a_plan_once():
    for _ in range(4):
        claimed_visit(insured=False)
    build_plans({})
    build_plans({})
    plans = list(PaymentPlan.objects.all())
    assert len(plans) == 3
    assert all(p.status == "active" and p.instalments.count() >= 2 for p in plans)


def test_the_demo_makes_no_plan_when_no_one_owes_enough():
    build_plans({})
    assert not PaymentPlan.objects.exists()


def test_the_demo_uses_the_none_processor():
    from medoffice.billing.processors import get_processor

    assert get_processor().name == "none"
