"""Bench: the claim scrubber over 10,000 synthetic claims, and the ICD-10-CM search (pure Python).

``medoffice.billing.scrubber.scrub`` checks each claim against reference tables the size
of a real practice's (20,000 procedure codes, 200,000 NCCI edits, 20,000 MUEs): look-ups
are by key, so the tables' size must not show in the time. About one claim in four
carries a defect. Run: .venv/bin/python bench/scrubber.py
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from _common import print_section, time_runs
from medoffice.billing import icd10
from medoffice.billing.scrubber import (
    Coverage,
    InMemoryReference,
    MueLimit,
    ProcedureInfo,
    PtpEdit,
    ScrubInput,
    TimelyFiling,
    scrub,
)
from medoffice.core.identifiers import npi_check_digit
from medoffice.x12.claims import (
    Address,
    Claim,
    Drug,
    Payer,
    Person,
    Provider,
    ServiceLine,
    Subscriber,
)

SEED = 20261201
CLAIMS = 10_000
RUNS = 5
TODAY = dt.date(2026, 11, 30)
CODES = [f"{n:05d}" for n in range(10_000, 30_000)]  # synthetic procedure codes
VISITS = ["99212", "99213", "99214", "99215"]
DIAGNOSES = ["E119", "I10", "E785", "K219", "F419", "J45909", "N390", "M1711", "R519", "J069"]
SEARCHES = ["E11.9", "e11", "diabetes type 2", "hypertension", "fracture radius right initial", "a"]


def npi(rng: random.Random) -> str:
    first = f"1{rng.randint(0, 99_999_999):08d}"
    return first + npi_check_digit(first)


def reference(rng: random.Random) -> InMemoryReference:
    procedures = [ProcedureInfo(code) for code in CODES + VISITS + ["96372"]]
    procedures.append(ProcedureInfo("J1100", is_drug=True))
    procedures.append(ProcedureInfo("99417", is_addon=True, addon_primaries=frozenset({"99215"})))
    edits = [
        PtpEdit(rng.choice(CODES), rng.choice(CODES), rng.choice((0, 1, 9)), dt.date(2010, 1, 1))
        for _ in range(200_000)
    ]
    mues = [MueLimit(code, rng.randint(1, 4), rng.choice((1, 2, 3))) for code in CODES]
    return InMemoryReference(
        procedures=procedures,
        modifiers={"25", "59", "LT", "RT", "XS", "26", "TC", "95", "91"},
        places_of_service={"02", "10", "11", "22"},
        ptp_edits=edits,
        mues=mues,
    )


def claim(rng: random.Random, number: int, providers: list[Provider]) -> Claim:
    day = TODAY - dt.timedelta(days=rng.randint(1, 60))
    diagnoses = tuple(rng.sample(DIAGNOSES, rng.randint(1, 4)))
    lines = [
        ServiceLine(rng.choice(VISITS), Decimal("145.00"), Decimal(1), day, (1,), modifiers=("25",))
    ]
    for _ in range(rng.randint(0, 5)):
        lines.append(
            ServiceLine(
                rng.choice(CODES),
                Decimal(rng.randint(20, 400)),
                Decimal(1),
                day,
                (rng.randint(1, len(diagnoses)),),
                modifiers=rng.choice(((), (), ("59",), ("RT",))),
            )
        )
    if rng.random() < 0.2:
        lines.append(
            ServiceLine(
                "J1100",
                Decimal("12.50"),
                Decimal(10),
                day,
                (1,),
                drug=Drug("00641036721", Decimal(1), "ML"),
            )
        )
    if rng.random() < 0.25:  # a defect
        lines[0] = ServiceLine("ABCDE", Decimal(0), Decimal(0), day, (9,))
    patient = Person(
        f"Patient{number}",
        "Test",
        dt.date(1950 + number % 60, 1 + number % 12, 1 + number % 28),
        rng.choice("MF"),
        address=Address(f"{number} Main Street", "Northampton", "MA", "01060"),
    )
    return Claim(
        control_number=f"B{number:06d}",
        billing_provider=providers[0],
        payer=Payer("Bay State Health Plan", "BSHP1"),
        subscriber=Subscriber(f"M{number:09d}", patient),
        diagnoses=diagnoses,
        lines=tuple(lines),
        place_of_service="11",
        rendering=rng.choice(providers[1:]),
    )


def main() -> None:
    rng = random.Random(SEED)
    ref = reference(rng)
    billing = Provider(
        "Valley Family Practice",
        npi(rng),
        is_person=False,
        tax_id="041234567",
        address=Address("200 Main Street", "Northampton", "MA", "010603210"),
    )
    providers = [billing] + [Provider(f"Doctor{n}", npi(rng)) for n in range(8)]
    inputs = [
        ScrubInput(
            claim=claim(rng, number, providers),
            today=TODAY,
            reference=ref,
            coverage=Coverage(dt.date(2026, 1, 1), None),
            timely_filing=TimelyFiling(days=90),
        )
        for number in range(CLAIMS)
    ]
    icd10.is_known("E119")  # build the ICD-10-CM index outside the timing
    findings = sum(len(scrub(inp)) for inp in inputs)
    lines_total = sum(len(inp.claim.lines) for inp in inputs)
    result = time_runs(RUNS, lambda: [scrub(inp) for inp in inputs]).summary()
    rate = CLAIMS / (result["p50"] / 1000)
    cpu_rate = CLAIMS / (result["cpu_p50"] / 1000)

    searches = []
    for query in SEARCHES:
        found = len(icd10.search(query))
        timing = time_runs(50, lambda query=query: icd10.search(query)).summary()
        searches.append(
            f"| `{query}` | {found} | {timing['p50']:.2f} | {timing['max']:.2f} | "
            f"{timing['cpu_p50']:.2f} |"
        )
    build_started = time.perf_counter()
    icd10._built.clear()  # the index is built again, as a fresh process would
    icd10.is_known("E119")
    build_ms = (time.perf_counter() - build_started) * 1000

    lines = [
        "## Claim scrubber",
        "",
        f"{CLAIMS:,} synthetic claims ({lines_total:,} lines, about a quarter with a defect) "
        "through `medoffice.billing.scrubber.scrub` (pure Python, every rule), against tables "
        "of 20,000 procedure codes, 200,000 NCCI edits and 20,000 MUEs. "
        "Target: ≥ 20,000 claims/s (the product goal end to end is 2,000).",
        "",
        "| claims | runs | findings | p50 ms | p95 ms | p50 CPU ms | claims/s (wall) | claims/s (CPU) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {CLAIMS} | {RUNS} | {findings} | {result['p50']:.1f} | {result['p95']:.1f} "
        f"| {result['cpu_p50']:.1f} | {rate:,.0f} | {cpu_rate:,.0f} |",
        "",
        "ICD-10-CM search (`medoffice.billing.icd10.search`, 20 results, billable codes; "
        f"the index is built once per process, {build_ms:,.0f} ms). Target: < 50 ms a search.",
        "",
        "| query | results | p50 ms | max ms | p50 CPU ms |",
        "| --- | ---: | ---: | ---: | ---: |",
        *searches,
        "",
        "p50/p95/max are wall-clock (`time.perf_counter`); the CPU column "
        "(`time.process_time`) is the figure to trust when the machine is busy.",
    ]
    print_section(lines, __file__)


if __name__ == "__main__":
    main()
