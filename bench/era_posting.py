"""Bench: posting an 835 of 10,000 claims from the database, and the auto-posting rate.

In a freshly migrated database on production settings (a SQLite file in a temporary
folder; PostgreSQL too when the local server is reachable), the claims bench's builder
(``claims_end_to_end.build``: the demo's practice, 5,000 patients, payers and code
tables) makes ``--claims`` claims of 1-4 lines; their visits' lines and charges are put in
the ledger and the claims marked submitted (bulk, untimed). An 835 answering every claim
is written with ``w835`` (one payment per payer: CO-45 write-offs, PR-1/2/3 patient
shares, ~6 % denials), untimed. Timed: ``import_era`` on that file (read, balance, match,
post every entry, one transaction). Goal: ≤ 10 s.

Then the demo's remittances (``medoffice demo-data`` in another fresh database, SQLite):
the share of paid dollars posted with no exception on their claim. Goal: ≥ 98 %.
Run: .venv/bin/python bench/era_posting.py [--claims N]
(BENCH_PROFILE=1 prints a cProfile of the posting on stderr; BENCH_QUERIES=1 counts the
statements it sends, an ``executemany`` as one)
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
    production_env,
    run_child,
    temporary_sqlite,
)

CLAIMS = 10_000
SEED = 2026
PG_DATABASE = os.environ.get("BENCH_ERA_PG_DATABASE", "medoffice_bench_era")
POSTING_TARGET_S = 10.0
RATE_TARGET = 0.98


def prepare(count: int) -> dict[str, Any]:
    """The claims, their ledger charges, submitted; then the 835 answering them."""
    import datetime as dt
    import random
    from collections import defaultdict
    from decimal import Decimal

    from django.utils import timezone

    from claims_end_to_end import build
    from medoffice.billing.demo_era import _answer
    from medoffice.billing.era_build import ClaimAnswer, LineAnswer, PaymentAnswer, era_text
    from medoffice.billing.models import ChargeLine, Claim, ClaimLine, LedgerEntry

    made = build(count)
    claims = list(Claim.objects.select_related("payer", "patient", "encounter").order_by("pk"))
    lines: dict[int, list[Any]] = defaultdict(list)
    for line in ClaimLine.objects.order_by("claim_id", "line_number"):
        lines[line.claim_id].append(line)
    charge_lines = [
        ChargeLine(
            encounter_id=claim.encounter_id,
            line_number=line.line_number,
            procedure_code=line.procedure_code,
            modifiers=line.modifiers,
            units=line.units,
            charge=line.charge,
            diagnosis_pointers=line.diagnosis_pointers,
        )
        for claim in claims
        for line in lines[claim.pk]
    ]
    ChargeLine.objects.bulk_create(charge_lines, batch_size=2000)
    now = timezone.now()
    by_key = {(cl.encounter_id, cl.line_number): cl for cl in charge_lines}
    entries = [
        LedgerEntry(
            charge_line_id=by_key[(claim.encounter_id, line.line_number)].pk,
            patient_id=claim.patient_id,
            location_id=claim.encounter.location_id,
            kind="charge",
            party="insurance",
            payer_id=claim.payer_id,
            amount=line.charge,
            claim_id=claim.pk,
            effective_date=claim.date_of_service,
            service_date=claim.date_of_service,
            posted_at=now,
        )
        for claim in claims
        for line in lines[claim.pk]
    ]
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    Claim.objects.update(status="submitted", submitted_at=now, first_submitted_at=now)
    rng = random.Random(SEED)
    by_payer: dict[int, list[Any]] = defaultdict(list)
    payers: dict[int, Any] = {}
    for claim in claims:
        by_payer[claim.payer_id].append(
            _answer(claim, lines[claim.pk], rng, ClaimAnswer, LineAnswer)
        )
        payers[claim.payer_id] = claim.payer
    today = timezone.localdate()
    payments = [
        PaymentAnswer(
            trace=f"BENCH{payer_id:05d}",
            payer_name=payers[payer_id].name.upper()[:60],
            payer_id=payers[payer_id].payer_id or f"P{payer_id:05d}",
            claims=tuple(answers),
            paid_on=today - dt.timedelta(days=1),
        )
        for payer_id, answers in sorted(by_payer.items())
    ]
    text = era_text(payments)
    return {
        **made,
        "entries_before": len(entries),
        "data": text.encode(),
        "megabytes": len(text.encode()) / 1e6,
        "paid": sum((c.paid or Decimal(0)) for p in payments for c in p.claims if c.paid),
    }


def measure(count: int) -> dict[str, Any]:
    from _common import setup_django

    setup_django()
    import cProfile
    import pstats

    from django.db import connection

    from medoffice.billing.models import LedgerEntry
    from medoffice.billing.services.era import import_era
    from medoffice.core.permissions import SystemActor

    started = time.perf_counter()
    made = prepare(count)
    build_s = time.perf_counter() - started
    data = made.pop("data")
    actor = SystemActor("bench: era posting")

    def post() -> Any:
        return import_era(data=data, filename="bench.835", actor=actor)

    queries: list[str] = []
    if os.environ.get("BENCH_QUERIES") == "1":  # the statements sent, not timed
        from django.test.utils import CaptureQueriesContext

        real = post

        def post() -> Any:
            with CaptureQueriesContext(connection) as captured:
                done = real()
            queries.extend(q["sql"] for q in captured.captured_queries)
            return done

    w0, c0 = time.perf_counter(), time.process_time()
    if os.environ.get("BENCH_PROFILE") == "1":
        profile = cProfile.Profile()
        result = profile.runcall(post)
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    else:
        result = post()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return {
        "vendor": connection.vendor,
        "claims": count,
        **{k: v for k, v in made.items() if k != "paid"},
        "build_s": build_s,
        "wall": wall,
        "cpu": cpu,
        "matched": result.claims_matched,
        "exceptions": result.exceptions,
        "denials": len(result.denials),
        "entries": LedgerEntry.objects.filter(source_kind="era").count(),
        "rate": float(result.auto_posting_rate or 0),
        "load": os.getloadavg()[0],
        "statements": len(queries),
    }


def demo_rate() -> dict[str, Any]:
    """The demo's remittances: paid dollars posted without an exception on their claim."""
    from _common import setup_django

    setup_django()
    from django.core.management import call_command

    from medoffice.billing.selectors.era import auto_posting_rate

    started = time.perf_counter()
    call_command("demo_data", quiet_logins=True, verbosity=0)
    build_s = time.perf_counter() - started
    auto, total = auto_posting_rate()
    return {"auto": str(auto), "total": str(total), "build_s": build_s}


# --- the parent -------------------------------------------------------------------------------


def on_sqlite(count: int) -> dict[str, Any]:
    return child_on_sqlite(__file__, "--claims", str(count))


def on_postgres(count: int) -> dict[str, Any] | str:
    return child_on_postgres(__file__, PG_DATABASE, "--claims", str(count))


def on_demo() -> dict[str, Any]:
    with temporary_sqlite() as database:
        env = {**production_env(database.url, database.folder), "BENCH_ERA_DEMO": "1"}
        return run_child(__file__, "--claims", "0", env=env, relay="")


def main() -> None:
    args = arguments(__doc__ or "", "--claims", CLAIMS)
    if args.child:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        if os.environ.get("BENCH_ERA_DEMO") == "1":
            print_result(demo_rate())
        else:
            print_result(measure(args.claims))
        return
    results: list[tuple[str, dict[str, Any] | str]] = [("SQLite", on_sqlite(args.claims))]
    if os.environ.get("BENCH_SQLITE_ONLY") != "1":
        results.append(("PostgreSQL", on_postgres(args.claims)))
    lines = [
        "## Posting remittances (835)",
        "",
        f"An 835 answering {args.claims:,} stored claims (1-4 lines; one payment per payer) "
        "posted by `import_era` in one transaction on production settings: read and "
        "balanced, claims and lines matched, every payment, write-off and patient transfer "
        f"written to the ledger. Goal: ≤ {POSTING_TARGET_S:.0f} s.",
        "",
        "| database | seconds | CPU s | claims/s | ledger entries | exceptions | goal |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    notes = []
    for label, result in results:
        if isinstance(result, str):
            lines.append(f"| {label} | not measured: {result} | | | | | |")
            continue
        met = (
            "met"
            if result["wall"] <= POSTING_TARGET_S
            else "met in CPU time"
            if result["cpu"] <= POSTING_TARGET_S
            else "**missed**"
        )
        lines.append(
            f"| {label} | {result['wall']:.2f} | {result['cpu']:.2f} | "
            f"{result['claims'] / result['wall']:,.0f} | {result['entries']:,} | "
            f"{result['exceptions']} | {met} |"
        )
        notes.append(
            f"{label}: {result['lines']:,} lines, {result['payers']} payers, "
            f"{result['megabytes']:.1f} MB of 835, {result['matched']:,} claims matched, "
            f"{result['denials']} denials; built in {result['build_s']:.0f} s. Load average "
            f"at the end: {result['load']:.2f}."
            + (
                f" Statements sent (BENCH_QUERIES): {result['statements']:,}."
                if result.get("statements")
                else ""
            )
        )
    lines += ["", *notes]
    if os.environ.get("BENCH_ERA_NO_DEMO") == "1":
        lines += [
            "",
            "Auto-posting rate on the demo's remittances: not measured (BENCH_ERA_NO_DEMO).",
        ]
    else:
        demo = on_demo()
        auto, total = float(demo["auto"]), float(demo["total"])
        share = auto / total if total else 0.0
        lines += [
            "",
            f"Auto-posting rate on the demo's remittances: **{share:.1%}** of "
            f"${total:,.2f} paid posted with no exception on its claim "
            f"(goal ≥ {RATE_TARGET:.0%}: {'met' if share >= RATE_TARGET else '**missed**'}); "
            f"the demo built in {demo['build_s']:.0f} s.",
        ]
    print_section(lines, __file__)


if __name__ == "__main__":
    main()
