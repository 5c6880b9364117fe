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

The finished months change only when the ledger, the claims or the desk payments do: their
inputs are kept in Django's cache (``settings.CACHES``), keyed by who may see what (the
permissions and the location set) and the day, with a version of each input (``_versions``:
the ledger's largest entry id, the claims' largest id, last scrub and first submission, the
desk payments' largest id and last void). A later look whose changes since reach only the
current month (``_reaches_finished_months``: a charge, copay or payment of this month on a
claim of this month) keeps them; any other change sums them again. Only the current month
is summed live, from the
entries dated in it, with the part of its A/R figures owed to older entries kept with the
finished months. ``revenue_kpis(..., cached=False)`` computes everything afresh; both give
the same figures (tests/billing/test_revenue_kpi_cache.py).

What MedOffice counts (docs/kpis.md, "The revenue panel"): the A/R is the net of every
entry (credits lower it, so days in A/R needs no separate credit figure); days in A/R of
a month is the A/R at its end ÷ (its adjusted charges ÷ its days); the denial and
first-pass rates count claims.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q
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


@dataclass(frozen=True)
class MonthInputs:
    """What one month's figures are worked out from (sums in dollars, counts in claims)."""

    charges: Decimal = ZERO
    payments: Decimal = ZERO  # as summed: negative
    refunds: Decimal = ZERO
    contractual: Decimal = ZERO  # as summed: negative
    net: Decimal = ZERO  # the A/R's change in the month
    over_90: Decimal = ZERO  # at the month's end
    over_120: Decimal = ZERO
    due: Decimal = ZERO  # the patient amounts due on the month's visits
    submitted: int = 0
    denied: int = 0
    first_pass: int = 0
    scrubbed: int = 0
    clean: int = 0
    collected: Decimal = ZERO  # desk payments for a visit

    def plus(self, other: MonthInputs) -> MonthInputs:
        return MonthInputs(
            **{f: getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__}
        )


@dataclass(frozen=True)
class _Window:
    opening: Decimal  # the A/R before the first month
    months: list[MonthInputs]
    # The current month's A/R figures owed to entries dated before it (finished windows only).
    carry: MonthInputs = field(default_factory=MonthInputs)


def _midnight(day: dt.date, zone: Any) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def _standing_sums(start: dt.date, end: dt.date, dated: Q) -> dict[str, Any]:
    """The A/R over 90 and 120 days at ``end`` and the patient amounts due on the visits of
    ``start``..``end``, of the entries ``dated`` picks (always effective by ``end``)."""
    dated &= Q(effective_date__lte=end)
    return {
        "over_90": cents_sum("amount", dated & Q(service_date__lt=end - dt.timedelta(days=90))),
        "over_120": cents_sum("amount", dated & Q(service_date__lt=end - dt.timedelta(days=120))),
        "due": cents_sum(
            "amount",
            dated
            & Q(party=LedgerParty.PATIENT, amount__gt=0, service_date__gte=start)
            & Q(service_date__lte=end)
            & ~Q(kind=K.PATIENT_REFUND),
        ),
    }


def _window(
    user: User | SystemActor,
    months: list[dt.date],
    ends: list[dt.date],
    *,
    entries_from: dt.date | None = None,
    carry: tuple[dt.date, dt.date] | None = None,
) -> _Window:
    """The inputs of ``months`` (ending on ``ends``), in five grouped queries.

    ``entries_from``: count only the ledger entries dated from that day (the live current
    month; no opening A/R then). ``carry``: also sum, for that month (start, end), the A/R
    figures of the entries dated before its start.
    """
    first, last = months[0], ends[-1]
    zone = practice_zone()
    entries = entries_for(user).order_by()

    # 1. Money by month of effect.
    flows: dict[dt.date, Any] = {
        _key(row["month"]): row
        for row in entries.filter(effective_date__gte=first, effective_date__lte=last)
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
    dated = Q() if entries_from is None else Q(effective_date__gte=entries_from)
    sums: dict[str, Any] = {}
    if entries_from is None:
        sums["opening"] = cents_sum("amount", Q(effective_date__lt=first))
    for n, (start, end) in enumerate(zip(months, ends, strict=True)):
        sums.update({f"{k}_{n}": v for k, v in _standing_sums(start, end, dated).items()})
    if carry is not None:
        before = Q(effective_date__lt=carry[0])
        sums.update({f"{k}_carry": v for k, v in _standing_sums(*carry, before).items()})
    # (the carry reads entries dated before its month: by ``last``, as the window's do)
    standing_rows = entries.filter(effective_date__lte=last)
    if entries_from is not None:
        standing_rows = standing_rows.filter(effective_date__gte=entries_from)
    standing = standing_rows.aggregate(**sums)
    # 3. Claims by month first submitted.
    since, until = _midnight(first, zone), _midnight(last + dt.timedelta(days=1), zone)
    claims = Claim.objects.restrict(user, "view").order_by()
    on_claim = LedgerEntry.objects.filter(claim_id=OuterRef("pk"))
    submitted: dict[dt.date, Any] = {
        _key(row["month"]): row
        for row in claims.filter(first_submitted_at__gte=since, first_submitted_at__lt=until)
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
            created_at__gte=since, created_at__lt=until, first_scrub_clean__isnull=False
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
            received_at__gte=since,
            received_at__lt=until,
        )
        .annotate(month=TruncMonth("received_at", tzinfo=zone))
        .values("month")
        .annotate(total=cents_sum("amount"))
    }
    inputs = []
    for n, start in enumerate(months):
        flow: dict[str, Any] = flows.get(start, {})
        sent: dict[str, Any] = submitted.get(start, {})
        scrub: dict[str, Any] = scrubbed.get(start, {})
        inputs.append(
            MonthInputs(
                charges=flow.get("charges", ZERO),
                payments=flow.get("payments", ZERO),
                refunds=flow.get("refunds", ZERO),
                contractual=flow.get("contractual", ZERO),
                net=flow.get("net", ZERO),
                over_90=standing[f"over_90_{n}"],
                over_120=standing[f"over_120_{n}"],
                due=standing[f"due_{n}"],
                submitted=sent.get("count", 0),
                denied=sent.get("denied_count", 0),
                first_pass=sent.get("first_pass", 0),
                scrubbed=scrub.get("scrubbed", 0),
                clean=scrub.get("clean_count", 0),
                collected=collected.get(start, ZERO),
            )
        )
    carried = MonthInputs()
    if carry is not None:
        carried = MonthInputs(
            over_90=standing["over_90_carry"],
            over_120=standing["over_120_carry"],
            due=standing["due_carry"],
        )
    return _Window(standing.get("opening", ZERO), inputs, carried)


def _scope(user: User | SystemActor) -> str:
    """Who sees what, for the cache key: the three permissions and the location set."""
    perms = "".join(
        "1" if user.has_perm(model.objects.all().permission_for("view")) else "0"
        for model in (LedgerEntry, Claim, PatientPayment)
    )
    locations = user.location_ids()
    where = "all" if locations is None else ".".join(str(i) for i in sorted(locations))
    return f"{perms}:{where}"


# What the finished months read, each with a cheap version (one maximum a query: read from
# the end of its index, not a scan): (name, model, column).
_VERSIONED: tuple[tuple[str, Any, str], ...] = (
    ("entry", LedgerEntry, "pk"),
    ("claim", Claim, "pk"),
    ("scrubbed", Claim, "scrubbed_at"),
    ("submitted", Claim, "first_submitted_at"),
    ("payment", PatientPayment, "pk"),
    ("voided", PatientPayment, "voided_at"),
)


def _versions() -> dict[str, Any]:
    """A version of every input: one of them changes whenever an input that a finished
    month's figures read is added or changed (ledger entries are never changed nor
    deleted)."""
    return {
        name: model.objects.aggregate(value=Max(column))["value"]
        for name, model, column in _VERSIONED
    }


def _reaches_finished_months(
    kept: dict[str, Any], now: dict[str, Any], month: dt.date, zone: Any
) -> bool:
    """Whether what was added or changed since the versions ``kept`` can change a finished
    month's figures (``month``: the current month's first day). Most of a day's work does
    not: a charge, a copay or a payment dated this month on a claim made this month. Each
    question reads only the rows since the kept version (the end of an index); any doubt
    answers True (the months are summed again)."""
    start = _midnight(month, zone)

    def changed(name: str) -> bool:
        return bool(now[name] != kept[name])

    if changed("entry"):
        new = LedgerEntry.objects.filter(pk__gt=kept["entry"] or 0)
        if new.filter(effective_date__lt=month).exists():
            return True  # dated back into a finished month
        if new.filter(
            kind__in=[K.DENIAL_WRITE_OFF, K.INSURANCE_PAYMENT], claim__first_submitted_at__lt=start
        ).exists():
            return True  # denied or paid: an earlier month's denial and first-pass rates
    if changed("claim") and (
        Claim.objects.filter(pk__gt=kept["claim"] or 0)
        .filter(
            Q(created_at__lt=start)
            | Q(first_submitted_at__lt=start)
            | Q(replaces__first_submitted_at__lt=start)
        )
        .exists()
    ):
        return True
    if changed("scrubbed") and (
        kept["scrubbed"] is None
        or Claim.objects.filter(scrubbed_at__gt=kept["scrubbed"], created_at__lt=start).exists()
    ):
        return True
    if changed("submitted") and (
        kept["submitted"] is None
        or Claim.objects.filter(
            first_submitted_at__gt=kept["submitted"], first_submitted_at__lt=start
        ).exists()
    ):
        return True
    if changed("payment") and (
        PatientPayment.objects.filter(pk__gt=kept["payment"] or 0, received_at__lt=start).exists()
    ):
        return True
    return changed("voided") and (
        kept["voided"] is None
        or PatientPayment.objects.filter(
            voided_at__gt=kept["voided"], received_at__lt=start
        ).exists()
    )


CACHE_SECONDS = 24 * 3600


def _finished_window(
    user: User | SystemActor, months: list[dt.date], ends: list[dt.date], on: dt.date
) -> _Window:
    """The finished months' inputs, kept with the versions they were computed at: a later
    look whose changes since reach only the current month keeps them (with the new
    versions); else they are summed again."""
    key = f"billing:revenue-kpis:2:{_scope(user)}:{on.isoformat()}"
    versions = _versions()
    kept: tuple[dict[str, Any], _Window] | None = cache.get(key)
    if kept is not None:
        kept_versions, window = kept
        if kept_versions == versions:
            return window
        if not _reaches_finished_months(kept_versions, versions, months[-1], practice_zone()):
            cache.set(key, (versions, window), CACHE_SECONDS)
            return window
    window = _window(user, months[:-1], ends[:-1], carry=(months[-1], ends[-1]))
    cache.set(key, (versions, window), CACHE_SECONDS)
    return window


def month_inputs(
    user: User | SystemActor, on: dt.date, *, cached: bool = True
) -> tuple[list[dt.date], Decimal, list[MonthInputs]]:
    """The 12 months ending with ``on``'s, the A/R before them and each month's inputs:
    the finished months from the cache (``cached``), the current one live."""
    months = month_starts(on)
    ends = [min(month_end(m), on) for m in months]
    if not cached:
        window = _window(user, months, ends)
        return months, window.opening, window.months
    finished = _finished_window(user, months, ends, on)
    live = _window(user, months[-1:], ends[-1:], entries_from=months[-1]).months[0]
    current = live.plus(finished.carry)
    return months, finished.opening, [*finished.months, current]


def revenue_kpis(
    user: User | SystemActor, *, on: dt.date | None = None, cached: bool = True
) -> RevenueKpis:
    """The panel's figures for the 12 months ending with ``on``'s (today by default)."""
    on = on or today()
    months, ar, inputs = month_inputs(user, on, cached=cached)
    ends = [min(month_end(m), on) for m in months]
    series: dict[str, list[Decimal | None]] = {key: [] for key, _l, _u in FIGURES}
    for month, start, end in zip(inputs, months, ends, strict=True):
        charges = month.charges
        payments = -month.payments
        refunds = month.refunds
        contractual = -month.contractual
        ar += month.net
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
        series["denial_rate"].append(_safe(kpis.denial_rate, month.denied, month.submitted))
        series["first_pass_resolution_rate"].append(
            _safe(kpis.first_pass_resolution_rate, month.first_pass, month.submitted)
        )
        series["clean_claim_rate"].append(_safe(kpis.clean_claim_rate, month.clean, month.scrubbed))
        for days_over, old in ((90, month.over_90), (120, month.over_120)):
            share = _safe(kpis.ar_over_share, min(max(old, ZERO), positive_ar), positive_ar)
            series[f"ar_over_{days_over}_share"].append(share)
        series["point_of_service_collection_rate"].append(
            _safe(
                kpis.point_of_service_collection_rate,
                max(month.collected, ZERO),
                max(month.due, ZERO),
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
