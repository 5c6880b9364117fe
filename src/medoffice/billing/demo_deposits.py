"""The demo practice's bank deposits: the bank's CSV of the payers' EFTs, written to
``var/bank/`` and imported with ``import_bank_file`` as the biller would.

Runs after the remittances (``billing-remittances``). Each remittance payment that moved
money (BPR02 above zero) is an EFT credited the day after its payment date (never after
today), with the payment's trace as the bank's reference: the import matches each to its
payment by trace and amount. The last of those payments is left out (its money has not
been seen at the bank yet), and one check deposit no remittance explains yet is added, so
the reconciliation shows a payment without deposit and a deposit without payment beside
the matched ones. A second run finds deposits there and does nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

FILE_NAME = "demo-deposits.csv"
STRAY_CHECK = "100482"  # the check no remittance explains yet
STRAY_AMOUNT = "412.60"


def build_deposits(context: dict[str, Any], seed: int = 2026) -> None:
    from django.conf import settings
    from django.utils import timezone

    from medoffice.billing.models import DepositMethod, EraPayment, InsuranceDeposit
    from medoffice.billing.services.deposits import import_bank_file
    from medoffice.core.models import practice_zone
    from medoffice.core.permissions import SystemActor

    if InsuranceDeposit.objects.exists():
        return
    payments = list(
        EraPayment.objects.filter(amount__gt=0, deposit__isnull=True)
        .exclude(trace_number="")
        .order_by("payment_date", "pk")
        .values_list("payment_date", "amount", "trace_number")
    )
    if not payments:
        return
    today = timezone.now().astimezone(practice_zone()).date()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Date", "Amount", "Reference", "Check number", "Method"])
    for paid_on, amount, trace in payments[:-1]:
        day = min((paid_on or today) + dt.timedelta(days=1), today)
        writer.writerow([day.isoformat(), f"{amount:.2f}", trace, "", "EFT"])
    first_day = payments[0][0] or today
    stray_day = min(first_day + dt.timedelta(days=2), today)
    writer.writerow([stray_day.isoformat(), STRAY_AMOUNT, "", STRAY_CHECK, "check"])
    data = out.getvalue().encode()
    folder = settings.VAR_DIR / "bank"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FILE_NAME).write_bytes(data)
    import_bank_file(data=data, method=DepositMethod.EFT, actor=SystemActor("demo: deposits"))
