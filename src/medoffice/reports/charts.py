"""Server-rendered SVG charts: grouped bars and lines. Pure module: no Django import.

Each chart is one ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (named by
``aria-labelledby``), labelled axes and a legend. Colours are SVG ``fill``/``stroke``
attributes (the content-security policy forbids inline styles, not presentation
attributes). The page prints the same figures in a table under each chart, so the
chart is never the only way to read them. Missing values (None) draw no bar or point.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Distinguishable on white and for common colour-vision deficiencies (Okabe–Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]

WIDTH = 720
HEIGHT = 320
MARGIN_LEFT = 64
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 72
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def nice_max(value: float) -> float:
    """A round axis top at or above ``value`` (1, 2, 2.5, 5 × a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value) >= 1 or value == 0 else f"{value:.2g}"


def _header(chart_id: str, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="report-chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'data-testid="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _axes(y_top: float, x_label: str, y_label: str) -> list[str]:
    left, bottom = MARGIN_LEFT, HEIGHT - MARGIN_BOTTOM
    plot_h = bottom - MARGIN_TOP
    parts = [
        f'<line x1="{left}" y1="{MARGIN_TOP}" x2="{left}" y2="{bottom}" stroke="#444"/>',
        f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - MARGIN_RIGHT}" y2="{bottom}" '
        f'stroke="#444"/>',
    ]
    for i in range(5):
        value = y_top * i / 4
        y = bottom - plot_h * i / 4
        label = _fmt(value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y:.1f}" '
            f'stroke="#ddd"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{escape(label)}</text>"
        )
    parts.append(
        f'<text x="14" y="{MARGIN_TOP + plot_h / 2:.1f}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 14 {MARGIN_TOP + plot_h / 2:.1f})" class="axis-label">'
        f"{escape(y_label)}</text>"
    )
    parts.append(
        f'<text x="{(left + WIDTH - MARGIN_RIGHT) / 2:.1f}" y="{HEIGHT - 6}" '
        f'text-anchor="middle" font-size="12" class="axis-label">{escape(x_label)}</text>'
    )
    return parts


def _legend(series: Sequence[Series]) -> list[str]:
    parts = []
    x = MARGIN_LEFT
    y = HEIGHT - 28
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{y}" font-size="11">{escape(s.name)}</text>')
        x += 24 + 7 * len(s.name)
    return parts


def _category_label(x: float, y: float, text: str) -> str:
    short = text if len(text) <= 18 else text[:17] + "…"
    return (
        f'<text x="{x:.1f}" y="{y}" text-anchor="middle" font-size="11">'
        f"<title>{escape(text)}</title>{escape(short)}</text>"
    )


def _top(series: Sequence[Series]) -> float:
    values = [v for s in series for v in s.values if v is not None]
    return nice_max(max(values, default=0))


def bar_chart(
    *,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    x_label: str,
    y_label: str,
) -> str:
    """Grouped vertical bars: one group per category, one bar per series."""
    chart_id = f"chart-{next(_ids)}"
    top = _top(series)
    parts = _header(chart_id, title, desc) + _axes(top, x_label, y_label)
    left, bottom = MARGIN_LEFT, HEIGHT - MARGIN_BOTTOM
    plot_w = WIDTH - MARGIN_RIGHT - left
    plot_h = bottom - MARGIN_TOP
    n_cat = max(len(categories), 1)
    group_w = plot_w / n_cat
    bar_w = group_w * 0.8 / max(len(series), 1)
    for c, name in enumerate(categories):
        gx = left + group_w * c + group_w * 0.1
        for i, s in enumerate(series):
            value = s.values[c] if c < len(s.values) else None
            if value is None:
                continue
            h = plot_h * min(max(value, 0) / top, 1)
            label = _fmt(round(value, 1))
            parts.append(
                f'<rect x="{gx + bar_w * i:.1f}" y="{bottom - h:.1f}" width="{bar_w * 0.92:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[i % len(PALETTE)]}">'
                f"<title>{escape(s.name)}, {escape(name)}: {escape(label)}</title></rect>"
            )
        parts.append(_category_label(left + group_w * c + group_w / 2, bottom + 16, name))
    if len(series) > 1:
        parts += _legend(series)
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    *,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    x_label: str,
    y_label: str,
) -> str:
    """One line per series over the categories (e.g. months); gaps where a value is None."""
    chart_id = f"chart-{next(_ids)}"
    top = _top(series)
    parts = _header(chart_id, title, desc) + _axes(top, x_label, y_label)
    left, bottom = MARGIN_LEFT, HEIGHT - MARGIN_BOTTOM
    plot_w = WIDTH - MARGIN_RIGHT - left
    plot_h = bottom - MARGIN_TOP
    n_cat = max(len(categories), 1)
    step = plot_w / n_cat

    def xy(c: int, value: float) -> tuple[float, float]:
        return left + step * c + step / 2, bottom - plot_h * min(max(value, 0) / top, 1)

    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        run: list[str] = []
        for c, value in enumerate(s.values):
            if value is None:
                if len(run) > 1:
                    parts.append(_polyline(run, colour))
                run = []
                continue
            x, y = xy(c, value)
            run.append(f"{x:.1f},{y:.1f}")
            label = _fmt(round(value, 1))
            name = categories[c] if c < len(categories) else ""
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">'
                f"<title>{escape(s.name)}, {escape(name)}: {escape(label)}</title></circle>"
            )
        if len(run) > 1:
            parts.append(_polyline(run, colour))
    for c, name in enumerate(categories):
        parts.append(_category_label(left + step * c + step / 2, bottom + 16, name))
    if len(series) > 1:
        parts += _legend(series)
    parts.append("</svg>")
    return "".join(parts)


def _polyline(points: list[str], colour: str) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>'
