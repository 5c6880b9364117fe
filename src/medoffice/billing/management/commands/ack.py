"""`medoffice ack import FILE...`: read 999 and 277CA acknowledgements and mark the claims
they name accepted or rejected (rejected claims go to the rejection queue)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medoffice.billing.services.acks import import_acknowledgement
from medoffice.core.permissions import SystemActor


class Command(BaseCommand):
    help = "Acknowledgements: `import FILE...` reads 999 and 277CA files."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="read 999 or 277CA files")
        imp.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for path in options["files"]:
            try:
                content = path.read_bytes()
            except OSError as exc:
                self.stderr.write(f"{path}: cannot be read ({exc.strerror}).")
                failed += 1
                continue
            report = import_acknowledgement(
                content=content, file_name=path.name, actor=SystemActor("command: ack import")
            )
            if not report.ok:
                failed += 1
                for problem in report.problems:
                    self.stderr.write(f"{path}: {problem} Nothing was changed.")
                continue
            self.stdout.write(
                f"{path}: {report.kind}, {report.count('accepted')} accepted, "
                f"{report.count('rejected')} rejected, {report.count('not found')} not found."
            )
            for note in report.notes:
                self.stdout.write(f"  {note}")
            for line in report.lines:
                if line.outcome != "accepted":
                    self.stdout.write(f"  {line.control_number}: {line.outcome} {line.detail}")
        if failed:
            raise CommandError(f"{failed} file(s) could not be imported.")
