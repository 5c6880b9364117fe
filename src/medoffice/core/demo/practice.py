"""The demo practice: Riverside Family Medicine, deterministic from a seed.

Running it twice changes nothing: every row is found by its natural key first.
Core builds the practice, its locations and users; each app builds its own rows in
``<app>/demo.py`` and registers the builder (``core.demo.registry``).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from medoffice.core.demo.registry import builders
from medoffice.core.identifiers import npi_check_digit
from medoffice.core.models import Location, LocationHours, Practice, RoleAssignment, User
from medoffice.core.roles import Role

DEMO_PASSWORD = "riverside-demo-2026"  # noqa: S105 - printed for the demo, never used in production


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    title: str
    roles: tuple[Role, ...]
    locations: tuple[str, ...] = ()


DEMO_USERS = [
    DemoUser("manager", "Maria", "Alvarez", "Practice administrator", (Role.OFFICE_MANAGER,)),
    DemoUser("frontdesk", "Jordan", "Lee", "Front desk coordinator", (Role.FRONT_DESK,), ("MAIN",)),
    DemoUser("frontdesk2", "Priya", "Shah", "Receptionist", (Role.FRONT_DESK,), ("NORTH",)),
    DemoUser("biller", "Sam", "Okafor", "Billing and coding specialist", (Role.BILLER,)),
    DemoUser(
        "drpatel",
        "Anika",
        "Patel",
        "Physician, family medicine",
        (Role.PROVIDER,),
        ("MAIN", "NORTH"),
    ),
    DemoUser(
        "drgreen", "Thomas", "Green", "Physician, internal medicine", (Role.PROVIDER,), ("LAKE",)
    ),
    DemoUser("nurse", "Chris", "Morgan", "Medical assistant", (Role.CLINICAL,), ("MAIN",)),
    DemoUser("hr", "Dana", "Whitfield", "HR generalist", (Role.HR,)),
    DemoUser("auditor", "Robin", "Castillo", "Privacy and security officer", (Role.AUDITOR,)),
]

LOCATIONS = [
    (
        "MAIN",
        "Riverside Main Clinic",
        "1200 River Road",
        "Springfield",
        "MA",
        "01103",
        "+1 413-555-0100",
    ),
    (
        "NORTH",
        "Northgate Family Health",
        "48 Northgate Plaza",
        "Chicopee",
        "MA",
        "01020",
        "+1 413-555-0140",
    ),
    (
        "LAKE",
        "Lakeside Walk-in Care",
        "7 Lakeshore Drive",
        "Ludlow",
        "MA",
        "01056",
        "+1 413-555-0180",
    ),
]


def demo_npi(rng: random.Random) -> str:
    first_nine = "1" + "".join(str(rng.randrange(10)) for _ in range(8))
    return first_nine + npi_check_digit(first_nine)


@transaction.atomic
def build_practice(seed: int = 2026) -> dict[str, Any]:
    rng = random.Random(seed)
    practice = Practice.current()
    if practice is None:
        practice = Practice.objects.create(
            legal_name="Riverside Family Medicine, P.C.",
            display_name="Riverside Family Medicine",
            tax_id="04-" + "".join(str(rng.randrange(10)) for _ in range(7)),
            group_npi=demo_npi(rng),
            time_zone="America/New_York",
            phone="+1 413-555-0100",
            address_line1="1200 River Road",
            city="Springfield",
            state="MA",
            postal_code="01103-2211",  # ZIP+4: the 837P's billing provider must have all nine
        )
    locations = {}
    for code, name, street, city, state, zip_code, phone in LOCATIONS:
        location, created = Location.objects.get_or_create(
            code=code,
            defaults={
                "practice": practice,
                "name": name,
                "address_line1": street,
                "city": city,
                "state": state,
                "postal_code": zip_code,
                "phone": phone,
                "place_of_service": "11" if code != "LAKE" else "20",
            },
        )
        if created:
            LocationHours.objects.bulk_create(
                [
                    LocationHours(
                        location=location, weekday=day, opens=dt.time(8), closes=dt.time(17)
                    )
                    for day in range(5)
                ]
                + (
                    [
                        LocationHours(
                            location=location, weekday=5, opens=dt.time(9), closes=dt.time(13)
                        )
                    ]
                    if code == "LAKE"
                    else []
                )
            )
        locations[code] = location
    users = {}
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@riverside.example",
                title=spec.title,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            RoleAssignment.objects.bulk_create(
                [RoleAssignment(user=user, role=r.value) for r in spec.roles]
            )
            user.locations.set([locations[c] for c in spec.locations])
        users[spec.username] = user
    return {"practice": practice, "locations": locations, "users": users}


def build_attention_items(context: dict[str, Any], seed: int = 2026) -> None:
    """What the office manager's home page shows: a locked account and a verified audit
    chain (the emergency access to review is the patients app's, built just before)."""
    from axes.models import AccessAttempt
    from django.conf import settings

    from medoffice.core.audit import record_event, verify_chain
    from medoffice.core.models import AuditAction, AuditEvent, AuditOutcome, AuditVerification

    if not AccessAttempt.objects.filter(username="frontdesk2").exists():
        for _ in range(settings.AXES_FAILURE_LIMIT):
            record_event(
                AuditAction.LOGIN_FAILED,
                username="frontdesk2",
                object_type="core.user",
                outcome=AuditOutcome.FAILURE,
                detail="wrong user name or password",
            )
        AccessAttempt.objects.create(
            username="frontdesk2",
            ip_address="192.0.2.10",
            user_agent="Mozilla/5.0 (demo)",
            failures_since_start=settings.AXES_FAILURE_LIMIT,
            get_data="",
            post_data="",
            http_accept="text/html",
            path_info="/accounts/login/",
        )
    if AuditEvent.objects.exists() and not AuditVerification.objects.exists():
        verify_chain(save=True)


def build(seed: int = 2026) -> dict[str, Any]:
    """The practice, then every builder the apps registered, each in its own transaction."""
    context = build_practice(seed)
    for builder in builders():
        with transaction.atomic():
            builder(context, seed)
    return context
