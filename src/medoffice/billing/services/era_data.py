"""Plain data of a CLP loop, kept on the claim payment as JSON, and read back to post it by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from medoffice.billing.services.era_match import (
    PaidProcedure,
    split_procedure,
)
from medoffice.x12.r835 import (
    Adjustment,
    ClaimPayment,
    Procedure,
)


def proc_data(proc: Procedure | None) -> list[Any] | None:
    if proc is None:
        return None
    return [proc.qualifier, proc.code, list(proc.modifiers), proc.readable]


def adj_data(items: Iterable[Adjustment]) -> list[list[str]]:
    return [[a.group, a.reason, str(a.amount)] for a in items]


def claim_data(claim: ClaimPayment) -> dict[str, Any]:
    """The parts of a CLP loop the posting needs, as JSON (to post it by hand later)."""
    return {
        "clp": [claim.claim_id, claim.status, str(claim.charge), str(claim.paid)],
        "cas": adj_data(claim.adjustments),
        "moa": list(claim.remark_codes),
        "lines": [
            {
                "p": proc_data(line.procedure),
                "o": proc_data(line.original_procedure),
                "c": str(line.charge),
                "paid": str(line.paid),
                "d": line.service_date.isoformat() if line.service_date else None,
                "r": line.line_control_number,
                "cas": adj_data(line.adjustments),
                "lq": [r.code for r in line.remarks if r.qualifier == "HE"],
            }
            for line in claim.lines
        ],
    }


@dataclass
class LineData:
    control: str
    procedure: PaidProcedure
    readable: bool
    day: dt.date | None
    charge: Decimal
    paid: Decimal
    adjustments: list[Adjustment]
    remarks: list[str]
    raw: str


@dataclass
class ClpData:
    claim_id: str
    status: str
    charge: Decimal
    paid: Decimal
    adjustments: list[Adjustment]
    remarks: list[str]
    lines: list[LineData]


def paid_procedure(proc: list[Any] | None) -> PaidProcedure:
    if not proc:
        return PaidProcedure("", "", ())
    return split_procedure(proc[0], proc[1], proc[2])


def from_data(data: dict[str, Any]) -> ClpData:
    def adjustments(rows: list[list[str]]) -> list[Adjustment]:
        return [Adjustment(g, r, Decimal(a)) for g, r, a in rows]

    lines = []
    for row in data.get("lines", []):
        billed = row.get("o") or row.get("p")
        lines.append(
            LineData(
                control=row.get("r") or "",
                procedure=paid_procedure(billed),
                readable=bool(billed and billed[3]),
                day=dt.date.fromisoformat(row["d"]) if row.get("d") else None,
                charge=Decimal(row["c"]),
                paid=Decimal(row["paid"]),
                adjustments=adjustments(row.get("cas", [])),
                remarks=list(row.get("lq", [])),
                raw=" ".join(str(p) for p in (billed or [])[:2]),
            )
        )
    clp = data["clp"]
    return ClpData(
        claim_id=clp[0],
        status=clp[1],
        charge=Decimal(clp[2]),
        paid=Decimal(clp[3]),
        adjustments=adjustments(data.get("cas", [])),
        remarks=list(data.get("moa", [])),
        lines=lines,
    )
