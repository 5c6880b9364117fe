"""What a managed-care contract allows for a service line: pure arithmetic, no Django.

``ContractTerms`` is a contract as plain data (``selectors/contracts.py`` loads it, with the
rates of the fee schedule it names). ``expected_allowed`` prices one line:

1. a carve-out for the code comes first: one for a modifier the line carries (in the line's
   order), else one without a modifier. An amount is per unit (× units); a percent is of
   the line's billed charge;
2. otherwise the method: the payer's fee schedule (rate × units), a percent of the Medicare
   fee schedule (rate × percent × units), or a percent of billed charges. A schedule's rate
   is the one in force on the date of service for the first of the line's modifiers that has
   its own rate, else the code's rate without a modifier (as ``selectors/fees.py`` reads
   the practice's schedules).

The result is rounded once, to the cent (half up), and never negative. ``None`` when there
is no contract, the date is outside it, or neither a carve-out nor the schedule prices the
code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from medoffice.core.money import MoneyError, parse_money

CENT = Decimal("0.01")
HUNDRED = Decimal("100")

FEE_SCHEDULE = "schedule"
PERCENT_OF_MEDICARE = "medicare"
PERCENT_OF_CHARGES = "charges"
METHODS = frozenset({FEE_SCHEDULE, PERCENT_OF_MEDICARE, PERCENT_OF_CHARGES})


@dataclass(frozen=True)
class Rate:
    """One unit of ``code`` (with ``modifier``, or none) costs ``amount`` from a date."""

    code: str
    modifier: str
    amount: Decimal
    effective_from: dt.date
    effective_to: dt.date | None = None

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(frozen=True)
class CarveOut:
    """A code priced apart: ``amount`` per unit, or ``percent`` of the billed charge."""

    code: str
    modifier: str = ""
    amount: Decimal | None = None
    percent: Decimal | None = None


@dataclass(frozen=True)
class ContractTerms:
    method: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    percent: Decimal | None = None
    rates: Sequence[Rate] = ()
    carve_outs: Sequence[CarveOut] = ()
    contract_id: int | None = None
    payer_id: int | None = None
    _by_code: Mapping[str, tuple[Rate, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _carved: Mapping[tuple[str, str], CarveOut] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"Unknown contract method {self.method!r}.")
        by_code: dict[str, list[Rate]] = {}
        for rate in self.rates:
            by_code.setdefault(rate.code, []).append(rate)
        # The latest rate first, so the first in force on a day is the one that applies.
        ordered = {
            code: tuple(sorted(rates, key=lambda r: r.effective_from, reverse=True))
            for code, rates in by_code.items()
        }
        object.__setattr__(self, "_by_code", ordered)
        object.__setattr__(self, "_carved", {(c.code, c.modifier): c for c in self.carve_outs})

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def rate(self, code: str, modifiers: Sequence[str], day: dt.date) -> Decimal | None:
        """The schedule's rate for one unit on the day, or None."""
        in_force: dict[str, Decimal] = {}
        for rate in self._by_code.get(code, ()):
            if rate.modifier not in in_force and rate.in_force(day):
                in_force[rate.modifier] = rate.amount
        for modifier in [m for m in modifiers if m][:4] + [""]:
            if modifier in in_force:
                return in_force[modifier]
        return None

    def carve_out(self, code: str, modifiers: Sequence[str]) -> CarveOut | None:
        for modifier in [m for m in modifiers if m][:4] + [""]:
            found = self._carved.get((code, modifier))
            if found is not None:
                return found
        return None


def cents(amount: Decimal) -> Decimal:
    """To the cent, half up, never below zero."""
    return max(amount, Decimal("0")).quantize(CENT, rounding=ROUND_HALF_UP)


def expected_allowed(
    terms: ContractTerms | None,
    *,
    code: str,
    modifiers: Sequence[str],
    units: Decimal,
    service_date: dt.date,
    billed: Decimal,
) -> Decimal | None:
    """What the contract allows for the line (all its units), to the cent; None: no price."""
    if terms is None or not terms.in_force(service_date):
        return None
    units = max(units, Decimal("0"))
    billed = max(billed, Decimal("0"))
    carved = terms.carve_out(code, modifiers)
    if carved is not None:
        if carved.amount is not None:
            return cents(carved.amount * units)
        if carved.percent is not None:
            return cents(billed * carved.percent / HUNDRED)
    if terms.method == PERCENT_OF_CHARGES:
        if terms.percent is None:
            return None
        return cents(billed * terms.percent / HUNDRED)
    rate = terms.rate(code, modifiers, service_date)
    if rate is None:
        return None
    if terms.method == PERCENT_OF_MEDICARE:
        if terms.percent is None:
            return None
        return cents(rate * terms.percent / HUNDRED * units)
    return cents(rate * units)


def is_underpaid(
    *,
    expected: Decimal | None,
    allowed: Decimal,
    tolerance_amount: Decimal = Decimal("0"),
    tolerance_percent: Decimal = Decimal("0"),
) -> bool:
    """Allowed below expected by more than both tolerances (an amount, a percent of expected)."""
    if expected is None:
        return False
    short = expected - allowed
    if short <= 0:
        return False
    return short > tolerance_amount and short > expected * tolerance_percent / HUNDRED


@dataclass(frozen=True)
class Volume:
    """A year's services of one code with a payer: how many lines and units, what billed."""

    code: str
    modifiers: tuple[str, ...]
    units: Decimal
    billed: Decimal
    service_date: dt.date
    lines: int = 1


@dataclass(frozen=True)
class CodeChange:
    code: str
    lines: int
    units: Decimal
    current: Decimal
    proposed: Decimal

    @property
    def change(self) -> Decimal:
        return self.proposed - self.current

    @property
    def change_percent(self) -> Decimal | None:
        if not self.current:
            return None
        return (self.change / self.current * HUNDRED).quantize(Decimal("0.1"), ROUND_HALF_UP)


def what_if(
    volume: Sequence[Volume],
    *,
    current: ContractTerms | None,
    proposed_rates: Mapping[str, Decimal] | None = None,
    percent_change: Decimal | None = None,
) -> list[CodeChange]:
    """Per code: the volume priced by the current terms and by the proposal.

    The proposal is a rate per unit for the codes named (``proposed_rates``), the current
    price changed by ``percent_change`` (+5 = 5 % more) for the others, and the current price
    for the rest. A line the current terms do not price counts zero under both (nothing
    expected, nothing changes) unless a proposed rate names its code.
    """
    rates = proposed_rates or {}
    totals: dict[str, list[Decimal | int]] = {}
    for item in volume:
        now = expected_allowed(
            current,
            code=item.code,
            modifiers=item.modifiers,
            units=item.units,
            service_date=item.service_date,
            billed=item.billed,
        )
        base = now if now is not None else Decimal("0")
        if item.code in rates:
            new = cents(rates[item.code] * item.units)
        elif percent_change is not None:
            new = cents(base * (HUNDRED + percent_change) / HUNDRED)
        else:
            new = base
        row = totals.setdefault(item.code, [0, Decimal("0"), Decimal("0"), Decimal("0")])
        row[0] = int(row[0]) + item.lines
        row[1] = Decimal(row[1]) + item.units
        row[2] = Decimal(row[2]) + base
        row[3] = Decimal(row[3]) + new
    return [
        CodeChange(code, int(n), Decimal(u), Decimal(c), Decimal(p))
        for code, (n, u, c, p) in sorted(totals.items())
    ]


# --- reading what people type ----------------------------------------------------------------

MAX_RATE = Decimal("99999999.99")
MAX_LINES = 2000
_CODE = re.compile(r"[A-Z0-9]{5}", re.ASCII)
_MODIFIER = re.compile(r"[A-Z0-9]{2}", re.ASCII)
_PERCENT = re.compile(r"(?P<whole>\d{1,4})(?:\.(?P<frac>\d{0,3}))?|\.(?P<only>\d{1,3})", re.ASCII)


def parse_percent(text: str | Decimal, *, maximum: Decimal = Decimal("1000")) -> Decimal:
    """A percent as typed ("110", "87.5", "87.5 %"): 0 to ``maximum``, at most 3 decimals."""
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise ValueError("Enter the percent as a number, e.g. 110 or 87.5.")
        value = text
    else:
        raw = text.strip().removesuffix("%").strip()
        if raw.startswith("-"):
            raise ValueError("The percent cannot be negative.")
        match = _PERCENT.fullmatch(raw)
        if match is None:
            raise ValueError("Enter the percent as a number, e.g. 110 or 87.5.")
        value = Decimal(raw if not raw.startswith(".") else "0" + raw)
    if value < 0:
        raise ValueError("The percent cannot be negative.")
    if value > maximum:
        raise ValueError(f"The percent can be at most {maximum:,}.")
    if value != value.quantize(Decimal("0.001")):
        raise ValueError("The percent can have at most three decimals.")
    return value


def parse_signed_percent(text: str) -> Decimal:
    """A percent change ("+5", "-3.5", "5"): between −100 and +1000."""
    raw = text.strip()
    negative = raw.startswith(("-", "−"))
    if raw[:1] in "+-−" and raw:
        raw = raw[1:]
    value = parse_percent(raw)
    if negative and value > 100:
        raise ValueError("A cut can be at most 100 %.")
    return -value if negative else value


def read_code(text: str) -> str:
    code = text.strip().upper()
    if not _CODE.fullmatch(code):
        raise ValueError(f"“{text.strip()[:20]}” is not a procedure code (five letters or digits).")
    return code


def read_modifier(text: str) -> str:
    modifier = text.strip().upper()
    if modifier and not _MODIFIER.fullmatch(modifier):
        raise ValueError(f"“{text.strip()[:20]}” is not a modifier (two letters or digits).")
    return modifier


def read_carve_outs(text: str) -> list[CarveOut]:
    """One carve-out a line: ``code,modifier,price`` where the price is an amount per unit
    (``95.00``) or a percent of billed charges (``80%``); the modifier may be left empty
    (``J3490,,80%``) or out (``99213,95.00``). Raises ``ValueError`` naming every bad line."""
    found: list[CarveOut] = []
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) > MAX_LINES:
        raise ValueError(f"At most {MAX_LINES} carve-outs.")
    for number, line in lines:
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 2:
            parts = [parts[0], "", parts[1]]
        if len(parts) != 3:
            problems.append(f"Line {number}: write code, modifier, amount or percent.")
            continue
        try:
            code = read_code(parts[0])
            modifier = read_modifier(parts[1])
            carve = _price(code, modifier, parts[2])
        except (ValueError, MoneyError) as exc:
            problems.append(f"Line {number}: {exc}")
            continue
        if (code, modifier) in seen:
            problems.append(f"Line {number}: {code}{'-' + modifier if modifier else ''} twice.")
            continue
        seen.add((code, modifier))
        found.append(carve)
    if problems:
        raise ValueError(" ".join(problems[:20]) + (" …" if len(problems) > 20 else ""))
    return found


def _price(code: str, modifier: str, text: str) -> CarveOut:
    if text.rstrip().endswith("%"):
        return CarveOut(code, modifier, percent=parse_percent(text))
    return CarveOut(code, modifier, amount=parse_money(text, maximum=MAX_RATE, allow_zero=True))


def read_rates_csv(text: str) -> dict[str, Decimal]:
    """Proposed rates as ``code,rate`` lines (a header line ``code,rate`` may come first).
    Raises ``ValueError`` naming every bad line."""
    rates: dict[str, Decimal] = {}
    problems: list[str] = []
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) > MAX_LINES + 1:
        raise ValueError(f"At most {MAX_LINES} rates.")
    for number, row in enumerate(rows, 1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and cells and cells[0].lower() == "code":
            continue
        if len(cells) != 2:
            problems.append(f"Line {number}: write code,rate.")
            continue
        try:
            code = read_code(cells[0])
            rate = parse_money(cells[1], maximum=MAX_RATE, allow_zero=True)
        except (ValueError, MoneyError) as exc:
            problems.append(f"Line {number}: {exc}")
            continue
        if code in rates:
            problems.append(f"Line {number}: {code} twice.")
            continue
        rates[code] = rate
    if problems:
        raise ValueError(" ".join(problems[:20]) + (" …" if len(problems) > 20 else ""))
    return rates
