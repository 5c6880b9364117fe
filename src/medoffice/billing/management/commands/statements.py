"""`medoffice statements run [--as-of DATE] [--location ID...]`: the monthly statement run
(one statement per guarantor owing more than the minimum; e-mailed where consented, else
to print); `medoffice statements small-balances [--as-of DATE]`: the small-balance
write-off rule. Running a month again adds nothing twice."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from medoffice.billing.models import StatementDelivery
from medoffice.billing.services import statements as service
from medoffice.core.models import practice_zone
from medoffice.core.money import format_money
from medoffice.core.permissions import SystemActor


def _refusal(exc: ValidationError) -> CommandError:
    if hasattr(exc, "error_dict"):
        text = "; ".join(f"{f}: {' '.join(m)}" for f, m in exc.message_dict.items())
    else:
        text = " ".join(exc.messages)
    return CommandError(text.replace("as_of:", "--as-of:"))


class Command(BaseCommand):
    help = "Patient statements: `run` the month's statements, `small-balances` write-offs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="make this month's statements")
        run.add_argument("--as-of", default="", help="the statement date, YYYY-MM-DD (today)")
        run.add_argument("--location", type=int, action="append", help="only this location id")
        small = sub.add_parser("small-balances", help="write off the small old balances")
        small.add_argument("--as-of", default="", help="YYYY-MM-DD (today)")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"] or timezone.now().astimezone(practice_zone()).date()
        try:
            if options["action"] == "run":
                actor = SystemActor("command: statements run")
                run = service.run_statements(
                    as_of=as_of, actor=actor, location_ids=options.get("location")
                )
                statements = list(run.statements.all())
                emailed = sum(1 for s in statements if s.delivery == StatementDelivery.EMAIL)
                total = sum((s.amount_due for s in statements), start=service.ZERO)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{run}: {len(statements)} statement(s), {format_money(total)} due; "
                        f"{emailed} e-mailed, {len(statements) - emailed} to print."
                    )
                )
            else:
                actor = SystemActor("command: statements small-balances")
                done = service.write_off_small_balances(as_of=as_of, actor=actor)
                self.stdout.write(
                    self.style.SUCCESS(f"{len(done)} small-balance write-off(s) posted.")
                )
        except ValidationError as exc:
            raise _refusal(exc) from None
