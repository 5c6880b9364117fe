"""Bench: 837P generation and the scrubber end to end from the database, 10,000 claims.

In a freshly migrated database on production settings (a SQLite file in a temporary
folder; PostgreSQL too when the local server is reachable, a database made and dropped
for the run), the demo's builders make the practice, providers, 5,000 patients with
their payers and coverages, the code tables and the payers' billing profiles; a second
clearinghouse takes some payers and one payer is billed directly. Then ``--claims``
claims of 1-4 lines (an E/M code and what the visit added), each on its own visit and
charges, are bulk-inserted as drafts.

Timed, each run on the same claims put back as they were (untimed):

- ``scrub_claims`` over every draft (reference tables from the database, the pure
  scrubber, findings stored, statuses and history written), beside ``scrubber.scrub``
  alone over the same inputs;
- ``export_ready_claims`` (select, ``claims_for_x12``, ``write_837p``, control numbers,
  batch rows, status transitions, the files written to a folder), beside ``write_837p``
  alone over the same plain claims, and the ``medoffice claims export --out DIR`` command
  (called in process: Django's start-up is not in it).

Every file the first export wrote is validated by pyx12 afterwards (untimed, its time
reported). Issue targets: export ≥ 5,000 claims/s, scrub ≥ 2,000 claims/s.
Run: .venv/bin/python bench/claims_end_to_end.py [--claims N]
(BENCH_PROFILE=scrub|export prints a cProfile of one run on stderr)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import (
    arguments,
    child_on_postgres,
    child_on_sqlite,
    print_result,
    print_section,
)

CLAIMS = 10_000
RUNS = 3
SEED = 2026
PG_DATABASE = os.environ.get("BENCH_CLAIMS_PG_DATABASE", "medoffice_bench_claims")
EXPORT_TARGET = 5_000
SCRUB_TARGET = 2_000
# The line patterns of a visit: an E/M code, then what the visit added (codes the demo's
# reference tables hold).
E_M = ["99213", "99214", "99212", "99215", "99203", "99204"]
ADDED: list[tuple[str, ...]] = [
    (),
    ("36415", "85025"),
    ("36415", "80053"),
    ("81002",),
    ("90686", "90471"),
    ("93000",),
    ("87880",),
]


# --- the data (in the child) ------------------------------------------------------------------


def build(count: int) -> dict[str, Any]:
    """The demo's practice, patients and code tables, then ``count`` draft claims."""
    import datetime as dt
    import random
    from collections import Counter
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from medoffice.billing.demo_reference import build_reference
    from medoffice.billing.models import (
        Claim,
        ClaimLine,
        Clearinghouse,
        Encounter,
        PayerProfile,
        ProcedureCode,
    )
    from medoffice.billing.services.claims import reserve_control_numbers
    from medoffice.core.demo.practice import build_practice
    from medoffice.core.models import Location
    from medoffice.patients.demo import build_patient_registry
    from medoffice.patients.models import Coverage
    from medoffice.patients.selectors import primary_coverage
    from medoffice.scheduling.demo.setup import build_schedule_setup
    from medoffice.scheduling.models import Appointment, AppointmentType, Provider

    context = build_practice(SEED)
    for builder in (build_schedule_setup, build_patient_registry, build_reference):
        with transaction.atomic():
            builder(context, SEED)
    rng = random.Random(SEED)
    # Several destinations: a second clearinghouse takes every other payer, one payer is
    # billed directly (its batch is kept for download).
    second = Clearinghouse.objects.create(
        name="Second Clearinghouse (bench)",
        submitter_id="BENCH002",
        receiver_id="SECONDCH",
        receiver_name="SECOND CLEARINGHOUSE",
        contact_phone="8005550199",
    )
    profiles = list(PayerProfile.objects.order_by("payer_id"))
    for n, profile in enumerate(profiles):
        if n % 2:
            profile.clearinghouse = second
    PayerProfile.objects.bulk_update(profiles, ["clearinghouse"])

    fees = dict(ProcedureCode.objects.values_list("code", "code"))
    missing = [c for c in [*E_M, *(c for group in ADDED for c in group)] if c not in fees]
    assert not missing, f"the demo's code tables lack {missing}"
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    profiled = {p.payer_id for p in profiles}
    coverages: dict[int, list[Coverage]] = {}
    for held in Coverage.objects.filter(is_active=True, payer_id__in=profiled):
        coverages.setdefault(held.patient_id, []).append(held)
    patients = sorted(coverages)
    providers = list(Provider.objects.values_list("pk", flat=True))
    locations = dict(Location.objects.values_list("pk", "place_of_service"))
    kind = AppointmentType.objects.order_by("pk").first()
    assert kind is not None

    planned = []
    while len(planned) < count:
        patient_id = rng.choice(patients)
        day = today - dt.timedelta(days=rng.randint(1, 60))
        coverage = primary_coverage(coverages[patient_id], day)
        if coverage is None:
            continue
        start = dt.datetime.combine(day, dt.time(8 + rng.randint(0, 8), 5 * rng.randint(0, 11)))
        planned.append((patient_id, coverage, day, start.replace(tzinfo=zone)))
    # Billed directly: the payer in the middle by number of claims.
    counts = Counter(coverage.payer_id for _p, coverage, _d, _s in planned)
    direct = sorted(counts, key=lambda payer: (counts[payer], payer))[len(counts) // 2]
    PayerProfile.objects.filter(payer_id=direct).update(clearinghouse=None)
    visits = Appointment.objects.bulk_create(
        [
            Appointment(
                patient_id=patient_id,
                provider_id=rng.choice(providers),
                location_id=rng.choice(list(locations)),
                appointment_type=kind,
                start=start,
                end=start + dt.timedelta(minutes=15),
                status="completed",
                completed_at=start + dt.timedelta(minutes=40),
            )
            for patient_id, _c, _d, start in planned
        ],
        batch_size=2000,
    )
    encounters = Encounter.objects.bulk_create(
        [
            Encounter(
                appointment_id=visit.pk,
                patient_id=visit.patient_id,
                location_id=visit.location_id,
                rendering_provider_id=visit.provider_id,
                date_of_service=day,
                place_of_service=locations[visit.location_id] or "11",
                status="claimed",
            )
            for visit, (_p, _c, day, _s) in zip(visits, planned, strict=True)
        ],
        batch_size=2000,
    )
    from medoffice.billing.demo_claims import DIAGNOSES, FALLBACK_FEES

    claims: list[Claim] = []
    lines: list[list[ClaimLine]] = []
    created = timezone.now()
    for encounter, (patient_id, coverage, day, _s), number in zip(
        encounters, planned, reserve_control_numbers(count), strict=True
    ):
        diagnoses = rng.sample(DIAGNOSES, rng.randint(1, 4))
        codes = [rng.choice(E_M), *rng.choice(ADDED)][:4]
        pointers = ",".join(str(p) for p in range(1, len(diagnoses) + 1))
        mine = [
            ClaimLine(
                line_number=n,
                procedure_code=code,
                units=Decimal(1),
                charge=Decimal(FALLBACK_FEES[code]),
                diagnosis_pointers=pointers if n == 1 else "1",
                service_from=day,
            )
            for n, code in enumerate(codes, start=1)
        ]
        claims.append(
            Claim(
                encounter_id=encounter.pk,
                patient_id=patient_id,
                payer_id=coverage.payer_id,
                coverage=coverage,
                responsibility="P",
                control_number=number,
                status="draft",
                date_of_service=day,
                total_charge=sum((line.charge for line in mine), Decimal("0")),
                diagnoses=",".join(diagnoses),
                place_of_service=encounter.place_of_service,
                created_at=created,
            )
        )
        lines.append(mine)
    Claim.objects.bulk_create(claims, batch_size=2000)
    for claim, mine in zip(claims, lines, strict=True):
        for line in mine:
            line.claim_id = claim.pk
    ClaimLine.objects.bulk_create([line for mine in lines for line in mine], batch_size=2000)
    return {
        "patients": len({c.patient_id for c in claims}),
        "payers": len({c.payer_id for c in claims}),
        "lines": sum(len(mine) for mine in lines),
    }


def reset(status: str) -> None:
    """Every claim back to ``status`` as the builder left it: no findings, history, batches."""
    from medoffice.billing.models import Claim, ClaimBatch, ClaimFinding, ClaimTransition

    ClaimFinding.objects.all().delete()
    ClaimTransition.objects.all().delete()
    Claim.objects.update(
        status=status,
        batch=None,
        scrubbed_at=None,
        submitted_at=None,
        first_submitted_at=None,
        first_scrub_clean=None,
    )
    ClaimBatch.objects.all().delete()


# --- timing (in the child) --------------------------------------------------------------------


def timed(runs: int, prepare: Any, action: Any, label: str) -> dict[str, Any]:
    """``runs`` runs of ``action`` (``prepare`` before each, untimed): median wall and CPU
    seconds, queries; with ``BENCH_PROFILE=label`` one more run, profiled, on stderr."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wall: list[float] = []
    cpu: list[float] = []
    queries = 0
    first: Any = None
    for n in range(runs):
        prepare()
        with CaptureQueriesContext(connection) as executed:
            w0, c0 = time.perf_counter(), time.process_time()
            result = action()
            wall.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)
        queries = len(executed)
        if n == 0:
            first = result
    if os.environ.get("BENCH_PROFILE") == label:
        prepare()
        profile = cProfile.Profile()
        profile.runcall(action)
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    return {
        "wall": statistics.median(wall),
        "cpu": statistics.median(cpu),
        "queries": queries,
        "first": first,
    }


def best_seconds(runs: int, action: Any) -> tuple[float, float]:
    """Median wall and CPU seconds of ``runs`` runs of a pure function."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def measure(count: int) -> dict[str, Any]:
    from _common import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from _x12_claims import envelope
    from medoffice.billing import icd10, scrubber
    from medoffice.billing.claimdata import claims_for_x12
    from medoffice.billing.models import Claim, ClaimBatch
    from medoffice.billing.selectors.reference import scrub_reference
    from medoffice.billing.services import scrub as scrub_service
    from medoffice.billing.services.batches import export_ready_claims
    from medoffice.core.permissions import SystemActor
    from medoffice.x12 import p837

    started = time.perf_counter()
    made = build(count)
    build_s = time.perf_counter() - started
    actor = SystemActor("bench: claims end to end")
    icd10.is_known("E119")  # the ICD-10-CM index is built once per process, outside the timing

    # The scrubber: the service, then the pure function on the service's own inputs.
    scrub = timed(
        RUNS,
        lambda: reset("draft"),
        lambda: scrub_service.scrub_claims(actor=actor, claims=Claim.objects.all()),
        "scrub",
    )
    outcomes = scrub["first"]
    assert len(outcomes) == count, len(outcomes)
    findings = sum(len(o.findings) for o in outcomes)
    ready_after_scrub = Claim.objects.filter(status="ready").count()
    today = timezone.localdate()
    inputs = scrub_service._inputs(Claim.objects.all(), today, scrub_reference(today))
    pure_scrub = best_seconds(RUNS, lambda: [scrubber.scrub(inp) for inp in inputs])

    # The export: the service (files into a folder), the writer alone, the command.
    with tempfile.TemporaryDirectory(prefix="medoffice-bench-837-") as folder:
        outs: list[Path] = []

        def export() -> Any:
            out = Path(folder) / f"run{len(outs)}"
            outs.append(out)
            return export_ready_claims(actor=actor, out_dir=out)

        exported = timed(RUNS, lambda: reset("ready"), export, "export")
        result = exported["first"]
        assert not result.refused, result.refused[:3]
        assert result.claim_count == count, result.claim_count
        batches = [
            (done.destination, done.batch.claim_count, done.batch.file_name)
            for done in result.batches
        ]
        files = sorted(outs[0].iterdir())
        assert len(files) == len(result.batches), (files, result.batches)
        texts = [path.read_text() for path in files]
        megabytes = sum(len(t.encode()) for t in texts) / 1e6

        claims_plain = claims_for_x12(Claim.objects.order_by("pk"))
        writer = best_seconds(RUNS, lambda: p837.write_837p(claims_plain, envelope()))

        command_out = Path(folder) / "command"
        command = timed(
            RUNS,
            lambda: reset("ready"),
            lambda: call_command("claims", "export", "--out", str(command_out), stdout=_Sink()),
            "command",
        )
        assert ClaimBatch.objects.count() == len(batches)

        validation_started = time.perf_counter()
        from x12_837_writer import pyx12_error_count

        errors = [pyx12_error_count(text) for text in texts]
        validation_s = time.perf_counter() - validation_started

    return {
        "vendor": connection.vendor,
        "claims": count,
        **made,
        "build_s": build_s,
        "scrub": {k: v for k, v in scrub.items() if k != "first"},
        "findings": findings,
        "ready_after_scrub": ready_after_scrub,
        "pure_scrub": pure_scrub,
        "export": {k: v for k, v in exported.items() if k != "first"},
        "command": {k: v for k, v in command.items() if k != "first"},
        "writer": writer,
        "batches": batches,
        "megabytes": megabytes,
        "pyx12_errors": errors,
        "validation_s": validation_s,
        "load": os.getloadavg()[0],
    }


class _Sink:
    """The command's output, dropped (its lines are not what is measured)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None


# --- the parent -------------------------------------------------------------------------------


def on_sqlite(count: int) -> dict[str, Any]:
    return child_on_sqlite(__file__, "--claims", str(count))


def on_postgres(count: int) -> dict[str, Any] | str:
    return child_on_postgres(__file__, PG_DATABASE, "--claims", str(count))


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}"


def main() -> None:
    args = arguments(__doc__ or "", "--claims", CLAIMS)
    if args.child:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        print_result(measure(args.claims))
        return
    results: list[tuple[str, dict[str, Any] | str]] = [("SQLite", on_sqlite(args.claims))]
    if os.environ.get("BENCH_SQLITE_ONLY") != "1":
        results.append(("PostgreSQL", on_postgres(args.claims)))
    lines = [
        "## Claims end to end: scrubbing and 837P export from the database",
        "",
        f"{args.claims:,} stored claims (1-4 lines, 5,000 demo patients, the demo's payers "
        "split between two clearinghouses and one payer billed directly) in a freshly migrated "
        "database on production settings. Median of "
        f"{RUNS} runs, each on the same claims put back as they were (untimed). "
        "`scrub_claims`: reference tables read, every claim scrubbed, findings, statuses and "
        "history stored; `scrubber.scrub` alone over the same inputs beside it. "
        "`export_ready_claims`: ready claims selected, `claims_for_x12`, `write_837p`, control "
        "numbers, batch rows, status transitions, files written to a folder; `write_837p` alone "
        "over the same claims beside it; `medoffice claims export --out DIR` called in process. "
        f"Targets: export ≥ {EXPORT_TARGET:,} claims/s, scrub ≥ {SCRUB_TARGET:,} claims/s "
        "end to end.",
        "",
        "| database | step | seconds | CPU s | claims/s (wall) | claims/s (CPU) | queries "
        "| target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    notes: list[str] = []
    for label, result in results:
        if isinstance(result, str):
            lines.append(f"| {label} | not measured: {result} | | | | | | |")
            continue
        n = result["claims"]
        rows = [
            ("`scrub_claims` (service)", result["scrub"], SCRUB_TARGET),
            ("`scrubber.scrub` alone", result["pure_scrub"], None),
            ("`export_ready_claims` (service)", result["export"], EXPORT_TARGET),
            ("`medoffice claims export`", result["command"], EXPORT_TARGET),
            ("`write_837p` alone", result["writer"], None),
        ]
        for step, timing, target in rows:
            wall, cpu, queries = (
                (timing["wall"], timing["cpu"], f"{timing['queries']:,}")
                if isinstance(timing, dict)
                else (timing[0], timing[1], "")
            )
            met = ""
            if target is not None:
                met = (
                    "met"
                    if n / wall >= target
                    else "met in CPU time"
                    if n / cpu >= target
                    else "**missed**"
                )
            lines.append(
                f"| {label} | {step} | {wall:.2f} | {cpu:.2f} | {rate(n, wall)} "
                f"| {rate(n, cpu)} | {queries} | {met} |"
            )
        scrub_ratio = result["scrub"]["cpu"] / result["pure_scrub"][1]
        export_ratio = result["export"]["cpu"] / result["writer"][1]
        errors = sum(result["pyx12_errors"])
        batches = "; ".join(f"{dest}: {claims:,}" for dest, claims, _f in result["batches"])
        notes.append(
            f"{label} ({result['vendor']}): {result['lines']:,} lines, {result['patients']:,} "
            f"patients, {result['payers']} payers, built in {result['build_s']:.0f} s. "
            f"Scrubbing found {result['findings']:,} findings and left "
            f"{result['ready_after_scrub']:,} claims ready; the service costs "
            f"**{scrub_ratio:.1f}×** the pure scrubber's CPU time. The export wrote "
            f"{len(result['batches'])} files ({result['megabytes']:.1f} MB; {batches}); the "
            f"service costs **{export_ratio:.1f}×** the writer's CPU time. pyx12 4.0.0 full "
            f"validation of every file (untimed, {result['validation_s']:.0f} s): "
            f"**{errors} errors**. Load average at the end: {result['load']:.2f}."
        )
    lines += ["", *notes]
    lines += [
        "",
        "Seconds are wall-clock (`time.perf_counter`); the CPU column (`time.process_time`, "
        "this process only: a PostgreSQL server's work is not in it) is the figure to trust "
        "when the machine is busy; a target met only in CPU time says so.",
    ]
    print_section(lines, __file__)


if __name__ == "__main__":
    main()
