"""Matching a remittance's service lines to the lines we billed, and spreading claim-level
amounts onto lines. Pure module (no Django): fed plain rows, tested alone.

A payer's SVC names the procedure it paid; we billed ``code`` with ``modifiers`` on a
date. The match tries, in order: the line control number we sent (REF*6R = our claim
line's id); the code billed (SVC06 when the payer paid another code) with the same
modifiers and date; the same code and date when the payer dropped (or added) a modifier;
the same code alone when only one line carries it. A modifier glued to the code
("99213 25", "9921325") is split off; AD and N4 qualifiers are matched too (N4 against
the line's NDC).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class BilledLine:
    """One of our claim's lines, as the matcher needs it."""

    key: int  # the claim line's id (what REF*6R carries)
    code: str
    modifiers: tuple[str, ...]
    service_date: dt.date | None
    charge: Decimal
    ndc: str = ""


@dataclass(frozen=True)
class PaidProcedure:
    """What a payer's SVC (or SVC06) says was done."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...]


def split_procedure(qualifier: str, code: str, modifiers: Sequence[str]) -> PaidProcedure:
    """Upper-case, and split a modifier glued to a CPT/HCPCS code: "99213 25", "9921325"."""
    code = (code or "").strip().upper()
    mods = [m.strip().upper() for m in modifiers if m and m.strip()]
    qualifier = (qualifier or "").strip().upper()
    if qualifier in {"HC", "AD", ""} and len(code) > 5:
        head, rest = code[:5], code[5:].replace(" ", "").replace("-", "")
        if rest and len(rest) % 2 == 0 and rest.isalnum():
            glued = [rest[i : i + 2] for i in range(0, len(rest), 2)]
            code, mods = head, glued + mods
    elif " " in code:
        head, *others = code.split()
        code, mods = head, [m for m in others if m] + mods
    return PaidProcedure(qualifier, code, tuple(mods))


def match_lines(
    billed: Sequence[BilledLine],
    paid: Sequence[tuple[str, PaidProcedure, dt.date | None]],
) -> list[int | None]:
    """For each paid line (its REF*6R, its procedure, its date): the billed line's key, or
    None. A billed line is matched at most once."""
    free = {line.key: line for line in billed}
    result: list[int | None] = [None] * len(paid)
    passes = ("control", "exact", "dropped", "code")
    for stage in passes:
        for at, (control, proc, day) in enumerate(paid):
            if result[at] is not None:
                continue
            found = _find(stage, free, control, proc, day)
            if found is not None:
                result[at] = found
                del free[found]
    return result


def _find(
    stage: str,
    free: dict[int, BilledLine],
    control: str,
    proc: PaidProcedure,
    day: dt.date | None,
) -> int | None:
    if stage == "control":
        if control.isdigit() and int(control) in free:
            return int(control)
        return None
    if proc.qualifier == "N4":
        hits = [k for k, line in free.items() if line.ndc and line.ndc == proc.code]
        return hits[0] if hits else None

    def same_day(line: BilledLine) -> bool:
        return day is None or line.service_date is None or line.service_date == day

    candidates = [k for k, line in free.items() if line.code == proc.code]
    if stage == "exact":
        hits = [
            k
            for k in candidates
            if set(free[k].modifiers) == set(proc.modifiers) and same_day(free[k])
        ]
    elif stage == "dropped":
        hits = [
            k
            for k in candidates
            if same_day(free[k])
            and (
                set(proc.modifiers) <= set(free[k].modifiers)
                or set(free[k].modifiers) <= set(proc.modifiers)
            )
        ]
    else:
        hits = candidates if len(candidates) == 1 else []
    return hits[0] if hits else None


def spread(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``amount`` shared in proportion to ``weights`` (charges), to the cent; the last share
    takes the rounding so the shares add up to ``amount`` exactly."""
    if not weights:
        return []
    total = sum(weights, Decimal(0))
    shares: list[Decimal] = []
    for weight in weights[:-1]:
        if total:
            share = (amount * weight / total).quantize(_CENT, rounding=ROUND_HALF_UP)
        else:
            share = (amount / len(weights)).quantize(_CENT, rounding=ROUND_HALF_UP)
        shares.append(share)
    shares.append(amount - sum(shares, Decimal(0)))
    return shares
