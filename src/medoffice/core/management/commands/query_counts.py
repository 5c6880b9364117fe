"""`medoffice query-counts [--update]` checks, or rewrites, tests/query_counts.json.

The counts are measured by tests/core/test_query_counts.py: it needs the test
database, the factories and the authorization matrix's targets, so this command
runs that module with pytest (the dev dependencies, from a source checkout) on the
database DATABASE_URL names. With --update the module writes the numbers of that
database's vendor into the baseline and keeps the other vendor's; run it once
under SQLite and once under PostgreSQL to refresh both.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

TEST_MODULE = Path("tests") / "core" / "test_query_counts.py"


def checkout() -> Path:
    """The source checkout holding the tests: the current folder, or the package's."""
    import medoffice

    for folder in (Path.cwd(), Path(medoffice.__file__).resolve().parents[2]):
        if (folder / TEST_MODULE).exists():
            return folder
    raise CommandError(
        f"{TEST_MODULE} not found: run the command from a source checkout of MedOffice."
    )


class Command(BaseCommand):
    help = (
        "Check the SQL query counts of every page and GET API operation against "
        "tests/query_counts.json, or rewrite it with --update."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--update",
            action="store_true",
            help="Rewrite this database vendor's numbers in tests/query_counts.json.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if importlib.util.find_spec("pytest_django") is None:
            raise CommandError("Needs the dev dependencies (pytest-django): run `make venv-dev`.")
        root = checkout()
        env = dict(os.environ)
        env.pop("DJANGO_SETTINGS_MODULE", None)  # pytest's settings, from pyproject.toml
        env.pop("MEDOFFICE_QUERY_COUNTS", None)
        if options["update"]:
            env["MEDOFFICE_QUERY_COUNTS"] = "update"
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"]
        command.append(str(TEST_MODULE))
        finished = subprocess.run(command, cwd=root, env=env, check=False)  # noqa: S603
        if finished.returncode != 0:
            raise CommandError(f"The query-count check failed (pytest exit {finished.returncode}).")
        if options["update"]:
            self.stdout.write("Wrote tests/query_counts.json; review the diff and commit it.")
        else:
            self.stdout.write("No query count grew.")
