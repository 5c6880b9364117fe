"""The practice's statement schedule and the scheduled monthly run.

- ``current_schedule()``: the one schedule row (made with the defaults when missing:
  day 5, by hand).
- ``update_schedule(actor=…, statement_day=…, automatic=…)``: the office manager or the
  biller sets the day and whether the run is automatic; all errors at once, audited.
- ``run_scheduled_statements(now=…)``: what the daily background check does. On the
  statement day (practice time), or the first check after it that month, when the run is
  automatic and has not run automatically this month, it makes the month's run
  (``statements.run_statements``: a guarantor gets one statement a month, so a run the
  biller already made is completed, never doubled), e-mails those who consented and
  leaves the paper statements in the run's print file for the biller.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from medoffice.billing import statement_rules as rules
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import StatementDelivery, StatementRun, StatementSchedule
from medoffice.billing.services import statements
from medoffice.core.audit import record_change
from medoffice.core.models import practice_zone
from medoffice.core.permissions import Actor, SystemActor, actor_user, require
from medoffice.core.roles import Permission

SCHEDULER = SystemActor("scheduled statement run")
REFUSED = "Your role does not change the statement schedule."
FIRST_DAY, LAST_DAY = 1, 28


def current_schedule() -> StatementSchedule:
    schedule = StatementSchedule.objects.order_by("pk").first()
    if schedule is None:
        schedule, _ = StatementSchedule.objects.get_or_create(pk=1)
    return schedule


def _clean_day(value: Any) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 2:
        return None
    day = int(text)
    return day if FIRST_DAY <= day <= LAST_DAY else None


def _clean_flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in {"1", "true", "on", "yes"}:
        return True
    if text in {"", "0", "false", "off", "no"}:
        return False
    return None


@transaction.atomic
def update_schedule(*, actor: Actor, statement_day: Any, automatic: Any) -> StatementSchedule:
    """Set the statement day (1 to 28: every month has it) and whether the run is
    automatic; every error at once, nothing written on a refusal; audited."""
    require(actor, Permission.POST_LEDGER, REFUSED)
    errors: dict[str, ValidationError] = {}
    day = _clean_day(statement_day)
    if day is None:
        errors["statement_day"] = ValidationError(
            f"Choose a day of the month from {FIRST_DAY} to {LAST_DAY} (every month has it).",
            code=Code.STATEMENT_DAY_INVALID,
        )
    flag = _clean_flag(automatic)
    if flag is None:
        errors["automatic"] = ValidationError(
            "Say whether the statements run automatically (yes or no).",
            code=Code.STATEMENT_SCHEDULE_INVALID,
        )
    if errors:
        raise ValidationError(errors)
    assert day is not None
    assert flag is not None
    schedule = StatementSchedule.objects.select_for_update().get(pk=current_schedule().pk)
    before = (schedule.statement_day, schedule.automatic)
    schedule.statement_day = day
    schedule.automatic = flag
    schedule.updated_at = timezone.now()
    schedule.updated_by = actor_user(actor)
    state = "automatic" if flag else "by hand"
    return record_change(
        schedule,
        user=actor,
        update_fields=["statement_day", "automatic", "updated_at", "updated_by"],
        data_category="statements",
        detail=f"statement schedule: day {before[0]} -> {day}, "
        f"{'automatic' if before[1] else 'by hand'} -> {state}",
    )


@dataclass(frozen=True)
class ScheduledRunResult:
    ran: bool
    reason: str
    run: StatementRun | None = None
    emailed: int = 0
    to_print: int = 0


def run_scheduled_statements(*, now: dt.datetime | None = None) -> ScheduledRunResult:
    """The daily check of the schedule (see the module's notes): the run when it is due."""
    now = now or timezone.now()
    today = now.astimezone(practice_zone()).date()
    with transaction.atomic():
        schedule = StatementSchedule.objects.select_for_update().get(pk=current_schedule().pk)
        if not schedule.automatic:
            return ScheduledRunResult(False, "the statements run by hand")
        if not rules.automatic_run_due(
            today, schedule.statement_day, schedule.last_automatic_period
        ):
            return ScheduledRunResult(False, "not the statement day, or done this month")
        run = statements.run_statements(as_of=today, actor=SCHEDULER)
        schedule.last_automatic_period = rules.month_of(today)
        schedule.last_automatic_run = run
        schedule.save(update_fields=["last_automatic_period", "last_automatic_run"])
    counts = month_counts(run)
    return ScheduledRunResult(True, "run", run, counts.emailed, counts.to_print)


@dataclass(frozen=True)
class MonthCounts:
    run: StatementRun | None
    emailed: int
    to_print: int


def month_counts(run: StatementRun | None) -> MonthCounts:
    """How many statements of a run went by e-mail and how many wait to be printed (all of
    them: a count, no patient's data)."""
    if run is None:
        return MonthCounts(None, 0, 0)
    deliveries = list(run.statements.values_list("delivery", flat=True))
    return MonthCounts(
        run,
        sum(1 for d in deliveries if d == StatementDelivery.EMAIL),
        sum(1 for d in deliveries if d == StatementDelivery.PRINT),
    )


def this_months_run(*, now: dt.datetime | None = None) -> StatementRun | None:
    """The all-locations run of the current month (practice time), if made."""
    today = (now or timezone.now()).astimezone(practice_zone()).date()
    return StatementRun.objects.filter(period=rules.month_of(today), scope="").first()


__all__ = [
    "MonthCounts",
    "ScheduledRunResult",
    "current_schedule",
    "month_counts",
    "run_scheduled_statements",
    "this_months_run",
    "update_schedule",
]
