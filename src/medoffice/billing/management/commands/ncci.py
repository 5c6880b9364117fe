"""`medoffice ncci import --kind ptp|mue|addon --table practitioner|outpatient|dme FILE`.

Imports one of CMS's quarterly NCCI files (tab-delimited TXT, CSV or XLSX, with their
preamble lines) into its table. ``--effective YYYY-MM-DD`` dates an MUE file that has no
effective date column (default today). Bad rows are printed; when any is bad nothing is
imported and the exit status is 1, unless ``--import-good-rows``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from medoffice.billing.management.commands._reference_import import (
    add_common,
    read_bytes,
    run_import,
)
from medoffice.billing.services.imports import import_ncci


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--effective: “{text}” is not a date as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Work with the NCCI edits: `ncci import --kind ptp|mue|addon --table … FILE`."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="import")
        imports = sub.add_parser("import", help="Import a CMS NCCI file.")
        imports.add_argument("--kind", required=True, choices=["ptp", "mue", "addon"])
        imports.add_argument(
            "--table", default="practitioner", choices=["practitioner", "outpatient", "dme"]
        )
        imports.add_argument("--effective", help="MUE rows' effective date (YYYY-MM-DD).")
        add_common(imports)

    def handle(self, *args: Any, **options: Any) -> None:
        start = _day(options["effective"]) if options.get("effective") else None
        data = read_bytes(options["file"])
        run_import(
            self,
            "ncci import",
            lambda actor: import_ncci(
                actor=actor,
                kind=options["kind"],
                table=options["table"],
                data=data,
                filename=options["file"],
                effective_from=start,
                import_good_rows=options["import_good_rows"],
            ),
        )
