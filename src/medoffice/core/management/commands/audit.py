"""`medoffice audit verify` and `medoffice audit rotate-key`.

``verify`` walks the audit log's hash chain, checks every entry's HMAC and compares
the chain with the latest checkpoints, in the database and outside it. Exit status
0 when the chain is intact, 1 when it is broken; the message names the first entry
altered, removed or inserted. The result is kept (a checkpoint, in the database and
outside it) unless ``--no-save`` is given.

``rotate-key`` makes a new audit key and prints the ``AUDIT_HMAC_KEYS`` value to set,
the new key first and the current ones after it (they keep verifying the entries
written under them: never drop one). The key is printed, never stored or logged;
the audit log records that a key was made and its id.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from medoffice import secrets as medoffice_secrets
from medoffice.core.audit import record_event, verify_chain
from medoffice.core.management.commands.backup import os_user
from medoffice.core.models import AuditAction
from medoffice.core.permissions import SystemActor

# The audit log records this command's work as done by the system.
COMMAND = SystemActor("command: audit")


class Command(BaseCommand):
    help = (
        "Work with the audit log. `audit verify` walks the hash chain; "
        "`audit rotate-key` makes a new audit key."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="verify|rotate-key")
        verify = sub.add_parser("verify", help="Walk the hash chain; exit 1 when it is broken.")
        verify.add_argument(
            "--no-save",
            action="store_false",
            dest="save",
            help="Do not keep the result (no checkpoint).",
        )
        rotate = sub.add_parser(
            "rotate-key", help="Make a new audit key; print the AUDIT_HMAC_KEYS value to set."
        )
        rotate.add_argument("--key-id", help="The new key's id (default: k + the UTC time).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(save=options.get("save", True))
        elif options["subcommand"] == "rotate-key":
            self.rotate_key(options.get("key_id"))

    def verify(self, *, save: bool) -> None:
        report = verify_chain(save=save)
        for note in report.notes:
            self.stderr.write(f"Warning: {note}")
        if report.ok:
            self.stdout.write(self.style.SUCCESS(report.message))
            return
        first = f"#{report.first_bad_seq}" if report.first_bad_seq else "see the message"
        self.stdout.write(
            f"{report.entries_checked} entries verified before the break.\nFirst bad entry: {first}"
        )
        raise CommandError(f"The audit chain is broken: {report.message}", returncode=1)

    def rotate_key(self, key_id: str | None) -> None:
        current = [f"{kid}:{secret.decode()}" for kid, secret in settings.AUDIT_HMAC_KEYS]
        new = medoffice_secrets.new_audit_key(key_id)
        try:
            (new_id, _), *_ = medoffice_secrets.parse_audit_keys([new, *current])
        except ValueError as exc:
            raise CommandError(f"--key-id: {exc}") from exc
        record_event(
            AuditAction.SECURITY,
            user=COMMAND,
            data_category="audit key",
            detail=(
                f"new audit key {new_id!r} made by {os_user()} on the command line; "
                f"entries are keyed with {settings.AUDIT_HMAC_KEYS[0][0]!r} until it is set"
            ),
        )
        self.stdout.write(
            "Set this in the environment (the new key first, every current key after it), "
            "restart the server and the worker, then run `medoffice audit verify`:\n"
        )
        self.stdout.write(f"AUDIT_HMAC_KEYS={','.join([new, *current])}")
