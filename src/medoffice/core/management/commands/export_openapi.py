"""`medoffice export-openapi [PATH]` writes the API's OpenAPI schema; `--check PATH` compares.

The schema is pretty JSON with sorted keys and a trailing newline, so the
committed openapi.json diffs cleanly; `make lint` runs the check so the
committed file never drifts from the code.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def schema_text() -> str:
    from medoffice.api import api

    schema = api.get_openapi_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the API's OpenAPI schema as JSON (to PATH, or standard output), or --check it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="File to write; standard output if omitted.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Do not write: exit with an error if PATH differs from the generated schema.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = schema_text()
        path = options["path"]
        if options["check"]:
            if not path:
                raise CommandError("--check needs the PATH of the committed schema.")
            self._check(Path(path), text)
            return
        if not path:
            self.stdout.write(text, ending="")
            return
        Path(path).write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote the OpenAPI schema to {path}.")

    def _check(self, path: Path, text: str) -> None:
        if not path.exists():
            raise CommandError(
                f"{path} does not exist. Run `medoffice export-openapi {path}` and commit it."
            )
        committed = path.read_text(encoding="utf-8")
        if committed == text:
            self.stdout.write(f"{path} matches the API.")
            return
        diff = list(
            difflib.unified_diff(
                committed.splitlines(),
                text.splitlines(),
                fromfile=f"{path} (committed)",
                tofile="generated from the code",
                lineterm="",
                n=1,
            )
        )
        shown = "\n".join(diff[:40]) + ("\n…" if len(diff) > 40 else "")
        raise CommandError(
            f"{path} is out of date with the API ({len(diff)} diff lines). "
            f"Run `medoffice export-openapi {path}` and commit the result.\n{shown}"
        )
