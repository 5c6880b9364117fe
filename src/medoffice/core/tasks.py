"""Background work of the core app: the nightly walk of the audit chain.

``verify_audit_chain_task`` walks the chain (``core.audit.verify_chain``) and keeps
the result for the office manager's home page. The nightly run is the same task
enqueued with ``reschedule=True`` and ``run_after`` at the next 02:00 in the
practice's time zone; after running it enqueues its successor. `medoffice worker`
makes sure one nightly run is waiting when it starts, so the chain survives a
lost job, and ``periodic_run_pending`` keeps it to one. Other apps' periodic
tasks (reminders) use the same two helpers: ``periodic_run_pending`` and
``schedule_periodic_run``, and register their "schedule the next run" function with
``register_periodic`` (in their ``AppConfig.ready``); the worker calls every registered
one when it starts (``schedule_registered``). Core imports no app's tasks.

Both the database backend and the RQ backend can defer a task (the RQ worker
runs with its scheduler for that); a backend that cannot (the immediate backend)
gets no nightly run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django_tasks import TaskResultStatus, task, task_backends
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend

from medoffice.core import audit
from medoffice.core.models import practice_zone

logger = logging.getLogger(__name__)

NIGHTLY_HOUR = 2


@dataclasses.dataclass(frozen=True)
class PeriodicTask:
    """A periodic task an app registers: ``schedule()`` enqueues its next run unless one is
    waiting and returns when it runs (None when nothing was enqueued); ``announce`` is what
    the worker prints then, formatted with ``when``."""

    name: str
    schedule: Callable[[], dt.datetime | None]
    announce: str


_periodic: dict[str, PeriodicTask] = {}


def register_periodic(*tasks: PeriodicTask) -> None:
    for periodic in tasks:
        _periodic.setdefault(periodic.name, periodic)


def periodic_tasks() -> list[PeriodicTask]:
    return list(_periodic.values())


def schedule_registered() -> list[tuple[PeriodicTask, dt.datetime]]:
    """Schedule every registered periodic task; the ones enqueued now, with their time."""
    scheduled = []
    for periodic in periodic_tasks():
        when = periodic.schedule()
        if when is not None:
            scheduled.append((periodic, when))
    return scheduled


def next_nightly_run(now: dt.datetime, zone: ZoneInfo, hour: int = NIGHTLY_HOUR) -> dt.datetime:
    """The first ``hour``:00 in ``zone`` strictly after ``now``, as an aware UTC datetime."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local_day = now.astimezone(zone).date()
    for offset in range(3):
        candidate = dt.datetime.combine(
            local_day + dt.timedelta(days=offset), dt.time(hour), tzinfo=zone
        ).astimezone(dt.UTC)
        if candidate > now:
            return candidate
    raise AssertionError("unreachable: a day always has an hour after now")


@task()
def verify_audit_chain_task(*, reschedule: bool = False) -> dict[str, Any]:
    """Walk the audit chain, keep the result; a nightly run enqueues the next one."""
    report = audit.verify_chain(save=True)
    if reschedule:
        schedule_nightly_verification()
    if not report.ok:
        logger.error("Audit chain verification failed: %s", report.message)
    return dataclasses.asdict(report)


def is_rq_backend(backend: Any) -> bool:
    """Whether ``backend`` is django-tasks-rq's (an optional extra: not imported unless used)."""
    return type(backend).__module__.split(".")[0] == "django_tasks_rq"


def periodic_run_pending(task_: Task) -> bool:
    """Whether a periodic run of ``task_`` (enqueued with ``reschedule=True``) is waiting.

    A running task is "running", not "ready", so it does not count as waiting: a
    periodic run can enqueue its successor while it runs.
    """
    backend = task_.get_backend()
    path = task_.module_path
    if isinstance(backend, DatabaseBackend):
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(
            backend_name=backend.alias,
            task_path=path,
            status=TaskResultStatus.READY,
            args_kwargs__kwargs__reschedule=True,
        ).exists()
    if is_rq_backend(backend):
        import django_rq
        from rq.job import Job
        from rq.registry import ScheduledJobRegistry

        queue = django_rq.get_queue(task_.queue_name)
        job_ids = [*ScheduledJobRegistry(queue=queue).get_job_ids(), *queue.get_job_ids()]
        jobs = Job.fetch_many(job_ids, connection=queue.connection)
        return any(
            job is not None and job.func_name == path and job.kwargs.get("reschedule")
            for job in jobs
        )
    return False


def schedule_periodic_run(task_: Task, when: dt.datetime, *, what: str) -> dt.datetime | None:
    """Enqueue a periodic run of ``task_`` at ``when`` unless one is waiting; return ``when``.

    Returns None when the backend cannot defer work (the log names ``what`` is
    lost) or when a run is already waiting.
    """
    backend = task_backends[task_.backend]
    if not backend.supports_defer:
        logger.info("Task backend %s cannot defer work: no %s.", backend.alias, what)
        return None
    if periodic_run_pending(task_):
        return None
    task_.using(run_after=when).enqueue(reschedule=True)
    return when


def schedule_nightly_verification(now: dt.datetime | None = None) -> dt.datetime | None:
    """Enqueue the next nightly verification unless one is waiting; return when it runs.

    Returns None when the backend cannot defer work, or when one is already waiting.
    """
    when = next_nightly_run(now or dt.datetime.now(dt.UTC), practice_zone())
    return schedule_periodic_run(verify_audit_chain_task, when, what="nightly audit check")


FAILURE_SUMMARY_INTERVAL = dt.timedelta(minutes=1)


@task()
def summarise_failures_task(*, reschedule: bool = False) -> dict[str, int]:
    """Write the audit summaries of the minutes of anonymous failures that are over
    (core/failures.py); a periodic run enqueues the next one a minute on."""
    from medoffice.core.failures import flush_failure_tallies

    try:
        written = flush_failure_tallies()
    finally:
        if reschedule:
            schedule_failure_summaries()
    return {"summaries": written}


def schedule_failure_summaries(now: dt.datetime | None = None) -> dt.datetime | None:
    """Enqueue the next summary run (a minute on) unless one is waiting."""
    when = (now or dt.datetime.now(dt.UTC)) + FAILURE_SUMMARY_INTERVAL
    return schedule_periodic_run(summarise_failures_task, when, what="failure summaries")
