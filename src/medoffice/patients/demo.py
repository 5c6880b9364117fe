"""The demo practice's patients: payers, about 5,000 patients with coverage, consents and
alerts, and an emergency access for the office manager to review."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from medoffice.core.demo.helpers import (
    BATCH,
    birthday,
    demo_now,
    demo_rng,
    demo_size,
    demo_users,
    keep_given,
    weighted,
)
from medoffice.core.models import Location, practice_zone
from medoffice.extras import require

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


def build_patient_registry(context: dict[str, Any], seed: int = 2026) -> None:
    """Payers and patients with their coverage, consents and alerts."""
    from medoffice.patients.models import Consent, Coverage, Patient, PatientAlert, Payer
    from medoffice.patients.search import fold

    if Patient.objects.exists():
        return
    rng = demo_rng(seed, "patients")
    size = demo_size(context)
    users = demo_users(context)
    tz = practice_zone()
    today = demo_now(context).astimezone(tz).date()
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
        code = weighted(rng, [("MAIN", 45), ("NORTH", 30), ("LAKE", 25)])
        lang = weighted(rng, LANGUAGES)
        names = fakers.get(lang, fakers["en"])
        sex = weighted(rng, [("F", 52), ("M", 47), ("UNK", 1)])
        if sex == "F":
            first = names.first_name_female()
        elif sex == "M":
            first = names.first_name_male()
        else:
            first = names.first_name()
        last = names.last_name()
        born = birthday(rng, today, weighted(rng, AGES))
        age = (today - born).days // 365
        identity = ""
        if age >= 18:
            identity = weighted(
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
            preferred_contact=weighted(
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
    with keep_given(Patient, "created_at"):
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
                payer = weighted(rng, shares)
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


def build_emergency_access(context: dict[str, Any], seed: int = 2026) -> None:
    """An emergency access for the office manager to review on the home page."""
    from medoffice.core.audit import record_event
    from medoffice.core.models import AuditAction
    from medoffice.patients.models import EmergencyAccess, Patient

    users = context["users"]
    if not EmergencyAccess.objects.exists():
        lakeside = context["locations"]["LAKE"]
        patient = Patient.objects.exclude(home_location=lakeside).order_by("mrn").first()
        if patient is not None:
            access = EmergencyAccess.objects.create(
                user=users["drgreen"],
                patient=patient,
                reason="Patient brought to Lakeside walk-in with chest pain; needs medication list.",
                expires_at=timezone.now() + dt.timedelta(hours=4),
            )
            record_event(
                AuditAction.EMERGENCY_ACCESS,
                user=users["drgreen"],
                obj=access,
                patient_id=patient.pk,
                data_category="demographics",
                detail=f"break-glass granted for 4 h: {access.reason}",
            )
