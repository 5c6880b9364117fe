"""The demo practice's statements: last month's statement run, and a few accounts in
collections.

Runs after the ledger (``billing-ledger``): the run is the service's own
(``run_statements`` for the last day of last month, as the monthly task would), so the
statements, their e-mails (queued through messaging) and the print file are what the
office would see. Then the three guarantors owing the most since longest are sent to
collections. A second run finds the statements there and does nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def build_statements(context: dict[str, Any], seed: int = 2026) -> None:
    from django.utils import timezone

    from medoffice.billing.models import CollectionsFlag, Statement
    from medoffice.billing.services import statements as service
    from medoffice.core.models import practice_zone
    from medoffice.core.permissions import SystemActor

    if Statement.objects.exists():
        return
    actor = SystemActor("demo")
    today = timezone.now().astimezone(practice_zone()).date()
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    run = service.run_statements(as_of=last_month_end, actor=actor)
    if CollectionsFlag.objects.exists():
        return
    oldest = run.statements.select_related("patient").order_by(
        "-aging_over_120", "-aging_91_120", "-amount_due", "pk"
    )[:3]
    for statement in oldest:
        service.flag_to_collections(
            patient=statement.patient,
            reason="No payment after three notices (demo)",
            actor=actor,
        )


STATEMENT_DAY = 3  # early in the month: last month's charges and remittances are in


def build_statement_schedule(context: dict[str, Any], seed: int = 2026) -> None:
    """The month's statements run by themselves on the 3rd; a schedule set already (by the
    demo or by the office) is left as it is."""
    from medoffice.billing.services import statement_schedule
    from medoffice.core.permissions import SystemActor

    if statement_schedule.current_schedule().updated_at is not None:
        return
    statement_schedule.update_schedule(
        actor=SystemActor("demo: statement schedule"),
        statement_day=STATEMENT_DAY,
        automatic=True,
    )
