"""Bench: the A/R aging over 1,000,000 service lines, by payer and by patient.

In a freshly migrated database on production settings (a SQLite file in a temporary
folder; PostgreSQL too when the local server is reachable, a database made and dropped
for the run), the demo's builders make the practice, its locations, providers, 5,000
patients with their payers and coverages. Then ``--lines`` service lines (three to a
visit, visits spread over the last 18 months) are bulk-inserted with their ledger: each
line's charge to the patient's payer, and for most visits older than a month the payer's
payment and contractual adjustment, a share moved to the patient and some of it paid.

The entries are then folded into the ledger's daily totals at once (as billing 0016 does
to an existing ledger; timed apart). Timed (median and 95th percentile of ``RUNS`` runs
each, after one untimed warm-up): the
selectors alone (``aging_by_payer``, ``aging_by_patient`` first page by largest total),
and the whole request path, Django's test Client getting ``/billing/aging/`` (by payer)
and ``/billing/aging/?by=patient`` as the office manager (middleware, form, the audited
read, the template). Issue target: p50 ≤ 1 s on SQLite and on PostgreSQL.
Run: .venv/bin/python bench/ar_aging.py [--lines N]  (BENCH_SQLITE_ONLY=1 or BENCH_PG_ONLY=1
for one database)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from _common import (
    arguments,
    child_on_postgres,
    child_on_sqlite,
    print_result,
    print_section,
    time_runs,
)

ROOT = Path(__file__).resolve().parent.parent
LINES = 1_000_000
RUNS = 7
SEED = 2026
TARGET_MS = 1000.0
PG_DATABASE = os.environ.get("BENCH_AGING_PG_DATABASE", "medoffice_bench_ar_aging")
BATCH = 20_000
CODES = [("99213", "150.00"), ("36415", "20.00"), ("85025", "45.00"), ("99214", "220.00")]


def build(count: int) -> dict[str, Any]:
    """The demo's practice and patients, then ``count`` lines with their ledger entries."""
    import datetime as dt
    import random
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from medoffice.billing.models import ChargeLine, Encounter, LedgerEntry
    from medoffice.core.demo.practice import build_practice
    from medoffice.core.models import Location
    from medoffice.patients.demo import build_patient_registry
    from medoffice.patients.models import Coverage
    from medoffice.scheduling.demo.setup import build_schedule_setup
    from medoffice.scheduling.models import Appointment, AppointmentType, Provider

    context = build_practice(SEED)
    for builder in (build_schedule_setup, build_patient_registry):
        with transaction.atomic():
            builder(context, SEED)
    rng = random.Random(SEED)
    payer_of = dict(
        Coverage.objects.filter(is_active=True, order=1).values_list("patient_id", "payer_id")
    )
    patients = sorted(payer_of)
    providers = list(Provider.objects.values_list("pk", flat=True))
    locations = list(Location.objects.values_list("pk", flat=True))
    kind = AppointmentType.objects.order_by("pk").first()
    assert kind is not None
    assert patients
    assert providers
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    now = timezone.now()
    visits = count // 3
    entries = 0
    made_lines = 0
    for first in range(0, visits, BATCH // 3):
        size = min(BATCH // 3, visits - first)
        plan = []
        for _ in range(size):
            patient_id = rng.choice(patients)
            day = today - dt.timedelta(days=rng.randint(0, 540))
            start = dt.datetime.combine(day, dt.time(8 + rng.randint(0, 8))).replace(tzinfo=zone)
            plan.append((patient_id, day, start, rng.choice(locations), rng.choice(providers)))
        with transaction.atomic():
            appointments = Appointment.objects.bulk_create(
                [
                    Appointment(
                        patient_id=p, provider_id=prov, location_id=loc, appointment_type=kind,
                        start=start, end=start + dt.timedelta(minutes=15), status="completed",
                        completed_at=start + dt.timedelta(minutes=40),
                    )
                    for p, _d, start, loc, prov in plan
                ],
                batch_size=5000,
            )  # fmt: skip
            encounters = Encounter.objects.bulk_create(
                [
                    Encounter(
                        appointment_id=a.pk, patient_id=p, location_id=loc,
                        rendering_provider_id=prov, date_of_service=day, place_of_service="11",
                        status="claimed",
                    )
                    for a, (p, day, _s, loc, prov) in zip(appointments, plan, strict=True)
                ],
                batch_size=5000,
            )  # fmt: skip
            lines = ChargeLine.with_removed.bulk_create(
                [
                    ChargeLine(
                        encounter_id=e.pk, line_number=n, procedure_code=code, units=Decimal(1),
                        charge=Decimal(fee), diagnosis_pointers="1",
                    )
                    for e in encounters
                    for n, (code, fee) in enumerate(rng.sample(CODES, 3), start=1)
                ],
                batch_size=5000,
            )  # fmt: skip
            rows: list[LedgerEntry] = []
            by_encounter = {e.pk: e for e in encounters}
            for line in lines:
                e = by_encounter[line.encounter_id]
                payer = payer_of[e.patient_id]
                age = (today - e.date_of_service).days
                common = {
                    "charge_line_id": line.pk, "patient_id": e.patient_id,
                    "location_id": e.location_id, "service_date": e.date_of_service,
                    "posted_at": now,
                }  # fmt: skip

                def entry(
                    kind: str,
                    amount: Decimal,
                    days: int,
                    payer_id: Any = payer,
                    party: str = "insurance",
                    e: Any = e,
                    common: dict[str, Any] = common,
                    **extra: Any,
                ) -> LedgerEntry:
                    day = min(e.date_of_service + dt.timedelta(days=days), today)
                    return LedgerEntry(
                        kind=kind, party=party, payer_id=payer_id, amount=amount,
                        effective_date=day, **common, **extra,
                    )  # fmt: skip

                rows.append(entry("charge", line.charge, 1))
                if age > 30 and rng.random() < 0.8:
                    paid = (line.charge * Decimal("0.55")).quantize(Decimal("0.01"))
                    contractual = (line.charge * Decimal("0.30")).quantize(Decimal("0.01"))
                    rows.append(entry("ins_payment", -paid, 25))
                    rows.append(entry("contractual", -contractual, 25, group_code="CO",
                                      reason_code="45"))  # fmt: skip
                    rest = line.charge - paid - contractual
                    if rng.random() < 0.5:
                        rows.append(entry("transfer", -rest, 25, group_code="PR",
                                          reason_code="2"))  # fmt: skip
                        rows.append(entry("transfer", rest, 25, payer_id=None, party="patient",
                                          group_code="PR", reason_code="2"))  # fmt: skip
                        if age > 60 and rng.random() < 0.6:
                            rows.append(entry("pt_payment", -rest, 55, payer_id=None,
                                              party="patient"))  # fmt: skip
            LedgerEntry.objects.bulk_create(rows, batch_size=5000)
        entries += len(rows)
        made_lines += len(lines)
    # The bulk insert bypasses the services: the daily totals take the entries in at once
    # (what billing 0016 does to an existing ledger), timed apart.
    from medoffice.billing.models import PatientDayTotal, PayerDayTotal
    from medoffice.billing.services import ledger_totals

    started = time.perf_counter()
    assert ledger_totals.fold()
    fold_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "lines": made_lines,
        "entries": entries,
        "patients": len(patients),
        "fold_s": fold_s,
        "payer_days": PayerDayTotal.objects.count(),
        "patient_days": PatientDayTotal.objects.count(),
    }


def measure(count: int) -> dict[str, Any]:
    from _common import setup_django

    setup_django()
    sys.path.insert(0, str(ROOT))
    from django.core.management import call_command
    from django.db import connection
    from tests.conftest import login_client
    from tests.factories import UserFactory

    from medoffice.billing.selectors import aging
    from medoffice.core.models import User
    from medoffice.core.roles import Role

    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    made = build(count)
    build_s = time.perf_counter() - started
    manager = User.objects.filter(role_assignments__role=Role.OFFICE_MANAGER).first()
    manager = manager or UserFactory(roles=[Role.OFFICE_MANAGER])
    client = login_client(manager)

    def page(query: str) -> Any:
        def get() -> None:
            response = client.get("/billing/aging/" + query)
            assert response.status_code == 200, response.status_code

        return get

    steps = {
        "aging_by_payer (selector)": lambda: aging.aging_by_payer(manager),
        "aging_by_patient (selector, first page)": lambda: aging.aging_by_patient(manager),
        "GET /billing/aging/ (by payer)": page(""),
        "GET /billing/aging/?by=patient": page("?by=patient"),
    }
    results: dict[str, Any] = {}
    for label, action in steps.items():
        action()  # warm-up (caches, the template)
        # Counted by a wrapper: a request resets the connection's query log when it starts.
        executed: list[str] = []

        def count(
            execute: Any, sql: str, params: Any, many: bool, context: Any, log: Any = executed
        ) -> Any:
            log.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            action()
        results[label] = {**time_runs(RUNS, action).summary(), "queries": len(executed)}
    by_payer = aging.aging_by_payer(manager)
    return {
        "vendor": connection.vendor,
        **made,
        "payers": len(by_payer.rows) - 1,
        "ar": str(by_payer.total),
        "build_s": build_s,
        "steps": results,
        "load": os.getloadavg()[0],
    }


def on_sqlite(count: int) -> dict[str, Any]:
    return child_on_sqlite(__file__, "--lines", str(count))


def on_postgres(count: int) -> dict[str, Any] | str:
    return child_on_postgres(__file__, PG_DATABASE, "--lines", str(count))


def main() -> None:
    args = arguments(__doc__ or "", "--lines", LINES)
    if args.child:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        print_result(measure(args.lines))
        return
    results: list[tuple[str, dict[str, Any] | str]] = []
    if os.environ.get("BENCH_PG_ONLY") != "1":
        results.append(("SQLite", on_sqlite(args.lines)))
    if os.environ.get("BENCH_SQLITE_ONLY") != "1":
        results.append(("PostgreSQL", on_postgres(args.lines)))
    lines = [
        f"## A/R aging over {args.lines:,} service lines",
        "",
        f"{args.lines:,} service lines (three to a visit over the last 18 months, 5,000 demo "
        "patients and their payers) with their ledger (charges; for most visits older than a "
        "month the payer's payment and contractual adjustment, half of them a patient share, "
        "part of it paid), bulk-inserted into a freshly migrated database on production "
        f"settings. Milliseconds over {RUNS} runs after a warm-up: the selectors alone, and "
        "the page through Django's test Client as the office manager (the whole request "
        f"path). Target: p50 ≤ {TARGET_MS:,.0f} ms on SQLite and on PostgreSQL.",
        "",
        "| database | step | p50 ms | p95 ms | CPU p50 ms | queries | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    notes: list[str] = []
    for label, result in results:
        if isinstance(result, str):
            lines.append(f"| {label} | not measured: {result} | | | | | |")
            continue
        for step, timing in result["steps"].items():
            met = "met" if timing["p50"] <= TARGET_MS else "**missed**"
            lines.append(
                f"| {label} | {step} | {timing['p50']:.0f} | {timing['p95']:.0f} "
                f"| {timing['cpu_p50']:.0f} | {timing['queries']} | {met} |"
            )
        notes.append(
            f"{label} ({result['vendor']}): {result['lines']:,} lines, {result['entries']:,} "
            f"ledger entries, {result['patients']:,} patients, {result['payers']} payers, "
            f"A/R ${result['ar']}; built in {result['build_s']:.0f} s, of which the daily "
            f"totals ({result['payer_days']:,} payer-day and {result['patient_days']:,} "
            f"patient-day rows) {result['fold_s']:.1f} s. Load average at the end: "
            f"{result['load']:.2f}."
        )
    lines += ["", *notes]
    print_section(lines, __file__)


if __name__ == "__main__":
    main()
