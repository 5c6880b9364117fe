"""`medoffice rotate-keys`: re-encrypt every encrypted field with the newest key.

Put the new key first in FIELD_ENCRYPTION_KEYS (keeping the old ones after it),
run this command, then drop the old keys. Every model field that is an
EncryptedTextField is found through the app registry. Rows are read and written
in batches, each batch one transaction with its rows locked, and the stored
(already encrypted) text is written as it is, so nothing is encrypted twice.
Values already under the newest key are left alone, so a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models import ExpressionWrapper, F, Value

from medoffice.core.audit import record_event
from medoffice.core.fields import PREFIX, EncryptedTextField, rotate
from medoffice.core.management.commands.backup import os_user
from medoffice.core.models import AuditAction
from medoffice.core.permissions import SystemActor


@dataclass
class FieldCount:
    label: str
    rotated: int = 0
    current: int = 0
    empty: int = 0
    not_encrypted: int = 0


def encrypted_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Every concrete EncryptedTextField of every installed model."""
    return [
        (model, field)
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def _is_current(stored: str, newest: Fernet) -> bool:
    try:
        newest.decrypt(stored[len(PREFIX) :].encode())
    except InvalidToken:
        return False
    return True


def rotate_field(
    model: type[models.Model], field: models.Field, *, batch_size: int, dry_run: bool
) -> FieldCount:
    count = FieldCount(f"{model._meta.label}.{field.name}")
    newest = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    # The stored text, not the decrypted value: an expression with a plain output field.
    raw = ExpressionWrapper(F(field.attname), output_field=models.TextField())
    manager = model._base_manager
    last_pk: Any = None
    while True:
        with transaction.atomic():
            rows = manager.select_for_update().annotate(stored=raw).order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows.values_list("pk", "stored")[:batch_size])
            for pk, stored in batch:
                if not stored:
                    count.empty += 1
                elif not stored.startswith(PREFIX):
                    count.not_encrypted += 1
                elif _is_current(stored, newest):
                    count.current += 1
                else:
                    count.rotated += 1
                    if not dry_run:
                        manager.filter(pk=pk).update(
                            **{
                                field.attname: Value(
                                    rotate(stored), output_field=models.TextField()
                                )
                            }
                        )
        if len(batch) < batch_size:
            return count
        last_pk = batch[-1][0]


# The audit log records this command's work as done by the system.
COMMAND = SystemActor("command: rotate-keys")


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest key in FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Rows per transaction (default: 500)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be re-encrypted; write nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = [
            rotate_field(
                model, field, batch_size=max(1, options["batch_size"]), dry_run=options["dry_run"]
            )
            for model, field in encrypted_fields()
        ]
        verb = "would re-encrypt" if options["dry_run"] else "re-encrypted"
        for c in counts:
            line = f"{c.label}: {verb} {c.rotated}, already under the newest key {c.current}, empty {c.empty}"
            if c.not_encrypted:
                line += f", NOT ENCRYPTED {c.not_encrypted} (left as they are)"
            self.stdout.write(line)
        total = sum(c.rotated for c in counts)
        if not options["dry_run"]:
            record_event(
                AuditAction.SECURITY,
                user=COMMAND,
                data_category="encryption keys",
                detail=(
                    f"encrypted fields re-encrypted with the newest key by {os_user()} on the "
                    f"command line: {total} values in {len(counts)} fields"
                ),
            )
        self.stdout.write(
            self.style.SUCCESS(f"Done: {verb} {total} values in {len(counts)} fields.")
        )
