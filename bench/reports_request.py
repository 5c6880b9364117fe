"""Bench: server time of every report page, its CSV export and its API operation, 12 months.

A fresh SQLite database in a temporary folder holds the demo practice, built as `make demo`
builds it (`medoffice migrate`, `medoffice demo-data`: 8 providers, about 5,000 patients,
14 months of visits). The office manager (`manager`, two-step log-in passed) requests each
report over the last 12 months (the third-next-available report has no period: it looks
90 days ahead from today) as the page, as its CSV export and through the JSON API, through
Django's test Client on production settings: the whole middleware stack, the audit
entries, the charts and the template are in the time. Each is requested 20 times after 2
warm-up requests; the table gives the median and 95th percentile wall-clock ms, the CPU
median and the number of database queries of one request.
Issue target: p95 ≤ 100 ms for every page and API operation. Prints only its markdown
section on stdout.
Run: .venv/bin/python bench/reports_request.py
(`--database FILE` measures an existing SQLite demo database made with MEDOFFICE_TESTING=1,
`--database-url URL` any existing one, PostgreSQL included.)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from _common import (
    ROOT,
    print_result,
    print_section,
    production_env,
    run_child,
    setup_django,
    temporary_sqlite,
    testing_env,
    time_runs,
)

REQUESTS = 20
WARM_UP = 2
DAYS = 365
TARGET_MS = 100.0
CLI = Path(sys.executable).with_name("medoffice")
REPORTS = [
    ("wait-times", "Wait times"),
    ("no-shows", "No-shows and late cancellations"),
    ("utilisation", "Provider utilisation"),
    ("access", "Third-next-available"),
]


def measure(requests: int) -> dict:
    """In a child process whose DATABASE_URL names a database holding the demo practice."""
    import datetime as dt

    setup_django(migrate=False)
    sys.path.insert(0, str(ROOT))
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from tests.conftest import login_client

    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)  # production storage
    from medoffice.core.models import User
    from medoffice.reports.selectors import local_today

    client = login_client(User.objects.get(username="manager"))
    today = local_today()
    period = {"date_from": (today - dt.timedelta(days=DAYS)).isoformat(), "date_to": today}
    api_period = {"from": period["date_from"], "to": today.isoformat()}
    rows = []
    for slug, title in REPORTS:
        dated = slug != "access"
        page_query = period if dated else {}
        operations = [
            ("page", f"/reports/{slug}/", page_query),
            ("CSV", f"/reports/{slug}/", {**page_query, "format": "csv"}),
            ("API", f"/api/v1/reports/{slug}", api_period if dated else {}),
        ]
        for kind, url, query in operations:

            def get(url: str = url, query: dict = query) -> None:
                response = client.get(url, query)
                assert response.status_code == 200, (url, response.status_code)
                if response.streaming:
                    b"".join(response)

            for _ in range(WARM_UP):
                get()
            queries: list[str] = []

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            # An execute wrapper, not CaptureQueriesContext: a request's start clears that log.
            with connection.execute_wrapper(count):
                get()
            timings = time_runs(requests, get)
            rows.append(
                {"report": title, "kind": kind, "queries": len(queries), **timings.summary()}
            )
    return {"rows": rows, "requests": requests}


def build_demo(env: dict[str, str]) -> None:
    for args in (["migrate", "--noinput", "-v0"], ["demo-data", "--quiet-logins"]):
        subprocess.run(
            [str(CLI), *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--database", type=Path, help="an existing demo database (testing)")
    parser.add_argument(
        "--database-url", help="an existing demo database's URL (testing), PostgreSQL too"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print_result(measure(args.requests))
        return
    if args.database or args.database_url:
        url = args.database_url or f"sqlite:///{args.database.resolve()}"
        env = testing_env(url)
        result = run_child(__file__, "--requests", str(args.requests), env=env)
    else:
        with temporary_sqlite("demo.sqlite3", prefix="medoffice-reports-bench-") as database:
            env = production_env(database.url, database.folder)
            build_demo(env)
            result = run_child(__file__, "--requests", str(args.requests), env=env)
    slowest = max(r["p95"] for r in result["rows"])
    lines = [
        "## Reports: page, CSV and API, 12 months of the demo practice",
        "",
        "Every front-office report as the office manager sees it over the last 12 months "
        "(third-next-available: 90 days ahead from today) on the demo practice (8 "
        "providers, about 5,000 patients, 14 months of visits; `medoffice demo-data` on a "
        "fresh SQLite database), through Django's test Client on production settings with "
        f"the whole middleware stack and the audit entries; {result['requests']} requests "
        f"of each after {WARM_UP} warm-up requests. Target: p95 ≤ {TARGET_MS:.0f} ms for "
        f"each; the slowest p95 here is {slowest:.0f} ms.",
        "",
        "| report | request | p50 ms | p95 ms | CPU p50 ms | queries |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        *(
            f"| {r['report']} | {r['kind']} | {r['p50']:.1f} | {r['p95']:.1f} | "
            f"{r['cpu_p50']:.1f} | {r['queries']} |"
            for r in result["rows"]
        ),
    ]
    print_section(lines, __file__)


if __name__ == "__main__":
    main()
