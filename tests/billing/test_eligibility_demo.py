"""The demo's eligibility checks: the coming visits, realistic answers, a worklist."""

from __future__ import annotations

import pytest

from medoffice.billing.demo_eligibility import build_eligibility
from medoffice.billing.models import EligibilityCheck
from medoffice.billing.selectors import eligibility as selectors
from medoffice.core.permissions import SystemActor
from tests.scheduling.test_demo import build_small

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(clock_at):
    clock_at(10)
    build_small()


def test_the_demo_checks_the_coming_visits_with_answers_and_rejections(demo):
    statuses = set(EligibilityCheck.objects.values_list("status", flat=True))
    reasons = " ".join(EligibilityCheck.objects.values_list("rejection_reason", flat=True))
    assert {"active", "rejected"} <= statuses
    assert "AAA 72" in reasons or "AAA 75" in reasons
    assert EligibilityCheck.objects.filter(status="active", copay__isnull=False).exists()


def test_the_demo_fills_the_worklist(demo):
    assert selectors.worklist(SystemActor("test")).exists()


def test_building_the_eligibility_demo_again_adds_nothing(demo):
    count = EligibilityCheck.objects.count()
    build_eligibility({}, 7)
    assert EligibilityCheck.objects.count() == count
