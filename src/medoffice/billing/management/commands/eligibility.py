"""`medoffice eligibility queue|send|import FILE`: eligibility without the worker.

``queue`` queues a check for each visit booked up to ``ELIGIBILITY_DAYS_AHEAD`` days on;
``send`` queues them too, then writes one 270 per clearinghouse into its outbox and prints
each file written; ``import FILE`` reads a 271 and prints, per subscriber, the coverage's
status, plan, copay, deductible and remaining amounts and the check it went to ("no
matching coverage" when none). Exit status 0 when the file is well-formed, whatever it
matched; 1 when it cannot be read (the message names the segment and the element, and
nothing was changed) or cannot be opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from medoffice.billing.services import eligibility
from medoffice.core.permissions import SystemActor

COMMAND = SystemActor("command: eligibility")
MAX_FILE_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = "Eligibility: `queue` checks, `send` the 270s, `import FILE` a 271."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="queue|send|import")
        sub.add_parser("queue", help="Queue checks for the coming visits.")
        sub.add_parser("send", help="Queue, then write one 270 per clearinghouse; print them.")
        read = sub.add_parser("import", help="Read a 271 and store its answers.")
        read.add_argument("file", help="The 271 file.")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        if command == "queue":
            self._queue()
        elif command == "send":
            self._queue()
            self._send()
        elif command == "import":
            self._import(options["file"])

    def _queue(self) -> None:
        queued = eligibility.queue_checks(actor=COMMAND)
        self.stdout.write(f"{len(queued)} checks queued.")

    def _send(self) -> None:
        result = eligibility.write_batch(actor=COMMAND)
        for written in result.files:
            self.stdout.write(
                f"{written.clearinghouse}: {written.file_name}, {written.checks} inquiries, "
                f"{written.note}"
            )
        for trace, reason in result.failed:
            self.stdout.write(f"Check {trace} not sent: {reason}")
        for refused in result.undelivered:
            self.stderr.write(f"{refused.clearinghouse}: not delivered: {refused.note}")
        if not result.files and not result.failed and not result.undelivered:
            self.stdout.write("Nothing to send.")
        if result.undelivered:
            raise CommandError("Some inquiries could not be delivered; they stay queued.")

    def _import(self, name: str) -> None:
        path = Path(name)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{name} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc.strerror or exc}") from exc
        report = eligibility.import_271(actor=COMMAND, source=content, file_name=path.name)
        if not report.ok:
            raise CommandError(report.text_lines()[0])
        for line in report.text_lines():
            self.stdout.write(line)
