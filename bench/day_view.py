"""Bench: server time of the front desk's day view for 8 providers with a full day booked.

A freshly migrated SQLite database in a temporary folder (WAL, as settings.py configures)
holds one location open 8:00–17:00, 8 providers working 8–12 and 13–17 and every half
hour of their day booked (16 visits each, 128 in all, made through `book_appointment`).
The page `/front-desk/day/?date=…&location=…` is requested 100 times (after 5 warm-up
requests) through Django's test Client as a logged-in front-desk user: the whole
middleware stack, the audit event of the read and the template are in the time.
Issue target: median < 100 ms. Prints only its markdown section on stdout.
Run: .venv/bin/python bench/day_view.py
"""

from __future__ import annotations

import os
import sys

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
PROVIDERS = 8
TARGET_MS = 100.0


def measure(requests: int) -> dict:
    """In a child process whose DATABASE_URL names the database to use."""
    import datetime as dt

    setup_django()
    sys.path.insert(0, str(ROOT))
    from django.core.management import call_command
    from django.db import connection
    from tests.conftest import login_client

    call_command("collectstatic", interactive=False, verbosity=0)  # production static storage
    from zoneinfo import ZoneInfo

    from medoffice.core.identifiers import npi_check_digit
    from medoffice.core.models import (
        Location,
        LocationHours,
        Practice,
        RoleAssignment,
        User,
    )
    from medoffice.core.permissions import SystemActor
    from medoffice.core.roles import Role
    from medoffice.patients.models import Patient
    from medoffice.scheduling import services
    from medoffice.scheduling.models import AppointmentType, Provider, TemplateBlock

    tz = ZoneInfo("America/New_York")
    practice = Practice.objects.create(
        legal_name="Bench Family Practice, P.C.",
        tax_id="04-1234567",
        group_npi="1" + "23456789" + npi_check_digit("123456789"),
        time_zone="America/New_York",
        address_line1="1 Main Street",
        city="Springfield",
        state="MA",
        postal_code="01103",
    )
    location = Location.objects.create(
        practice=practice,
        name="Main",
        code="MAIN",
        phone="+14135550100",
        address_line1="1 Main Street",
        city="Springfield",
        state="MA",
        postal_code="01103",
    )
    day = dt.date(2031, 3, 4)  # a Tuesday
    LocationHours.objects.create(
        location=location, weekday=day.weekday(), opens=dt.time(8), closes=dt.time(17)
    )
    visit = AppointmentType.objects.create(
        name="Follow-up", code="follow-up", duration=30, color="#2a9d8f"
    )
    patient_number = 0
    for n in range(PROVIDERS):
        nine = f"1{n + 10:08d}"
        provider = Provider.objects.create(
            first_name=f"Pat{n}",
            last_name=f"Provider{n}",
            credentials="MD",
            npi=nine + npi_check_digit(nine),
        )
        provider.locations.add(location)
        for start, end in ((dt.time(8), dt.time(12)), (dt.time(13), dt.time(17))):
            TemplateBlock.objects.create(
                provider=provider,
                location=location,
                weekday=day.weekday(),
                start=start,
                end=end,
                effective_from=dt.date(2030, 1, 1),
            )
        for hour in (8, 9, 10, 11, 13, 14, 15, 16):
            for minute in (0, 30):
                patient_number += 1
                patient = Patient.objects.create(
                    mrn=f"B{patient_number:07d}",
                    first_name=f"First{patient_number}",
                    last_name=f"Last{patient_number}",
                    date_of_birth=dt.date(1970, 1, 1) + dt.timedelta(days=patient_number * 97),
                    home_location=location,
                )
                start = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)
                services.book_appointment(
                    actor=SystemActor("bench"),
                    patient=patient,
                    provider=provider,
                    location=location,
                    appointment_type=visit,
                    start=start,
                    now=start - dt.timedelta(days=7),
                )
    user = User.objects.create(username="bench.desk", first_name="Bench", last_name="Desk")
    RoleAssignment.objects.create(user=user, role=Role.FRONT_DESK.value)
    client = login_client(user)
    url = f"/front-desk/day/?date={day.isoformat()}&location={location.pk}"

    def get_page() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    for _ in range(WARM_UP):
        get_page()
    executed: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        body = client.get(url).content.decode()
    visits_shown = body.count('data-testid="appointment-')
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            client.get(url)
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(
            os.environ.get("BENCH_PROFILE_SORT", "cumulative")
        ).print_stats(45)
    timings = time_runs(requests, get_page)
    return {
        "vendor": connection.vendor,
        "requests": requests,
        **timings.summary(),
        "load": os.getloadavg()[0],
        "queries": len(executed),
        "visits": visits_shown,
        "bytes": len(body),
    }


def main() -> None:
    args = arguments(__doc__, "--requests", REQUESTS)
    if args.child:
        print_result(measure(args.requests))
        return
    with temporary_sqlite() as database:
        env = production_env(database.url, database.folder)
        result = run_child(__file__, "--requests", str(args.requests), env=env)
    met = "met" if result["p50"] < TARGET_MS else "**missed**"
    cpu_met = "met" if result["cpu_p50"] < TARGET_MS else "**missed**"
    lines = [
        "## Day view",
        "",
        f"Server time of `/front-desk/day/` for {PROVIDERS} providers with every half hour of "
        f"an 8:00–17:00 day booked ({result['visits']} visits on the page), requested "
        f"{result['requests']} times through Django's test Client as a logged-in front-desk "
        "user on a freshly migrated SQLite database (whole middleware stack, the audited read "
        f"and the template). Issue target: median < {TARGET_MS:.0f} ms.",
        "",
        "| database | requests | p50 ms | p95 ms | max ms | p50 CPU ms | SQL queries per request"
        " | page size | target (wall / CPU) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| SQLite | {result['requests']} | {result['p50']:.1f} | {result['p95']:.1f} "
        f"| {result['max']:.1f} | {result['cpu_p50']:.1f} | {result['queries']} "
        f"| {result['bytes'] / 1024:.0f} KiB | {met} / {cpu_met} |",
        "",
        "Wall-clock is `time.perf_counter`; the CPU column (`time.process_time`) is steadier "
        f"when the machine is busy (1-minute load average during the run: {result['load']:.1f}).",
    ]
    print_section(lines, __file__)


if __name__ == "__main__":
    main()
