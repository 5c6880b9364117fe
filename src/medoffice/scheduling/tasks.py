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
from typing import Any

from django_tasks import task

from medoffice.core.permissions import SystemActor
from medoffice.core.tasks import periodic_run_pending, schedule_periodic_run

INTERVAL = dt.timedelta(minutes=5)


@task()
def send_due_reminders(*, reschedule: bool = False) -> dict[str, Any]:
    """Queue and send due reminders; a periodic run enqueues the next one."""
    from medoffice.scheduling import reminders

    try:
        queued, sent = reminders.run_once(actor=SystemActor("task: send_due_reminders"))
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
    return periodic_run_pending(send_due_reminders)


def schedule_reminder_run(now: dt.datetime | None = None) -> dt.datetime | None:
    """Enqueue the next periodic run (five minutes on) unless one is waiting.

    Returns None when the backend cannot defer work or a run is already waiting.
    """
    when = (now or dt.datetime.now(dt.UTC)) + INTERVAL
    return schedule_periodic_run(send_due_reminders, when, what="periodic reminders")
