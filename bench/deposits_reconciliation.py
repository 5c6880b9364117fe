"""Deposits: the bank's CSV reader, automatic matching, and the reconciliation (selector and
page) over a month of remittance payments and deposits.

The child builds ``--payments`` remittance payments (EraPayment rows with two claim payments
and one PLB item each, bulk-inserted under one ERA file) over the last 30 days and as many
deposits (90 % with the payment's trace and amount, the rest by hand), then times: the pure
CSV reader on a file of that many rows; entering one deposit that matches automatically
(the service: validation, lock, match, audit); the reconciliation selector for the month;
and ``GET /billing/deposits/reconciliation/`` through Django's test Client as the office
manager (the whole request path). Wall-clock and CPU (process_time) milliseconds; the
machine is shared, so wall times are noisy.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    ROOT,
    arguments,
    child_on_postgres,
    child_on_sqlite,
    print_result,
    print_section,
    time_runs,
)

PAYMENTS = 2000
RUNS = 15
PG_DATABASE = "medoffice_bench_deposits"


def build(count: int) -> dt.date:
    from django.utils import timezone

    from medoffice.billing.models import (
        EraClaimPayment,
        EraFile,
        EraPayment,
        EraProviderAdjustment,
        InsuranceDeposit,
    )

    now = timezone.now()
    today = now.date()
    era_file = EraFile.objects.create(
        file_name="bench.835", sha256="0" * 64, size=0, content="", uploaded_at=now
    )
    payments = [
        EraPayment(
            era_file=era_file,
            payer_identifier=f"P{i % 20:02d}",
            payer_name=f"PAYER {i % 20}",
            trace_number=f"EFT{i:08d}",
            trace_originator="1999999999",
            amount=Decimal(100 + i % 900) - Decimal("2.00"),
            payment_date=today - dt.timedelta(days=i % 30),
            posted_at=now,
        )
        for i in range(count)
    ]
    EraPayment.objects.bulk_create(payments, batch_size=1000)
    payments = list(EraPayment.objects.order_by("pk"))
    EraClaimPayment.objects.bulk_create(
        [
            EraClaimPayment(
                payment=p,
                claim_identifier=f"C{p.pk}-{k}",
                status_code="1",
                charge=Decimal(200),
                paid=(p.amount + Decimal("2.00")) / 2,
            )
            for p in payments
            for k in range(2)
        ],
        batch_size=1000,
    )
    EraProviderAdjustment.objects.bulk_create(
        [
            EraProviderAdjustment(
                payment=p, provider_identifier="1234567893", reason="WO", amount=Decimal("2.00")
            )
            for p in payments
        ],
        batch_size=1000,
    )
    deposits = InsuranceDeposit.objects.bulk_create(
        [
            InsuranceDeposit(
                deposit_date=p.payment_date,
                amount=p.amount,
                method="eft",
                reference=p.trace_number if i % 10 else f"BANK{i}",
                entered_at=now,
            )
            for i, p in enumerate(payments)
        ],
        batch_size=1000,
    )
    for p, d in zip(payments, deposits, strict=True):
        if d.reference == p.trace_number:
            p.deposit_id = d.pk
    EraPayment.objects.bulk_update(payments, ["deposit"], batch_size=1000)
    return today


def measure(count: int) -> dict[str, Any]:
    from _common import setup_django

    setup_django()
    sys.path.insert(0, str(ROOT))
    from django.core.management import call_command
    from django.db import connection
    from tests.conftest import login_client
    from tests.factories import PracticeFactory, UserFactory

    from medoffice.billing.bank_csv import parse_bank_csv
    from medoffice.billing.models import EraFile, EraPayment
    from medoffice.billing.selectors.deposits import reconciliation
    from medoffice.billing.services.deposits import create_deposit
    from medoffice.core.models import Practice
    from medoffice.core.roles import Role

    call_command("collectstatic", interactive=False, verbosity=0)
    if not Practice.objects.exists():
        PracticeFactory()
    started = time.perf_counter()
    today = build(count)
    build_s = time.perf_counter() - started
    manager = UserFactory(roles=[Role.OFFICE_MANAGER])
    client = login_client(manager)
    start = today - dt.timedelta(days=29)
    csv_text = "date,amount,reference\n" + "".join(
        f"{today.isoformat()},{100 + i % 900}.00,EFT{i:08d}\n" for i in range(count)
    )
    era_file = EraFile.objects.get()
    serial = iter(range(10**6))

    def enter_one() -> None:
        n = next(serial)
        EraPayment.objects.create(
            era_file=era_file,
            payer_identifier="P01",
            trace_number=f"NEW{n:08d}",
            trace_originator="1999999999",
            amount=Decimal("123.45"),
            payment_date=today,
        )
        create_deposit(
            actor=manager,
            deposit_date=today,
            amount="123.45",
            method="eft",
            reference=f"NEW{n:08d}",
        )

    def page() -> None:
        response = client.get(
            f"/billing/deposits/reconciliation/?start={start.isoformat()}&end={today.isoformat()}"
        )
        assert response.status_code == 200, response.status_code

    steps = {
        f"bank CSV reader, {count:,} rows (pure)": lambda: parse_bank_csv(csv_text, latest=today),
        "enter a deposit that matches automatically (service)": enter_one,
        "reconciliation of the month (selector)": lambda: reconciliation(
            manager, start=start, end=today
        ),
        "GET /billing/deposits/reconciliation/ (the same month)": page,
    }
    results: dict[str, Any] = {}
    for name, action in steps.items():
        action()  # warm-up
        results[name] = time_runs(RUNS, action).summary()
    return {
        "vendor": connection.vendor,
        "payments": count,
        "build_s": build_s,
        "steps": results,
        "load": os.getloadavg()[0],
    }


def main() -> None:
    args = arguments(__doc__ or "", "--payments", PAYMENTS)
    if args.child:
        print_result(measure(args.payments))
        return
    results: list[tuple[str, dict[str, Any] | str]] = []
    if os.environ.get("BENCH_PG_ONLY") != "1":
        results.append(("SQLite", child_on_sqlite(__file__, "--payments", str(args.payments))))
    if os.environ.get("BENCH_SQLITE_ONLY") != "1":
        results.append(
            (
                "PostgreSQL",
                child_on_postgres(__file__, PG_DATABASE, "--payments", str(args.payments)),
            )
        )
    lines = [
        f"## Deposits and their reconciliation ({args.payments:,} payments in a month)",
        "",
        f"Milliseconds over {RUNS} runs after a warm-up (wall clock; CPU is process_time).",
        "",
        "| database | step | p50 ms | p95 ms | CPU p50 ms |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    notes = []
    for label, result in results:
        if isinstance(result, str):
            lines.append(f"| {label} | not measured: {result} | | | |")
            continue
        for step, t in result["steps"].items():
            lines.append(
                f"| {label} | {step} | {t['p50']:.1f} | {t['p95']:.1f} | {t['cpu_p50']:.1f} |"
            )
        notes.append(
            f"{label}: built in {result['build_s']:.1f} s; load average at the end "
            f"{result['load']:.2f}."
        )
    print_section([*lines, "", *notes], __file__)


if __name__ == "__main__":
    main()
