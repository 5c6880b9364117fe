"""`medoffice era import FILE...`: read 835 remittances and post them to the ledger.

For each file it prints the payments posted, the claims matched, the exceptions (claims
and lines for the biller to match by hand) and the payments already imported. Exit status
0 when every file was read, even when all its claims went to exceptions; non-zero when a
file cannot be read (truncated, malformed, unbalanced): nothing of that file is posted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medoffice.billing.services.era import EraFileRefused, import_era
from medoffice.core.money import format_money
from medoffice.core.permissions import SystemActor


class Command(BaseCommand):
    help = "Remittances (835): `import FILE...` posts payments, adjustments and denials."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="read and post 835 files")
        imp.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        actor = SystemActor("command: era import")
        for path in options["files"]:
            try:
                data = path.read_bytes()
            except OSError as exc:
                self.stderr.write(f"{path}: cannot be read ({exc.strerror}).")
                failed += 1
                continue
            try:
                result = import_era(data=data, filename=path.name, actor=actor)
            except EraFileRefused as exc:
                failed += 1
                self.stderr.write(f"{path}: refused, {exc}. Nothing was posted.")
                continue
            self.stdout.write(
                f"{path}: {result.payments_posted} payments posted, "
                f"{result.claims_matched} of {result.claims} claims matched, "
                f"{result.exceptions} exceptions, {len(result.denials)} denials, "
                f"{format_money(result.paid_total)} paid."
            )
            for line in result.already_imported:
                self.stdout.write(f"  {line}")
            for warning in result.warnings[:20]:
                self.stdout.write(f"  warning: {warning}")
        if failed:
            raise CommandError(f"{failed} file(s) could not be posted.")
