"""Billing's background work: eligibility every hour; payment plans and balance reminders
every hour; the statement schedule every morning at 09:00 practice time (the month's run
on the statement day when it is automatic).

``check_eligibility`` queues a check for each visit booked up to ``ELIGIBILITY_DAYS_AHEAD``
days on (a visit booked at short notice, inside that window, is picked up by the next
hourly run) and writes the queued checks to the clearinghouses. The periodic run is the
same task enqueued with ``reschedule=True``; after running it enqueues its successor an
hour on (the pattern of ``scheduling/tasks.py``). Cron users run
`medoffice eligibility queue` and `medoffice eligibility send` instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import task

from medoffice.core.permissions import SystemActor
from medoffice.core.tasks import periodic_run_pending, schedule_periodic_run

INTERVAL = dt.timedelta(hours=1)


@task()
def check_eligibility(*, reschedule: bool = False) -> dict[str, Any]:
    """Queue the coming visits' checks and send every queued one."""
    from medoffice.billing.services import eligibility

    actor = SystemActor("task: check_eligibility")
    try:
        queued = eligibility.queue_checks(actor=actor)
        batch = eligibility.write_batch(actor=actor)
    finally:
        if reschedule:
            schedule_eligibility_run()
    return {
        "queued": len(queued),
        "files": [f.file_name for f in batch.files],
        "failed": len(batch.failed),
        "undelivered": [f.note for f in batch.undelivered],
    }


def eligibility_run_pending() -> bool:
    return periodic_run_pending(check_eligibility)


def schedule_eligibility_run(now: dt.datetime | None = None) -> dt.datetime | None:
    """Enqueue the next hourly run unless one is waiting."""
    when = (now or dt.datetime.now(dt.UTC)) + INTERVAL
    return schedule_periodic_run(check_eligibility, when, what="hourly eligibility checks")


# --- patients' balances: plans and reminders, every hour -------------------------------------


@task()
def patient_billing(*, reschedule: bool = False) -> dict[str, Any]:
    """Refresh the payment plans' status, queue plan and balance reminders (only between
    8:00 and 21:00 practice time) and send what is queued."""
    from medoffice.billing import reminders
    from medoffice.billing.services.plans import refresh_plans
    from medoffice.messaging.services import send_queued_messages

    actor = SystemActor("task: patient_billing")
    try:
        plans = refresh_plans(actor=actor)
        plan_reminders = reminders.queue_plan_reminders(actor=actor)
        balance = reminders.queue_balance_reminders(actor=actor)
        sent = send_queued_messages(actor=actor)
    finally:
        if reschedule:
            schedule_patient_billing_run()
    return {
        "plans": plans,
        "plan_reminders": plan_reminders.queued,
        "balance_reminders": balance.queued,
        "sent": sent.sent,
    }


def schedule_patient_billing_run(now: dt.datetime | None = None) -> dt.datetime | None:
    """Enqueue the next hourly run unless one is waiting."""
    when = (now or dt.datetime.now(dt.UTC)) + INTERVAL
    return schedule_periodic_run(
        patient_billing, when, what="hourly payment plans and balance reminders"
    )


# --- the monthly statement run, checked every morning ----------------------------------------

STATEMENT_CHECK_HOUR = 9  # practice time: after the quiet hours, when the office is open


@task()
def scheduled_statements(*, reschedule: bool = False) -> dict[str, Any]:
    """Make the month's statement run when the schedule says so (see
    ``services.statement_schedule``) and send the e-mails it queued."""
    from medoffice.billing.services.statement_schedule import run_scheduled_statements
    from medoffice.messaging.services import send_queued_messages

    try:
        result = run_scheduled_statements()
        sent = send_queued_messages(actor=SystemActor("task: scheduled_statements"))
    finally:
        if reschedule:
            schedule_statement_check()
    return {
        "ran": result.ran,
        "reason": result.reason,
        "emailed": result.emailed,
        "to_print": result.to_print,
        "sent": sent.sent,
    }


def schedule_statement_check(now: dt.datetime | None = None) -> dt.datetime | None:
    """Enqueue the next morning's check (09:00 practice time) unless one is waiting."""
    from medoffice.core.models import practice_zone
    from medoffice.core.tasks import next_nightly_run

    when = next_nightly_run(
        now or dt.datetime.now(dt.UTC), practice_zone(), hour=STATEMENT_CHECK_HOUR
    )
    return schedule_periodic_run(scheduled_statements, when, what="monthly statement run")
