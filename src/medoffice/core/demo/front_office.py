"""The demo practice's front office: providers, the book's set-up, patients and a year of visits.

Riverside Family Medicine gets 8 providers at its 3 locations, about 5,000 patients with
their coverage, consents and alerts, 12 months of past and 2 months of future appointments
(about 7 % no-shows, 5 % cancellations, realistic arrivals and waits), the waitlist,
recalls, reminder rules and message templates.

Rows are written with ``bulk_create`` in batches, one transaction per builder, without
calling the services one row at a time; the builders therefore keep by hand every
invariant the services keep: folded name columns, E.164 phones, unique MRNs (continuing
``next_mrn``) and receipt numbers (continuing ``next_receipt_number``), a ``SlotClaim`` for
every 5-minute granule of every appointment that holds its time (not cancelled, not a
no-show, not overbooked), a ``StatusChange`` for every status the visit went through,
appointments inside their provider's template blocks, never on a closure, a meeting, time
off or a public holiday, and no two visits of one provider (or one procedure room, or one
ECG machine) at the same time.

**Which "today".** The demo's today is the practice's local date when the builder runs,
so the flow board, the day view and the upcoming weeks always have visits. The data is a
function of the seed and that date: the same seed on the same date builds the same rows.
The random draws do not depend on the clock time; only today's visits read it, to show
each visit in the status it would have reached by the build's "now" (the visits of the
morning done, some patients in the waiting room, the afternoon still to come).

**Running it again** adds nothing: each builder first checks cheaply whether its rows
exist and returns at once if they do. A demo built on an earlier day keeps that day's
"today"; delete the database (or run ``medoffice flush``) to rebuild it around a new one.

Sizes: ``FrontOfficeSize`` (the default is the full demo); tests pass a small one through
the builder context under the key ``"front_office_size"`` (or the setting
``DEMO_FRONT_OFFICE_SIZE``), and may fix "now" under ``"front_office_now"``.

Known simplifications: ``SlotClaim`` rows are kept for "left without being seen" visits,
as ``change_status`` keeps them; the demo's exam rooms are assigned when a patient is
roomed (no appointment type requires an exam room at booking).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

from medoffice.core.identifiers import npi_check_digit
from medoffice.core.models import Location, Practice, User, practice_zone
from medoffice.extras import require

BATCH = 2000


@dataclass(frozen=True)
class FrontOfficeSize:
    patients: int = 5000
    past_days: int = 365
    future_days: int = 61
    waitlist: int = 30
    recalls: int = 300


FULL = FrontOfficeSize()


def _size(context: dict[str, Any]) -> FrontOfficeSize:
    """The context's size, else the setting ``DEMO_FRONT_OFFICE_SIZE`` (tests of the
    `demo-data` command shrink the demo with it), else the full demo."""
    from django.conf import settings

    return (
        context.get("front_office_size")
        or getattr(settings, "DEMO_FRONT_OFFICE_SIZE", None)
        or FULL
    )


def _now(context: dict[str, Any]) -> dt.datetime:
    return context.get("front_office_now") or timezone.now()


def _rng(seed: int, part: str) -> random.Random:
    """One generator per builder, so skipping one builder does not change another's rows."""
    return random.Random(f"{seed}:front-office:{part}")


def _users(context: dict[str, Any]) -> dict[str, User]:
    users = context.get("users")
    if users:
        return users
    return {u.username: u for u in User.objects.all()}


@contextlib.contextmanager
def _keep_given(model: type[models.Model], *names: str) -> Iterator[None]:
    """Let bulk_create store the given value of an auto_now_add field (a visit booked weeks
    before it happened). The demo command runs alone; the flag is restored at once."""
    fields = [model._meta.get_field(name) for name in names]
    try:
        for f in fields:
            f.auto_now_add = False  # type: ignore[attr-defined]
        yield
    finally:
        for f in fields:
            f.auto_now_add = True  # type: ignore[attr-defined]


def _insert_rows(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """Insert plain tuples with executemany: for the big tables whose rows need no model
    logic (slot claims, status changes, links). Datetimes must go through ``_db_datetime``."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - our own names
    with connection.cursor() as cursor:
        for first in range(0, len(rows), BATCH * 5):
            cursor.executemany(sql, rows[first : first + BATCH * 5])


def _db_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


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
HALF_DAYS = {
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
    rng = _rng(seed, "setup")
    size = _size(context)
    users = _users(context)
    locations = {loc.code: loc for loc in Location.objects.all()}
    tz = practice_zone()
    today = _now(context).astimezone(tz).date()
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
        start = first_day + dt.timedelta(days=30 + (n * 41 + rng.randrange(20)) % 300)
        start -= dt.timedelta(days=start.weekday())  # a Monday
        exceptions.append(
            ScheduleException(
                provider=providers[spec.key],
                kind="time_off",
                start=dt.datetime.combine(start, dt.time(0), tzinfo=tz),
                end=dt.datetime.combine(start + dt.timedelta(days=5), dt.time(0), tzinfo=tz),
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


# --- 2. payers and patients ---------------------------------------------------------------

PAYERS = [
    ("Blue Harbor Health Plan", "BHHP1", 22),
    ("Pioneer Valley Health", "PVH01", 14),
    ("Commonwealth Senior Care (Medicare)", "CSMCR", 14),
    ("MassCare Community (Medicaid)", "MCCMD", 12),
    ("Granite Mutual Insurance", "GRMUT", 10),
    ("Keystone Choice PPO", "KSCPP", 8),
    ("Summit Shield HMO", "SSHMO", 8),
    ("Evergreen Employers Trust", "EVGET", 5),
    ("Tri-County Workers Plan", "TCWP1", 4),
    ("Atlas Supplemental Health", "ATLSP", 3),
]
SECONDARY_PAYER = "Atlas Supplemental Health"
LANGUAGES = [
    ("en", 78),
    ("es", 12),
    ("pt", 4),
    ("zh", 2),
    ("vi", 1.5),
    ("ht", 1.5),
    ("ru", 1),
]
# Age bands (years) and their share of a family practice's panel.
AGES = [((0, 2), 5), ((2, 18), 16), ((18, 45), 34), ((45, 65), 27), ((65, 95), 18)]
CITIES = {
    "MAIN": [
        ("Springfield", "01103"),
        ("Springfield", "01104"),
        ("West Springfield", "01089"),
        ("Longmeadow", "01106"),
        ("Agawam", "01001"),
    ],
    "NORTH": [
        ("Chicopee", "01020"),
        ("Chicopee", "01013"),
        ("Holyoke", "01040"),
        ("South Hadley", "01075"),
        ("Granby", "01033"),
    ],
    "LAKE": [
        ("Ludlow", "01056"),
        ("Wilbraham", "01095"),
        ("Belchertown", "01007"),
        ("Palmer", "01069"),
        ("Hampden", "01036"),
    ],
}
# Massachusetts area codes first; patients who moved here keep their old mobile numbers.
AREA_CODES = [
    "413",
    "508",
    "774",
    "617",
    "781",
    "978",
    "351",
    "339",
    "857",
    "860",
    "203",
    "401",
    "603",
    "802",
    "212",
    "718",
    "917",
    "646",
    "347",
    "516",
    "631",
    "914",
    "201",
    "973",
    "732",
    "215",
    "267",
    "412",
    "202",
    "301",
    "410",
    "703",
    "404",
    "305",
    "407",
    "786",
    "312",
    "773",
    "313",
    "216",
    "614",
    "317",
    "414",
    "612",
    "314",
    "816",
    "504",
    "713",
    "214",
    "512",
    "210",
    "303",
    "602",
    "702",
    "801",
    "206",
    "503",
    "415",
    "510",
    "408",
    "213",
    "310",
    "619",
    "808",
    "907",
]
COPAYS = [
    None,
    Decimal("10.00"),
    Decimal("20.00"),
    Decimal("25.00"),
    Decimal("30.00"),
    Decimal("40.00"),
]


def _weighted(rng: random.Random, pairs: list[tuple[Any, float]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _birthday(rng: random.Random, today: dt.date, years: tuple[int, int]) -> dt.date:
    low, high = years
    return today - dt.timedelta(days=rng.randrange(low * 365 + 1, high * 365))


def build_patient_registry(context: dict[str, Any], seed: int = 2026) -> None:
    """Payers and patients with their coverage, consents and alerts."""
    from medoffice.patients.models import Consent, Coverage, Patient, PatientAlert, Payer
    from medoffice.patients.search import fold

    if Patient.objects.exists():
        return
    rng = _rng(seed, "patients")
    size = _size(context)
    users = _users(context)
    tz = practice_zone()
    today = _now(context).astimezone(tz).date()
    faker = require("faker", extra="demo", purpose="The demo practice")
    fakers = {}
    for n, (lang, locale) in enumerate([("en", "en_US"), ("es", "es_MX"), ("pt", "pt_BR")]):
        fakers[lang] = faker.Faker(locale)
        fakers[lang].seed_instance(seed + n)
    street_faker = fakers["en"]
    locations = {loc.code: loc for loc in Location.objects.all()}

    payers = {}
    for n, (name, payer_id, _share) in enumerate(PAYERS):
        payers[name], _ = Payer.objects.get_or_create(
            name=name,
            defaults={
                "payer_id": payer_id,
                "phone": f"+1800555{100 + n * 7:04d}",
                "address": f"PO Box {1000 + n * 37}, Boston, MA 02{100 + n:03d}",
            },
        )
    phone_pool = [f"+1{area}5550{n:03d}" for area in AREA_CODES for n in range(100, 200)]
    local_count = 9 * 100  # the MA/New England codes come first: most patients get those
    head, tail = phone_pool[:local_count], phone_pool[local_count:]
    rng.shuffle(head)
    rng.shuffle(tail)
    phone_pool = head + tail

    rows: list[Patient] = []
    for i in range(size.patients):
        code = _weighted(rng, [("MAIN", 45), ("NORTH", 30), ("LAKE", 25)])
        lang = _weighted(rng, LANGUAGES)
        names = fakers.get(lang, fakers["en"])
        sex = _weighted(rng, [("F", 52), ("M", 47), ("UNK", 1)])
        if sex == "F":
            first = names.first_name_female()
        elif sex == "M":
            first = names.first_name_male()
        else:
            first = names.first_name()
        last = names.last_name()
        born = _birthday(rng, today, _weighted(rng, AGES))
        age = (today - born).days // 365
        identity = ""
        if age >= 18:
            identity = _weighted(
                rng,
                [
                    ({"F": "446141000124107", "M": "446151000124109"}.get(sex, "UNK"), 80),
                    ("33791000087105", 1.5),
                    ("ASKU", 3),
                    ("", 15.5),
                ],
            )
        city, zip_code = rng.choice(CITIES[code])
        registered = today - dt.timedelta(days=rng.randrange(400, 3000))
        phone = phone_pool[i] if i < len(phone_pool) else ""
        email = ""
        if rng.random() < 0.75 and age >= 14:
            email = f"{fold(first)}.{fold(last)}{i % 97}@example.com"
        patient = Patient(
            mrn=f"M{100001 + i:07d}",
            first_name=first,
            last_name=last,
            middle_name=names.first_name()[:1] if rng.random() < 0.3 else "",
            preferred_name=rng.choice(["Beth", "Bill", "Tony", "Kate", "Sam", "Alex"])
            if rng.random() < 0.03
            else "",
            date_of_birth=born,
            sex=sex,
            gender_identity=identity,
            home_location=locations[code],
            # 9xx area numbers are never issued by the SSA: obviously synthetic.
            ssn=f"9{rng.randrange(10, 99)}-{rng.randrange(70, 99)}-{rng.randrange(1000, 9999)}"
            if rng.random() < 0.4
            else "",
            address_line1=street_faker.street_address(),
            city=city,
            state="MA",
            postal_code=zip_code,
            phone=phone,
            phone_home=f"+1413555{rng.randrange(100, 200):04d}" if rng.random() < 0.1 else "",
            email=email,
            preferred_contact=_weighted(
                rng, [("sms", 60), ("email", 20 if email else 0), ("phone", 15), ("mail", 5)]
            ),
            preferred_language=lang,
            search_first=fold(first),
            search_last=fold(last),
            created_at=dt.datetime.combine(registered, dt.time(9), tzinfo=tz),
        )
        if age < 18:
            parent_first = names.first_name_female() if rng.random() < 0.7 else names.first_name()
            patient.guarantor_relationship = "32"
            patient.guarantor_first_name = parent_first
            patient.guarantor_last_name = last
            patient.guarantor_date_of_birth = born - dt.timedelta(days=rng.randrange(7300, 14600))
            patient.guarantor_phone = phone
            patient.guarantor_address = f"{patient.address_line1}, {city}, MA {zip_code}"
            patient.emergency_contact_name = f"{parent_first} {last}"
            patient.emergency_contact_relationship = "Parent"
            patient.emergency_contact_phone = phone
        elif rng.random() < 0.7:
            patient.emergency_contact_name = f"{names.first_name()} {names.last_name()}"
            patient.emergency_contact_relationship = rng.choice(
                ["Spouse", "Partner", "Daughter", "Son", "Sister", "Friend"]
            )
            patient.emergency_contact_phone = f"+1413555{rng.randrange(100, 200):04d}"
        roll = rng.random()
        if roll < 0.005 and age >= 45:
            patient.is_active = False
            patient.deceased_date = today - dt.timedelta(days=rng.randrange(10, 300))
        elif roll < 0.02:
            patient.is_active = False
        rows.append(patient)
    with _keep_given(Patient, "created_at"):
        Patient.objects.bulk_create(rows, batch_size=BATCH)
    patients = list(Patient.objects.order_by("mrn"))

    coverages, consents, alerts = [], [], []
    npp_user = users.get("frontdesk")
    shares = [(name, share) for name, _pid, share in PAYERS if name != SECONDARY_PAYER]
    member_seq = 0
    for patient in patients:
        age = (today - patient.date_of_birth).days // 365
        since = patient.created_at.astimezone(tz).date()
        if rng.random() < 0.85:
            if age >= 65:
                payer = "Commonwealth Senior Care (Medicare)"
            elif age < 18 and rng.random() < 0.35:
                payer = "MassCare Community (Medicaid)"
            else:
                payer = _weighted(rng, shares)
            member_seq += 1
            copay = None if "Medicaid" in payer else rng.choice(COPAYS[1:] + [None])
            child = age < 18
            coverages.append(
                Coverage(
                    patient=patient,
                    payer=payers[payer],
                    plan_name="Standard plan" if not child else "Family plan",
                    member_id=f"{payers[payer].payer_id[:3]}{700000000 + member_seq * 7919}",
                    group_number=f"G{rng.randrange(10000, 99999)}" if "Medi" not in payer else "",
                    order=1,
                    relationship="19" if child else "18",
                    subscriber_first_name=patient.guarantor_first_name
                    if child
                    else patient.first_name,
                    subscriber_last_name=patient.last_name,
                    subscriber_date_of_birth=patient.guarantor_date_of_birth
                    if child
                    else patient.date_of_birth,
                    subscriber_sex="F" if child else patient.sex,
                    effective_from=since - dt.timedelta(days=rng.randrange(0, 700)),
                    copay=copay,
                )
            )
            if age >= 65 and rng.random() < 0.45:
                member_seq += 1
                coverages.append(
                    Coverage(
                        patient=patient,
                        payer=payers[SECONDARY_PAYER],
                        plan_name="Medigap plan G",
                        member_id=f"ATL{800000000 + member_seq * 7919}",
                        order=2,
                        relationship="18",
                        subscriber_first_name=patient.first_name,
                        subscriber_last_name=patient.last_name,
                        subscriber_date_of_birth=patient.date_of_birth,
                        subscriber_sex=patient.sex,
                        effective_from=since,
                    )
                )
        consents.append(Consent(patient=patient, kind="npp", given_on=since, recorded_by=npp_user))
        if rng.random() < 0.95:
            consents.append(
                Consent(patient=patient, kind="financial", given_on=since, recorded_by=npp_user)
            )
        if patient.phone and rng.random() < 0.85:
            revoked = (
                today - dt.timedelta(days=rng.randrange(5, 200)) if rng.random() < 0.02 else None
            )
            consents.append(
                Consent(
                    patient=patient,
                    kind="sms",
                    given_on=since,
                    revoked_on=revoked,
                    recorded_by=npp_user,
                )
            )
        if patient.email and rng.random() < 0.6:
            consents.append(
                Consent(patient=patient, kind="email", given_on=since, recorded_by=npp_user)
            )
        if patient.preferred_language != "en" and rng.random() < 0.7:
            language = {
                "es": "Spanish",
                "pt": "Portuguese",
                "zh": "Mandarin",
                "vi": "Vietnamese",
                "ht": "Haitian Creole",
                "ru": "Russian",
            }.get(patient.preferred_language, "another language")
            alerts.append(
                PatientAlert(
                    patient=patient,
                    kind="interpreter",
                    text=f"{language} interpreter",
                    created_by=npp_user,
                )
            )
        roll = rng.random()
        if roll < 0.03:
            amount = rng.choice([45, 80, 120, 260, 415])
            alerts.append(
                PatientAlert(
                    patient=patient,
                    kind="balance_due",
                    text=f"Balance due ${amount}.00",
                    created_by=users.get("biller"),
                )
            )
        elif roll < 0.04 and age >= 65:
            alerts.append(
                PatientAlert(
                    patient=patient,
                    kind="mobility",
                    text="Uses a wheelchair; ground-floor room",
                    created_by=npp_user,
                )
            )
        elif roll < 0.05 and age >= 65:
            alerts.append(PatientAlert(patient=patient, kind="hearing", created_by=npp_user))
    Coverage.objects.bulk_create(coverages, batch_size=BATCH)
    Consent.objects.bulk_create(consents, batch_size=BATCH)
    PatientAlert.objects.bulk_create(alerts, batch_size=BATCH)


# --- 3. a year of appointments --------------------------------------------------------------

REASONS = {
    "new": ["Establish care", "New to the area, establish care", "Transfer of care"],
    "est": [
        "Blood pressure follow-up",
        "Diabetes follow-up",
        "Medication review",
        "Thyroid follow-up",
        "Follow-up of lab results",
        "Asthma follow-up",
    ],
    "physical": ["Annual physical", "Annual wellness visit", "Pre-employment physical"],
    "sick": [
        "Sore throat",
        "Cough and fever",
        "Ear pain",
        "Rash",
        "Back pain",
        "Urinary symptoms",
        "Sinus congestion",
    ],
    "tele": ["Lab results review", "Medication check", "Follow-up by video"],
    "wellchild": ["Well-child check", "School physical", "Sports physical", "Vaccines"],
    "procedure": ["Skin lesion removal", "Joint injection", "Ingrown toenail", "Wart treatment"],
    "ecg": ["Pre-operative ECG", "Palpitations", "Chest discomfort work-up"],
}
CANCEL_REASONS = [
    "Patient ill",
    "Work conflict",
    "Transportation problem",
    "Feeling better",
    "Family emergency",
    "Weather",
]
PEDIATRIC_TYPES = {"new", "est", "sick", "wellchild", "tele"}
LOCATION_PACE = {"MAIN": 1.0, "NORTH": 1.15, "LAKE": 1.3}
CLAIM_FREE = {"cancelled", "no_show"}  # statuses whose time is released (as the services do)


@dataclass
class _Visit:
    """One appointment being generated, with its status trail."""

    provider_id: int
    location_id: int
    type_code: str
    patient: int
    start: dt.datetime
    end: dt.datetime
    reason: str
    overbook: bool = False
    booked_at: dt.datetime | None = None
    events: list[tuple[str, dt.datetime, str]] = field(default_factory=list)
    status: str = "scheduled"
    resource_id: int | None = None
    room_id: int | None = None
    late: bool = False
    late_cancel: bool = False
    cancel_reason: str = ""


def _minutes(rng: random.Random, median: float, spread: float = 0.5) -> dt.timedelta:
    return dt.timedelta(minutes=max(0.5, median * math.exp(rng.gauss(0, spread))))


class _Planner:
    """Walks each provider's working days and writes visits into their template blocks."""

    def __init__(self, context: dict[str, Any], seed: int) -> None:
        from medoffice.patients.models import Coverage, Patient
        from medoffice.scheduling.models import (
            AppointmentType,
            OverbookRule,
            Provider,
            Resource,
            ScheduleException,
            TemplateBlock,
        )
        from medoffice.scheduling.selectors import practice_holidays

        self.rng = _rng(seed, "appointments")
        self.size = _size(context)
        self.now = _now(context)
        self.tz = practice_zone()
        self.today = self.now.astimezone(self.tz).date()
        self.first_day = self.today - dt.timedelta(days=self.size.past_days)
        self.last_day = self.today + dt.timedelta(days=self.size.future_days)
        users = _users(context)
        self.desk = {
            "MAIN": users.get("frontdesk"),
            "NORTH": users.get("frontdesk2"),
            "LAKE": users.get("frontdesk"),
        }
        self.nurse = users.get("nurse")
        self.locations = {loc.pk: loc.code for loc in Location.objects.all()}
        specs = {(s.first, s.last): s for s in PROVIDERS}
        self.providers = [
            (p, specs.get((p.first_name, p.last_name)))
            for p in Provider.objects.filter(is_active=True).order_by("pk")
        ]
        self.types = {t.code: t for t in AppointmentType.objects.filter(is_active=True)}
        self.overbooking = set(
            OverbookRule.objects.filter(is_active=True).values_list("provider_id", flat=True)
        )
        self.type_providers = {
            t.code: set(t.providers.values_list("pk", flat=True)) for t in self.types.values()
        }
        self.weights = {code: weight for code, *_rest, weight in TYPES}
        self.needs: dict[tuple[str, int], int] = {}
        for t in self.types.values():
            for requirement in t.resource_requirements.prefetch_related("resources"):
                for resource in requirement.resources.all():
                    self.needs[(t.code, resource.location_id)] = resource.pk
        self.rooms: dict[int, list[int]] = defaultdict(list)
        for resource in Resource.objects.filter(
            kind="room", is_active=True, name__startswith="Exam"
        ):
            self.rooms[resource.location_id].append(resource.pk)
        self.blocks: dict[tuple[int, int], list[Any]] = defaultdict(list)
        for block in TemplateBlock.objects.prefetch_related("appointment_types").order_by("start"):
            allowed = {t.code for t in block.appointment_types.all()} or None
            self.blocks[(block.provider_id, block.weekday)].append((block, allowed))
        self.exceptions = list(
            ScheduleException.objects.filter(
                start__lt=dt.datetime.combine(self.last_day, dt.time(23, 59), tzinfo=self.tz),
                end__gt=dt.datetime.combine(self.first_day, dt.time(0), tzinfo=self.tz),
            )
        )
        self.holidays = practice_holidays(range(self.first_day.year, self.last_day.year + 1))
        # Patients: who may be seen, where they live, their copay.
        copays = dict(
            Coverage.objects.filter(order=1, is_active=True).values_list("patient_id", "copay")
        )
        self.copay: dict[int, Decimal | None] = {}
        self.last_ok: dict[int, dt.date] = {}
        self.pool: dict[tuple[int | None, bool], list[int]] = defaultdict(list)
        self.unseen: dict[tuple[int | None, bool], list[int]] = defaultdict(list)
        rows = Patient.objects.order_by("mrn").values_list(
            "pk", "home_location_id", "date_of_birth", "is_active", "deceased_date"
        )
        for pk, home, born, active, died in rows:
            minor = (self.today - born).days < 18 * 365
            self.copay[pk] = copays.get(pk)
            if died is not None:
                self.last_ok[pk] = died - dt.timedelta(days=1)
            elif not active:
                self.last_ok[pk] = self.today - dt.timedelta(days=60)
            for key in ((home, minor), (None, minor)):
                self.pool[key].append(pk)
                self.unseen[key].append(pk)
        for key in self.unseen:
            self.rng.shuffle(self.unseen[key])
        self.seen: set[int] = set()
        self.busy_day: set[tuple[int, dt.date]] = set()
        self.resource_busy: dict[tuple[int, dt.date], list[tuple[int, int]]] = defaultdict(list)
        self.room_free: dict[tuple[int, dt.date], dict[int, dt.datetime]] = {}
        self.visits: list[_Visit] = []

    # -- the calendar ----------------------------------------------------------------------

    def local(self, day: dt.date, minute: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=self.tz)

    def closed(self, provider_id: int, location_id: int, day: dt.date) -> list[tuple[int, int]]:
        """Minutes of the day nobody may book this provider here (time off, meetings…)."""
        day_start = self.local(day, 0)
        day_end = day_start + dt.timedelta(days=1)
        out = []
        for e in self.exceptions:
            if e.provider_id not in (None, provider_id) or e.location_id not in (None, location_id):
                continue
            if e.start >= day_end or e.end <= day_start:
                continue
            start = max(e.start.astimezone(self.tz), day_start)
            end = min(e.end.astimezone(self.tz), day_end)
            out.append(
                (
                    int((start - day_start).total_seconds() // 60),
                    math.ceil((end - day_start).total_seconds() / 60),
                )
            )
        return out

    # -- patients --------------------------------------------------------------------------

    def patient(self, location_id: int, day: dt.date, minor: bool | None, new: bool) -> int | None:
        rng = self.rng
        for _ in range(12):
            is_minor = minor if minor is not None else rng.random() < 0.2
            home = location_id if rng.random() < 0.85 else None
            if new:
                pool = self.unseen[(home, is_minor)]
                while pool and pool[-1] in self.seen:
                    pool.pop()
                if not pool:
                    return None
                pk = pool[-1]
            else:
                pool = self.pool[(home, is_minor)]
                if not pool:
                    continue
                pk = pool[rng.randrange(len(pool))]
            if (pk, day) in self.busy_day:
                continue
            limit = self.last_ok.get(pk)
            if limit is not None and (day > limit or day >= self.today):
                continue
            self.busy_day.add((pk, day))
            self.seen.add(pk)
            return pk
        return None

    # -- walking the book ------------------------------------------------------------------

    def run(self) -> list[_Visit]:
        day = self.first_day
        while day < self.last_day:
            if day not in self.holidays:
                for provider, spec in self.providers:
                    self.provider_day(provider, spec, day)
            day += dt.timedelta(days=1)
        return self.visits

    def fill_chance(self, day: dt.date) -> float:
        if day <= self.today:
            return 0.7
        ahead = (day - self.today).days
        return 0.7 * (1 - 0.55 * ahead / max(self.size.future_days, 1))

    def provider_day(self, provider: Any, spec: ProviderSpec | None, day: dt.date) -> None:
        rng = self.rng
        pediatric = bool(spec and spec.pediatric)
        adults_only = bool(spec and spec.specialty == "Internal medicine")
        chance = self.fill_chance(day)
        for block, allowed in self.blocks.get((provider.pk, day.weekday()), []):
            if block.effective_from > day or (block.effective_to and block.effective_to < day):
                continue
            closed = self.closed(provider.pk, block.location_id, day)
            cursor = block.start.hour * 60 + block.start.minute
            end = block.end.hour * 60 + block.end.minute
            codes = [
                code
                for code in self.types
                if (allowed is None or code in allowed)
                and (not self.type_providers[code] or provider.pk in self.type_providers[code])
                and (not pediatric or code in PEDIATRIC_TYPES)
                and not (adults_only and code == "wellchild")
            ]
            while cursor < end:
                blocked = next((c for c in closed if c[0] <= cursor < c[1]), None)
                if blocked:
                    cursor = blocked[1]
                    continue
                if rng.random() >= chance:
                    cursor += 15
                    continue
                visit = self.place(
                    provider,
                    spec,
                    block.location_id,
                    day,
                    cursor,
                    end,
                    codes,
                    closed,
                    pediatric,
                    adults_only,
                )
                if visit is None:
                    cursor += 15
                    continue
                self.visits.append(visit)
                self.outcome(visit, spec)
                if visit.status == "cancelled" and rng.random() < 0.4:
                    continue  # the freed time was booked again
                cursor += self.types[visit.type_code].duration
            if provider.pk in self.overbooking and day <= self.today and rng.random() < 0.25:
                self.overbook(provider, spec, block, day)

    def place(
        self,
        provider: Any,
        spec: ProviderSpec | None,
        location_id: int,
        day: dt.date,
        cursor: int,
        end: int,
        codes: list[str],
        closed: list[tuple[int, int]],
        pediatric: bool,
        adults_only: bool,
    ) -> _Visit | None:
        rng = self.rng
        fitting = []
        for code in codes:
            stop = cursor + self.types[code].duration
            if stop > end or any(c[0] < stop and cursor < c[1] for c in closed):
                continue
            need = self.needs.get((code, location_id))
            if (code, location_id) not in self.needs and any(k[0] == code for k in self.needs):
                continue  # needs equipment this location does not have
            if need and any(b[0] < stop and cursor < b[1] for b in self.resource_busy[(need, day)]):
                continue
            fitting.append(code)
        if not fitting:
            return None
        weights = [
            self.weights.get(c, 1) * (4 if pediatric and c == "wellchild" else 1) for c in fitting
        ]
        code = rng.choices(fitting, weights=weights)[0]
        minor: bool | None = True if pediatric or code == "wellchild" else None
        if adults_only:
            minor = False
        pk = self.patient(location_id, day, minor, new=code == "new")
        if pk is None and code == "new":
            code = "est" if "est" in fitting else fitting[0]
            pk = self.patient(location_id, day, minor, new=False)
        if pk is None:
            return None
        duration = self.types[code].duration
        need = self.needs.get((code, location_id))
        if need:
            self.resource_busy[(need, day)].append((cursor, cursor + duration))
        start = self.local(day, cursor)
        return _Visit(
            provider_id=provider.pk,
            location_id=location_id,
            type_code=code,
            patient=pk,
            start=start,
            end=start + dt.timedelta(minutes=duration),
            reason=rng.choice(REASONS.get(code, [""])),
            resource_id=need,
            room_id=need if code == "procedure" else None,
        )

    def overbook(self, provider: Any, spec: ProviderSpec | None, block: Any, day: dt.date) -> None:
        rng = self.rng
        # run() never walks a holiday, so only closures are checked here.
        if self.closed(provider.pk, block.location_id, day):
            return
        first = block.start.hour * 60 + block.start.minute
        last = block.end.hour * 60 + block.end.minute - 15
        minute = first + 15 * rng.randrange(max((last - first) // 15, 1))
        pk = self.patient(block.location_id, day, None, new=False)
        if pk is None or "sick" not in self.types:
            return
        start = self.local(day, minute)
        visit = _Visit(
            provider_id=provider.pk,
            location_id=block.location_id,
            type_code="sick",
            patient=pk,
            start=start,
            end=start + dt.timedelta(minutes=self.types["sick"].duration),
            reason=rng.choice(REASONS["sick"]) + " (walk-in)",
            overbook=True,
        )
        self.visits.append(visit)
        self.outcome(visit, spec)

    # -- what happened to each visit -------------------------------------------------------

    def outcome(self, visit: _Visit, spec: ProviderSpec | None) -> None:
        from medoffice.scheduling.services import LATE_ARRIVAL_MINUTES

        rng = self.rng
        code = self.locations[visit.location_id]
        desk = "desk"
        lead_days = {"sick": 0, "new": rng.randrange(7, 40), "physical": rng.randrange(14, 90)}
        lead = dt.timedelta(
            days=lead_days.get(visit.type_code, rng.randrange(2, 45)),
            minutes=rng.randrange(30, 300),
        )
        booked = min(visit.start - lead, self.now - dt.timedelta(minutes=5))
        visit.booked_at = booked
        events = [("scheduled", booked, desk)]
        roll = rng.random()
        if roll < (0.03 if visit.start > self.now else 0.05):
            late = rng.random() < 0.3
            before = (
                dt.timedelta(hours=rng.uniform(1, 20))
                if late
                else dt.timedelta(days=rng.uniform(2, 12))
            )
            at = visit.start - before
            if visit.start > self.now:  # a future visit cancelled some time before today
                at = booked + (self.now - booked) * rng.random()
                late = visit.start - at < dt.timedelta(hours=24)
            elif at <= booked:
                at = booked + (visit.start - booked) / 2
                late = visit.start - at < dt.timedelta(hours=24)
            if at <= self.now:
                visit.late_cancel = late
                visit.cancel_reason = rng.choice(CANCEL_REASONS)
                events.append(("cancelled", at, desk))
                self.finish(visit, events)
                return
        if rng.random() < 0.6:
            at = visit.start - dt.timedelta(days=rng.uniform(1, 3))
            if at > booked:
                events.append(("confirmed", at, desk))
        if roll > 1 - 0.072:
            events.append(
                ("no_show", visit.start + dt.timedelta(minutes=rng.randrange(30, 90)), desk)
            )
            self.finish(visit, events)
            return
        afternoon = visit.start.astimezone(self.tz).hour >= 12
        pace = (spec.pace if spec else 1.0) * LOCATION_PACE.get(code, 1.0)
        pace *= 1.3 if afternoon else 1.0
        if self.types[visit.type_code].is_telehealth:
            pace *= 0.4
        offset = min(25.0, max(-20.0, rng.gauss(-6, 9)))
        arrived = visit.start + dt.timedelta(minutes=offset)
        visit.late = offset > LATE_ARRIVAL_MINUTES
        events.append(("arrived", arrived, desk))
        if rng.random() < 0.006:
            roomed_after = _minutes(rng, 25 * pace) if rng.random() < 0.5 else None
            left = arrived + dt.timedelta(minutes=rng.randrange(50, 100))
            if roomed_after is not None:
                # Roomed, then tired of waiting for the provider: the room comes before
                # the leaving, however slow the day.
                roomed = min(arrived + roomed_after, left - dt.timedelta(minutes=5))
                events.append(("roomed", roomed, "flow"))
            events.append(("lwbs", left, "flow"))
            self.finish(visit, events)
            return
        roomed = arrived + _minutes(rng, 8 * pace)
        with_provider = roomed + _minutes(rng, 12 * pace)
        seen = with_provider + _minutes(rng, self.types[visit.type_code].duration * 0.9, 0.2)
        events.append(("roomed", roomed, "flow"))
        events.append(("with_provider", with_provider, "flow"))
        if rng.random() < 0.8:
            events.append(("checkout", seen, "flow"))
            events.append(("completed", seen + _minutes(rng, 5, 0.4), "desk"))
        else:
            events.append(("completed", seen, "flow"))
        self.finish(visit, events)

    def finish(self, visit: _Visit, events: list[tuple[str, dt.datetime, str]]) -> None:
        """Keep what had happened by "now" (today's visits are part-way along the flow)."""
        kept = [e for e in events if e[1] <= self.now]
        if not kept:
            kept = events[:1]
        if (
            kept[-1][0] in {"scheduled", "confirmed"}
            and visit.start + dt.timedelta(minutes=30) <= self.now
            and visit.start.astimezone(self.tz).date() == self.today
        ):
            # Today's patient who never came: the desk marked the no-show half an hour in.
            kept.append(("no_show", visit.start + dt.timedelta(minutes=30), "desk"))
        visit.events = kept
        visit.status = kept[-1][0]
        day = visit.start.astimezone(self.tz).date()
        roomed = next((e[1] for e in kept if e[0] == "roomed"), None)
        if (
            roomed is not None
            and visit.room_id is None
            and not self.types[visit.type_code].is_telehealth
        ):
            free = self.room_free.setdefault(
                (visit.location_id, day),
                {room: roomed - dt.timedelta(days=1) for room in self.rooms[visit.location_id]},
            )
            if free:
                idle = [r for r in sorted(free) if free[r] <= roomed]
                room = idle[0] if idle else min(free, key=lambda r: free[r])
                visit.room_id = room
                leaves = next(
                    (e[1] for e in kept if e[0] in {"checkout", "completed", "lwbs"}),
                    roomed + dt.timedelta(minutes=40),
                )
                free[room] = max(free[room], leaves)


def build_appointments(context: dict[str, Any], seed: int = 2026) -> None:
    """12 months of past and 2 months of future visits, their status trail, slot claims and
    the copays taken at check-in."""
    from medoffice.billing.models import PatientPayment
    from medoffice.scheduling.models import Appointment, AppointmentStatus, SlotClaim, StatusChange
    from medoffice.scheduling.services import STATUS_TIMESTAMP, granules

    if Appointment.objects.exists():
        return
    planner = _Planner(context, seed)
    if not planner.providers:
        return
    visits = planner.run()
    rng = planner.rng
    codes = planner.locations
    type_ids = {code: t.pk for code, t in planner.types.items()}
    # The flow's status → timestamp field, plus the cancellation's.
    stamp = {**STATUS_TIMESTAMP, AppointmentStatus.CANCELLED: "cancelled_at"}
    rows = []
    for visit in visits:
        desk = planner.desk.get(codes[visit.location_id])
        appointment = Appointment(
            patient_id=visit.patient,
            provider_id=visit.provider_id,
            location_id=visit.location_id,
            appointment_type_id=type_ids[visit.type_code],
            start=visit.start,
            end=visit.end,
            status=visit.status,
            room_id=visit.room_id,
            is_overbook=visit.overbook,
            reason=visit.reason,
            booked_by=desk,
            booked_at=visit.booked_at,
            is_late_arrival=visit.late and any(e[0] == "arrived" for e in visit.events),
            is_late_cancel=visit.late_cancel,
            cancel_reason=visit.cancel_reason if visit.status == "cancelled" else "",
        )
        for status, at, _who in visit.events:
            if status in stamp:
                setattr(appointment, stamp[status], at)
        rows.append(appointment)
    with _keep_given(Appointment, "booked_at"):
        Appointment.objects.bulk_create(rows, batch_size=BATCH)

    claims: list[tuple] = []
    changes: list[tuple] = []
    links: list[tuple] = []
    payments = []
    through = Appointment.resources.through
    nurse_id = planner.nurse.pk if planner.nurse else None
    for visit, appointment in zip(visits, rows, strict=True):
        if not visit.overbook and visit.status not in CLAIM_FREE:
            claims += [
                (visit.provider_id, _db_datetime(g), appointment.pk)
                for g in granules(visit.start, visit.end)
            ]
        desk = planner.desk.get(codes[visit.location_id])
        desk_id = desk.pk if desk else None
        previous = ""
        for status, at, who in visit.events:
            note = visit.cancel_reason if status == "cancelled" else ""
            by = desk_id if who == "desk" else nurse_id
            changes.append((appointment.pk, previous, status, _db_datetime(at), by, note))
            previous = status
        if visit.resource_id:
            links.append((appointment.pk, visit.resource_id))
        copay = planner.copay.get(visit.patient)
        arrived = appointment.arrived_at
        if copay and arrived and visit.status != "lwbs" and rng.random() < 0.6:
            method = _weighted(rng, [("card", 60), ("cash", 20), ("check", 10), ("hsa", 10)])
            reference = (
                f"{rng.randrange(1000, 9999)}"
                if method in {"card", "hsa"}
                else f"{rng.randrange(100, 9999)}"
                if method == "check"
                else ""
            )
            payments.append(
                PatientPayment(
                    patient_id=visit.patient,
                    appointment_id=appointment.pk,
                    location_id=visit.location_id,
                    amount=copay,
                    method=method,
                    reference=reference,
                    kind="copay",
                    received_by=desk,
                    received_at=arrived + dt.timedelta(minutes=rng.randrange(1, 4)),
                )
            )
    _insert_rows(SlotClaim, ["provider_id", "granule", "appointment_id"], claims)
    _insert_rows(
        StatusChange,
        ["appointment_id", "from_status", "to_status", "changed_at", "changed_by_id", "note"],
        changes,
    )
    _insert_rows(through, ["appointment_id", "resource_id"], links)
    # Receipt numbers as billing.services.next_receipt_number draws them: R<year>-<sequence>.
    payments.sort(key=lambda p: p.received_at)
    sequence: dict[int, int] = defaultdict(int)
    for payment in payments:
        year = payment.received_at.astimezone(dt.UTC).year
        sequence[year] += 1
        payment.receipt_number = f"R{year}-{sequence[year]:06d}"
    PatientPayment.objects.bulk_create(payments, batch_size=BATCH)


# --- 4. the waitlist, recalls, reminder rules and message templates --------------------------

RECALL_REASONS = [
    ("Annual physical", "physical", 45),
    ("Diabetes follow-up (A1c)", "est", 20),
    ("Blood pressure check", "est", 20),
    ("Well-child check", "wellchild", 15),
]


def build_outreach(context: dict[str, Any], seed: int = 2026) -> None:
    """Reminder rules, message templates, the waitlist and recalls."""
    from medoffice.patients.models import Patient
    from medoffice.scheduling.models import (
        Appointment,
        AppointmentType,
        Provider,
        Recall,
        RecallOutreach,
        WaitlistEntry,
    )

    # The reminder rules (72 h e-mail, 24 h text) and the message templates in English and
    # Spanish are the reminder engine's own defaults: one source for their wording.
    from medoffice.scheduling.reminders import ensure_defaults

    ensure_defaults()
    if WaitlistEntry.objects.exists() or Recall.objects.exists():
        return
    types = {t.code: t for t in AppointmentType.objects.all()}
    providers = list(Provider.objects.order_by("pk"))
    if not types or not providers:
        return
    rng = _rng(seed, "outreach")
    size = _size(context)
    users = _users(context)
    now = _now(context)
    today = now.astimezone(practice_zone()).date()
    desk = users.get("frontdesk") or users.get("manager")
    future = list(
        Appointment.objects.filter(start__gt=now, status__in=["scheduled", "confirmed"])
        .order_by("start")
        .values_list("pk", "patient_id", "appointment_type__code", "provider_id", "location_id")
    )
    active = list(
        Patient.objects.filter(is_active=True).order_by("mrn").values_list("pk", "date_of_birth")
    )
    minors = [pk for pk, born in active if (today - born).days < 18 * 365]
    adults = [pk for pk, born in active if (today - born).days >= 18 * 365]
    entries = []
    waiting = rng.sample(future[len(future) // 3 :], min(size.waitlist, len(future) * 2 // 3))
    for n, (pk, patient_id, code, provider_id, location_id) in enumerate(waiting):
        status = "offered" if n % 6 == 5 else "waiting"
        entries.append(
            WaitlistEntry(
                patient_id=patient_id,
                appointment_type=types[code],
                provider_id=provider_id if rng.random() < 0.6 else None,
                location_id=location_id if rng.random() < 0.7 else None,
                current_appointment_id=pk,
                earliest=today,
                mornings_only=n % 5 == 1,
                afternoons_only=n % 7 == 2,
                note=rng.choice(
                    [
                        "Any cancellation, can come on short notice",
                        "Prefers Fridays",
                        "Needs a ride; call the day before",
                        "",
                    ]
                ),
                status=status,
                created_by=desk,
                created_at=now - dt.timedelta(days=rng.randrange(1, 30)),
                offered_at=now - dt.timedelta(hours=rng.randrange(1, 20))
                if status == "offered"
                else None,
            )
        )
    with _keep_given(WaitlistEntry, "created_at"):
        WaitlistEntry.objects.bulk_create(entries)

    by_patient: dict[int, tuple[int, str]] = {}
    for pk, patient_id, code, _provider_id, _location_id in future:
        by_patient.setdefault(patient_id, (pk, code))
    recalls = []
    outreach = []
    used: set[int] = set()
    for _ in range(size.recalls):
        reason, code, _w = _weighted(rng, [(r, r[2]) for r in RECALL_REASONS])
        pool = minors if code == "wellchild" else adults
        if not pool:
            continue
        patient_id = rng.choice(pool)
        if patient_id in used:
            continue
        used.add(patient_id)
        due = today + dt.timedelta(days=rng.randrange(-60, 90))
        status = _weighted(rng, [("due", 55), ("contacted", 30), ("scheduled", 15)])
        appointment_id = None
        if status == "scheduled":
            booked = by_patient.get(patient_id)
            if booked is None:
                status = "contacted"
            else:
                appointment_id = booked[0]
        recall = Recall(
            patient_id=patient_id,
            reason=reason,
            appointment_type=types.get(code),
            provider=rng.choice(providers),
            due_date=due,
            status=status,
            appointment_id=appointment_id,
            created_by=desk,
        )
        recalls.append(recall)
    Recall.objects.bulk_create(recalls, batch_size=BATCH)
    for recall in recalls:
        if recall.status in {"contacted", "scheduled"}:
            outreach.append(
                RecallOutreach(
                    recall=recall,
                    method=rng.choice(["sms", "phone", "email", "letter"]),
                    outcome=rng.choice(
                        ["Left a message", "Will call back", "Text sent", "Letter mailed"]
                    )
                    if recall.status == "contacted"
                    else "Booked",
                    by=desk,
                )
            )
    RecallOutreach.objects.bulk_create(outreach, batch_size=BATCH)


BUILDERS = [build_schedule_setup, build_patient_registry, build_appointments, build_outreach]
