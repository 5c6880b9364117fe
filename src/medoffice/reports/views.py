"""The front-office reports: wait times, no-shows and late cancellations, provider
utilisation and third-next-available. Thin: parse the filters, call a selector, draw the
charts, render the page (or its body for htmx, or a CSV with ``?format=csv``)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from medoffice.core.audit import record_event
from medoffice.core.formats import as_date, as_datetime
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import csv_cell
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission
from medoffice.reports import charts, kpis, selectors
from medoffice.reports.forms import ReportFilterForm

PERMISSION = Permission.VIEW_REPORTS


@dataclass(slots=True)
class Cell:
    display: str
    raw: Any = ""
    numeric: bool = True


@dataclass
class Section:
    """One chart with the table of its figures under it (and its share of the CSV)."""

    title: str
    headers: list[str]
    rows: list[list[Cell]]
    chart: str = ""
    # The page's header in two rows where columns come in groups (the wait times' phases):
    # each a list of (label, columns spanned, rows spanned). The CSV keeps ``headers``.
    header_rows: list[list[tuple[str, int, int]]] = field(default_factory=list)

    def body(self) -> SafeString:
        """The table's rows as HTML, built here rather than in the template: a year by
        week is hundreds of rows, which the template language takes long to loop over.
        Every figure and label is escaped (``html.escape``)."""
        out = []
        for row in self.rows:
            cells = "".join(
                f'<td class="text-end">{escape(c.display)}</td>'
                if c.numeric
                else f"<td>{escape(c.display)}</td>"
                for c in row[1:]
            )
            out.append(f'<tr><th scope="row">{escape(row[0].display)}</th>{cells}</tr>')
        return mark_safe("".join(out))  # noqa: S308 - escaped above


@dataclass
class Report:
    slug: str
    title: str
    sections: list[Section] = field(default_factory=list)
    dated: bool = True  # filtered by a period (third-next-available looks ahead from today)


def _svg(markup: str) -> SafeString:
    """charts.py escapes every label it draws, so its SVG is safe to insert as it is."""
    return mark_safe(markup)  # noqa: S308


def text(value: str) -> Cell:
    return Cell(value, value, numeric=False)


def number(value: float | None, digits: int = 0) -> Cell:
    if value is None:
        return Cell("—", "")
    return Cell(f"{value:,.{digits}f}", round(value, 1))


def percent(value: float | None) -> Cell:
    return Cell(kpis.as_percent(value), "" if value is None else round(value * 100, 1))


def _filter_form(
    request: AuthenticatedRequest, today: dt.date, with_type: bool = False
) -> ReportFilterForm:
    data: QueryDict = request.GET.copy()
    default = selectors.Filters.default(today)
    if not data.get("date_to"):
        data["date_to"] = default.end_date.isoformat()
    if not data.get("date_from"):
        data["date_from"] = default.start_date.isoformat()
    return ReportFilterForm(data, user=request.user, with_type=with_type)


def _respond(
    request: AuthenticatedRequest,
    report: Report,
    form: ReportFilterForm,
    filters: selectors.Filters,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    if _wants_csv(request):
        return _csv(request, report, filters)
    query = request.GET.copy()
    query.pop("format", None)
    context = {
        "title": report.title,
        "report": report,
        "form": form,
        "filters": filters,
        "query": query.urlencode(),
        **(extra or {}),
    }
    template = f"reports/{report.slug}.html"
    if request.htmx:
        template += "#body"
    return render(request, template, context)


def _plotted(data: selectors.ChartSeries) -> dict[str, Any]:
    """A report's chart series as the chart functions take them."""
    return {"categories": data.categories, "series": data.series}


def _csv(request: AuthenticatedRequest, report: Report, filters: selectors.Filters) -> HttpResponse:
    rows = sum(len(s.rows) for s in report.sections)
    period = (
        f"period {filters.start_date:%Y-%m-%d} to {filters.end_date:%Y-%m-%d}"
        if report.dated
        else f"from today {filters.end_date:%Y-%m-%d}"
    )
    record_event(
        AuditAction.EXPORT,
        user=request.user,
        object_type="report",
        object_id=report.slug,
        data_category="report",
        detail=(
            f"CSV export of the {report.title} report, {rows} rows; {period}; "
            f"location {filters.location_id or 'all'}; provider {filters.provider_id or 'all'}"
        ),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="{report.slug}-{stamp}.csv"'
    writer = csv.writer(response)
    headers = report.sections[0].headers if report.sections else []
    writer.writerow(["Grouped by", *headers])
    for section in report.sections:
        for row in section.rows:
            writer.writerow([section.title, *(csv_cell(c.raw) for c in row)])
    return response


def _period(filters: selectors.Filters) -> str:
    return f"{as_date(filters.start_date)} to {as_date(filters.end_date)}"


# --- index ------------------------------------------------------------------------------------


@require_safe
@permission_required(PERMISSION, raise_exception=True)
def index(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "reports/index.html", {"title": "Front-office reports"})


# --- wait times -------------------------------------------------------------------------------

WAIT_HEADERS = ["Group", "Visits"] + [
    f"{label} {what}" for label in kpis.PHASES.values() for what in ("n", "median min", "p90 min")
]
WAIT_HEADER_ROWS = [
    [("Group", 1, 2), ("Visits", 1, 2)] + [(label, 3, 1) for label in kpis.PHASES.values()],
    [(what, 1, 1) for _ in kpis.PHASES for what in ("n", "Median min", "p90 min")],
]


def _wait_section(title: str, groups: Sequence[selectors.WaitGroup], x_label: str) -> Section:
    rows = []
    for g in groups:
        cells = [text(g.label), number(g.visits)]
        for key in kpis.PHASES:
            summary = g.phases[key]
            cells += [number(summary.count), number(summary.median, 1), number(summary.p90, 1)]
        rows.append(cells)
    chart = ""
    if groups:
        chart = charts.bar_chart(
            title=f"Median wait by phase, {title.lower()}",
            desc=(
                "Grouped bars: for each group, the median minutes of each phase of the visit. "
                "The table below gives the same figures with the 90th percentiles."
            ),
            **_plotted(selectors.median_series(list(groups))),
            x_label=x_label,
            y_label="Median minutes",
        )
    return Section(
        title=title,
        headers=WAIT_HEADERS,
        rows=rows,
        chart=_svg(chart),
        header_rows=WAIT_HEADER_ROWS,
    )


@require_safe
@permission_required(PERMISSION, raise_exception=True)
def wait_times(request: AuthenticatedRequest) -> HttpResponse:
    today = selectors.local_today()
    form = _filter_form(request, today)
    filters = form.filters(today)
    data = selectors.wait_times(request.user, filters)
    report = Report("wait-times", "Wait times")
    report.sections = [
        _wait_section("All visits", [data.overall] if data.visits else [], "All visits"),
        _wait_section("By provider", data.by_provider, "Provider"),
        _wait_section("By location", data.by_location, "Location"),
        _wait_section("By part of day", data.by_part_of_day, "Part of day (scheduled start)"),
    ]
    return _respond(request, report, form, filters, {"visits": data.visits})


# --- no-shows and late cancellations ---------------------------------------------------------

ATTENDANCE_HEADERS = [
    "Group",
    "Due appointments",
    "No-shows",
    "No-show rate %",
    "Late cancellations",
    "Late-cancel rate %",
]


def _attendance_rows(rows: Sequence[selectors.AttendanceRow]) -> list[list[Cell]]:
    return [
        [
            text(r.label),
            number(r.due),
            number(r.no_shows),
            percent(r.no_show_rate),
            number(r.late_cancels),
            percent(r.late_cancel_rate),
        ]
        for r in rows
    ]


def _rate_bars(title: str, rows: Sequence[selectors.AttendanceRow], x_label: str) -> str:
    if not rows:
        return ""
    return _svg(
        charts.bar_chart(
            title=title,
            desc="Bars: the no-show rate and the late-cancellation rate of each group, in %.",
            **_plotted(selectors.rate_series(list(rows))),
            x_label=x_label,
            y_label="% of due appointments",
        )
    )


@require_safe
@permission_required(PERMISSION, raise_exception=True)
def no_shows(request: AuthenticatedRequest) -> HttpResponse:
    today = selectors.local_today()
    form = _filter_form(request, today)
    filters = form.filters(today)
    data = selectors.attendance(request.user, filters)
    months = data.by_month
    trend = charts.line_chart(
        title="No-show and late-cancellation rates by month",
        desc=(
            "Lines: the monthly no-show rate and late-cancellation rate, in % of the "
            "appointments that were due that month. A gap means no appointment was due."
        ),
        **_plotted(selectors.rate_series(months)),
        x_label="Month",
        y_label="% of due appointments",
    )
    report = Report("no-shows", "No-shows and late cancellations")
    report.sections = [
        Section("All appointments", ATTENDANCE_HEADERS, _attendance_rows([data.overall])),
        Section("By month", ATTENDANCE_HEADERS, _attendance_rows(months), chart=_svg(trend)),
        Section(
            "By provider",
            ATTENDANCE_HEADERS,
            _attendance_rows(data.by_provider),
            chart=_rate_bars(
                "No-show and late-cancel rates by provider", data.by_provider, "Provider"
            ),
        ),
        Section(
            "By location",
            ATTENDANCE_HEADERS,
            _attendance_rows(data.by_location),
            chart=_rate_bars(
                "No-show and late-cancel rates by location", data.by_location, "Location"
            ),
        ),
    ]
    return _respond(request, report, form, filters, {"overall": data.overall})


# --- utilisation ----------------------------------------------------------------------------

UTILISATION_HEADERS = [
    "Provider",
    "Week of",
    "Booked minutes",
    "Available minutes",
    "Utilisation %",
]


def _utilisation_rows(rows: Sequence[selectors.UtilisationRow]) -> list[list[Cell]]:
    # A year by week is over a thousand rows on about 53 weeks: each week's label once.
    labels = {r.week: as_date(r.week) if r.week else "Whole period" for r in rows}
    return [
        [
            Cell(r.provider, r.provider, numeric=False),
            Cell(labels[r.week], labels[r.week], numeric=False),
            number(r.booked),
            number(r.available),
            percent(r.utilisation),
        ]
        for r in rows
    ]


def _wants_csv(request: AuthenticatedRequest) -> bool:
    return request.GET.get("format") == "csv"


@require_safe
@permission_required(PERMISSION, raise_exception=True)
def utilisation(request: AuthenticatedRequest) -> HttpResponse:
    today = selectors.local_today()
    form = _filter_form(request, today)
    filters = form.filters(today)
    data = selectors.utilisation(request.user, filters)
    chart = ""
    weekly = ""
    if not _wants_csv(request):  # the CSV has the figures only: no chart is drawn for it
        if data.by_provider:
            chart = charts.bar_chart(
                title="Provider utilisation over the period",
                desc="Bars: booked minutes as a % of available template minutes, per provider.",
                **_plotted(data.provider_series),
                x_label="Provider",
                y_label="% of available minutes booked",
            )
        weekly_series = data.weekly_series
        if weekly_series.categories:
            weekly = charts.line_chart(
                title="Provider utilisation by week",
                desc=(
                    "Lines: each provider's weekly utilisation in %; a gap means no available time."
                ),
                **_plotted(weekly_series),
                x_label="Week starting (Monday)",
                y_label="% of available minutes booked",
            )
    report = Report("utilisation", "Provider utilisation")
    report.sections = [
        Section(
            "Whole period",
            UTILISATION_HEADERS,
            _utilisation_rows(data.by_provider),
            chart=_svg(chart),
        ),
        Section(
            "By week",
            UTILISATION_HEADERS,
            _utilisation_rows(data.by_week),
            chart=_svg(weekly),
        ),
    ]
    return _respond(request, report, form, filters)


# --- third-next-available -------------------------------------------------------------------

ACCESS_HEADERS = ["Provider", "Visit type", "Days to third next available", "Third open slot"]


@require_safe
@permission_required(PERMISSION, raise_exception=True)
def access(request: AuthenticatedRequest) -> HttpResponse:
    today = selectors.local_today()
    form = _filter_form(request, today, with_type=True)
    filters = form.filters(today)
    data = selectors.access(request.user, filters, today)
    kind, rows = data.appointment_type, data.rows
    chart = ""
    if rows:
        chart = charts.bar_chart(
            title=f"Third next available {kind}, days from today",
            desc=(
                "Bars: for each provider, the number of days from today to the third open "
                f"slot for a {kind}. No bar: fewer than three open slots in the next "
                f"{selectors.ACCESS_HORIZON_DAYS} days."
            ),
            **_plotted(data.days_series),
            x_label="Provider",
            y_label="Days",
        )
    label = str(kind) if kind else ""
    table = [
        [
            text(r.provider),
            text(label),
            number(r.days)
            if r.days is not None
            else Cell(f"none in {selectors.ACCESS_HORIZON_DAYS} days", ""),
            text(as_datetime(r.third_slot) if r.third_slot else "—"),
        ]
        for r in rows
    ]
    report = Report("access", "Third-next-available appointment", dated=False)
    report.sections = [
        Section("By provider", ACCESS_HEADERS, table, chart=_svg(chart)),
    ]
    return _respond(
        request,
        report,
        form,
        filters,
        {"appointment_type": kind, "today": today, "horizon": selectors.ACCESS_HORIZON_DAYS},
    )
