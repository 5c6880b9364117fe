"""Bench: slot search end to end, the find-a-slot page and the slots API, on the demo practice.

A fresh SQLite database in a temporary folder gets the demo practice (`medoffice demo-data`:
8 providers, about 5,000 patients, 14 months of visits). As the demo's front-desk user
(`frontdesk`, limited to its locations), through Django's test Client and the whole
middleware stack (session, permission checks, the audited read, the template or the JSON),
the child requests, after warm-up requests:

- `/schedule/find/?appointment_type=<type>&from_date=<tomorrow>` (the page's 90 days),
- `/api/v1/slots?type=<type>&from=<tomorrow>` (the API's default 31 days),

and, beside them, the pure engine's search on a calendar already built from the same
rows (what `bench/availability.py` measures on synthetic data). Issue target: p50 ≤ 20 ms
and p95 ≤ 50 ms for both requests. Prints only its markdown section on stdout.
Run: .venv/bin/python bench/slot_search_request.py
"""

from __future__ import annotations

import os
import sys
from typing import Any

from _common import (
    ROOT,
    arguments,
    print_result,
    print_section,
    production_env,
    run_child,
    setup_django,
    temporary_sqlite,
    time_runs,
)

REQUESTS = 100
WARM_UP = 5
P50_TARGET_MS = 20.0
P95_TARGET_MS = 50.0


def measure(requests: int) -> dict[str, Any]:
    """In a child process whose DATABASE_URL names the database to use."""
    import datetime as dt

    setup_django()
    sys.path.insert(0, str(ROOT))
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from tests.conftest import login_client

    call_command("collectstatic", interactive=False, verbosity=0)  # production static storage
    call_command("demo_data", quiet_logins=True, stdout=open(os.devnull, "w"))  # noqa: SIM115

    from medoffice.core.models import User
    from medoffice.scheduling import selectors
    from medoffice.scheduling.models import AppointmentType
    from medoffice.scheduling.services import practice_zone

    user = User.objects.get(username="frontdesk")
    client = login_client(user)
    kind = AppointmentType.objects.filter(is_active=True).order_by("pk").first()  # type=1
    assert kind is not None
    tz = practice_zone()
    tomorrow = timezone.localdate(timezone=tz) + dt.timedelta(days=1)
    page = f"/schedule/find/?appointment_type={kind.pk}&from_date={tomorrow.isoformat()}"
    api = f"/api/v1/slots?type={kind.pk}&from={tomorrow.isoformat()}"

    def get(url: str) -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    def queries(url: str) -> int:
        executed: list[str] = []

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            get(url)
        return len(executed)

    result: dict[str, Any] = {"vendor": connection.vendor, "requests": requests, "type": kind.name}
    for name, url in (("page", page), ("api", api)):
        for _ in range(WARM_UP):
            get(url)
        result[f"{name}_queries"] = queries(url)
        result[name] = time_runs(requests, lambda url=url: get(url)).summary()
    result["api_slots"] = len(get(api).json())
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            get(api)
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(
            os.environ.get("BENCH_PROFILE_SORT", "cumulative")
        ).print_stats(40)

    from medoffice.scheduling import availability as engine

    end = tomorrow + dt.timedelta(days=31)
    calendar = selectors.availability_calendar(start_date=tomorrow, end_date=end, tz=tz)
    engine_kind = selectors.engine_type(kind)
    now = timezone.now()
    scope = user.location_ids()

    def search() -> list[engine.Slot]:
        return calendar.find_slots(
            engine_kind,
            start_date=tomorrow,
            end_date=end,
            now=now,
            location_ids=list(scope) if scope is not None else None,
            limit=100,
        )

    for _ in range(WARM_UP):
        search()
    result["engine"] = time_runs(requests, search).summary()
    result["load"] = os.getloadavg()[0]
    return result


def verdict(summary: dict[str, float]) -> str:
    ok = summary["p50"] <= P50_TARGET_MS and summary["p95"] <= P95_TARGET_MS
    return "met" if ok else "**missed**"


def main() -> None:
    args = arguments(__doc__, "--requests", REQUESTS)
    if args.child:
        print_result(measure(args.requests))
        return
    with temporary_sqlite() as database:
        env = production_env(database.url, database.folder)
        relay = "" if os.environ.get("BENCH_PROFILE") else None  # the profile, on stderr
        result = run_child(__file__, "--requests", str(args.requests), env=env, relay=relay)
    page, api, pure = result["page"], result["api"], result["engine"]
    lines = [
        "## Slot search, end to end",
        "",
        f"Open slots for the demo's “{result['type']}” from tomorrow, as the demo's front-desk "
        f"user (limited to its locations), on the demo practice (`medoffice demo-data`) in a "
        f"fresh SQLite database, {result['requests']} requests each after warm-up through "
        "Django's test Client (whole middleware stack, the audited read, the page's template "
        "or the API's JSON). Beside them, the pure engine alone searching a calendar already "
        f"built from the same rows. Issue target: p50 ≤ {P50_TARGET_MS:.0f} ms and "
        f"p95 ≤ {P95_TARGET_MS:.0f} ms for both requests.",
        "",
        "| what | p50 ms | p95 ms | max ms | p50 CPU ms | SQL queries per request | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| find-a-slot page, 90 days (`/schedule/find/`) | {page['p50']:.1f} "
        f"| {page['p95']:.1f} | {page['max']:.1f} | {page['cpu_p50']:.1f} "
        f"| {result['page_queries']} | {verdict(page)} |",
        f"| slots API, 31 days (`/api/v1/slots`, {result['api_slots']} slots) | {api['p50']:.1f} "
        f"| {api['p95']:.1f} | {api['max']:.1f} | {api['cpu_p50']:.1f} "
        f"| {result['api_queries']} | {verdict(api)} |",
        f"| the engine alone, 31 days, prepared calendar | {pure['p50']:.2f} | {pure['p95']:.2f} "
        f"| {pure['max']:.2f} | {pure['cpu_p50']:.2f} | 0 | |",
        "",
        "Wall-clock is `time.perf_counter`; the CPU column (`time.process_time`) is steadier "
        f"when the machine is busy (1-minute load average during the run: {result['load']:.1f}).",
    ]
    print_section(lines, __file__)


if __name__ == "__main__":
    main()
