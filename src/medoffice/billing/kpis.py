"""Revenue-cycle KPIs: the formulas and their benchmark bands. Pure module: no Django import.

Fed plain values (Decimal amounts, counts, dates), so the formulas can be tested with
hypothesis alone; the selectors that gather the figures from the ledger live elsewhere.
Each formula is the one in ../shared/REFERENCE.md, "Practice KPIs" (quoted at each
function), and ``docs/kpis.md`` explains them to the office manager.

* **Rates** are fractions between 0 and 1 (shown as percentages), a ``Decimal`` rounded to
  ``RATE_PLACES`` (0.001, i.e. 0.1 %) half-to-even, the same precision and rounding as the
  clean-claim rate the scrub already reports (``billing.services.scrub.CleanClaimRate``).
* **Days in A/R** is a ``Decimal`` rounded to ``DAYS_PLACES`` (0.1 day), half-to-even.
* **A zero denominator answers None** (shown as "—"): no charges, no claims, no A/R. No
  division by zero happens anywhere.
* **Bad input raises ``KpiInputError``** naming the argument: a negative amount or count, a
  float (money is Decimal), a count rate whose part exceeds its whole.
* Amounts are only summed and divided: no intermediate rounding; the result is rounded once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

__all__ = [
    "BENCHMARKS",
    "DAYS_PLACES",
    "RATE_PLACES",
    "TREND_ONLY",
    "Band",
    "Benchmark",
    "KpiInputError",
    "ar_older_than",
    "ar_over_share",
    "band",
    "clean_claim_rate",
    "days_in_ar",
    "denial_rate",
    "first_pass_resolution_rate",
    "gross_collection_rate",
    "net_collection_rate",
    "point_of_service_collection_rate",
]

RATE_PLACES = Decimal("0.001")
DAYS_PLACES = Decimal("0.1")

Number = Decimal | int


class KpiInputError(ValueError):
    """An input a KPI cannot be computed from; ``str()`` names the argument."""


def _amount(value: object, name: str) -> Decimal:
    # bool is an int to Python, and a float is not money.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise KpiInputError(f"{name} must be a Decimal amount, got {type(value).__name__}.")
    amount = Decimal(value)
    if not amount.is_finite():
        raise KpiInputError(f"{name} must be a finite amount, got {value}.")
    if amount < 0:
        raise KpiInputError(f"{name} cannot be negative, got {value}.")
    return amount


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise KpiInputError(f"{name} must be a whole number, got {type(value).__name__}.")
    if value < 0:
        raise KpiInputError(f"{name} cannot be negative, got {value}.")
    return value


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator <= 0:
        return None
    return (numerator / denominator).quantize(RATE_PLACES, rounding=ROUND_HALF_EVEN)


def _part_of_whole(part: int, whole: int, part_name: str, whole_name: str) -> Decimal | None:
    _count(part, part_name)
    _count(whole, whole_name)
    if part > whole:
        raise KpiInputError(f"{part_name} ({part}) cannot exceed {whole_name} ({whole}).")
    return _ratio(Decimal(part), Decimal(whole))


# --- the formulas --------------------------------------------------------------------------


def days_in_ar(
    total_ar: Number,
    adjusted_charges: Number,
    days_in_period: int,
    credit_balances: Number = 0,
) -> Decimal | None:
    """Total A/R ÷ (adjusted charges for the period ÷ days in the period).

    REFERENCE.md: "total A/R ÷ (adjusted charges for the period ÷ days in the period); AAFP
    variant subtracts credit balances". ``total_ar`` is what accounts owe (debit balances);
    ``credit_balances`` (a positive amount, 0 by default) is what the practice owes back on
    accounts in credit, subtracted as in the AAFP variant (never below zero). Adjusted
    charges are charges less contractual adjustments. None when the period had no adjusted
    charges or no days.
    """
    ar = _amount(total_ar, "total_ar")
    credits = _amount(credit_balances, "credit_balances")
    charges = _amount(adjusted_charges, "adjusted_charges")
    days = _count(days_in_period, "days_in_period")
    if charges == 0 or days == 0:
        return None
    net_ar = max(ar - credits, Decimal(0))
    return (net_ar * days / charges).quantize(DAYS_PLACES, rounding=ROUND_HALF_EVEN)


def gross_collection_rate(payments: Number, charges: Number) -> Decimal | None:
    """Payments ÷ charges (REFERENCE.md: "payments ÷ charges"; a trend, no benchmark).

    Payments in a period may pay charges of an earlier one, so the rate can exceed 1.
    """
    return _ratio(_amount(payments, "payments"), _amount(charges, "charges"))


def net_collection_rate(
    payments: Number, refunds: Number, charges: Number, contractual_adjustments: Number
) -> Decimal | None:
    """(Payments − refunds) ÷ (charges − contractual adjustments).

    REFERENCE.md: "payments − refunds ÷ (charges − contractual adjustments)", ≥ 95 %
    (attributed to MGMA). None when the contract took the whole charge (nothing was
    collectable). Refunds above payments give 0, not a negative rate.
    """
    paid = _amount(payments, "payments")
    refunded = _amount(refunds, "refunds")
    billed = _amount(charges, "charges")
    contractual = _amount(contractual_adjustments, "contractual_adjustments")
    if contractual > billed:
        raise KpiInputError(
            f"contractual_adjustments ({contractual}) cannot exceed charges ({billed})."
        )
    return _ratio(max(paid - refunded, Decimal(0)), billed - contractual)


def denial_rate(denied: Number, submitted: Number) -> Decimal | None:
    """Denied ÷ submitted, in dollars (Decimal) or in claims (int), both the same kind.

    REFERENCE.md: "dollars (or claims) denied ÷ submitted", 5–10 % typical, below 5 % better
    (AAFP). The denied are among the submitted: more denied than submitted is an error.
    """
    if isinstance(denied, int) and isinstance(submitted, int):
        return _part_of_whole(denied, submitted, "denied", "submitted")
    part = _amount(denied, "denied")
    whole = _amount(submitted, "submitted")
    if part > whole:
        raise KpiInputError(f"denied ({part}) cannot exceed submitted ({whole}).")
    return _ratio(part, whole)


def clean_claim_rate(clean: int, scrubbed: int) -> Decimal | None:
    """Claims whose first scrub found nothing ÷ claims scrubbed (HFMA MAP CL-1).

    REFERENCE.md: "claims passing edits with no manual intervention ÷ claims accepted into
    the claim tool", ≥ 95 %. The same definition as ``billing.services.scrub.clean_claim_rate``
    (``Claim.first_scrub_clean``): pass it that function's ``clean`` and ``scrubbed``; this
    gives its ``rate`` as a fraction (its percentage ÷ 100).
    """
    return _part_of_whole(clean, scrubbed, "clean", "scrubbed")


def first_pass_resolution_rate(paid_on_first_submission: int, submitted: int) -> Decimal | None:
    """Claims paid on their first submission ÷ claims submitted (REFERENCE.md), ≥ 90 %."""
    return _part_of_whole(
        paid_on_first_submission, submitted, "paid_on_first_submission", "submitted"
    )


def point_of_service_collection_rate(collected: Number, due: Number) -> Decimal | None:
    """What was collected at the visit ÷ what the patient owed at the visit.

    REFERENCE.md lists the point-of-service collection rate among HFMA's MAP Keys without a
    formula or benchmark. MedOffice's: patient payments taken at check-in or check-out for
    the day's visits ÷ the patient amounts known to be due then (copays, and the balances
    the front desk asked for). Collecting an old balance as well can take it above 1.
    """
    return _ratio(_amount(collected, "collected"), _amount(due, "due"))


def ar_older_than(balances: Iterable[tuple[dt.date, Number]], as_of: dt.date, days: int) -> Decimal:
    """The sum of the balances older than ``days`` on ``as_of``.

    ``balances`` are (the date the aging counts from, the open amount) pairs; MedOffice ages
    a charge from its date of service. A balance is older than 90 days when
    ``(as_of − date).days > 90``: a service on 1 January is over 90 days old on 2 April in a
    common year, 91 days later. Open amounts cannot be negative: credit balances are not
    receivables, leave them out.
    """
    _count(days, "days")
    total = Decimal(0)
    for since, amount in balances:
        value = _amount(amount, "a balance")
        if (as_of - since).days > days:
            total += value
    return total


def ar_over_share(ar_over: Number, total_ar: Number) -> Decimal | None:
    """A/R older than 90 (or 120) days ÷ total A/R (REFERENCE.md); None when there is no A/R.

    Over 120 days: below 12 % best, 12–25 % average.
    """
    part = _amount(ar_over, "ar_over")
    whole = _amount(total_ar, "total_ar")
    if part > whole:
        raise KpiInputError(f"ar_over ({part}) cannot exceed total_ar ({whole}).")
    return _ratio(part, whole)


# --- benchmark bands -----------------------------------------------------------------------


class Band(StrEnum):
    """Against the benchmark: fine, keep an eye on it, or do something now."""

    GOOD = "good"
    WATCH = "watch"
    ACT = "act"


@dataclass(frozen=True)
class Benchmark:
    """``good`` and ``act`` are the limits; between them is ``watch``.

    Lower is better (``higher_is_better`` False): good when the value ≤ ``good``, act when
    it is > ``act``. Higher is better: good when ≥ ``good``, act when < ``act``.
    ``source`` is REFERENCE.md's attribution; ``note`` says which limit is MedOffice's own.
    """

    label: str
    good: Decimal
    act: Decimal
    higher_is_better: bool
    source: str
    note: str = ""

    def band(self, value: Decimal) -> Band:
        if self.higher_is_better:
            if value >= self.good:
                return Band.GOOD
            return Band.ACT if value < self.act else Band.WATCH
        if value <= self.good:
            return Band.GOOD
        return Band.ACT if value > self.act else Band.WATCH


BENCHMARKS: dict[str, Benchmark] = {
    "days_in_ar": Benchmark(
        label="Days in A/R",
        good=Decimal(40),
        act=Decimal(50),
        higher_is_better=False,
        source="AAFP practice-finances guide: below 50, 30–40 preferred",
    ),
    "net_collection_rate": Benchmark(
        label="Net collection rate",
        good=Decimal("0.95"),
        act=Decimal("0.90"),
        higher_is_better=True,
        source="≥ 95 % (attributed to MGMA)",
        note="the 90 % limit for 'act' is MedOffice's",
    ),
    "denial_rate": Benchmark(
        label="Denial rate",
        good=Decimal("0.05"),
        act=Decimal("0.10"),
        higher_is_better=False,
        source="AAFP: 5–10 % typical, below 5 % better",
    ),
    "clean_claim_rate": Benchmark(
        label="Clean-claim rate",
        good=Decimal("0.95"),
        act=Decimal("0.90"),
        higher_is_better=True,
        source="HFMA MAP CL-1; ≥ 95 % (industry figure)",
        note="the 90 % limit for 'act' is MedOffice's",
    ),
    "first_pass_resolution_rate": Benchmark(
        label="First-pass resolution rate",
        good=Decimal("0.90"),
        act=Decimal("0.85"),
        higher_is_better=True,
        source="≥ 90 %",
        note="the 85 % limit for 'act' is MedOffice's",
    ),
    "ar_over_120_share": Benchmark(
        label="A/R over 120 days",
        good=Decimal("0.12"),
        act=Decimal("0.25"),
        higher_is_better=False,
        source="below 12 % best, 12–25 % average",
    ),
}

# KPIs with no benchmark in REFERENCE.md: followed as a trend, never banded.
TREND_ONLY: frozenset[str] = frozenset(
    {"gross_collection_rate", "ar_over_90_share", "point_of_service_collection_rate"}
)


def band(kpi: str, value: Decimal | None) -> Band | None:
    """good / watch / act for a KPI's value; None when the value is unknown or the KPI has
    no benchmark (``TREND_ONLY``). An unknown KPI name raises ``KpiInputError``."""
    if kpi in TREND_ONLY:
        return None
    benchmark = BENCHMARKS.get(kpi)
    if benchmark is None:
        known = ", ".join(sorted([*BENCHMARKS, *TREND_ONLY]))
        raise KpiInputError(f"No KPI named {kpi!r}; the KPIs are {known}.")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise KpiInputError(f"The value must be a Decimal, got {type(value).__name__}.")
    return benchmark.band(Decimal(value))
