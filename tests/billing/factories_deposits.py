"""Deposit test objects: a deposit as the biller enters it, and the billing options."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from medoffice.billing.models import DepositMethod, InsuranceDeposit
from medoffice.billing.services.deposits import create_deposit
from medoffice.billing.services.options import set_hold_posting
from tests.factories import SYSTEM

DEPOSITED_ON = dt.date(2026, 11, 23)


def deposit(amount: str | Decimal = "90.00", reference: str = "EFT0001", **fields: Any):
    actor = fields.pop("actor", SYSTEM)
    values: dict[str, Any] = {
        "deposit_date": DEPOSITED_ON,
        "amount": str(amount),
        "method": DepositMethod.EFT,
        "reference": reference,
    }
    values.update(fields)
    made: InsuranceDeposit = create_deposit(actor=actor, **values)
    return made


def hold_posting(on: bool = True) -> None:
    set_hold_posting(hold=on, actor=SYSTEM)
