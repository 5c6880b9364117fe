"""What ``medoffice codes import`` and ``medoffice ncci import`` share: reading the file,
printing the report, the exit status (1 when rows were bad and nothing was imported)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from medoffice.billing.services.imports import ImportReport
from medoffice.core.permissions import SystemActor

SHOWN_PROBLEMS = 200


def read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None


def run_import(command: BaseCommand, name: str, run: Callable[[SystemActor], ImportReport]) -> None:
    try:
        report = run(SystemActor(f"command: {name}"))
    except ValidationError as exc:
        messages = (
            [f"{field}: {' '.join(m)}" for field, m in exc.message_dict.items()]
            if hasattr(exc, "error_dict")
            else exc.messages
        )
        raise CommandError("; ".join(messages)) from None
    for problem in report.problems[:SHOWN_PROBLEMS]:
        command.stderr.write(str(problem))
    if len(report.problems) > SHOWN_PROBLEMS:
        command.stderr.write(f"… and {len(report.problems) - SHOWN_PROBLEMS} more problems.")
    if not report.applied:
        raise CommandError(
            report.summary.replace("choose to", "use --import-good-rows to"), returncode=1
        )
    command.stdout.write(command.style.SUCCESS(report.summary))


def add_common(parser: Any) -> None:
    parser.add_argument("file", help="The CSV, tab-delimited TXT or XLSX file.")
    parser.add_argument(
        "--import-good-rows",
        action="store_true",
        help="Import the good rows even when some are bad (they are listed).",
    )
