from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, RoleAssignment, User
from medoffice.core.permissions import SystemActor
from medoffice.core.roles import Role

# The audit log records this command's work as done by the system.
COMMAND = SystemActor("command: create-user")


class Command(BaseCommand):
    help = (
        "Create a user with roles from the command line, e.g. the first office manager of a "
        "new installation: medoffice create-user --username maria --role office_manager"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--role",
            action="append",
            required=True,
            choices=[r.value for r in Role],
            help="Repeat for several roles.",
        )
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.contrib.auth.password_validation import validate_password

        if User.objects.filter(username__iexact=options["username"]).exists():
            raise CommandError(f"username: {options['username']!r} is taken.")
        if options["password_stdin"]:
            password = input().strip()
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password again: "):
                raise CommandError("password: the two passwords differ.")
        user = User(
            username=options["username"],
            email=options["email"],
            first_name=options["first_name"],
            last_name=options["last_name"],
        )
        try:
            user.full_clean(exclude=["password"])
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        with transaction.atomic():
            user.set_password(password)
            user.save()
            RoleAssignment.objects.bulk_create(
                [RoleAssignment(user=user, role=r) for r in sorted(set(options["role"]))]
            )
            record_event(
                AuditAction.PERMISSION_CHANGE,
                user=COMMAND,
                object_type="core.user",
                object_id=user.pk,
                detail=f"user {user.username} created from the command line with roles "
                + ", ".join(sorted(set(options["role"]))),
            )
        self.stdout.write(self.style.SUCCESS(f"Created {user.username}."))
