"""The demo practice's billing reference: a SYNTHETIC code list, a synthetic NCCI extract,
the demo payers' billing profiles, one clearinghouse and the fee schedules.

The code numbers are real ones a family practice bills, but every description here is
our own wording and every row is marked ``is_synthetic`` (shown with a "synthetic demo
code" badge): CPT belongs to the AMA, and a practice imports its own licensed file. The
PTP pairs, MUEs and add-on edits are made up to look like CMS's, not copied from them.

Idempotent: a second run finds the rows and returns (one query per table).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from medoffice.core.demo.helpers import BATCH, demo_now

# (code, set, our short description, standard charge)
CODES: list[tuple[str, str, str, str]] = [
    ("99202", "cpt", "New patient office visit, straightforward", "95.00"),
    ("99203", "cpt", "New patient office visit, low complexity", "145.00"),
    ("99204", "cpt", "New patient office visit, moderate complexity", "215.00"),
    ("99205", "cpt", "New patient office visit, high complexity", "280.00"),
    ("99211", "cpt", "Established patient visit, nurse only", "35.00"),
    ("99212", "cpt", "Established patient visit, straightforward", "75.00"),
    ("99213", "cpt", "Established patient visit, low complexity", "125.00"),
    ("99214", "cpt", "Established patient visit, moderate complexity", "180.00"),
    ("99215", "cpt", "Established patient visit, high complexity", "250.00"),
    ("99381", "cpt", "Preventive visit, new patient, under 1 year", "190.00"),
    ("99382", "cpt", "Preventive visit, new patient, 1 to 4 years", "200.00"),
    ("99383", "cpt", "Preventive visit, new patient, 5 to 11 years", "205.00"),
    ("99384", "cpt", "Preventive visit, new patient, 12 to 17 years", "215.00"),
    ("99385", "cpt", "Preventive visit, new patient, 18 to 39 years", "215.00"),
    ("99386", "cpt", "Preventive visit, new patient, 40 to 64 years", "245.00"),
    ("99387", "cpt", "Preventive visit, new patient, 65 and over", "265.00"),
    ("99391", "cpt", "Preventive visit, established, under 1 year", "170.00"),
    ("99392", "cpt", "Preventive visit, established, 1 to 4 years", "180.00"),
    ("99393", "cpt", "Preventive visit, established, 5 to 11 years", "180.00"),
    ("99394", "cpt", "Preventive visit, established, 12 to 17 years", "190.00"),
    ("99395", "cpt", "Preventive visit, established, 18 to 39 years", "195.00"),
    ("99396", "cpt", "Preventive visit, established, 40 to 64 years", "210.00"),
    ("99397", "cpt", "Preventive visit, established, 65 and over", "225.00"),
    ("99401", "cpt", "Preventive counselling, about 15 minutes", "45.00"),
    ("99497", "cpt", "Advance care planning talk, first 30 minutes", "110.00"),
    ("99498", "cpt", "Advance care planning talk, each further 30 minutes", "95.00"),
    ("99499", "cpt", "Unlisted evaluation and management service", "0.00"),
    ("36415", "cpt", "Drawing venous blood", "15.00"),
    ("81002", "cpt", "Urine dipstick, no microscope, by hand", "12.00"),
    ("85025", "cpt", "Complete blood count with differential, automated", "28.00"),
    ("80053", "cpt", "Comprehensive metabolic blood panel", "38.00"),
    ("93000", "cpt", "Electrocardiogram, tracing with reading", "60.00"),
    ("90471", "cpt", "Giving a vaccine by injection, first one", "28.00"),
    ("90472", "cpt", "Giving a vaccine by injection, each further one", "18.00"),
    ("90686", "cpt", "Flu vaccine, preservative free, 0.5 mL", "32.00"),
    ("96372", "cpt", "Therapeutic injection under the skin or into muscle", "35.00"),
    ("11102", "cpt", "Tangential skin biopsy, first lesion", "140.00"),
    ("11103", "cpt", "Tangential skin biopsy, each further lesion", "70.00"),
    ("17110", "cpt", "Destroying benign skin lesions, up to 14", "135.00"),
    ("20610", "cpt", "Draining or injecting a large joint", "120.00"),
    ("69210", "cpt", "Removing impacted ear wax, instruments", "65.00"),
    ("87880", "cpt", "Rapid strep antigen test", "25.00"),
    ("94640", "cpt", "Inhaled treatment for airway obstruction", "40.00"),
    ("G0438", "hcpcs", "Annual wellness visit, first one", "175.00"),
    ("G0439", "hcpcs", "Annual wellness visit, later ones", "135.00"),
    ("G2211", "hcpcs", "Visit complexity add-on for ongoing care", "16.00"),
    ("J1100", "hcpcs", "Dexamethasone injection, per 1 mg", "4.00"),
    ("J3420", "hcpcs", "Vitamin B-12 injection, up to 1,000 mcg", "12.00"),
    ("J1030", "hcpcs", "Methylprednisolone acetate injection, 40 mg", "9.00"),
    ("J0696", "hcpcs", "Ceftriaxone injection, per 250 mg", "8.00"),
    ("J3490", "hcpcs", "Drug not otherwise classified", "0.00"),
    ("J7050", "hcpcs", "Normal saline infusion, 250 cc", "6.00"),
    ("Q2035", "hcpcs", "Flu vaccine (a named brand), 3 years and over", "30.00"),
    ("A4550", "hcpcs", "Surgical tray", "25.00"),
]
NOC = {"99499", "J3490"}

# (column 1, column 2, modifier indicator) — synthetic pairs among the demo codes.
PTP = [
    *[(visit, "36415", "1") for visit in ("99211",)],
    ("99213", "99211", "0"),
    ("99214", "99211", "0"),
    ("99215", "99211", "0"),
    ("99214", "99213", "0"),
    ("99215", "99214", "0"),
    ("99204", "99203", "0"),
    ("99205", "99204", "0"),
    ("99396", "99214", "1"),
    ("99396", "99213", "1"),
    ("99395", "99213", "1"),
    ("99397", "99214", "1"),
    ("99397", "99213", "1"),
    ("99386", "99204", "1"),
    ("99385", "99203", "1"),
    ("G0439", "99213", "1"),
    ("G0439", "99214", "1"),
    ("G0438", "99214", "1"),
    ("99213", "96372", "1"),
    ("99214", "96372", "1"),
    ("99213", "94640", "1"),
    ("99214", "94640", "1"),
    ("99213", "69210", "1"),
    ("99214", "20610", "1"),
    ("99213", "20610", "1"),
    ("99213", "17110", "1"),
    ("99213", "11102", "1"),
    ("20610", "96372", "1"),
    ("11102", "17110", "1"),
    ("80053", "85025", "1"),
    ("93000", "99211", "0"),
    ("90471", "96372", "1"),
    ("99497", "99401", "1"),
    ("99396", "99401", "0"),
]

# MUE units and adjudication for every demo code (1 per line, 2 per day policy, 3 clinical).
MUE_DEFAULT = (1, "2")
MUE = {
    "36415": (2, "3"),
    "81002": (2, "3"),
    "85025": (2, "3"),
    "80053": (1, "2"),
    "93000": (3, "3"),
    "90471": (1, "2"),
    "90472": (4, "3"),
    "90686": (1, "2"),
    "96372": (4, "3"),
    "11102": (1, "2"),
    "11103": (6, "3"),
    "17110": (1, "2"),
    "20610": (2, "1"),
    "69210": (1, "2"),
    "87880": (2, "3"),
    "94640": (4, "3"),
    "99498": (4, "3"),
    "J1100": (20, "3"),
    "J3420": (1, "3"),
    "J1030": (4, "3"),
    "J0696": (8, "3"),
    "J3490": (99, "1"),
    "J7050": (4, "3"),
    "A4550": (1, "3"),
}

ADDONS = {
    "G2211": ["99202", "99203", "99204", "99205", "99212", "99213", "99214", "99215"],
    "90472": ["90471"],
    "11103": ["11102"],
    "99498": ["99497"],
}

# The demo payers (patients/demo.py PAYERS) and their billing: filing indicator,
# timely-filing rule, days, share of the standard charge the payer allows.
PROFILES: dict[str, tuple[str, str, int, str]] = {
    "Blue Harbor Health Plan": ("BL", "days", 180, "0.72"),
    "Pioneer Valley Health": ("CI", "days", 90, "0.70"),
    "Commonwealth Senior Care (Medicare)": ("MB", "medicare", 365, "0.55"),
    "MassCare Community (Medicaid)": ("MC", "days", 365, "0.45"),
    "Granite Mutual Insurance": ("CI", "days", 180, "0.68"),
    "Keystone Choice PPO": ("12", "days", 180, "0.74"),
    "Summit Shield HMO": ("HM", "days", 90, "0.62"),
    "Evergreen Employers Trust": ("CI", "days", 365, "0.76"),
    "Tri-County Workers Plan": ("WC", "days", 365, "0.80"),
    "Atlas Supplemental Health": ("CI", "days", 180, "0.65"),
}
STANDARD_NAME = "Standard charges (demo)"


def build_reference(context: dict[str, Any], seed: int = 2026) -> None:
    """The synthetic code list and NCCI extract, profiles, clearinghouse, schedules."""
    from medoffice.billing.models import (
        AddOnCode,
        Clearinghouse,
        FeeSchedule,
        FeeScheduleEntry,
        MueLimit,
        PayerProfile,
        ProcedureCode,
        PtpEdit,
    )
    from medoffice.patients.models import Payer

    # Everything in force from the first of January two years back: before the demo's oldest
    # visit (14 months back), whatever year the demo is built in.
    since = dt.date(demo_now(context).year - 2, 1, 1)
    have = set(ProcedureCode.objects.values_list("code", flat=True))
    ProcedureCode.objects.bulk_create(
        [
            ProcedureCode(
                code=code,
                code_set=code_set,
                short_description=text,
                description=f"{text} (synthetic demo description, not the code set's text).",
                is_not_otherwise_classified=code in NOC,
                requires_ndc=code.startswith("J"),
                effective_from=since,
                is_synthetic=True,
            )
            for code, code_set, text, _ in CODES
            if code not in have
        ],
        batch_size=BATCH,
    )
    if not PtpEdit.objects.filter(is_synthetic=True).exists():
        PtpEdit.objects.bulk_create(
            [
                PtpEdit(
                    table="practitioner",
                    column1=first,
                    column2=second,
                    effective_from=since,
                    modifier_indicator=indicator,
                    rationale="Synthetic demo edit",
                    is_synthetic=True,
                )
                for first, second, indicator in PTP
            ],
            batch_size=BATCH,
        )
    if not MueLimit.objects.filter(is_synthetic=True).exists():
        MueLimit.objects.bulk_create(
            [
                MueLimit(
                    table="practitioner",
                    code=code,
                    units=MUE.get(code, MUE_DEFAULT)[0],
                    adjudication=MUE.get(code, MUE_DEFAULT)[1],
                    rationale="Synthetic demo limit",
                    effective_from=since,
                    is_synthetic=True,
                )
                for code, *_ in CODES
            ],
            batch_size=BATCH,
        )
    if not AddOnCode.objects.filter(is_synthetic=True).exists():
        AddOnCode.objects.bulk_create(
            [
                AddOnCode(
                    addon=addon,
                    primary=primary,
                    edit_type=1,
                    effective_from=since,
                    is_synthetic=True,
                )
                for addon, primaries in ADDONS.items()
                for primary in primaries
            ],
            batch_size=BATCH,
        )
    house, made = Clearinghouse.objects.get_or_create(
        name="Demo Clearinghouse (test)",
        defaults={
            "submitter_id": "DEMO0001",
            "receiver_id": "DEMOCH",
            "receiver_name": "DEMO CLEARINGHOUSE",
            "contact_name": "Claims support",
            "contact_phone": "8005550142",
            "production": False,
            "outbox": "",
        },
    )
    if made:
        _clear_stale_outbox(house)
    payers = {p.name: p for p in Payer.objects.filter(name__in=PROFILES)}
    profiled = set(PayerProfile.objects.values_list("payer_id", flat=True))
    PayerProfile.objects.bulk_create(
        [
            PayerProfile(
                payer=payer,
                filing_indicator=PROFILES[name][0],
                timely_filing_rule=PROFILES[name][1],
                timely_filing_days=PROFILES[name][2],
                submission="electronic",
                clearinghouse=house,
            )
            for name, payer in payers.items()
            if payer.pk not in profiled
        ]
    )
    if FeeSchedule.objects.filter(name=STANDARD_NAME).exists():
        return
    standard = FeeSchedule.objects.create(name=STANDARD_NAME, kind="standard")
    schedules = [(standard, Decimal("1"))]
    for name, payer in sorted(payers.items()):
        schedule = FeeSchedule.objects.create(
            name=f"{name} allowed (demo)", kind="allowed", payer=payer
        )
        schedules.append((schedule, Decimal(PROFILES[name][3])))
    FeeScheduleEntry.objects.bulk_create(
        [
            FeeScheduleEntry(
                schedule=schedule,
                code=code,
                amount=(Decimal(charge) * share).quantize(Decimal("0.01")),
                effective_from=since,
            )
            for schedule, share in schedules
            for code, _, _, charge in CODES
        ],
        batch_size=BATCH,
    )


def _clear_stale_outbox(house: Any) -> None:
    """A new demo database numbers its files from 1 again: the files an earlier demo left in
    the demo clearinghouse's own outbox would refuse the new ones (the file drop never
    overwrites), so they go. Only that demo folder, and only the files the demo writes."""
    from medoffice.billing.transport import default_outbox

    folder = default_outbox(house)
    if folder.is_dir():
        for stale in [*folder.glob("837P-*.x12"), *folder.glob("270-*.x12")]:
            stale.unlink(missing_ok=True)
