"""`medoffice claimstatus ask [--days N] [--out DIR]`: a 276 per clearinghouse (or payer
billed directly) asking about the claims without an answer for N days (30); and
`medoffice claimstatus import FILE...`: read the payers' 277 answers, claim by claim."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medoffice.billing.selectors.followup import DEFAULT_DAYS, MAX_DAYS, awaiting_answer
from medoffice.billing.services.followup import ask_payers, import_claim_status
from medoffice.core.permissions import SystemActor


def _days(value: str) -> int:
    import argparse

    if not value.isdigit() or int(value) > MAX_DAYS:
        raise argparse.ArgumentTypeError(f"a whole number of days from 0 to {MAX_DAYS}")
    return int(value)


class Command(BaseCommand):
    help = "Claim status: `ask` writes 276 requests, `import FILE...` reads 277 answers."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ask = sub.add_parser("ask", help="ask the payers about the claims they have not answered")
        ask.add_argument(
            "--days",
            type=_days,
            default=DEFAULT_DAYS,
            help=f"first submitted at least this many days ago (default {DEFAULT_DAYS})",
        )
        ask.add_argument(
            "--out", type=Path, default=Path("."), help="the folder to write the 276 files into"
        )
        imp = sub.add_parser("import", help="read 277 claim status answers")
        imp.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "ask":
            self._ask(options["days"], options["out"])
        else:
            self._import(options["files"])

    def _ask(self, days: int, out: Path) -> None:
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} is a file, not a folder.")
        actor = SystemActor("command: claimstatus ask")
        result = ask_payers(claims=awaiting_answer(actor, days=days), actor=actor, out_dir=out)
        for done in result.files:
            made = done.request_file
            self.stdout.write(
                f"{done.written_to}: {made.claim_count} claim(s) asked about, to {done.destination}"
            )
        for claim, why in result.refused:
            self.stderr.write(f"Claim {claim.control_number} was not asked about: {why}")
        if not result.files and not result.refused:
            self.stdout.write(f"No claim has waited {days} days or more without an answer.")
            return
        self.stdout.write(
            f"Asked about {result.claim_count} claim(s) in {len(result.files)} file(s)."
        )

    def _import(self, files: list[Path]) -> None:
        failed = 0
        actor = SystemActor("command: claimstatus import")
        for path in files:
            try:
                content = path.read_bytes()
            except OSError as exc:
                self.stderr.write(f"{path}: cannot be read ({exc.strerror}).")
                failed += 1
                continue
            report = import_claim_status(content=content, file_name=path.name, actor=actor)
            if not report.ok:
                failed += 1
                for problem in report.problems:
                    self.stderr.write(f"{path}: {problem} Nothing was changed.")
                continue
            self.stdout.write(
                f"{path}: {len(report.lines)} answer(s)"
                + (f" from {report.payer_name}" if report.payer_name else "")
                + "."
            )
            for note in report.notes:
                self.stdout.write(f"  {note}")
            for line in report.lines:
                self.stdout.write(f"  {line.control_number}: {line.outcome} · {line.detail}")
        if failed:
            raise CommandError(f"{failed} file(s) could not be imported.")
