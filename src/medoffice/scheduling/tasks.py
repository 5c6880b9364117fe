"""Background work of the appointment book: reminders every five minutes.

``send_due_reminders`` queues the reminders that have come due and sends what is
due (``reminders.run_once``). Like the nightly audit check (core/tasks.py), the
periodic run is the same task enqueued with ``reschedule=True`` and a ``run_after``;
after running it enqueues its successor five minutes on. `medoffice worker` makes
sure one run is waiting when it starts, and ``reminder_run_pending`` keeps it to one.
Cron users run `medoffice send-reminders` instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django_tasks import TaskResultStatus, task, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_rq import RQBackend

logger = logging.getLogger(__name__)

INTERVAL = dt.timedelta(minutes=5)


@task()
def send_due_reminders(*, reschedule: bool = False) -> dict[str, Any]:
    """Queue and send due reminders; a periodic run enqueues the next one."""
    from medoffice.scheduling import reminders

    try:
        queued, sent = reminders.run_once()
    finally:
        if reschedule:
            schedule_reminder_run()
    return {
        "queued": queued.queued,
        "skipped": queued.skipped + sent.skipped,
        "sent": sent.sent,
        "failed": sent.failed,
    }


def reminder_run_pending() -> bool:
    """Whether a periodic reminder run is already waiting in the configured backend."""
    task_ = send_due_reminders
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
    if isinstance(backend, RQBackend):
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


def schedule_reminder_run(now: dt.datetime | None = None) -> dt.datetime | None:
    """Enqueue the next periodic run (five minutes on) unless one is waiting.

    The running task is "running", not "ready", so it does not count as waiting.
    Returns None when the backend cannot defer work or a run is already waiting.
    """
    backend = task_backends[send_due_reminders.backend]
    if not backend.supports_defer:
        logger.info("Task backend %s cannot defer work: no periodic reminders.", backend.alias)
        return None
    if reminder_run_pending():
        return None
    when = (now or dt.datetime.now(dt.UTC)) + INTERVAL
    send_due_reminders.using(run_after=when).enqueue(reschedule=True)
    return when
