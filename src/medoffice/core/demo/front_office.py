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
the builder context under the key ``"front_office_size"``, and may fix "now" under
``"front_office_now"``.
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
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.utils import timezone
from faker import Faker

from medoffice.core.identifiers import npi_check_digit
from medoffice.core.models import Location, Practice, User

BATCH = 2000
LATE_ARRIVAL_MINUTES = 10  # the same threshold as scheduling.services.change_status


@dataclass(frozen=True)
class FrontOfficeSize:
    patients: int = 5000
    past_days: int = 365
    future_days: int = 61
    waitlist: int = 30
    recalls: int = 300


FULL = FrontOfficeSize()


def _size(context: dict[str, Any]) -> FrontOfficeSize:
    return context.get("front_office_size") or FULL


def _now(context: dict[str, Any]) -> dt.datetime:
    return context.get("front_office_now") or timezone.now()


def _zone() -> ZoneInfo:
    tz = Practice.objects.order_by("pk").values_list("time_zone", flat=True).first()
    return ZoneInfo(tz or "America/New_York")


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
        "patel", "Anika", "Patel", "MD", "Family medicine", "207Q00000X", "#1f77b4", "drpatel",
        {0: ("MAIN", ("am", "pm")), 1: ("MAIN", ("np-am", "pm")), 2: ("NORTH", ("am", "pm")),
         3: ("MAIN", ("am", "pm"))},
        0.9,
    ),
    ProviderSpec(
        "green", "Thomas", "Green", "MD", "Internal medicine", "207R00000X", "#2ca02c", "drgreen",
        {0: ("LAKE", ("am", "pm")), 1: ("LAKE", ("am", "pm")), 3: ("LAKE", ("np-am", "pm")),
         4: ("LAKE", ("am", "pm"))},
        1.35,
    ),
    ProviderSpec(
        "ruiz", "Elena", "Ruiz", "MD", "Pediatrics", "208000000X", "#e377c2", None,
        {0: ("NORTH", ("am", "pm")), 1: ("MAIN", ("am", "pm")), 2: ("MAIN", ("np-am", "pm")),
         3: ("NORTH", ("am", "pm")), 4: ("MAIN", ("am",))},
        0.8, pediatric=True,
    ),
    ProviderSpec(
        "bennett", "Marcus", "Bennett", "DO", "Family medicine", "207Q00000X", "#ff7f0e", None,
        {0: ("NORTH", ("am", "pm")), 1: ("NORTH", ("am", "pm")), 2: ("NORTH", ("np-am", "pm")),
         4: ("NORTH", ("am", "pm"))},
        1.1,
    ),
    ProviderSpec(
        "kim", "Grace", "Kim", "NP", "Family nurse practitioner", "363LF0000X", "#9467bd", None,
        {0: ("MAIN", ("am", "pm")), 1: ("LAKE", ("am", "pm")), 2: ("MAIN", ("am", "pm")),
         3: ("LAKE", ("am", "pm")), 4: ("MAIN", ("am", "tele-pm"))},
        1.0,
    ),
    ProviderSpec(
        "okonkwo", "David", "Okonkwo", "PA-C", "Physician assistant", "363A00000X", "#8c564b",
        None,
        {1: ("MAIN", ("am", "pm")), 2: ("LAKE", ("am", "pm")), 3: ("MAIN", ("am", "pm")),
         4: ("LAKE", ("am", "pm"))},
        1.2,
    ),
    ProviderSpec(
        "chen", "Laura", "Chen", "MD", "Internal medicine", "207R00000X", "#17becf", None,
        {0: ("MAIN", ("np-am", "pm")), 1: ("MAIN", ("am", "pm")), 2: ("MAIN", ("am", "pm")),
         3: ("NORTH", ("am", "pm")), 4: ("MAIN", ("am", "pm"))},
        1.05,
    ),
    ProviderSpec(
        "brooks", "Samuel", "Brooks", "MD", "Family medicine", "207Q00000X", "#bcbd22", None,
        {0: ("LAKE", ("am", "pm")), 2: ("NORTH", ("am", "pm")), 3: ("NORTH", ("am", "pm")),
         4: ("NORTH", ("am", "pm"))},
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
    tz = _zone()
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
    "MAIN": [("Springfield", "01103"), ("Springfield", "01104"), ("West Springfield", "01089"),
             ("Longmeadow", "01106"), ("Agawam", "01001")],
    "NORTH": [("Chicopee", "01020"), ("Chicopee", "01013"), ("Holyoke", "01040"),
              ("South Hadley", "01075"), ("Granby", "01033")],
    "LAKE": [("Ludlow", "01056"), ("Wilbraham", "01095"), ("Belchertown", "01007"),
             ("Palmer", "01069"), ("Hampden", "01036")],
}
# Massachusetts area codes first; patients who moved here keep their old mobile numbers.
AREA_CODES = [
    "413", "508", "774", "617", "781", "978", "351", "339", "857", "860", "203", "401", "603",
    "802", "212", "718", "917", "646", "347", "516", "631", "914", "201", "973", "732", "215",
    "267", "412", "202", "301", "410", "703", "404", "305", "407", "786", "312", "773", "313",
    "216", "614", "317", "414", "612", "314", "816", "504", "713", "214", "512", "210", "303",
    "602", "702", "801", "206", "503", "415", "510", "408", "213", "310", "619", "808", "907",
]
COPAYS = [None, Decimal("10.00"), Decimal("20.00"), Decimal("25.00"), Decimal("30.00"),
          Decimal("40.00")]


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
    today = _now(context).astimezone(_zone()).date()
    fakers = {}
    for n, (lang, locale) in enumerate([("en", "en_US"), ("es", "es_MX"), ("pt", "pt_BR")]):
        fakers[lang] = Faker(locale)
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
            created_at=timezone.make_aware(
                dt.datetime.combine(
                    today - dt.timedelta(days=rng.randrange(400, 3000)), dt.time(9)
                ),
                _zone(),
            ),
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
        since = patient.created_at.date()
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
        consents.append(
            Consent(patient=patient, kind="npp", given_on=since, recorded_by=npp_user)
        )
        if rng.random() < 0.95:
            consents.append(
                Consent(patient=patient, kind="financial", given_on=since, recorded_by=npp_user)
            )
        if patient.phone and rng.random() < 0.85:
            revoked = today - dt.timedelta(days=rng.randrange(5, 200)) if rng.random() < 0.02 else None
            consents.append(
                Consent(
                    patient=patient, kind="sms", given_on=since, revoked_on=revoked,
                    recorded_by=npp_user,
                )
            )
        if patient.email and rng.random() < 0.6:
            consents.append(
                Consent(patient=patient, kind="email", given_on=since, recorded_by=npp_user)
            )
        if patient.preferred_language != "en" and rng.random() < 0.7:
            language = dict(
                es="Spanish", pt="Portuguese", zh="Mandarin", vi="Vietnamese",
                ht="Haitian Creole", ru="Russian",
            ).get(patient.preferred_language, "another language")
            alerts.append(
                PatientAlert(
                    patient=patient, kind="interpreter", text=f"{language} interpreter",
                    created_by=npp_user,
                )
            )
        roll = rng.random()
        if roll < 0.03:
            amount = rng.choice([45, 80, 120, 260, 415])
            alerts.append(
                PatientAlert(
                    patient=patient, kind="balance_due", text=f"Balance due ${amount}.00",
                    created_by=users.get("biller"),
                )
            )
        elif roll < 0.04 and age >= 65:
            alerts.append(
                PatientAlert(
                    patient=patient, kind="mobility", text="Uses a wheelchair; ground-floor room",
                    created_by=npp_user,
                )
            )
        elif roll < 0.05 and age >= 65:
            alerts.append(PatientAlert(patient=patient, kind="hearing", created_by=npp_user))
    Coverage.objects.bulk_create(coverages, batch_size=BATCH)
    Consent.objects.bulk_create(consents, batch_size=BATCH)
    PatientAlert.objects.bulk_create(alerts, batch_size=BATCH)
