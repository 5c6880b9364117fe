"""The accounts receivable aging: what each payer, the patients, each patient and each of
a payer's claims owe, split by how old the balance is (``billing.aging``'s buckets, counted
from the date of service), as of a day.

Every figure is summed in the database in one grouped query with a bucket condition per
column (SQL's CASE/FILTER), over what the user may see (the permission and their
locations) that took effect by ``as_of``. The by-payer and by-patient views (and
``ar_over``) sum the ledger's daily totals (``billing.models.ledger_totals``: whole cents
per payer or patient, location, date of service and effective date, so every bucket and
the as-of day are exact), far fewer rows than entries; they are first brought up to date
(``billing.services.ledger_totals.catch_up``: the entries written since are folded in).
When the ledger is too busy for that at once, the view sums the entries themselves, as the
claims of one payer always do (``cents_sum``). Both ways give the same figures to the cent.
Nothing is summed in Python but the totals of the payer view's few rows.

A line in credit (an overpayment) counts as a negative amount in its bucket: the columns
are what the payer or the patient owes in net; the credit-balance report lists the lines.
A row whose total is zero (paid in full) is left out.

The by-payer view has one row per payer and one for the patients' share (``key`` None).
The by-patient view is the patients' share, patient by patient; it and a payer's claims
can be long, so they come a page at a time, sorted in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from medoffice.billing.aging import BUCKETS, cutoffs, share
from medoffice.billing.models import Claim, LedgerEntry, PatientDayTotal, PayerDayTotal
from medoffice.billing.selectors.ledger import ZERO, cents_sum, entries_for
from medoffice.billing.services import ledger_totals
from medoffice.core.models import User, practice_zone
from medoffice.core.permissions import SystemActor
from medoffice.patients.models import Patient, Payer

BUCKET_KEYS: tuple[str, ...] = tuple(b.key for b in BUCKETS)
AMOUNT_KEYS: tuple[str, ...] = (*BUCKET_KEYS, "total")
PATIENTS_ROW = "Patient responsibility"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# The sorts a long view takes: a column, "-" before it for largest (or Z) first.
SORTS: tuple[str, ...] = ("name", *AMOUNT_KEYS)
DEFAULT_SORT = "-total"


def today() -> dt.date:
    """Today in the practice's time zone: the aging's default day."""
    return timezone.now().astimezone(practice_zone()).date()


@dataclass(frozen=True)
class AgingRow:
    """One payer, patient or claim: its balance per bucket, its total and its share of the
    view's total (a fraction; None when the view's total is not positive)."""

    key: int | None
    name: str
    buckets: dict[str, Decimal]
    total: Decimal
    share: Decimal | None = None
    patient_id: int | None = None  # by patient and by claim
    claim_id: int | None = None  # by claim
    service_date: dt.date | None = None  # by claim: the visit's date of service

    def amount(self, key: str) -> Decimal:
        return self.total if key == "total" else self.buckets[key]


@dataclass(frozen=True)
class Aging:
    """A view of the aging: its rows (one page of them for the long views), the totals of
    every row (not only the page's) and how many rows there are in all."""

    as_of: dt.date
    by: str
    rows: list[AgingRow]
    totals: dict[str, Decimal]
    total: Decimal
    count: int
    sort: str = DEFAULT_SORT
    offset: int = 0
    limit: int | None = None
    shares: dict[str, Decimal | None] = field(default_factory=dict)  # each bucket's share

    @property
    def patient_ids(self) -> list[int]:
        return [r.patient_id for r in self.rows if r.patient_id is not None]


def _conditions(as_of: dt.date) -> dict[str, Q]:
    """Each bucket's condition: it holds the services on or after its earliest date and
    before the previous bucket's."""
    conditions: dict[str, Q] = {}
    later: dt.date | None = None
    for key, earliest in cutoffs(as_of):
        condition = Q()
        if earliest is not None:
            condition &= Q(service_date__gte=earliest)
        if later is not None:
            condition &= Q(service_date__lt=later)
        conditions[key] = condition
        later = earliest
    return conditions


def _sums(as_of: dt.date) -> dict[str, Any]:
    """Each bucket's sum and the total of the entries' amounts, as aggregate expressions."""
    sums: dict[str, Any] = {k: cents_sum("amount", c) for k, c in _conditions(as_of).items()}
    sums["total"] = cents_sum("amount")
    return sums


def _cents_sums(as_of: dt.date) -> dict[str, Any]:
    """The same over the daily totals: whole cents, summed exactly."""
    sums: dict[str, Any] = {
        k: Coalesce(Sum("cents", filter=c), Value(0)) for k, c in _conditions(as_of).items()
    }
    sums["total"] = Coalesce(Sum("cents"), Value(0))
    return sums


def _dollars(cents: int | None) -> Decimal:
    return Decimal(cents or 0).scaleb(-2)


def _in_dollars(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, **{k: _dollars(row[k]) for k in AMOUNT_KEYS}}


def day_totals(
    model: type[PayerDayTotal] | type[PatientDayTotal],
    user: User | SystemActor,
    as_of: dt.date,
    location_id: int | None = None,
) -> QuerySet[Any]:
    """The daily totals the user may see, in effect on ``as_of`` (bring them up to date
    first: ``ledger_totals.catch_up``)."""
    totals = model.objects.restrict(user, "view").filter(effective_date__lte=as_of).order_by()
    if location_id is not None:
        totals = totals.filter(location_id=location_id)
    return totals


def aged_entries(
    user: User | SystemActor, as_of: dt.date, location_id: int | None = None
) -> QuerySet[LedgerEntry]:
    """The entries the aging sums: those the user may see, in effect on ``as_of``."""
    entries = entries_for(user).filter(effective_date__lte=as_of).order_by()
    if location_id is not None:
        entries = entries.filter(location_id=location_id)
    return entries


def _amounts(row: dict[str, Any]) -> tuple[dict[str, Decimal], Decimal]:
    return {k: row[k] for k in BUCKET_KEYS}, row["total"]


def _shares(totals: dict[str, Decimal], total: Decimal) -> dict[str, Decimal | None]:
    return {k: share(totals[k], total) for k in BUCKET_KEYS}


def aging_by_payer(
    user: User | SystemActor,
    *,
    as_of: dt.date | None = None,
    location_id: int | None = None,
    sort: str = DEFAULT_SORT,
) -> Aging:
    """Each payer's balance by bucket, and the patients' share as one more row (``key``
    None, always last); sorted by ``sort`` (``SORTS``, largest total first by default).
    One grouped query, and one for the payers' names."""
    as_of = as_of or today()
    grouped: list[Any]
    if ledger_totals.catch_up():
        grouped = [
            {**_in_dollars(r), "payer_id": r["payer_key"] or None}
            for r in day_totals(PayerDayTotal, user, as_of, location_id)
            .values("payer_key")
            .annotate(**_cents_sums(as_of))
            .exclude(Q(total=0))
        ]
    else:
        grouped = list(
            aged_entries(user, as_of, location_id)
            .values("payer_id")
            .annotate(**_sums(as_of))
            .exclude(Q(total=0))
        )
    names = dict(
        Payer.objects.filter(pk__in=[r["payer_id"] for r in grouped if r["payer_id"]]).values_list(
            "pk", "name"
        )
    )
    totals = {k: sum((r[k] for r in grouped), ZERO) for k in BUCKET_KEYS}
    total = sum((r["total"] for r in grouped), ZERO)
    rows = []
    for r in grouped:
        buckets, row_total = _amounts(r)
        payer_id = r["payer_id"]
        rows.append(
            AgingRow(
                key=payer_id,
                name=names.get(payer_id, "") if payer_id else PATIENTS_ROW,
                buckets=buckets,
                total=row_total,
                share=share(row_total, total),
            )
        )
    sort = sort if sort.lstrip("-") in SORTS else DEFAULT_SORT
    bare, descending = sort.lstrip("-"), sort.startswith("-")
    payers = [r for r in rows if r.key is not None]
    payers.sort(key=lambda row: row.name)
    if bare == "name":
        payers.sort(key=lambda row: row.name.casefold(), reverse=descending)
    else:
        payers.sort(key=lambda row: row.amount(bare), reverse=descending)
    rows = payers + [r for r in rows if r.key is None]
    return Aging(
        as_of=as_of,
        by="payer",
        rows=rows,
        totals=totals,
        total=total,
        count=len(rows),
        sort=sort,
        shares=_shares(totals, total),
    )


def _ordered(qs: QuerySet[Any], sort: str, name_fields: Iterable[str]) -> QuerySet[Any]:
    bare = sort.lstrip("-")
    descending = sort.startswith("-")
    if bare not in SORTS:
        return _ordered(qs, DEFAULT_SORT, name_fields)
    sign = "-" if descending else ""
    if bare == "name":
        return qs.order_by(*(sign + f for f in name_fields))
    return qs.order_by(sign + bare, *name_fields)


def _page(
    grouped: QuerySet[Any], offset: int, limit: int | None
) -> tuple[list[dict[str, Any]], dict[str, Decimal], int]:
    """The page's rows, and the totals and count of all the rows (a second query over the
    grouped one)."""
    page = list(grouped[offset : offset + limit] if limit is not None else grouped[offset:])
    # The totals of every row: the grouped query as a subquery, summed.
    summed = grouped.order_by().aggregate(
        count=Count("*"), **{f"all_{k}": Sum(k) for k in AMOUNT_KEYS}
    )
    totals = {k: Decimal(summed[f"all_{k}"] or 0).quantize(Decimal("0.01")) for k in AMOUNT_KEYS}
    return page, totals, summed["count"]


def _page_in_cents(
    grouped: QuerySet[Any], offset: int, limit: int | None
) -> tuple[list[dict[str, Any]], dict[str, Decimal], int]:
    """The same over the daily totals in one pass: every grouped row comes back in its
    order (a row per patient with a balance, a few numbers each), the page is cut from
    them and the totals summed in whole cents (exact)."""
    rows = list(grouped)
    totals = {k: _dollars(sum(r[k] for r in rows)) for k in AMOUNT_KEYS}
    page = rows[offset : offset + limit] if limit is not None else rows[offset:]
    return [_in_dollars(r) for r in page], totals, len(rows)


def _limit(limit: int | None) -> int:
    return PAGE_SIZE if limit is None else max(1, min(limit, MAX_PAGE_SIZE))


def aging_by_patient(
    user: User | SystemActor,
    *,
    as_of: dt.date | None = None,
    location_id: int | None = None,
    sort: str = DEFAULT_SORT,
    offset: int = 0,
    limit: int | None = PAGE_SIZE,
) -> Aging:
    """The patients' share, patient by patient (what each patient owes, by bucket): one
    page (``limit`` rows from ``offset``; None: every row), sorted by ``sort`` (``SORTS``;
    ``name`` is last then first name). The caller audits the patients shown."""
    as_of = as_of or today()
    in_cents = ledger_totals.catch_up()
    if in_cents:
        grouped = (
            day_totals(PatientDayTotal, user, as_of, location_id)
            .values("patient_id")
            .annotate(**_cents_sums(as_of))
            .exclude(Q(total=0))
        )
    else:
        grouped = (
            aged_entries(user, as_of, location_id)
            .filter(payer__isnull=True)
            .values("patient_id")
            .annotate(**_sums(as_of))
            .exclude(Q(total=0))
        )
    ordered = _ordered(grouped, sort, ("patient__last_name", "patient__first_name", "patient_id"))
    paged = _page_in_cents if in_cents else _page
    page, totals, count = paged(ordered, offset, limit)
    names = {
        p.pk: f"{p.last_name}, {p.first_name}"
        for p in Patient.objects.filter(pk__in=[r["patient_id"] for r in page]).only(
            "pk", "first_name", "last_name"
        )
    }
    total = totals.pop("total")
    rows = []
    for r in page:
        buckets, row_total = _amounts(r)
        rows.append(
            AgingRow(
                key=r["patient_id"],
                name=names.get(r["patient_id"], ""),
                buckets=buckets,
                total=row_total,
                share=share(row_total, total),
                patient_id=r["patient_id"],
            )
        )
    return Aging(
        as_of=as_of,
        by="patient",
        rows=rows,
        totals=totals,
        total=total,
        count=count,
        sort=sort if sort.lstrip("-") in SORTS else DEFAULT_SORT,
        offset=offset,
        limit=limit,
        shares=_shares(totals, total),
    )


def aging_by_claim(
    user: User | SystemActor,
    payer_id: int | None,
    *,
    as_of: dt.date | None = None,
    location_id: int | None = None,
    sort: str = DEFAULT_SORT,
    offset: int = 0,
    limit: int | None = PAGE_SIZE,
) -> Aging:
    """One payer's balance claim by claim, by bucket (the drill-down from its row). A
    payer's entries not on a claim (none are posted so today) form one row, ``key`` None.
    ``name`` is the claim's number; ``name`` sorts by it. The caller audits the patients."""
    as_of = as_of or today()
    grouped = (
        aged_entries(user, as_of, location_id)
        .filter(Q(payer_id=payer_id) if payer_id is not None else Q(payer__isnull=True))
        .values("claim_id", "patient_id")
        .annotate(**_sums(as_of))
        .exclude(Q(total=0))
    )
    ordered = _ordered(grouped, sort, ("claim_id",))
    page, totals, count = _page(ordered, offset, limit)
    claims = {
        c.pk: c
        for c in Claim.objects.filter(pk__in=[r["claim_id"] for r in page if r["claim_id"]])
        .select_related("encounter")
        .only("pk", "control_number", "encounter__date_of_service")
    }
    total = totals.pop("total")
    rows = []
    for r in page:
        buckets, row_total = _amounts(r)
        claim = claims.get(r["claim_id"])
        rows.append(
            AgingRow(
                key=r["claim_id"],
                name=claim.control_number if claim else "",
                buckets=buckets,
                total=row_total,
                share=share(row_total, total),
                patient_id=r["patient_id"],
                claim_id=r["claim_id"],
                service_date=claim.encounter.date_of_service if claim else None,
            )
        )
    return Aging(
        as_of=as_of,
        by="claim",
        rows=rows,
        totals=totals,
        total=total,
        count=count,
        sort=sort if sort.lstrip("-") in SORTS else DEFAULT_SORT,
        offset=offset,
        limit=limit,
        shares=_shares(totals, total),
    )


def ar_over(
    user: User | SystemActor, *, as_of: dt.date | None = None, days: tuple[int, ...] = (90, 120)
) -> tuple[Decimal, dict[int, Decimal]]:
    """The whole A/R (net) on ``as_of`` and, for each of ``days``, the part older than that
    many days: one query (for the KPI panel)."""
    as_of = as_of or today()
    older = {d: Q(service_date__lt=as_of - dt.timedelta(days=d)) for d in days}
    if ledger_totals.catch_up():
        row = day_totals(PayerDayTotal, user, as_of).aggregate(
            total=Coalesce(Sum("cents"), Value(0)),
            **{f"over_{d}": Coalesce(Sum("cents", filter=c), Value(0)) for d, c in older.items()},
        )
        return _dollars(row["total"]), {d: _dollars(row[f"over_{d}"]) for d in days}
    sums: dict[str, Any] = {"total": cents_sum("amount")}
    for d, condition in older.items():
        sums[f"over_{d}"] = cents_sum("amount", condition)
    row = aged_entries(user, as_of).aggregate(**sums)
    return row["total"], {d: row[f"over_{d}"] for d in days}
