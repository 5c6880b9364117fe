"""`medoffice audit verify`: walk the audit log's hash chain.

Exit status 0 when the chain is intact, 1 when it is broken; the message names
the first entry altered, removed or inserted. The result is kept for the office
manager's home page unless ``--no-save`` is given.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from medoffice.core.audit import verify_chain


class Command(BaseCommand):
    help = "Work with the audit log. `audit verify` walks the hash chain."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="verify")
        verify = sub.add_parser("verify", help="Walk the hash chain; exit 1 when it is broken.")
        verify.add_argument(
            "--no-save",
            action="store_false",
            dest="save",
            help="Do not keep the result for the home page.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(save=options.get("save", True))

    def verify(self, *, save: bool) -> None:
        report = verify_chain(save=save)
        if report.ok:
            self.stdout.write(self.style.SUCCESS(report.message))
            return
        self.stdout.write(
            f"{report.entries_checked} entries verified before the break.\n"
            f"First bad entry: #{report.first_bad_seq}"
        )
        raise CommandError(f"The audit chain is broken: {report.message}", returncode=1)
