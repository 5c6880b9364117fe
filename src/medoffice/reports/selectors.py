"""Reads behind the front-office reports, scoped to what the user may see.

Every query starts from ``Appointment.objects.restrict(user, "view")`` (or the
set-up models' own ``restrict``), so a user limited to some locations gets
figures for those locations only. The formulas live in ``kpis.py``; this module
only fetches plain values for them and groups the results.

Each report has one selector here returning a typed result: its rows and its charts'
series (``ChartSeries``). The page, its CSV export and the API operation all render
that one result (``views.py``, ``api.py``), so the three always agree.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Expression
from django.utils import timezone

from medoffice.core.formats import as_date
from medoffice.core.kept import KeptWhileUnchanged
from medoffice.core.models import Location, User
from medoffice.reports import charts, kpis
from medoffice.reports.error_codes import ReportsErrorCode
from medoffice.scheduling import selectors as book
from medoffice.scheduling.availability import TemplateBlock as EngineBlock
from medoffice.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    Provider,
    TemplateBlock,
)
from medoffice.scheduling.services import practice_zone

DEFAULT_DAYS = 90
ACCESS_HORIZON_DAYS = 90


@dataclass(frozen=True)
class Filters:
    """A report's filters: the period (local dates, both included), a location, a provider."""

    start_date: dt.date
    end_date: dt.date
    location_id: int | None = None
    provider_id: int | None = None
    appointment_type_id: int | None = None

    @classmethod
    def default(cls, today: dt.date | None = None) -> Filters:
        today = today or local_today()
        return cls(start_date=today - dt.timedelta(days=DEFAULT_DAYS), end_date=today)

    def bounds(self, tz: dt.tzinfo | None = None) -> tuple[dt.datetime, dt.datetime]:
        """The period as instants; ``tz`` defaults to the practice's zone."""
        tz = tz or practice_zone()
        start = dt.datetime.combine(self.start_date, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.end_date + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end


@dataclass(frozen=True)
class ChartSeries:
    """What a chart plots: one label per category and the series' values in that order."""

    categories: list[str]
    series: list[charts.Series]


class _Plain(Func):
    """A float the database computes, read as it comes (no converter run per row)."""

    output_field = FloatField()

    def get_db_converters(self, connection: Any) -> list[Any]:
        return []


class Epoch(_Plain):
    """A datetime column as seconds since 1970 (a float), computed by the database, so a
    report reads plain numbers instead of building a datetime per value."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite keeps UTC text; julianday() reads it, to about 30 µs: rounded to the
        # millisecond, whole seconds come out exact.
        template = "ROUND((julianday(%(expressions)s) - 2440587.5) * 86400.0, 3)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"
        return self.as_sql(compiler, connection, template=template, **extra)


def period_index(field_name: str, boundaries: list[dt.datetime]) -> Expression:
    """The number of the period ``field_name`` falls in: 0 before ``boundaries[0]``, 1 before
    ``boundaries[1]``… (the local months or weeks of a report, as instants).

    The boundaries are halved at each step (a CASE within a CASE), so a row is compared
    with about log2 of them rather than with each one before its own: for the 53 weeks of
    a year, 6 comparisons instead of 26 on average.
    """

    def within(low: int, high: int) -> Expression:  # the period is between low and high
        if low == high:
            return Value(low, output_field=IntegerField())
        middle = (low + high) // 2
        return Case(
            When(**{f"{field_name}__lt": boundaries[middle]}, then=within(low, middle)),
            default=within(middle + 1, high),
            output_field=IntegerField(),
        )

    return within(0, len(boundaries))


def _pct(value: float | None) -> float | None:
    return None if value is None else value * 100


def local_today() -> dt.date:
    return timezone.now().astimezone(practice_zone()).date()


def appointments(
    user: User, filters: Filters, tz: dt.tzinfo | None = None
) -> QuerySet[Appointment]:
    """The user's appointments starting in the period, narrowed by location and provider."""
    start, end = filters.bounds(tz)
    qs = Appointment.objects.restrict(user, "view").filter(start__gte=start, start__lt=end)
    if filters.location_id:
        qs = qs.filter(location_id=filters.location_id)
    if filters.provider_id:
        qs = qs.filter(provider_id=filters.provider_id)
    return qs


def locations_for(user: User) -> QuerySet[Location]:
    qs = Location.objects.all()
    ids = user.location_ids()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("name")


def _names(model: Any, ids: Iterable[int]) -> dict[int, str]:
    return {obj.pk: str(obj) for obj in model.objects.filter(pk__in=set(ids))}


# --- wait times --------------------------------------------------------------------------


@dataclass
class WaitGroup:
    label: str
    phases: dict[str, kpis.Summary]
    visits: int


@dataclass
class WaitReport:
    visits: int
    overall: WaitGroup
    by_provider: list[WaitGroup] = field(default_factory=list)
    by_location: list[WaitGroup] = field(default_factory=list)
    by_part_of_day: list[WaitGroup] = field(default_factory=list)


def median_series(groups: list[WaitGroup]) -> ChartSeries:
    """The median minutes of each phase, per group."""
    return ChartSeries(
        categories=[g.label for g in groups],
        series=[
            charts.Series(kpis.PHASES[key], [g.phases[key].median for g in groups])
            for key in kpis.PHASES
        ],
    )


def _minutes_of_phases(stamps: QuerySet) -> list[tuple[Any, ...]]:
    """(provider, location, start, and the minutes of each phase of ``kpis.PHASES``) of each
    visit, the minutes worked out by the database from the visit's time stamps in seconds
    (``p``, ``loc``, ``s``: start, ``a``: arrived, ``r``: roomed, ``w``: with provider, ``d``:
    done), each read once; a phase whose stamps are missing or run backwards is NULL, as in
    ``kpis.phase_durations``."""
    inner, params = stamps.query.sql_with_params()

    def phase(a: str, b: str) -> str:
        return f'CASE WHEN v."{b}" >= v."{a}" THEN (v."{b}" - v."{a}") / 60.0 END'

    phases = ", ".join(phase(a, b) for a, b in (("a", "r"), ("r", "w"), ("w", "d"), ("a", "w")))
    # MATERIALIZED: each stamp is worked out once per visit (a plain subquery is folded
    # into the outer query, which would repeat the conversions for every phase).
    sql = f'WITH v AS MATERIALIZED ({inner}) SELECT v."p", v."loc", v."s", {phases} FROM v'  # noqa: S608 - our own SQL
    with connections[stamps.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# A month's figures, kept per process and given back while the rows they were worked out
# from are unchanged: the key names the rows (the report's query, SQL and parameters, so
# the user's scope and the filters are in it, and the month's dates), the state is what
# `_fingerprints` reads of the month's rows. A 12-month report then works out again only
# the months that changed, usually the current one; a change to a past visit (any save
# moves its ``updated_at``), a visit added or removed changes its month's state.
_KEPT: KeptWhileUnchanged[Any] = KeptWhileUnchanged(maximum=96)


def _remembered(
    key: tuple[Any, ...] | None, state: tuple[Any, ...], compute: Callable[[], Any]
) -> Any:
    """``compute()``, or what it gave last time for ``key`` if the state is the same."""
    return compute() if key is None else _KEPT.get(key, state, compute)


def _query_key(qs: QuerySet) -> tuple[Any, ...] | None:
    """What names the rows of ``qs`` exactly: its database, SQL and parameters (None: it
    reads nothing)."""
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:
        return None
    settings = connections[qs.db].settings_dict
    return (qs.db, settings["NAME"], sql, tuple(params))


def month_pieces(filters: Filters) -> list[Filters]:
    """The period cut at the first of each local month (the first and last may be partial)."""
    months = _months(filters)
    pieces = []
    for i, month in enumerate(months):
        first = max(month, filters.start_date)
        last = months[i + 1] - dt.timedelta(days=1) if i + 1 < len(months) else filters.end_date
        pieces.append(replace(filters, start_date=first, end_date=last))
    return pieces


_PROBE_DAY = dt.date(2000, 1, 3)  # a day no report reads: its bounds are found in the SQL


def _fingerprint_query(rows: QuerySet) -> QuerySet:
    """The rows' count, sum and largest of their ids and latest change, as one row."""
    return (
        rows.order_by()
        .annotate(one=Value(1, output_field=IntegerField()))
        .values("one")
        .annotate(n=Count("pk"), total=Sum("pk"), top=Max("pk"), changed=Max("updated_at"))
        .values_list("n", "total", "top", "changed")
    )


def _fingerprints(
    rows_of: Callable[[Filters], QuerySet], pieces: list[Filters], tz: dt.tzinfo
) -> dict[int, tuple[Any, ...]]:
    """Per piece of the period (by its number): the number of rows, the sum and largest of
    their ids and their latest change (one query). Any saved change of a row moves its
    ``updated_at`` to now, so a piece whose rows changed gets another state.

    One aggregate per piece over its own range of ``start`` (UNION ALL), so the database
    walks each piece's stretch of the index and sums it as it goes: no period worked out
    per row and no grouping (on SQLite about half the time of one grouped query). The
    pieces' queries differ only in their dates: one query, of a day no report reads, is
    compiled, and each piece's bounds take the places of that day's in its parameters."""
    if not pieces:
        return {}
    probe = replace(pieces[0], start_date=_PROBE_DAY, end_date=_PROBE_DAY)
    query = _fingerprint_query(rows_of(probe))
    connection = connections[query.db]
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:
        return {}
    field = query.model._meta.get_field("start")

    def prepared(value: dt.datetime) -> Any:
        return field.get_db_prep_value(value, connection, prepared=False)

    low, high = (prepared(bound) for bound in probe.bounds(tz))
    places = [i for i, param in enumerate(params) if param in (low, high)]
    if sorted(params[i] == low for i in places) != [False, True]:
        # Not the one lower and one upper bound expected: each piece's own query.
        unions = [_fingerprint_query(rows_of(piece)) for piece in pieces]
        rows = [(i, *row) for i, q in enumerate(unions) for row in q]
        return {i: tuple(rest) for i, *rest in rows if rest[0]}
    selects, all_params = [], []
    for i, piece in enumerate(pieces):
        start, end = (prepared(bound) for bound in piece.bounds(tz))
        selects.append(f"SELECT {i}, * FROM ({sql}) AS p{i}")  # noqa: S608 - our own SQL
        all_params += [
            (start if param == low else end) if n in places else param
            for n, param in enumerate(params)
        ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), all_params)
        found = cursor.fetchall()
    return {i: tuple(rest) for i, *rest in found if rest[0]}


@dataclass(frozen=True)
class Monthly:
    """Each month's figures (`_monthly`), what names the whole period's rows (None: nothing
    kept) and their state: the months' states together."""

    months: list[Any]
    key: tuple[Any, ...] | None
    state: tuple[Any, ...]


def _monthly(
    name: str,
    rows_of: Callable[[Filters], QuerySet],
    filters: Filters,
    tz: dt.tzinfo,
    compute: Callable[[QuerySet, Filters], Any],
) -> Monthly:
    """``compute(rows_of(month), month)`` for each month piece of the period that has rows,
    each kept (`_remembered`) while that month's rows are unchanged (`_fingerprints`)."""
    pieces = month_pieces(filters)
    states = _fingerprints(rows_of, pieces, tz)
    # The query of any one day says which rows a month's query reads but for the dates
    # (the user's scope, the filters): compiled once, it stands for every month's.
    day = dt.date(2000, 1, 3)
    scope = _query_key(rows_of(replace(filters, start_date=day, end_date=day)))

    def worked_out(piece: Filters) -> Callable[[], Any]:
        return lambda: compute(rows_of(piece), piece)

    months = [
        _remembered(
            scope and (name, str(tz), *scope, piece.start_date, piece.end_date),
            states[i],
            worked_out(piece),
        )
        for i, piece in enumerate(pieces)
        if i in states  # months without rows have nothing to work out
    ]
    key = scope and (name, str(tz), *scope, filters.start_date, filters.end_date)
    return Monthly(months, key, tuple(sorted(states.items())))


# One month's wait figures: per group ("all", None), ("provider", id), ("location", id),
# ("part", key of kpis.PART_OF_DAY): the number of visits and each phase's minutes, sorted.
WaitValues = dict[tuple[str, Any], tuple[int, tuple[array, ...]]]


def _wait_values(completed_visits: QuerySet, tz: dt.tzinfo) -> WaitValues:
    stamps = completed_visits.annotate(
        p=F("provider_id"),
        loc=F("location_id"),
        s=Epoch("start"),
        a=Epoch("arrived_at"),
        r=Epoch("roomed_at"),
        w=Epoch("with_provider_at"),
        d=Epoch(_done()),
    ).values_list("p", "loc", "s", "a", "r", "w", "d")
    groups: dict[tuple[str, Any], list[tuple[Any, ...]]] = defaultdict(list)
    everything = groups["all", None]
    for provider_id, location_id, start, *minutes in _minutes_of_phases(stamps.order_by()):
        durations = tuple(minutes)
        everything.append(durations)
        groups["provider", provider_id].append(durations)
        groups["location", location_id].append(durations)
        part = kpis.part_of_day(dt.datetime.fromtimestamp(start, tz))
        groups["part", part].append(durations)
    return {
        key: (
            len(rows),
            tuple(
                array("d", sorted(v for r in rows if (v := r[i]) is not None))
                for i in range(len(kpis.PHASES))
            ),
        )
        for key, rows in groups.items()
        if rows
    }


def _merged(parts: list[WaitValues]) -> dict[tuple[str, Any], tuple[int, list[kpis.Summary]]]:
    """The months' figures together: counts added, each phase's sorted minutes merged."""
    keys = {key for part in parts for key in part}
    out = {}
    for key in keys:
        mine = [part[key] for part in parts if key in part]
        visits = sum(count for count, _ in mine)
        summaries = []
        for i in range(len(kpis.PHASES)):
            minutes: list[float] = []
            for _, phases in mine:
                minutes.extend(phases[i])
            # Sorted runs one after the other: sorting merges them, one pass each.
            summaries.append(kpis.summarize(minutes))
        out[key] = (visits, summaries)
    return out


def _group(label: str, figures: tuple[int, list[kpis.Summary]] | None) -> WaitGroup:
    visits, summaries = figures or (0, [kpis.summarize([]) for _ in kpis.PHASES])
    return WaitGroup(
        label=label, phases=dict(zip(kpis.PHASES, summaries, strict=True)), visits=visits
    )


def _done() -> Case:
    """A visit's end: the first of check-out and completion (``kpis.phase_durations``)."""
    return Case(
        When(checkout_at__isnull=True, then=F("completed_at")),
        When(
            Q(completed_at__isnull=True) | Q(checkout_at__lt=F("completed_at")),
            then=F("checkout_at"),
        ),
        default=F("completed_at"),
    )


def wait_times(user: User, filters: Filters) -> WaitReport:
    """Phase durations of completed visits, summarised by provider, location and part of day.

    Only visits whose status is "done" (completed) count; within them each phase counts
    the visits that have both its time stamps. Part of day is that of the scheduled start.
    The database works out each visit's minutes (``Epoch``), in the order of
    ``kpis.PHASES``; Python sorts them for the percentiles, month by month: a month's
    sorted minutes are kept while its visits are unchanged (`_remembered`).
    """
    tz = practice_zone()

    def completed(period: Filters) -> QuerySet[Appointment]:
        return appointments(user, period, tz).filter(status=AppointmentStatus.COMPLETED)

    monthly = _monthly("wait", completed, filters, tz, lambda rows, _: _wait_values(rows, tz))
    # The months merged are kept too, while no month changed.
    figures = _remembered(
        monthly.key and ("merged", *monthly.key), monthly.state, lambda: _merged(monthly.months)
    )
    ids = {
        dimension: [k for d, k in figures if d == dimension]
        for dimension in ("provider", "location")
    }
    providers = _names(Provider, ids["provider"])
    locations = _names(Location, ids["location"])
    return WaitReport(
        visits=figures["all", None][0] if ("all", None) in figures else 0,
        overall=_group("All visits", figures.get(("all", None))),
        by_provider=sorted(
            (_group(providers[k], figures["provider", k]) for k in ids["provider"]),
            key=lambda g: g.label,
        ),
        by_location=sorted(
            (_group(locations[k], figures["location", k]) for k in ids["location"]),
            key=lambda g: g.label,
        ),
        by_part_of_day=[
            _group(label, figures["part", key])
            for key, label in kpis.PART_OF_DAY.items()
            if ("part", key) in figures
        ],
    )


# --- no-shows and late cancellations -------------------------------------------------------


@dataclass
class AttendanceRow:
    label: str
    due: int
    no_shows: int
    late_cancels: int

    @property
    def no_show_rate(self) -> float | None:
        return kpis.rate(self.no_shows, self.due)

    @property
    def late_cancel_rate(self) -> float | None:
        return kpis.rate(self.late_cancels, self.due)


def rate_series(rows: list[AttendanceRow]) -> ChartSeries:
    """The no-show and late-cancellation rates (in %) of each row."""
    return ChartSeries(
        categories=[r.label for r in rows],
        series=[
            charts.Series("No-show rate", [_pct(r.no_show_rate) for r in rows]),
            charts.Series("Late-cancel rate", [_pct(r.late_cancel_rate) for r in rows]),
        ],
    )


@dataclass
class AttendanceReport:
    overall: AttendanceRow
    by_provider: list[AttendanceRow]
    by_location: list[AttendanceRow]
    by_month: list[AttendanceRow]


def due_appointments(
    user: User, filters: Filters, now: dt.datetime | None = None, tz: dt.tzinfo | None = None
) -> QuerySet:
    """Appointments that were due: started before now, not cancelled in advance.

    A cancellation counts as "in advance" unless it is flagged late (the patient cancelled
    inside the practice's late-cancel window). Late cancellations stay in the
    denominator and are counted on their own; no-shows are the status "no-show".
    """
    now = now or timezone.now()
    return (
        appointments(user, filters, tz)
        .filter(start__lt=now)
        .exclude(status=AppointmentStatus.CANCELLED, is_late_cancel=False)
    )


def _attendance(label: str, due: int, no_shows: int, late: int) -> AttendanceRow:
    return AttendanceRow(label=label, due=due, no_shows=no_shows, late_cancels=late)


def _months(filters: Filters) -> list[dt.date]:
    """The first day of each month the period touches."""
    months = []
    month = filters.start_date.replace(day=1)
    while month <= filters.end_date:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def attendance(user: User, filters: Filters, now: dt.datetime | None = None) -> AttendanceReport:
    """Due appointments, no-shows and late cancellations, counted by the database per
    provider, location and local month (a few hundred rows, whatever the period)."""
    tz = practice_zone()
    months = _months(filters)
    starts = [dt.datetime.combine(m, dt.time.min, tzinfo=tz) for m in months[1:]]
    rows = (
        due_appointments(user, filters, now, tz)
        .annotate(month=period_index("start", starts))
        .values("provider_id", "location_id", "month")
        .annotate(
            due=Count("pk"),
            no_shows=Count("pk", filter=Q(status=AppointmentStatus.NO_SHOW)),
            late=Count("pk", filter=Q(status=AppointmentStatus.CANCELLED, is_late_cancel=True)),
        )
        .order_by()
    )
    counters: dict[str, dict[Any, Counter]] = {
        "provider": defaultdict(Counter),
        "location": defaultdict(Counter),
        "month": defaultdict(Counter),
    }
    total: Counter = Counter()
    for row in rows:
        counts = Counter(due=row["due"], no_shows=row["no_shows"], late=row["late"])
        keys = {"provider": row["provider_id"], "location": row["location_id"]}
        keys["month"] = months[row["month"]]
        total.update(counts)
        for dimension, key in keys.items():
            counters[dimension][key].update(counts)

    def build(label: str, c: Counter) -> AttendanceRow:
        return _attendance(label, c["due"], c["no_shows"], c["late"])

    providers = _names(Provider, counters["provider"])
    locations = _names(Location, counters["location"])
    return AttendanceReport(
        overall=build("All appointments", total),
        by_provider=sorted(
            (build(providers[k], v) for k, v in counters["provider"].items()),
            key=lambda r: r.label,
        ),
        by_location=sorted(
            (build(locations[k], v) for k, v in counters["location"].items()),
            key=lambda r: r.label,
        ),
        by_month=[build(m.strftime("%b %Y"), counters["month"].get(m, Counter())) for m in months],
    )


# --- provider utilisation ------------------------------------------------------------------


@dataclass
class UtilisationRow:
    provider: str
    week: dt.date | None
    booked: float
    available: float

    @property
    def utilisation(self) -> float | None:
        return kpis.utilisation(self.booked, self.available)


@dataclass
class UtilisationReport:
    by_provider: list[UtilisationRow]
    by_week: list[UtilisationRow]

    @property
    def provider_series(self) -> ChartSeries:
        """Each provider's utilisation over the whole period, in %."""
        return ChartSeries(
            categories=[r.provider for r in self.by_provider],
            series=[charts.Series("Utilisation", [_pct(r.utilisation) for r in self.by_provider])],
        )

    @property
    def weekly_series(self) -> ChartSeries:
        """One series per provider: the weekly utilisation in %, None where nothing was open."""
        weeks = sorted({r.week for r in self.by_week if r.week})
        providers = sorted({r.provider for r in self.by_week}) if weeks else []
        lookup = {(r.provider, r.week): r.utilisation for r in self.by_week}
        return ChartSeries(
            categories=[as_date(w) for w in weeks],
            series=[charts.Series(p, [_pct(lookup.get((p, w))) for w in weeks]) for p in providers],
        )


def _booked(rows: QuerySet, period: Filters, tz: dt.tzinfo) -> dict[tuple[int, dt.date], float]:
    """Booked minutes of ``rows`` per (provider, Monday of the local week), summed by the
    database."""
    mondays = []
    monday = kpis.week_start(period.start_date) + dt.timedelta(days=7)
    while monday <= period.end_date:
        mondays.append(monday)
        monday += dt.timedelta(days=7)
    boundaries = [dt.datetime.combine(m, dt.time.min, tzinfo=tz) for m in mondays]
    weeks = [kpis.week_start(period.start_date), *mondays]
    sums = (
        rows.annotate(week=period_index("start", boundaries))
        .values("provider_id", "week")
        .annotate(seconds=Sum(Epoch("end") - Epoch("start"), output_field=FloatField()))
        .order_by()
        .values_list("provider_id", "week", "seconds")
    )
    return {(provider, weeks[week]): seconds / 60 for provider, week, seconds in sums}


def utilisation(user: User, filters: Filters) -> UtilisationReport:
    """Booked ÷ available minutes per provider per week (weeks start on Monday).

    Booked: the scheduled length of every appointment in the period that was not
    cancelled (no-shows and visits left without being seen held their time, so they
    count). Available: the providers' template blocks on each day of the period, minus
    time off, meetings, closures and the practice's public holidays.
    """
    tz = practice_zone()
    start, end = filters.bounds(tz)
    blocks_qs = TemplateBlock.objects.restrict(user, "view").filter(provider__is_active=True)
    if filters.location_id:
        blocks_qs = blocks_qs.filter(location_id=filters.location_id)
    if filters.provider_id:
        blocks_qs = blocks_qs.filter(provider_id=filters.provider_id)
    blocks = [
        EngineBlock(
            provider_id=b.provider_id,
            location_id=b.location_id,
            weekday=b.weekday,
            start=b.start,
            end=b.end,
            effective_from=b.effective_from,
            effective_to=b.effective_to,
        )
        for b in blocks_qs
    ]
    closed = book.engine_unavailability(start, end, filters.start_date, filters.end_date, tz)
    available = _remembered(
        ("available", str(tz), filters.start_date, filters.end_date, tuple(blocks), tuple(closed)),
        (),
        lambda: kpis.available_minutes(blocks, closed, filters.start_date, filters.end_date, tz),
    )

    def held(period: Filters) -> QuerySet[Appointment]:
        return (
            appointments(user, period, tz)
            .exclude(status=AppointmentStatus.CANCELLED)
            .filter(end__gt=F("start"))
        )

    booked: dict[tuple[int, dt.date], float] = defaultdict(float)
    monthly = _monthly("booked", held, filters, tz, lambda rows, piece: _booked(rows, piece, tz))
    for month in monthly.months:
        for week_key, minutes in month.items():
            booked[week_key] += minutes
    keys = set(available) | set(booked)
    names = _names(Provider, {k[0] for k in keys})
    by_week = sorted(
        (
            UtilisationRow(names[p], week, booked.get((p, week), 0.0), available.get((p, week), 0))
            for p, week in keys
        ),
        key=lambda r: (r.provider, r.week),
    )
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in by_week:
        totals[row.provider][0] += row.booked
        totals[row.provider][1] += row.available
    by_provider = [UtilisationRow(name, None, b, a) for name, (b, a) in sorted(totals.items())]
    return UtilisationReport(by_provider=by_provider, by_week=by_week)


# --- third-next-available ------------------------------------------------------------------


def appointment_types_for(user: User) -> QuerySet[AppointmentType]:
    return AppointmentType.objects.restrict(user, "view").filter(is_active=True).order_by("name")


def default_appointment_type(user: User) -> AppointmentType | None:
    """The most booked active type in the user's book (the usual established visit)."""
    types = appointment_types_for(user)
    counted = (
        Appointment.objects.restrict(user, "view")
        .filter(appointment_type__is_active=True)
        .values("appointment_type_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "appointment_type_id")
        .first()
    )
    if counted:
        return types.filter(pk=counted["appointment_type_id"]).first()
    return types.first()


@dataclass
class AccessRow:
    provider: str
    days: int | None
    third_slot: dt.datetime | None


@dataclass
class AccessReport:
    appointment_type: AppointmentType | None
    today: dt.date
    rows: list[AccessRow]
    horizon_days: int = ACCESS_HORIZON_DAYS

    @property
    def days_series(self) -> ChartSeries:
        """Days from today to each provider's third open slot (None: fewer than three)."""
        return ChartSeries(
            categories=[r.provider for r in self.rows],
            series=[charts.Series("Days", [r.days for r in self.rows])],
        )


def access(user: User, filters: Filters, today: dt.date | None = None) -> AccessReport:
    """The third-next-available report for the chosen visit type, or the most booked one.

    A chosen type the user may not see is refused naming the ``type`` parameter.
    """
    today = today or local_today()
    kind: AppointmentType | None = None
    if filters.appointment_type_id:
        kind = appointment_types_for(user).filter(pk=filters.appointment_type_id).first()
        if kind is None:
            raise ValidationError(
                {
                    "type": ValidationError(
                        f"No appointment type with id {filters.appointment_type_id}.",
                        code=ReportsErrorCode.UNKNOWN_APPOINTMENT_TYPE,
                    )
                }
            )
    kind = kind or default_appointment_type(user)
    rows = third_next_available(user, filters, kind, today) if kind else []
    return AccessReport(appointment_type=kind, today=today, rows=rows)


def third_next_available(
    user: User,
    filters: Filters,
    appointment_type: AppointmentType,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[AccessRow]:
    """Days from today to each provider's third open slot of the type (next 90 days)."""
    tz = practice_zone()
    today = today or local_today()
    providers = book.providers_for(user, filters.location_id)
    if filters.provider_id:
        providers = providers.filter(pk=filters.provider_id)
    kind = book.engine_type(appointment_type)
    allowed = kind.provider_ids
    if allowed:
        providers = providers.filter(pk__in=allowed)
    location_ids: list[int] | None = None
    if filters.location_id:
        location_ids = [filters.location_id]
    elif (scope := user.location_ids()) is not None:
        location_ids = sorted(scope)
    # The engine's calendar is read once for every provider (as open_slots reads it),
    # then searched provider by provider.
    chosen = list(providers.filter(Q(template_blocks__isnull=False)).distinct())
    end_date = today + dt.timedelta(days=ACCESS_HORIZON_DAYS)
    calendar = book.availability_calendar(
        start_date=today, end_date=end_date, provider_ids=[p.pk for p in chosen], tz=tz
    )
    now = now or timezone.now()
    out = []
    for provider in chosen:
        slots = calendar.find_slots(
            kind,
            start_date=today,
            end_date=end_date,
            now=now,
            provider_ids=[provider.pk],
            location_ids=location_ids,
            step=15,
            limit=3,
        )
        starts = [s.start for s in slots]
        days = kpis.third_next_available(today, starts, tz)
        third = starts[2].astimezone(tz) if days is not None else None
        out.append(AccessRow(provider=str(provider), days=days, third_slot=third))
    return sorted(out, key=lambda r: r.provider)
