"""The hourly eligibility run: queue the coming visits' checks, send them, once an hour."""

from __future__ import annotations

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from medoffice.billing import tasks
from medoffice.billing.models import EligibilityCheck
from tests.billing.factories_eligibility import insured, local_day, visit_on
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_the_hourly_run_queues_and_sends_the_coming_visits_checks(location, tmp_path):
    patient = PatientFactory(home_location=location)
    insured(patient, tmp_path)
    visit_on(local_day(1), location, patient=patient)
    result = tasks.check_eligibility.call()
    assert result["queued"] == 1
    assert EligibilityCheck.objects.get().status == "sent"
    assert [p.name for p in tmp_path.glob("*.x12")] == result["files"]


def test_the_periodic_run_enqueues_its_successor_once(settings, practice):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    first = tasks.schedule_eligibility_run()
    second = tasks.schedule_eligibility_run()
    waiting = DBTaskResult.objects.filter(
        task_path=tasks.check_eligibility.module_path, status=TaskResultStatus.READY
    )
    assert first is not None
    assert second is None
    assert waiting.count() == 1
