"""The demo's providers, resources, appointment types and templates."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from medoffice.core.demo.helpers import (
    demo_now,
    demo_rng,
    demo_size,
    demo_users,
)
from medoffice.core.identifiers import npi_check_digit
from medoffice.core.models import Location, Practice, practice_zone

# --- 1. providers, resources, appointment types, templates -------------------------------


@dataclass(frozen=True)
class ProviderSpec:
    key: str
    first: str
    last: str
    credentials: str
    specialty: str
    taxonomy: str
    color: str
    username: str | None
    # weekday -> (location code, morning, afternoon); a block is (start, end, restricted types)
    week: dict[int, tuple[str, tuple[str, ...]]]
    pace: float  # how long patients wait for this provider (1.0 = the practice's median)
    pediatric: bool = False


# Template shapes: "am"/"pm" are whole half-days; "np-am" keeps 8:00-10:00 for new patients;
# "tele-pm" is a telehealth-only afternoon.
PROVIDERS = [
    ProviderSpec(
        "patel",
        "Anika",
        "Patel",
        "MD",
        "Family medicine",
        "207Q00000X",
        "#1f77b4",
        "drpatel",
        {
            0: ("MAIN", ("am", "pm")),
            1: ("MAIN", ("np-am", "pm")),
            2: ("NORTH", ("am", "pm")),
            3: ("MAIN", ("am", "pm")),
        },
        0.9,
    ),
    ProviderSpec(
        "green",
        "Thomas",
        "Green",
        "MD",
        "Internal medicine",
        "207R00000X",
        "#2ca02c",
        "drgreen",
        {
            0: ("LAKE", ("am", "pm")),
            1: ("LAKE", ("am", "pm")),
            3: ("LAKE", ("np-am", "pm")),
            4: ("LAKE", ("am", "pm")),
        },
        1.35,
    ),
    ProviderSpec(
        "ruiz",
        "Elena",
        "Ruiz",
        "MD",
        "Pediatrics",
        "208000000X",
        "#e377c2",
        None,
        {
            0: ("NORTH", ("am", "pm")),
            1: ("MAIN", ("am", "pm")),
            2: ("MAIN", ("np-am", "pm")),
            3: ("NORTH", ("am", "pm")),
            4: ("MAIN", ("am",)),
        },
        0.8,
        pediatric=True,
    ),
    ProviderSpec(
        "bennett",
        "Marcus",
        "Bennett",
        "DO",
        "Family medicine",
        "207Q00000X",
        "#ff7f0e",
        None,
        {
            0: ("NORTH", ("am", "pm")),
            1: ("NORTH", ("am", "pm")),
            2: ("NORTH", ("np-am", "pm")),
            4: ("NORTH", ("am", "pm")),
        },
        1.1,
    ),
    ProviderSpec(
        "kim",
        "Grace",
        "Kim",
        "NP",
        "Family nurse practitioner",
        "363LF0000X",
        "#9467bd",
        None,
        {
            0: ("MAIN", ("am", "pm")),
            1: ("LAKE", ("am", "pm")),
            2: ("MAIN", ("am", "pm")),
            3: ("LAKE", ("am", "pm")),
            4: ("MAIN", ("am", "tele-pm")),
        },
        1.0,
    ),
    ProviderSpec(
        "okonkwo",
        "David",
        "Okonkwo",
        "PA-C",
        "Physician assistant",
        "363A00000X",
        "#8c564b",
        None,
        {
            1: ("MAIN", ("am", "pm")),
            2: ("LAKE", ("am", "pm")),
            3: ("MAIN", ("am", "pm")),
            4: ("LAKE", ("am", "pm")),
        },
        1.2,
    ),
    ProviderSpec(
        "chen",
        "Laura",
        "Chen",
        "MD",
        "Internal medicine",
        "207R00000X",
        "#17becf",
        None,
        {
            0: ("MAIN", ("np-am", "pm")),
            1: ("MAIN", ("am", "pm")),
            2: ("MAIN", ("am", "pm")),
            3: ("NORTH", ("am", "pm")),
            4: ("MAIN", ("am", "pm")),
        },
        1.05,
    ),
    ProviderSpec(
        "brooks",
        "Samuel",
        "Brooks",
        "MD",
        "Family medicine",
        "207Q00000X",
        "#bcbd22",
        None,
        {
            0: ("LAKE", ("am", "pm")),
            2: ("NORTH", ("am", "pm")),
            3: ("NORTH", ("am", "pm")),
            4: ("NORTH", ("am", "pm")),
        },
        0.95,
    ),
]

# code, name, minutes, colour, patient kind, telehealth, resource needed, weight
TYPES = [
    ("new", "New patient visit", 40, "#6f42c1", "new", False, None, 8),
    ("est", "Established visit", 20, "#0d6efd", "established", False, None, 40),
    ("physical", "Annual physical", 40, "#198754", "any", False, None, 12),
    ("sick", "Sick visit", 15, "#dc3545", "any", False, None, 20),
    ("tele", "Telehealth follow-up", 20, "#20c997", "established", True, None, 8),
    ("wellchild", "Well-child visit", 30, "#fd7e14", "any", False, None, 10),
    ("procedure", "Procedure", 30, "#6c757d", "any", False, "Procedure room", 3),
    ("ecg", "ECG", 15, "#d63384", "any", False, "ECG machine", 3),
]
TYPE_PROVIDERS = {
    "wellchild": {"ruiz", "patel", "bennett", "brooks", "kim"},
    "procedure": {"patel", "green", "chen", "okonkwo", "brooks"},
    "tele": {"patel", "green", "bennett", "kim", "okonkwo", "chen", "brooks", "ruiz"},
}
PREPARATION = {
    "physical": "Please come fasting (water is fine) if you would like your cholesterol checked.",
    "procedure": "Wear loose clothing. Tell us if you take blood thinners.",
    "ecg": "Please avoid lotion on your chest on the day of the test.",
    "tele": "We will send a link 15 minutes before; test your camera and microphone.",
    "new": "Please arrive 15 minutes early and bring your insurance card, photo ID and medicines.",
}
EXAM_ROOMS = {"MAIN": 6, "NORTH": 5, "LAKE": 4}
HALF_DAYS: dict[str, list[tuple[dt.time, dt.time, tuple[str, ...] | None]]] = {
    "am": [(dt.time(8), dt.time(12), None)],
    "np-am": [(dt.time(8), dt.time(10), ("new", "physical")), (dt.time(10), dt.time(12), None)],
    "pm": [(dt.time(13), dt.time(17), None)],
    "tele-pm": [(dt.time(13), dt.time(16), ("tele",))],
}


def _npi(rng: random.Random, taken: set[str]) -> str:
    while True:
        first_nine = "1" + "".join(str(rng.randrange(10)) for _ in range(8))
        npi = first_nine + npi_check_digit(first_nine)
        if npi not in taken:
            taken.add(npi)
            return npi


def build_schedule_setup(context: dict[str, Any], seed: int = 2026) -> None:
    """Providers, rooms and equipment, appointment types, weekly templates, time off,
    meetings, a closure day and an overbooking rule."""
    from medoffice.scheduling.models import (
        AppointmentType,
        OverbookRule,
        Provider,
        Resource,
        ResourceRequirement,
        ScheduleException,
        TemplateBlock,
    )

    if Provider.objects.exists():
        return
    rng = demo_rng(seed, "setup")
    size = demo_size(context)
    users = demo_users(context)
    locations = {loc.code: loc for loc in Location.objects.all()}
    tz = practice_zone()
    today = demo_now(context).astimezone(tz).date()
    taken = set(Provider.objects.values_list("npi", flat=True))
    taken |= set(Practice.objects.values_list("group_npi", flat=True))

    providers = {}
    for spec in PROVIDERS:
        providers[spec.key] = Provider.objects.create(
            user=users.get(spec.username) if spec.username else None,
            first_name=spec.first,
            last_name=spec.last,
            credentials=spec.credentials,
            npi=_npi(rng, taken),
            taxonomy_code=spec.taxonomy,
            specialty=spec.specialty,
            color=spec.color,
        )
        codes = sorted({loc for loc, _ in spec.week.values()})
        providers[spec.key].locations.set([locations[c] for c in codes])

    resources = []
    for code, location in locations.items():
        resources += [
            Resource(location=location, name=f"Exam room {n}", kind="room")
            for n in range(1, EXAM_ROOMS.get(code, 4) + 1)
        ]
        resources.append(Resource(location=location, name="Procedure room", kind="room"))
        resources.append(Resource(location=location, name="ECG machine", kind="equipment"))
        if code == "MAIN":
            resources.append(Resource(location=location, name="Spirometer", kind="equipment"))
    Resource.objects.bulk_create(resources)
    by_name: dict[str, list[Resource]] = defaultdict(list)
    for resource in Resource.objects.all():
        by_name[resource.name].append(resource)

    types = {}
    for code, name, minutes, color, kind, tele, needs, _weight in TYPES:
        types[code] = AppointmentType.objects.create(
            code=code,
            name=name,
            duration=minutes,
            color=color,
            patient_kind=kind,
            is_telehealth=tele,
            preparation=PREPARATION.get(code, ""),
            min_notice=0 if code == "sick" else 60,
            max_per_day=4 if code == "procedure" else None,
        )
        if code in TYPE_PROVIDERS:
            types[code].providers.set([providers[k] for k in sorted(TYPE_PROVIDERS[code])])
        if needs:
            requirement = ResourceRequirement.objects.create(
                appointment_type=types[code], name=needs
            )
            requirement.resources.set(by_name[needs])

    effective_from = today - dt.timedelta(days=size.past_days + 31)
    blocks = []
    restricted = []
    for spec in PROVIDERS:
        for weekday, (code, halves) in sorted(spec.week.items()):
            for half in halves:
                for start, end, only in HALF_DAYS[half]:
                    block = TemplateBlock(
                        provider=providers[spec.key],
                        location=locations[code],
                        weekday=weekday,
                        start=start,
                        end=end,
                        effective_from=effective_from,
                    )
                    blocks.append(block)
                    if only:
                        restricted.append((block, only))
    TemplateBlock.objects.bulk_create(blocks)
    through = TemplateBlock.appointment_types.through
    through.objects.bulk_create(
        [
            through(templateblock_id=block.pk, appointmenttype_id=types[code].pk)
            for block, only in restricted
            for code in only
        ]
    )

    exceptions = []
    first_day = today - dt.timedelta(days=size.past_days)
    last_day = today + dt.timedelta(days=size.future_days)
    # Staff meeting: the first Wednesday of every month, 12:30-13:30, everyone everywhere.
    month = dt.date(first_day.year, first_day.month, 1)
    while month <= last_day:
        wednesday = month + dt.timedelta(days=(2 - month.weekday()) % 7)
        exceptions.append(
            ScheduleException(
                kind="meeting",
                start=dt.datetime.combine(wednesday, dt.time(12, 30), tzinfo=tz),
                end=dt.datetime.combine(wednesday, dt.time(13, 30), tzinfo=tz),
                reason="Monthly staff meeting",
            )
        )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    # Time off: a week of vacation in the past year for everyone, a few days ahead for some.
    for n, spec in enumerate(PROVIDERS):
        away = first_day + dt.timedelta(days=30 + (n * 41 + rng.randrange(20)) % 300)
        away -= dt.timedelta(days=away.weekday())  # a Monday
        exceptions.append(
            ScheduleException(
                provider=providers[spec.key],
                kind="time_off",
                start=dt.datetime.combine(away, dt.time(0), tzinfo=tz),
                end=dt.datetime.combine(away + dt.timedelta(days=5), dt.time(0), tzinfo=tz),
                reason="Vacation",
            )
        )
        if n % 3 == 1:
            ahead = today + dt.timedelta(days=10 + rng.randrange(max(size.future_days - 12, 1)))
            exceptions.append(
                ScheduleException(
                    provider=providers[spec.key],
                    kind="time_off",
                    start=dt.datetime.combine(ahead, dt.time(0), tzinfo=tz),
                    end=dt.datetime.combine(ahead + dt.timedelta(days=2), dt.time(0), tzinfo=tz),
                    reason="Conference (CME)",
                )
            )
    closure = today - dt.timedelta(days=min(40, size.past_days // 2))
    while closure.weekday() != 1:  # a Tuesday
        closure -= dt.timedelta(days=1)
    exceptions.append(
        ScheduleException(
            location=locations["NORTH"],
            kind="closure",
            start=dt.datetime.combine(closure, dt.time(0), tzinfo=tz),
            end=dt.datetime.combine(closure + dt.timedelta(days=1), dt.time(0), tzinfo=tz),
            reason="Water main repair in the building",
        )
    )
    ScheduleException.objects.bulk_create(exceptions)

    rule = OverbookRule.objects.create(
        provider=providers["green"], max_per_day=2, created_by=users["manager"]
    )
    rule.appointment_types.set([types["sick"]])
