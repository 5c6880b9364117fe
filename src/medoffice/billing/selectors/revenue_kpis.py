"""The revenue KPIs of the office manager's home page, from the database: each month of the
last 12 (this one included, in the practice's time zone) and the latest, computed with
``billing.kpis``'s formulas, with the benchmark band. Everything the user may see only
(the ledger, claims and desk payments of their locations).

Five grouped queries, whatever the size of the ledger:

1. the ledger's money by month of effect: charges, payments (insurance and patient),
   refunds, contractual adjustments, and the net change of A/R;
2. the A/R before the 12 months, and at each month's end the part over 90 and over 120
   days from the date of service, and the patient amounts due on each month's visits;
3. claims by month first submitted: submitted, denied (a denial write-off on the claim),
   paid on first submission (an insurance payment, no denial, never replaced);
4. claims by month made: scrubbed, clean at the first scrub;
5. desk payments taken for a visit (check-in or check-out) by month received.

What MedOffice counts (docs/kpis.md, "The revenue panel"): the A/R is the net of every
entry (credits lower it, so days in A/R needs no separate credit figure); days in A/R of
a month is the A/R at its end ÷ (its adjusted charges ÷ its days); the denial and
first-pass rates count claims.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth

from medoffice.billing import kpis
from medoffice.billing.choices import LedgerKind as K
from medoffice.billing.choices import LedgerParty
from medoffice.billing.models import Claim, LedgerEntry, PatientPayment
from medoffice.billing.selectors.aging import today
from medoffice.billing.selectors.ledger import ZERO, cents_sum, entries_for
from medoffice.core.models import User, practice_zone
from medoffice.core.permissions import SystemActor

MONTHS = 12
# The panel's figures, in the order shown: (key in BENCHMARKS / TREND_ONLY, label, unit).
FIGURES: tuple[tuple[str, str, str], ...] = (
    ("days_in_ar", "Days in A/R", "days"),
    ("net_collection_rate", "Net collection rate", "rate"),
    ("gross_collection_rate", "Gross collection rate", "rate"),
    ("denial_rate", "Denial rate", "rate"),
    ("clean_claim_rate", "Clean-claim rate", "rate"),
    ("first_pass_resolution_rate", "First-pass resolution", "rate"),
    ("ar_over_90_share", "A/R over 90 days", "rate"),
    ("ar_over_120_share", "A/R over 120 days", "rate"),
    ("point_of_service_collection_rate", "Point-of-service collections", "rate"),
)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str  # "days" or "rate" (a fraction)
    value: Decimal | None  # the latest month's
    series: list[Decimal | None]  # the 12 months', oldest first
    band: kpis.Band | None
    benchmark: str  # what good is, in words; "" for a trend-only figure

    @property
    def text(self) -> str:
        return _text(self.value, self.unit)


@dataclass(frozen=True)
class RevenueKpis:
    months: list[dt.date]  # the first day of each month, oldest first
    figures: list[Figure]
    ar: Decimal  # now

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


def _text(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "days":
        return f"{value:.1f} days"
    return f"{value * 100:.1f} %"


def _benchmark_text(key: str) -> str:
    benchmark = kpis.BENCHMARKS.get(key)
    if benchmark is None:
        return ""

    def shown(v: Decimal) -> str:
        return f"{v:.0f} days" if key == "days_in_ar" else f"{v * 100:.0f} %"

    sign = "≥" if benchmark.higher_is_better else "≤"
    return f"good {sign} {shown(benchmark.good)}, act {'<' if benchmark.higher_is_better else '>'} {shown(benchmark.act)}"


def month_starts(last: dt.date, count: int = MONTHS) -> list[dt.date]:
    """The first days of the ``count`` months ending with ``last``'s, oldest first."""
    year, month = last.year, last.month
    out = []
    for _ in range(count):
        out.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def month_end(start: dt.date) -> dt.date:
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _key(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.astimezone(practice_zone()).date() if value.tzinfo else value.date()
    return dt.date(value.year, value.month, 1)


def _safe(formula: Any, *args: Any) -> Decimal | None:
    try:
        result: Decimal | None = formula(*args)
    except kpis.KpiInputError:
        return None
    return result


def revenue_kpis(user: User | SystemActor, *, on: dt.date | None = None) -> RevenueKpis:
    """The panel's figures for the 12 months ending with ``on``'s (today by default)."""
    on = on or today()
    months = month_starts(on)
    first, ends = months[0], [min(month_end(m), on) for m in months]
    zone = practice_zone()
    entries = entries_for(user).order_by()

    # 1. Money by month of effect.
    flows: dict[dt.date, Any] = {
        _key(row["month"]): row
        for row in entries.filter(effective_date__gte=first, effective_date__lte=on)
        .annotate(month=TruncMonth("effective_date"))
        .values("month")
        .annotate(
            charges=cents_sum("amount", Q(kind=K.CHARGE)),
            payments=cents_sum("amount", Q(kind__in=[K.INSURANCE_PAYMENT, K.PATIENT_PAYMENT])),
            refunds=cents_sum("amount", Q(kind=K.PATIENT_REFUND)),
            contractual=cents_sum("amount", Q(kind=K.CONTRACTUAL)),
            net=cents_sum("amount"),
        )
    }
    # 2. The A/R before the window; the old A/R at each month's end; patient amounts due.
    sums: dict[str, Any] = {"opening": cents_sum("amount", Q(effective_date__lt=first))}
    for n, (start, end) in enumerate(zip(months, ends, strict=True)):
        for days in (90, 120):
            sums[f"over_{days}_{n}"] = cents_sum(
                "amount",
                Q(effective_date__lte=end, service_date__lt=end - dt.timedelta(days=days)),
            )
        sums[f"due_{n}"] = cents_sum(
            "amount",
            Q(party=LedgerParty.PATIENT, amount__gt=0, service_date__gte=start)
            & Q(service_date__lte=end, effective_date__lte=end)
            & ~Q(kind=K.PATIENT_REFUND),
        )
    standing = entries.filter(effective_date__lte=on).aggregate(**sums)
    # 3. Claims by month first submitted.
    claims = Claim.objects.restrict(user, "view").order_by()
    on_claim = LedgerEntry.objects.filter(claim_id=OuterRef("pk"))
    submitted: dict[dt.date, Any] = {
        _key(row["month"]): row
        for row in claims.filter(
            first_submitted_at__date__gte=first, first_submitted_at__date__lte=on
        )
        .annotate(
            month=TruncMonth("first_submitted_at", tzinfo=zone),
            denied=Exists(on_claim.filter(kind=K.DENIAL_WRITE_OFF)),
            paid=Exists(on_claim.filter(kind=K.INSURANCE_PAYMENT)),
            replaced=Exists(Claim.objects.filter(replaces_id=OuterRef("pk"))),
        )
        .values("month")
        .annotate(
            count=Count("pk"),
            denied_count=Count("pk", filter=Q(denied=True)),
            first_pass=Count("pk", filter=Q(paid=True, denied=False, replaced=False)),
        )
    }
    # 4. Claims by month made: the first scrub.
    scrubbed: dict[dt.date, Any] = {
        _key(row["month"]): row
        for row in claims.filter(
            created_at__date__gte=first, created_at__date__lte=on, first_scrub_clean__isnull=False
        )
        .annotate(month=TruncMonth("created_at", tzinfo=zone))
        .values("month")
        .annotate(scrubbed=Count("pk"), clean_count=Count("pk", filter=Q(first_scrub_clean=True)))
    }
    # 5. Desk payments for a visit.
    collected: dict[dt.date, Decimal] = {
        _key(row["month"]): row["total"]
        for row in PatientPayment.objects.restrict(user, "view")
        .order_by()
        .filter(
            appointment__isnull=False,
            voided_at__isnull=True,
            received_at__date__gte=first,
            received_at__date__lte=on,
        )
        .annotate(month=TruncMonth("received_at", tzinfo=zone))
        .values("month")
        .annotate(total=cents_sum("amount"))
    }

    series: dict[str, list[Decimal | None]] = {key: [] for key, _l, _u in FIGURES}
    ar = standing["opening"]
    for n, (start, end) in enumerate(zip(months, ends, strict=True)):
        flow: dict[str, Any] = flows.get(start, {})
        charges = flow.get("charges", ZERO)
        payments = -flow.get("payments", ZERO)
        refunds = flow.get("refunds", ZERO)
        contractual = -flow.get("contractual", ZERO)
        ar += flow.get("net", ZERO)
        positive_ar = max(ar, ZERO)
        days = (end - start).days + 1
        series["days_in_ar"].append(
            _safe(kpis.days_in_ar, positive_ar, max(charges - contractual, ZERO), days)
        )
        series["net_collection_rate"].append(
            _safe(kpis.net_collection_rate, max(payments, ZERO), max(refunds, ZERO),
                  max(charges, ZERO), min(max(contractual, ZERO), max(charges, ZERO)))
        )  # fmt: skip
        series["gross_collection_rate"].append(
            _safe(kpis.gross_collection_rate, max(payments, ZERO), max(charges, ZERO))
        )
        sent: dict[str, Any] = submitted.get(start, {})
        series["denial_rate"].append(
            _safe(kpis.denial_rate, sent.get("denied_count", 0), sent.get("count", 0))
        )
        series["first_pass_resolution_rate"].append(
            _safe(kpis.first_pass_resolution_rate, sent.get("first_pass", 0), sent.get("count", 0))
        )
        scrub: dict[str, Any] = scrubbed.get(start, {})
        series["clean_claim_rate"].append(
            _safe(kpis.clean_claim_rate, scrub.get("clean_count", 0), scrub.get("scrubbed", 0))
        )
        for days_over in (90, 120):
            old = min(max(standing[f"over_{days_over}_{n}"], ZERO), positive_ar)
            series[f"ar_over_{days_over}_share"].append(_safe(kpis.ar_over_share, old, positive_ar))
        series["point_of_service_collection_rate"].append(
            _safe(
                kpis.point_of_service_collection_rate,
                max(collected.get(start, ZERO), ZERO),
                max(standing[f"due_{n}"], ZERO),
            )
        )
    figures = [
        Figure(
            key=key,
            label=label,
            unit=unit,
            value=series[key][-1],
            series=series[key],
            band=kpis.band(key, series[key][-1]),
            benchmark=_benchmark_text(key),
        )
        for key, label, unit in FIGURES
    ]
    return RevenueKpis(months=months, figures=figures, ar=ar)
