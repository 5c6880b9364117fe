"""`medoffice claims export --out DIR`: every ready electronic claim into one 837P per
clearinghouse (or per payer billed directly), the claims marked submitted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medoffice.billing.services.batches import export_ready_claims
from medoffice.core.money import format_money
from medoffice.core.permissions import SystemActor


class Command(BaseCommand):
    help = "Claims: `export` writes the ready claims' 837P batches and marks them submitted."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write one 837P per payer or clearinghouse")
        export.add_argument(
            "--out",
            type=Path,
            help="the folder to write the files into (default: each clearinghouse's outbox)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path | None = options.get("out")
        if out is not None and out.exists() and not out.is_dir():
            raise CommandError(f"{out} is a file, not a folder.")
        result = export_ready_claims(actor=SystemActor("command: claims export"), out_dir=out)
        if not result.batches and not result.refused:
            self.stdout.write("No claims are ready to submit.")
            return
        for done in result.batches:
            batch = done.batch
            where = done.delivered_to or "kept with the batch (download it from the billing pages)"
            self.stdout.write(
                f"{batch.file_name}: {batch.claim_count} claim(s), "
                f"{format_money(batch.total_charge)}, to {done.destination}; {where}"
            )
        for claim, why in result.refused:
            self.stderr.write(f"Claim {claim.control_number} was not written: {why}")
        self.stdout.write(
            f"Submitted {result.claim_count} claim(s) in {len(result.batches)} batch(es)."
        )
        if any(not done.delivered and done.batch.clearinghouse_id for done in result.batches):
            raise CommandError("Some batches could not be delivered; see above.")
