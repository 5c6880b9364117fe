"""Synthetic 835 remittances for the X12 benches (fixed seed, every value made up).

`run_all.py` skips this module because its name starts with `_`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal

from medoffice.x12.r835 import (
    Adjustment,
    ClaimPayment,
    Contact,
    Dated,
    Figure,
    Name,
    Party,
    Payment,
    Procedure,
    ProviderAdjustment,
    Reference,
    Remark,
    RemittanceStart,
    ServicePayment,
    Trace,
)
from medoffice.x12.writer import InterchangeHeader

SEED = 20261202
LASTS = ["SMITH", "RIVERA", "NGUYEN", "OKAFOR", "LINDQVIST", "GARCIA", "COHEN", "MARSH"]
FIRSTS = ["MARIA", "JOHN", "ADA", "LUCAS", "WEI", "ANN", "PER", "FATIMA"]
PROCEDURES = ["99213", "99214", "99396", "90471", "36415", "81002", "93000"]
CENT = Decimal("0.01")

PAYER = Party(
    "PR",
    "ACME HEALTH PLAN",
    "XV",
    "ACME1",
    ("1 PLAN WAY",),
    "HARTFORD",
    "CT",
    "06103",
    contacts=(Contact("BL", "EDI SUPPORT", (("TE", "8605550100"),)),),
)
PAYEE = Party(
    "PE", "VALLEY FAMILY MEDICINE", "XX", "1234567893", references=(Reference("TJ", "043456789"),)
)


def header() -> InterchangeHeader:
    return InterchangeHeader(
        sender_id="ACME1",
        receiver_id="VALLEYFM",
        interchange_control_number=1,
        group_control_number=1,
        created=dt.datetime(2026, 12, 1, 9, 0),
    )


def claims(count: int, seed: int = SEED) -> Iterator[ClaimPayment]:
    """``count`` balanced claim payments, two to four lines each."""
    rng = random.Random(seed)
    for number in range(count):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
        lines = []
        for line_number in range(rng.randint(2, 4)):
            charge = Decimal(rng.randint(4000, 30000)) / 100
            allowed = (charge * Decimal("0.7")).quantize(CENT)
            copay = Decimal(rng.choice([0, 10, 20, 25]))
            paid = max(allowed - copay, Decimal(0))
            cas = [Adjustment("CO", "45", charge - allowed)]
            if allowed - paid:
                cas.append(Adjustment("PR", "3", allowed - paid))
            lines.append(
                ServicePayment(
                    procedure=Procedure(
                        "HC", rng.choice(PROCEDURES), ("25",) if line_number == 0 else ()
                    ),
                    charge=charge,
                    paid=paid,
                    units=Decimal(1),
                    dates=(Dated("472", day),),
                    adjustments=tuple(cas),
                    references=(Reference("6R", f"L{number}-{line_number + 1}"),),
                    amounts=(Figure("B6", allowed),),
                    remarks=(Remark("HE", "N130"),) if rng.random() < 0.1 else (),
                )
            )
        charge = sum((line.charge for line in lines), Decimal(0))
        paid = sum((line.paid for line in lines), Decimal(0))
        responsibility = sum(
            (a.amount for line in lines for a in line.adjustments if a.group == "PR"), Decimal(0)
        )
        yield ClaimPayment(
            claim_id=f"PCN{number + 1:07d}",
            status="1",
            charge=charge,
            paid=paid,
            patient_responsibility=responsibility,
            filing_indicator="12",
            payer_claim_number=f"{seed % 1000:03d}{number:09d}",
            facility_type="11",
            frequency="1",
            patient=Name(
                "QC",
                "1",
                rng.choice(LASTS),
                rng.choice(FIRSTS),
                id_qualifier="MI",
                identifier=f"XJ{rng.randint(10**8, 10**9 - 1)}",
            ),
            rendering_provider=Name(
                "82", "1", "OKAFOR", "ADA", id_qualifier="XX", identifier="1245319599"
            ),
            dates=(Dated("232", day), Dated("233", day)),
            amounts=(
                Figure("AU", sum((line.allowed or Decimal(0) for line in lines), Decimal(0))),
            ),
            lines=tuple(lines),
        )


def remittance_start(total: Decimal, number: int = 1) -> RemittanceStart:
    return RemittanceStart(
        control_number=f"{number:04d}",
        payment=Payment(
            "C",
            total,
            "C",
            "ACH",
            "CCP",
            (
                "01",
                "011000015",
                "DA",
                "123456789",
                "1060000001",
                "",
                "01",
                "021000021",
                "DA",
                "987654321",
            ),
            dt.date(2026, 12, 1),
        ),
        trace=Trace(f"EFT{number:08d}", "1060000001"),
        payer=PAYER,
        payee=PAYEE,
        dates=(Dated("405", dt.date(2026, 11, 30)),),
    )


def interest(total: Decimal) -> tuple[ProviderAdjustment, ...]:
    """A late-payment interest (L6, negative: added to the payment) and a withholding."""
    return (
        ProviderAdjustment("1234567893", dt.date(2026, 12, 31), "L6", "", Decimal("-1.27")),
        ProviderAdjustment("1234567893", dt.date(2026, 12, 31), "WO", "OVERPAY1", Decimal("12.50")),
    )
