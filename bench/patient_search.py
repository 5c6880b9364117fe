"""Bench: patient search over 1,000,000 synthetic patients, on SQLite and on PostgreSQL.

Each database gets its own process: a temporary SQLite file, and a PostgreSQL database
``medoffice_bench_search`` created and dropped here (on the server of
``_common.PG_ADMIN_URL``: BENCH_POSTGRES_URL, else TEST_POSTGRES_URL, else the local one).
Patients are inserted in bulk (executemany on SQLite, COPY on PostgreSQL) with names
sampled (fixed seed) from Faker's en_US name lists; then 500 realistic queries (name
prefixes with one or two terms in either order, date of birth, phone, MRN, member ID) run
through ``patients.selectors.search_patients`` as a user limited to two of three locations.
Prints only its markdown section on stdout. Run: .venv/bin/python bench/patient_search.py
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from typing import Any

from _common import (
    ROOT,
    ChildFailed,
    percentiles,
    postgres_database,
    print_result,
    print_section,
    run_child,
    setup_django,
    temporary_sqlite,
    testing_env,
)

PATIENTS = int(os.environ.get("BENCH_PATIENTS", "1000000"))
COVERAGE_EVERY = 5  # one patient in five has a coverage with a member ID
QUERIES = 500
SEED = 20250603
PG_DB = "medoffice_bench_search"


def log(message: str) -> None:
    print(f"patient_search: {message}", file=sys.stderr, flush=True)


# --- the child: one database ------------------------------------------------------------------


def _names() -> tuple[list[str], list[float], list[str], list[float]]:
    from faker.providers.person.en_US import Provider

    firsts = {**Provider.first_names_female, **Provider.first_names_male}
    lasts = dict(Provider.last_names)
    return list(firsts), list(firsts.values()), list(lasts), list(lasts.values())


def _rows(location_ids: list[int], rng: random.Random) -> tuple[list[str], list[tuple]]:
    from django.utils import timezone

    from medoffice.patients.models import Patient
    from medoffice.patients.search import fold

    first_names, first_w, last_names, last_w = _names()
    firsts = rng.choices(first_names, first_w, k=PATIENTS)
    lasts = rng.choices(last_names, last_w, k=PATIENTS)
    now = timezone.now()
    fields = [f for f in Patient._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    base = {f.attname: f.get_default() for f in fields}
    base.update(created_at=now, updated_at=now, ssn="", is_active=True)
    start = dt.date(1930, 1, 1).toordinal()
    rows = []
    for i in range(PATIENTS):
        first, last = firsts[i], lasts[i]
        row = dict(base)
        row.update(
            mrn=f"M{100001 + i:07d}",
            first_name=first,
            last_name=last,
            search_first=fold(first),
            search_last=fold(last),
            date_of_birth=dt.date.fromordinal(start + rng.randrange(33000)),
            sex=rng.choice("FM"),
            home_location_id=location_ids[i % len(location_ids)],
            phone=f"+1{rng.randrange(201, 990)}555{rng.randrange(10000):04d}",
        )
        rows.append(tuple(row[f.attname] for f in fields))
    return columns, rows


def _insert(columns: list[str], rows: list[tuple], coverages: list[tuple]) -> None:
    from django.db import connection, transaction

    table = "patients_patient"
    cov_cols = [
        "patient_id",
        "payer_id",
        "plan_name",
        "member_id",
        "group_number",
        "order",
        "relationship",
        "subscriber_first_name",
        "subscriber_last_name",
        "subscriber_sex",
        "effective_from",
        "card_front",
        "card_back",
        "is_active",
        "created_at",
        "updated_at",
    ]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    cov_quoted = ", ".join(connection.ops.quote_name(c) for c in cov_cols)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            with raw.copy(f"COPY patients_coverage ({cov_quoted}) FROM STDIN") as copy:
                for row in coverages:
                    copy.write_row(row)
        else:
            cursor.execute("PRAGMA cache_size=-1000000")  # 1 GB: index pages stay in memory
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)  # noqa: S608
            marks = ", ".join(["%s"] * len(cov_cols))
            cursor.executemany(
                f"INSERT INTO patients_coverage ({cov_quoted}) VALUES ({marks})",  # noqa: S608
                coverages,
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _queries(rng: random.Random, sample: list[tuple], members: list[str]) -> list[str]:
    queries = []
    for i in range(QUERIES):
        first, last, born, phone, mrn = rng.choice(sample)
        f, lname = first.lower(), last.lower()
        kind = i % 10
        if kind in (0, 1):
            queries.append(lname[: rng.randint(3, max(3, len(lname)))])
        elif kind in (2, 3):
            queries.append(f"{lname[: rng.randint(2, 4)]} {f[: rng.randint(1, 3)]}")
        elif kind in (4, 5):
            queries.append(f"{f[: rng.randint(2, 4)]} {lname[: rng.randint(2, 4)]}")
        elif kind == 6:
            queries.append(born.strftime("%m/%d/%Y"))
        elif kind == 7:
            digits = phone[2:]
            queries.append(f"({digits[:3]}) {digits[3:6]}-{digits[6:]}")
        elif kind == 8:
            queries.append(mrn[: rng.randint(6, 8)])
        else:
            queries.append(rng.choice(members))
    return queries


def child() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["MEDOFFICE_TESTING"] = "1"
    setup_django(migrate=False)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from tests.factories import LocationFactory, UserFactory

    from medoffice.core.roles import Role
    from medoffice.patients.models import Payer
    from medoffice.patients.selectors import search_patients

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    locations = [LocationFactory() for _ in range(3)]
    user = UserFactory(roles=[Role.FRONT_DESK], locations=locations[:2])
    rng = random.Random(SEED)
    columns, rows = _rows([loc.pk for loc in locations], rng)
    payer = Payer.objects.create(name="Bench Health Plan")
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    # Patient ids are assigned in insertion order in an empty table: 1..N.
    coverages = [
        (
            pid,
            payer.pk,
            "",
            f"ZB{pid:09d}",
            "",
            1,
            "18",
            "",
            "",
            "",
            dt.date(2024, 1, 1),
            "",
            "",
            True,
            now,
            now,
        )
        for pid in range(1, PATIENTS + 1, COVERAGE_EVERY)
    ]
    _insert(columns, rows, coverages)
    built = time.perf_counter() - started
    idx = {c: i for i, c in enumerate(columns)}
    picks = rng.sample(range(PATIENTS), 2000)
    sample = [
        (
            rows[i][idx["first_name"]],
            rows[i][idx["last_name"]],
            rows[i][idx["date_of_birth"]],
            rows[i][idx["phone"]],
            rows[i][idx["mrn"]],
        )
        for i in picks
    ]
    members = [c[3] for c in rng.sample(coverages, 200)]
    queries = _queries(rng, sample, members)
    for q in queries[:20]:  # warm the caches
        search_patients(user, q)
    times = []
    found = 0
    for q in queries:
        t0 = time.perf_counter()
        result = search_patients(user, q)
        times.append((time.perf_counter() - t0) * 1000)
        found += bool(result)
    slow = sorted(zip(times, queries, strict=True), reverse=True)[:8]
    log(f"{connection.vendor} slowest: " + "; ".join(f"{q!r} {t:.0f} ms" for t, q in slow))
    print_result(
        {"vendor": connection.vendor, **percentiles(times), "found": found, "build_s": built}
    )


# --- the parent: both databases ---------------------------------------------------------------


def _run(database_url: str) -> dict[str, Any]:
    try:
        return run_child(__file__, env=testing_env(database_url), relay="patient_search:")
    except ChildFailed as exc:
        raise SystemExit(f"bench child failed for {database_url}:\n{exc.stderr[-3000:]}") from exc


def main() -> None:
    results = []
    with temporary_sqlite() as database:
        log(f"SQLite: {PATIENTS:,} patients …")
        results.append(("SQLite", _run(database.url)))
    with postgres_database(PG_DB) as url:
        log(f"PostgreSQL: {PATIENTS:,} patients …")
        results.append(("PostgreSQL", _run(url)))
    lines = [
        "## Patient search",
        "",
        f"{PATIENTS:,} synthetic patients (names sampled from Faker's en_US lists, fixed seed), "
        f"{PATIENTS // COVERAGE_EVERY:,} coverages; {QUERIES} queries through "
        "`search_patients` (name prefixes, one and two terms in both orders; date of birth; "
        "phone; MRN prefix; member ID) as a front-desk user limited to two of three "
        "locations, 25 results at most. Target: p95 ≤ 50 ms.",
        "",
        "| database | p50 ms | p95 ms | max ms | queries with results | load s |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in results:
        lines.append(
            f"| {name} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | "
            f"{r['found']}/{QUERIES} | {r['build_s']:.0f} |"
        )
    print_section(lines, __file__)


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        main()
