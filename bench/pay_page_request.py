"""Bench: the pay link's page with its amount choices, and the statement schedule's check.

A fresh SQLite database on the test settings gets 200 self-pay patients ($170.00 due each,
test factories); the patient measured is on a payment plan and has a statement made before
a second visit, so the page offers all four amounts (whole due, the statement's, the plan's
next instalment, another). Timed, each through Django's test Client (the whole middleware
stack, the token, the audited read): the page (GET), a refused amount (POST: the form, the
service's rules, the page again with its errors; no processor call), and alone the service
that makes the options (``online.pay_options``) and the morning check of the schedule on a
day the month's run is already made (``run_scheduled_statements``). Goal: page p95 <= 100 ms.
Prints only its markdown section on stdout.
Run: .venv/bin/python bench/pay_page_request.py
"""

from __future__ import annotations

import os
import sys

from _common import (
    ROOT,
    arguments,
    print_result,
    print_section,
    run_child,
    setup_django,
    temporary_sqlite,
    testing_env,
    time_runs,
)

REQUESTS = 60
WARM_UP = 5
PATIENTS = 200
TARGET_MS = 100.0


def measure(requests: int) -> dict:
    setup_django()
    sys.path.insert(0, str(ROOT))
    from django.db import connection
    from django.test import Client
    from tests.billing.factories_claims import office_visit_codes
    from tests.billing.factories_ledger import claimed_visit
    from tests.factories import SYSTEM, PracticeFactory

    from medoffice.billing import paylinks
    from medoffice.billing.models import Statement
    from medoffice.billing.services import online
    from medoffice.billing.services import statements as statement_service
    from medoffice.billing.services.plans import create_plan, today
    from medoffice.billing.services.statement_schedule import (
        run_scheduled_statements,
        update_schedule,
    )

    PracticeFactory()
    office_visit_codes()
    patients = [claimed_visit(insured=False).patient for _ in range(PATIENTS)]
    statement_service.run_statements(as_of=today(), actor=SYSTEM)
    patient = patients[0]
    claimed_visit(patient, insured=False)
    create_plan(
        actor=SYSTEM,
        patient=patient,
        total="150.00",
        instalment_amount="50.00",
        start_date=today(),
        day_of_month=1,
    )
    statement = Statement.objects.get(patient=patient)
    # Automatic, and this month's run already made: the check reads the schedule and stops
    # (what it does every morning but one a month).
    schedule = update_schedule(actor=SYSTEM, statement_day=1, automatic=True)
    schedule.last_automatic_period = today().replace(day=1)
    schedule.save(update_fields=["last_automatic_period"])
    url = paylinks.pay_url(patient_id=patient.pk, statement_id=statement.pk)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    options = online.pay_options(patient=patient, statement_id=statement.pk)
    assert [o.key for o in options.options] == ["due", "statement", "instalment", "other"]

    def get_page() -> None:
        assert client.get(path).status_code == 200

    def refused() -> None:
        from django.conf import settings

        settings.PAYMENT_PROCESSOR = "stripe"  # configured enough to read the form
        settings.STRIPE_SECRET_KEY = "sk_bench"
        answer = client.post(path, {"choice": "other", "amount": "1e309"})
        assert answer.status_code == 400, answer.status_code

    def options_only() -> None:
        online.pay_options(patient=patient, statement_id=statement.pk)

    def check() -> None:
        assert not run_scheduled_statements().ran

    results = {}
    for name, action in (
        ("page", get_page),
        ("refused", refused),
        ("options", options_only),
        ("check", check),
    ):
        for _ in range(WARM_UP):
            action()
        results[name] = time_runs(requests, action).summary()
    return {
        "vendor": connection.vendor,
        "requests": requests,
        "results": results,
        "load": os.getloadavg()[0],
    }


LABELS = {
    "page": "pay page (GET, four amounts offered)",
    "refused": "pay page: a refused amount (POST, 400, no processor call)",
    "options": "`online.pay_options` alone",
    "check": "`run_scheduled_statements` once the month is done",
}


def main() -> None:
    args = arguments(__doc__, "--requests", REQUESTS)
    if args.child:
        print_result(measure(args.requests))
        return
    with temporary_sqlite() as database:
        result = run_child(
            __file__, "--requests", str(args.requests), env=testing_env(database.url), relay=""
        )
    page = result["results"]["page"]
    met = "met" if page["p95"] <= TARGET_MS else "**missed**"
    lines = [
        "## Pay page amounts and the statement schedule's check",
        "",
        f"{PATIENTS} self-pay patients on a fresh SQLite database (test settings); the patient "
        "measured is on a payment plan with a statement older than their balance, so the page "
        "offers four amounts. Requests through Django's test Client (middleware, token, "
        f"audited read); {WARM_UP} warm-up runs, then {result['requests']} timed. "
        f"Goal: page p95 ≤ {TARGET_MS:.0f} ms ({met}).",
        "",
        "| what | p50 ms | p95 ms | max ms | p50 CPU ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for key, label in LABELS.items():
        r = result["results"][key]
        lines.append(
            f"| {label} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | {r['cpu_p50']:.1f} |"
        )
    lines += [
        "",
        "Wall-clock is `time.perf_counter`, CPU `time.process_time` (steadier on a busy "
        f"machine; 1-minute load average during the run: {result['load']:.1f}).",
    ]
    print_section(lines, __file__)


if __name__ == "__main__":
    main()
