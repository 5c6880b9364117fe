"""`medoffice demo-data` builds the demo practice and is safe to run again."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from medoffice.core.models import Practice, User
from medoffice.patients.models import EmergencyAccess, Patient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_demo(settings):
    """The command's behaviour, not its size: a small practice keeps these tests quick
    (tests/scheduling/test_demo.py checks the data's shape; bench/demo_build.py
    times the full demo)."""
    from medoffice.core.demo.helpers import FrontOfficeSize

    settings.DEMO_FRONT_OFFICE_SIZE = FrontOfficeSize(
        patients=120, past_days=21, future_days=7, waitlist=5, recalls=10
    )


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo_data", "--quiet-logins", stdout=out)
    return out.getvalue()


def test_demo_data_builds_the_demo_practice():
    assert "Demo practice ready" in run_demo()
    assert Practice.objects.count() == 1
    assert User.objects.filter(username="manager").exists()
    assert Patient.objects.exists()
    assert EmergencyAccess.objects.filter(reviewed_at__isnull=True).exists()


def test_running_demo_data_twice_creates_no_duplicates():
    run_demo()
    first = row_counts()
    run_demo()
    assert row_counts() == first


def test_demo_practice_passes_its_own_validation():
    run_demo()
    Practice.objects.get().full_clean()
