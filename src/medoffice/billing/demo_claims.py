"""The demo practice's charges and claims: the past year's visits that reached the provider,
coded with common family-practice diagnoses and lines, and their claims in every status.

Runs after the reference data (``billing-reference``, order 36), which makes the procedure
codes, modifiers and fee schedules: it bills only codes that exist (none: nothing to bill).
The last few days' visits are left being coded or waiting in the coder queue (about 30);
older ones are claimed, their claims further along the older the visit. Bulk inserts; a
second run finds the charges there and does nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from medoffice.core.demo.helpers import (
    BATCH,
    db_datetime,
    demo_now,
    demo_users,
    insert_rows,
    weighted,
)

# Common billable family-practice diagnoses (ICD-10-CM, without the dot).
DIAGNOSES = [
    "I10",
    "E119",
    "E1165",
    "E785",
    "E782",
    "E039",
    "E669",
    "E6601",
    "Z6830",
    "J069",
    "J029",
    "J0190",
    "J209",
    "J40",
    "J449",
    "J45909",
    "J301",
    "R051",
    "R0602",
    "R509",
    "R519",
    "R42",
    "R109",
    "R1013",
    "K219",
    "K5900",
    "K589",
    "N390",
    "R3915",
    "M5441",
    "M5450",
    "M25561",
    "M25511",
    "M79604",
    "M170",
    "M810",
    "G4700",
    "G43909",
    "F419",
    "F329",
    "F17210",
    "L309",
    "L700",
    "B349",
    "H6690",
    "H1030",
    "Z0000",
    "Z0001",
    "Z23",
    "Z1231",
    "Z1211",
    "Z79899",
    "Z7984",
    "D649",
    "E559",
    "R7303",
    "I4891",
    "I2510",
    "N401",
    "Z713",
]
# Line patterns: (codes, weight). An E/M code first, then what the visit added.
ADDED: list[tuple[tuple[str, ...], float]] = [
    ((), 45),
    (("36415", "85025"), 10),
    (("36415", "80053", "83036"), 8),
    (("81002",), 6),
    (("90686", "90471"), 8),
    (("90715", "90471"), 3),
    (("96372", "J1030"), 4),
    (("96372", "J3420"), 3),
    (("93000",), 5),
    (("87880",), 6),
    (("94640",), 2),
]
# Preventive visits by age (years below which each applies): new and established patients.
PREVENTIVE_NEW = [
    (1, "99381"),
    (5, "99382"),
    (12, "99383"),
    (18, "99384"),
    (40, "99385"),
    (65, "99386"),
    (999, "99387"),
]
PREVENTIVE_ESTABLISHED = [
    (1, "99391"),
    (5, "99392"),
    (12, "99393"),
    (18, "99394"),
    (40, "99395"),
    (65, "99396"),
    (999, "99397"),
]
NEW_PATIENT = [("99202", 10), ("99203", 45), ("99204", 35), ("99205", 10)]
ESTABLISHED = [("99212", 12), ("99213", 45), ("99214", 33), ("99215", 7), ("99211", 3)]
SICK = [("99212", 20), ("99213", 55), ("99214", 25)]


def _visit_code(rng: random.Random, kind: str, age: int, codes: dict[str, Any]) -> str:
    """The E/M or preventive code a visit of this kind (appointment type code) and age bills."""
    if kind in {"physical", "wellchild"}:
        table = PREVENTIVE_NEW if rng.random() < 0.1 else PREVENTIVE_ESTABLISHED
        code = next(c for limit, c in table if age < limit)
        if code in codes:
            return code
    pool = NEW_PATIENT if kind == "new" else SICK if kind == "sick" else ESTABLISHED
    found = [(c, w) for c, w in pool if c in codes]
    return weighted(rng, found) if found else next(iter(codes))


NDC = {"J1030": ("00009307303", Decimal("1"), "ML"), "J3420": ("63323004401", Decimal("1"), "ML")}
FALLBACK_FEES = {
    "99212": "95.00",
    "99213": "150.00",
    "99214": "215.00",
    "99215": "295.00",
    "99203": "185.00",
    "99204": "280.00",
    "99396": "260.00",
    "36415": "20.00",
    "85025": "28.00",
    "80053": "45.00",
    "83036": "38.00",
    "81002": "15.00",
    "90686": "42.00",
    "90715": "65.00",
    "90471": "30.00",
    "96372": "40.00",
    "J1030": "18.00",
    "J3420": "12.00",
    "93000": "75.00",
    "87880": "35.00",
    "94640": "48.00",
}
SEEN = ("with_provider", "checkout", "completed")
QUEUE_SIZE = 30


def _claim_status(rng: random.Random, age: int, insured: bool) -> str:
    """A claim's status by its age. A self-pay claim waits for the patient's statement
    (ready); a payer's rejection is worked within weeks, so only the last weeks' rejected
    claims are still in the queue (older ones were corrected and sent again)."""
    if not insured:
        return "draft" if age <= 2 else "ready"
    if age > 60:
        return weighted(rng, [("closed", 80), ("adjudicated", 12), ("voided", 2), ("accepted", 6)])
    if age > 30:
        return weighted(
            rng, [("adjudicated", 57), ("closed", 25), ("accepted", 17), ("rejected", 1)]
        )
    if age > 10:
        return weighted(
            rng, [("accepted", 56), ("adjudicated", 25), ("submitted", 16), ("rejected", 3)]
        )
    return weighted(rng, [("submitted", 35), ("ready", 25), ("scrubbed", 15), ("draft", 25)])


# What the clearinghouse's 277CA said, in the words the import writes (synthetic examples).
REJECTIONS = [
    "277CA rejected: A7:33 Subscriber and subscriber ID not found (synthetic)",
    "277CA rejected: A7:164 Entity's contract/member number; subscriber ID invalid (synthetic)",
    "277CA rejected: A3:158 Entity's date of birth; patient date of birth invalid (synthetic)",
    "277CA rejected: A7:187 Date(s) of service before the coverage began (synthetic)",
    "277CA rejected: A6:145 Entity's payer claim control number missing for a replacement "
    "claim (synthetic)",
    "277CA rejected: A7:454 Procedure code for services rendered not valid on the date of "
    "service (synthetic)",
]


PATH = {
    "draft": ["draft"],
    "scrubbed": ["draft", "scrubbed"],
    "ready": ["draft", "ready"],
    "submitted": ["draft", "ready", "submitted"],
    "accepted": ["draft", "ready", "submitted", "accepted"],
    "rejected": ["draft", "ready", "submitted", "rejected"],
    "adjudicated": ["draft", "ready", "submitted", "accepted", "adjudicated"],
    "closed": ["draft", "ready", "submitted", "accepted", "adjudicated", "closed"],
    "voided": ["draft", "ready", "submitted", "accepted", "adjudicated", "voided"],
}


def build_claims(context: dict[str, Any], seed: int = 2026) -> None:
    """Charges for the past year's seen visits, a coder queue and claims in every status."""
    from django.db import connection
    from django.utils import timezone

    from medoffice.billing.models import (
        ChargeLine,
        Claim,
        ClaimLine,
        ClaimTransition,
        Encounter,
        EncounterDiagnosis,
        ProcedureCode,
    )
    from medoffice.billing.selectors.fees import standard_charge
    from medoffice.billing.services.claims import reserve_control_numbers
    from medoffice.core.models import Location
    from medoffice.patients.models import Coverage
    from medoffice.patients.selectors import primary_coverage
    from medoffice.scheduling.models import Appointment

    if Encounter.objects.exists():
        return
    codes = {p.code: p for p in ProcedureCode.objects.filter(is_active=True)}
    if not codes:
        return
    rng = random.Random(f"{seed}:billing:claims")
    now = demo_now(context)
    zone = timezone.get_current_timezone()
    today = now.astimezone(zone).date()
    visits = list(
        Appointment.objects.filter(
            status__in=SEEN, start__lt=now, start__gte=now - dt.timedelta(days=366)
        )
        .order_by("start", "pk")
        .values_list(
            "pk",
            "patient_id",
            "location_id",
            "provider_id",
            "start",
            "appointment_type__code",
            "patient__date_of_birth",
        )
    )
    if not visits:
        return
    users = demo_users(context)
    coder = users.get("biller") or next(iter(users.values()), None)
    places = dict(Location.objects.values_list("pk", "place_of_service"))
    coverages: dict[int, list[Coverage]] = defaultdict(list)
    for held in Coverage.objects.filter(patient_id__in={v[1] for v in visits}, is_active=True):
        coverages[held.patient_id].append(held)
    fees: dict[str, Decimal] = {}

    def fee(code: str, on: dt.date) -> Decimal:
        if code not in fees:
            found = standard_charge(code, [], on)
            fees[code] = found if found is not None else Decimal(FALLBACK_FEES.get(code, "50.00"))
        return fees[code]

    added = [(tuple(c for c in group if c in codes), w) for group, w in ADDED]
    # The newest visits wait: QUEUE_SIZE in review, a few being coded.
    waiting_from = max(0, len(visits) - QUEUE_SIZE - 8)
    encounters: list[Encounter] = []
    plan: list[tuple[str, list[str], list[tuple[str, str, Decimal, str]]]] = []
    for i, (visit_id, patient_id, location_id, provider_id, start, kind, born) in enumerate(visits):
        day = start.astimezone(zone).date()
        age = (day - born).days // 365 if born else 40
        if i >= waiting_from:
            status = "review" if i < waiting_from + QUEUE_SIZE else "draft"
        else:
            status = "no_charge" if rng.random() < 0.015 else "claimed"
        count = weighted(rng, [(1, 45), (2, 35), (3, 15), (4, 5)])
        diagnoses = rng.sample(DIAGNOSES, count)
        visit_code = _visit_code(rng, kind or "", age, codes)
        if visit_code.startswith("993"):  # a preventive visit: the exam is the principal
            findings = rng.random() < 0.4
            if age < 18:
                exam = "Z00121" if findings else "Z00129"
            else:
                exam = "Z0001" if findings else "Z0000"
            diagnoses = [exam, *(d for d in diagnoses if not d.startswith("Z00"))][:4]
        else:
            diagnoses = [d for d in diagnoses if not d.startswith("Z00")] or ["R5383"]
        lines_codes = [visit_code] + [c for c in weighted(rng, added) if c != visit_code]
        if "Z23" not in diagnoses and any(c in {"90686", "90715"} for c in lines_codes):
            at = 1 if diagnoses[0].startswith("Z00") else 0
            diagnoses = [*diagnoses[:at], "Z23", *diagnoses[at:]][:4]
        lines = []
        for n, code in enumerate(lines_codes):
            modifier = "25" if n == 0 and len(lines_codes) > 1 and "96372" in lines_codes else ""
            pointers = "1" if n else ",".join(str(p) for p in range(1, min(len(diagnoses), 4) + 1))
            lines.append((code, modifier, fee(code, day), pointers))
        encounters.append(
            Encounter(
                appointment_id=visit_id,
                patient_id=patient_id,
                location_id=location_id,
                rendering_provider_id=provider_id,
                date_of_service=day,
                place_of_service=places.get(location_id) or "11",
                status=status,
                note="Courtesy visit: no charge." if status == "no_charge" else "",
                coded_by=coder if status != "draft" else None,
                coded_at=start + dt.timedelta(hours=2) if status != "draft" else None,
                reviewed_by=coder if status in {"claimed", "no_charge"} else None,
                reviewed_at=start + dt.timedelta(days=1) if status == "claimed" else None,
            )
        )
        plan.append((status, diagnoses, lines))
    Encounter.objects.bulk_create(encounters, batch_size=BATCH)
    if encounters[0].pk is None:  # a backend that does not return ids (not ours)
        by_visit = dict(Encounter.objects.values_list("appointment_id", "pk"))
        for e in encounters:
            e.pk = by_visit[e.appointment_id]
    insert_rows(
        EncounterDiagnosis,
        ["encounter_id", "position", "code"],
        [
            (e.pk, p, code)
            for e, (_s, diagnoses, _l) in zip(encounters, plan, strict=True)
            for p, code in enumerate(diagnoses, start=1)
        ],
    )
    charge_lines = []
    for e, (_s, _d, lines) in zip(encounters, plan, strict=True):
        for n, (code, modifier, amount, pointers) in enumerate(lines, start=1):
            ndc = NDC.get(code) if codes[code].requires_ndc or code in NDC else None
            charge_lines.append(
                ChargeLine(
                    encounter_id=e.pk,
                    line_number=n,
                    procedure_code=code,
                    modifiers=modifier,
                    units=Decimal("1"),
                    charge=amount,
                    diagnosis_pointers=pointers,
                    ndc=ndc[0] if ndc else "",
                    ndc_quantity=ndc[1] if ndc else None,
                    ndc_unit=ndc[2] if ndc else "",
                )
            )
    line_columns = [
        "line_number",
        "procedure_code",
        "modifiers",
        "units",
        "charge",
        "diagnosis_pointers",
        "description",
        "ndc",
        "ndc_quantity",
        "ndc_unit",
        "emergency",
        "epsdt",
        "family_planning",
        "purchased_charge",
    ]

    def line_values(line: Any) -> tuple[Any, ...]:
        return tuple(getattr(line, name) for name in line_columns)

    insert_rows(
        ChargeLine,
        ["encounter_id", *line_columns],
        [(line.encounter_id, *line_values(line)) for line in charge_lines],
    )

    claimed = [
        (e, plan_row)
        for e, plan_row in zip(encounters, plan, strict=True)
        if plan_row[0] == "claimed"
    ]
    numbers = reserve_control_numbers(len(claimed))
    claims: list[Claim] = []
    paths: list[list[str]] = []
    for (e, (_s, diagnoses, lines)), number in zip(claimed, numbers, strict=True):
        coverage = primary_coverage(coverages.get(e.patient_id, []), e.date_of_service)
        status = _claim_status(rng, (today - e.date_of_service).days, coverage is not None)
        created = dt.datetime.combine(
            e.date_of_service + dt.timedelta(days=1), dt.time(9), tzinfo=zone
        )
        submitted = created + dt.timedelta(hours=3) if "submitted" in PATH[status] else None
        claims.append(
            Claim(
                encounter_id=e.pk,
                patient_id=e.patient_id,
                payer_id=coverage.payer_id if coverage else None,
                coverage=coverage,
                responsibility="P" if coverage else "self",
                control_number=number,
                status=status,
                date_of_service=e.date_of_service,
                total_charge=sum((amount for _c, _m, amount, _p in lines), Decimal("0.00")),
                diagnoses=",".join(diagnoses),
                place_of_service=e.place_of_service,
                scrubbed_at=created if status != "draft" else None,
                submitted_at=submitted,
                first_submitted_at=submitted,
                payer_claim_number=f"PCN{rng.randrange(10**9, 10**10)}"
                if status in {"accepted", "adjudicated", "closed", "voided"}
                else "",
                rejection_reason=rng.choice(REJECTIONS) if status == "rejected" else "",
                created_at=created,
                created_by=coder,
            )
        )
        paths.append(PATH[status])
    Claim.objects.bulk_create(claims, batch_size=BATCH)
    if claims and claims[0].pk is None:
        by_number = dict(Claim.objects.values_list("control_number", "pk"))
        for c in claims:
            c.pk = by_number[c.control_number]
    lines_of: dict[int, list[Any]] = defaultdict(list)
    for line in charge_lines:
        lines_of[line.encounter_id].append(line)
    # A voided claim was cancelled with the payer by a void claim (frequency 8) naming it.
    voided = [c for c in claims if c.status == "voided"]
    voids = [
        Claim(
            encounter_id=c.encounter_id,
            patient_id=c.patient_id,
            payer_id=c.payer_id,
            coverage_id=c.coverage_id,
            responsibility=c.responsibility,
            control_number=number,
            frequency="8",
            replaces_id=c.pk,
            status="accepted",
            date_of_service=c.date_of_service,
            total_charge=c.total_charge,
            diagnoses=c.diagnoses,
            place_of_service=c.place_of_service,
            scrubbed_at=c.created_at + dt.timedelta(days=20),
            submitted_at=c.created_at + dt.timedelta(days=20),
            first_submitted_at=c.created_at + dt.timedelta(days=20),
            created_at=c.created_at + dt.timedelta(days=20),
            created_by=coder,
        )
        for c, number in zip(voided, reserve_control_numbers(len(voided)), strict=True)
    ]
    Claim.objects.bulk_create(voids, batch_size=BATCH)
    if voids and voids[0].pk is None:
        by_number = dict(Claim.objects.values_list("control_number", "pk"))
        for c in voids:
            c.pk = by_number[c.control_number]
    claims += voids
    paths += [["draft", "ready", "submitted", "accepted"]] * len(voids)
    insert_rows(
        ClaimLine,
        ["claim_id", *line_columns, "service_from"],
        [
            (c.pk, *line_values(line), connection.ops.adapt_datefield_value(c.date_of_service))
            for c in claims
            for line in lines_of[c.encounter_id]
        ],
    )
    coder_id = coder.pk if coder is not None else None
    insert_rows(
        ClaimTransition,
        ["claim_id", "from_status", "to_status", "by_id", "at", "note"],
        [
            (
                c.pk,
                path[n - 1] if n else "",
                status,
                coder_id,
                db_datetime(c.created_at + dt.timedelta(days=n * 3)),
                c.rejection_reason if status == "rejected" else "",
            )
            for c, path in zip(claims, paths, strict=True)
            for n, status in enumerate(path)
        ],
    )
