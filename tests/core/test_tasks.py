"""Background work: the worker command on both backends, and the nightly audit check."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, AuditVerification
from medoffice.core.roles import Role
from medoffice.core.tasks import (
    next_nightly_run,
    schedule_nightly_verification,
    verify_audit_chain_task,
)
from tests.factories import PracticeFactory

NEW_YORK = ZoneInfo("America/New_York")
# A Redis database of its own, so that the test touches nothing else on the server.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _local_hour(when: dt.datetime, zone: ZoneInfo) -> tuple[int, int]:
    local = when.astimezone(zone)
    return local.hour, local.minute


def test_next_nightly_run_is_later_the_same_night_before_two_oclock():
    now = dt.datetime(2025, 6, 10, 5, 30, tzinfo=dt.UTC)  # 01:30 in New York
    assert next_nightly_run(now, NEW_YORK) == dt.datetime(2025, 6, 10, 6, 0, tzinfo=dt.UTC)


def test_next_nightly_run_is_the_next_night_after_two_oclock():
    now = dt.datetime(2025, 6, 10, 6, 0, tzinfo=dt.UTC)  # exactly 02:00 in New York
    assert next_nightly_run(now, NEW_YORK) == dt.datetime(2025, 6, 11, 6, 0, tzinfo=dt.UTC)


def test_next_nightly_run_follows_the_practice_clock_across_daylight_saving():
    now = dt.datetime(2025, 11, 1, 12, 0, tzinfo=dt.UTC)  # the day before clocks go back
    assert next_nightly_run(now, NEW_YORK) == dt.datetime(2025, 11, 2, 7, 0, tzinfo=dt.UTC)


def test_next_nightly_run_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_nightly_run(dt.datetime(2025, 6, 10, 5, 30), NEW_YORK)


@pytest.mark.django_db
def test_the_nightly_verification_is_scheduled_once_however_often_the_worker_starts():
    PracticeFactory(time_zone="America/Chicago")
    first = schedule_nightly_verification()
    second = schedule_nightly_verification()
    assert first is not None
    assert second is None
    pending = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert pending.count() == 1
    assert _local_hour(pending.get().run_after, ZoneInfo("America/Chicago")) == (2, 0)


@pytest.mark.django_db(transaction=True)
def test_database_worker_runs_the_audit_check_and_keeps_the_result():
    record_event(AuditAction.LOGIN, username="someone")
    result = verify_audit_chain_task.enqueue()

    call_command("worker", batch=True, schedule=False, verbosity=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["ok"] is True
    verification = AuditVerification.objects.get()
    assert verification.ok
    assert verification.entries_checked == 1


@pytest.mark.django_db(transaction=True)
def test_office_manager_home_page_shows_the_latest_audit_check(client_for):
    client = client_for(Role.OFFICE_MANAGER)
    verify_audit_chain_task.enqueue()

    call_command("worker", batch=True, schedule=False, verbosity=0)

    page = client.get("/").content.decode()
    assert "Chain intact" in page
    assert f"verified {AuditVerification.objects.get().entries_checked} of" in page


@pytest.mark.django_db(transaction=True)
def test_nightly_audit_check_enqueues_the_next_night_after_running():
    PracticeFactory(time_zone="America/New_York")
    verify_audit_chain_task.enqueue(reschedule=True)

    call_command("worker", batch=True, schedule=False, verbosity=0)

    assert AuditVerification.objects.count() == 1
    nxt = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert nxt.args_kwargs["kwargs"] == {"reschedule": True}
    assert _local_hour(nxt.run_after, NEW_YORK) == (2, 0)


def _redis_or_skip() -> Redis:
    client = Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except RedisConnectionError as exc:
        message = f"Redis at {TEST_REDIS_URL} is unreachable: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return client


def _flush_queue(name: str) -> None:
    """Delete the queue's jobs and registries: nothing else in Redis."""
    import django_rq
    from rq.job import Job

    queue = django_rq.get_queue(name)
    registries = [
        queue.started_job_registry,
        queue.finished_job_registry,
        queue.failed_job_registry,
        queue.deferred_job_registry,
        queue.scheduled_job_registry,
        queue.canceled_job_registry,
    ]
    job_ids = set(queue.get_job_ids())
    for registry in registries:
        job_ids.update(registry.get_job_ids())
    for job in Job.fetch_many(sorted(job_ids), connection=queue.connection):
        if job is not None:
            job.delete()
    queue.empty()
    queue.connection.delete(*(registry.key for registry in registries))
    queue.connection.srem(queue.redis_queues_keys, queue.key)


@pytest.fixture
def rq_backend():
    _redis_or_skip()
    with override_settings(
        RQ_QUEUES={"default": {"URL": TEST_REDIS_URL, "DEFAULT_TIMEOUT": 60}},
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
    ):
        # Changing TASKS resets django_tasks' cache of backends (its setting_changed
        # receiver), so the task below resolves to the RQ backend.
        _flush_queue("default")
        yield
        _flush_queue("default")


@pytest.mark.django_db(transaction=True)
def test_rq_worker_runs_the_audit_check_from_redis(rq_backend):
    from django_tasks_rq import RQBackend

    assert isinstance(verify_audit_chain_task.get_backend(), RQBackend)
    record_event(AuditAction.LOGIN, username="someone")
    result = verify_audit_chain_task.enqueue()

    call_command("worker", batch=True, in_process=True, schedule=False, verbosity=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["entries_checked"] == 1
    assert AuditVerification.objects.get().ok


@pytest.mark.django_db(transaction=True)
def test_rq_nightly_audit_check_schedules_the_next_night_in_redis(rq_backend):
    import django_rq

    PracticeFactory(time_zone="America/New_York")
    verify_audit_chain_task.enqueue(reschedule=True)

    call_command("worker", batch=True, in_process=True, schedule=False, verbosity=0)

    assert AuditVerification.objects.count() == 1
    registry = django_rq.get_queue("default").scheduled_job_registry
    (job_id,) = registry.get_job_ids()
    scheduled_at = registry.get_scheduled_time(job_id)
    assert _local_hour(scheduled_at, NEW_YORK) == (2, 0)
    assert schedule_nightly_verification() is None  # already waiting: not doubled


def test_worker_stops_cleanly_on_sigterm_and_sigint(tmp_path: Path):
    env = {
        **os.environ,
        "MEDOFFICE_TESTING": "1",
        "MEDOFFICE_VAR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "TASK_BACKEND": "database",
    }
    cli = [sys.executable, "-m", "medoffice.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True, timeout=120)
    for sig in (signal.SIGTERM, signal.SIGINT):
        worker = subprocess.Popen(
            [*cli, "worker", "--interval", "0.2"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert worker.stdout is not None
        for line in worker.stdout:
            if "Starting worker" in line:
                break
        worker.send_signal(sig)
        assert worker.wait(timeout=30) == 0, f"worker exited badly on {sig.name}"
        worker.stdout.close()
