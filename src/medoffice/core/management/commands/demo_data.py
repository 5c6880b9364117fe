from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from medoffice.core.demo.practice import DEMO_PASSWORD, DEMO_USERS, build
from medoffice.extras import MissingExtra, require


class Command(BaseCommand):
    help = "Build the synthetic demo practice (Riverside Family Medicine). Safe to run again."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed (same seed, same practice)."
        )
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo log-ins."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            require("faker", extra="demo", purpose="The demo practice")
        except MissingExtra as exc:
            raise CommandError(str(exc)) from None
        context = build(options["seed"])
        self.stdout.write(self.style.SUCCESS(f"Demo practice ready: {context['practice']}"))
        if options["quiet_logins"]:
            return
        self.stdout.write(f"\nDemo log-ins (password for all: {DEMO_PASSWORD})")
        for spec in DEMO_USERS:
            roles = ", ".join(r.label for r in spec.roles)
            where = ", ".join(spec.locations) or "all locations"
            self.stdout.write(f"  {spec.username:<11} {roles:<16} {where}")
        self.stdout.write(
            "Office manager, biller, HR and auditor set up two-step log-in (an authenticator app) "
            "at their first log-in."
        )
        self.stdout.write(
            "frontdesk2 starts locked out after five wrong passwords: the office manager "
            "unlocks it from the home page."
        )
