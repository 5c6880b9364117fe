"""`medoffice send-reminders`: queue the reminders that have come due and send what is due, once.

For practices that run it from cron instead of `medoffice worker` (which does the
same every five minutes), and for trying the templates.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from medoffice.core.permissions import SystemActor
from medoffice.scheduling import reminders


class Command(BaseCommand):
    help = "Queue the reminders that have come due and send the messages that are due, once."

    def handle(self, *args: Any, **options: Any) -> None:
        queued, sent = reminders.run_once(actor=SystemActor("command: send-reminders"))
        if options["verbosity"]:
            self.stdout.write(
                f"Queued {queued.queued} reminder(s), skipped {queued.skipped + sent.skipped}; "
                f"sent {sent.sent}, failed {sent.failed}."
            )
