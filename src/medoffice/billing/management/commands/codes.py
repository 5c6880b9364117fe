"""`medoffice codes import --set cpt|hcpcs FILE [--import-good-rows]`.

Imports a CPT or HCPCS Level II file (``billing.services.imports.import_procedure_codes``),
upserting by code. Every bad row is printed (row, column, what is wrong); when any is bad
nothing is imported and the exit status is 1, unless ``--import-good-rows``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from medoffice.billing.management.commands._reference_import import (
    add_common,
    read_bytes,
    run_import,
)
from medoffice.billing.services.imports import import_procedure_codes


class Command(BaseCommand):
    help = "Work with the procedure code sets: `codes import --set cpt|hcpcs FILE`."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="import")
        imports = sub.add_parser("import", help="Import a CPT or HCPCS Level II file.")
        imports.add_argument("--set", dest="code_set", required=True, choices=["cpt", "hcpcs"])
        add_common(imports)

    def handle(self, *args: Any, **options: Any) -> None:
        data = read_bytes(options["file"])
        run_import(
            self,
            "codes import",
            lambda actor: import_procedure_codes(
                actor=actor,
                code_set=options["code_set"],
                data=data,
                filename=options["file"],
                import_good_rows=options["import_good_rows"],
            ),
        )
