"""The reports' home-page panels: the revenue KPIs (``billing.selectors.revenue_kpis``) with
their benchmark bands and 12-month trend charts (``reports.charts``)."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import mark_safe

from medoffice.billing.selectors.revenue_kpis import revenue_kpis
from medoffice.reports import charts


def _points(values: list[Any], scale: int) -> list[float | None]:
    return [None if v is None else float(v) * scale for v in values]


def revenue_panel(user: Any) -> dict[str, Any]:
    """The office manager's revenue figures: each with its latest value, band, benchmark,
    and two line charts of the 12 months (days in A/R; the rates in %)."""
    data = revenue_kpis(user)
    categories = [f"{m:%b %Y}" for m in data.months]
    days = data.figure("days_in_ar")
    rates = [f for f in data.figures if f.unit == "rate"]
    days_chart = charts.line_chart(
        title="Days in A/R by month",
        desc="The A/R at each month's end divided by that month's adjusted charges per day.",
        categories=categories,
        series=[charts.Series(days.label, _points(days.series, 1))],
        x_label="Month",
        y_label="Days",
    )
    rates_chart = charts.line_chart(
        title="Revenue rates by month",
        desc="Each rate of the panel by month, in %; a gap where it cannot be worked out.",
        categories=categories,
        series=[charts.Series(f.label, _points(f.series, 100)) for f in rates],
        x_label="Month",
        y_label="%",
    )
    return {
        "figures": data.figures,
        "ar": data.ar,
        # charts.py escapes every label it draws: its SVG is safe to insert as it is.
        "days_chart": mark_safe(days_chart),  # noqa: S308
        "rates_chart": mark_safe(rates_chart),  # noqa: S308
    }
