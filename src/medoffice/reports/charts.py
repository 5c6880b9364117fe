"""Server-rendered SVG charts: grouped bars and lines. Pure module: no Django import.

Each chart is one ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (named by
``aria-labelledby``), labelled axes and a legend. Colours and fonts are SVG presentation
attributes (the content-security policy forbids inline styles and scripts, not
attributes), so the same markup renders in the page and in a WeasyPrint PDF. The page
prints the same figures in a table under each chart, so the chart is never the only way
to read them. A missing value (None) draws no bar or point; a zero draws a stub on the
baseline with its "0".

Labels never overlap and never leave the picture. Text is measured with the advance
widths of the font the chart names (Liberation Sans, metric-compatible with Arial and
Helvetica), with a margin for a fallback font. The layout (``bar_layout``/``line_layout``)
works out where every label goes before anything is drawn:

- category labels sit on one line when they fit their slot, else wrap onto two lines,
  else turn to run upwards (vertical); a label that is still too long is shortened with
  "…", its full text in a ``<title>`` (the browser shows it on hover);
- the chart grows wider when there are too many categories for even vertical labels;
- the left margin follows the longest axis figure, the bottom the tallest label;
- legend entries wrap onto as many lines as they need.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

# Distinguishable on white and for common colour-vision deficiencies (Okabe–Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]

FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"
FONT_SIZE = 11  # labels, figures, legend
TITLE_SIZE = 12  # the axis titles
LINE_HEIGHT = 14  # one line of 11 px text, with its leading

WIDTH = 720  # at least; more when many categories need the room
PLOT_HEIGHT = 232
MARGIN_TOP = 18  # room for the figure over the tallest bar
MARGIN_RIGHT = 16
PAD = 6  # between an axis and its figures, between blocks
SLOT_GAP = 4  # between neighbouring category labels
MAX_LINES = 2  # a horizontal label wraps onto at most this many lines
MAX_VERTICAL = 150.0  # the longest a vertical label may run before it is shortened
MAX_LEGEND_ENTRY = 260.0
STUB = 2.0  # the height of a zero bar
ELLIPSIS = "…"

_ADVANCES = """
            278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278
            556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556
            1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778
            667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556
            333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556
            556 556 333 500 278 556 500 722 500 500 500 334 260 334 584
"""
# Advance widths in thousandths of an em of Helvetica/Arial (Liberation Sans has the same).
_WIDTHS = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
        "abcdefghijklmnopqrstuvwxyz{|}~",
        map(int, _ADVANCES.split()),
        strict=True,
    )
) | {"…": 1000, "–": 556, "—": 1000, "×": 584, "’": 222, "‘": 222, "·": 278}
_UNKNOWN = 1000  # a character the table lacks: as wide as an em, to be safe
SAFETY = 1.08  # a fallback font may run a little wider than the table
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


# --- measuring text -------------------------------------------------------------------------


def _char_width(char: str) -> float:
    if char in _WIDTHS:
        return _WIDTHS[char]
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1000
    base = unicodedata.normalize("NFD", char)[0]  # é measures as e
    return _WIDTHS.get(base, _UNKNOWN)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width ``text`` takes at ``size`` px, measured generously."""
    return sum(_char_width(c) for c in text) * size / 1000 * SAFETY


def shorten(text: str, width: float, size: float = FONT_SIZE) -> str:
    """``text``, cut and ended with "…" when it is wider than ``width``."""
    if text_width(text, size) <= width:
        return text
    kept = ""
    for char in text:
        if text_width(kept + char + ELLIPSIS, size) > width:
            break
        kept += char
    return kept.rstrip() + ELLIPSIS


def wrap(text: str, width: float, lines: int = MAX_LINES, size: float = FONT_SIZE) -> list[str]:
    """``text`` in at most ``lines`` lines no wider than ``width``; the last one shortened
    with "…" if the words do not fit."""
    words = text.split()
    out: list[str] = []
    while words and len(out) < lines:
        line = words.pop(0)
        while words and text_width(f"{line} {words[0]}", size) <= width:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        out[-1] = out[-1] + " " + " ".join(words)
    return [shorten(line, width, size) for line in out] or [""]


# --- layout ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A rectangle of the picture: left, top, width, height."""

    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )

    def inside(self, width: float, height: float) -> bool:
        return (
            self.x >= 0 and self.y >= 0 and self.x + self.w <= width and self.y + self.h <= height
        )


@dataclass(frozen=True)
class Label:
    """A piece of text placed in the picture: its lines, its anchor, its box."""

    lines: list[str]
    full: str  # the whole text, for the <title> when the lines shorten it
    x: float
    y: float  # baseline of the first line
    anchor: str  # "start", "middle" or "end"
    box: Box
    vertical: bool = False
    size: float = FONT_SIZE
    css: str = ""

    def svg(self) -> str:
        attrs = (
            f'x="{self.x:.1f}" y="{self.y:.1f}" text-anchor="{self.anchor}" font-size="{self.size}"'
        )
        if self.vertical:
            attrs += f' transform="rotate(-90 {self.x:.1f} {self.y:.1f})"'
        if self.css:
            attrs += f' class="{self.css}"'
        shortened = " ".join(self.lines) != self.full
        title = f"<title>{escape(self.full)}</title>" if shortened or self.css == "category" else ""
        if len(self.lines) == 1:
            return f"<text {attrs}>{title}{escape(self.lines[0])}</text>"
        spans = "".join(
            f'<tspan x="{self.x:.1f}" dy="{0 if i == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
            for i, line in enumerate(self.lines)
        )
        return f"<text {attrs}>{title}{spans}</text>"


@dataclass
class Layout:
    """Where everything of a chart goes, worked out before drawing."""

    width: float
    height: float
    left: float  # the y axis
    bottom: float  # the x axis
    slot: float  # the width of one category
    y_top: float
    labels: list[Label] = field(default_factory=list)  # every piece of text but the title
    legend_keys: list[Box] = field(default_factory=list)

    @property
    def right(self) -> float:
        return self.width - MARGIN_RIGHT

    def slot_centre(self, c: int) -> float:
        return self.left + self.slot * c + self.slot / 2

    def y_of(self, value: float) -> float:
        return self.bottom - PLOT_HEIGHT * min(max(value, 0) / self.y_top, 1)


def nice_max(value: float) -> float:
    """A round axis top at or above ``value`` (1, 2, 2.5, 5 × a power of ten)."""
    if not value > 1e-9:  # nothing, or too little to draw (a subnormal float)
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _axis_top(values: Sequence[float]) -> float:
    top = nice_max(max(values, default=0))
    return top if math.isfinite(top) else max(values)


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value) >= 1 or value == 0 else f"{value:.2g}"


def _category_labels(
    categories: Sequence[str], left: float, slot: float, top: float
) -> list[Label]:
    """The categories' labels under the axis: one line, two, or vertical, as they fit."""
    room = slot - SLOT_GAP
    fits_flat = all(
        " ".join(wrap(name, room)) == " ".join(name.split()) and len(wrap(name, room)) <= MAX_LINES
        for name in categories
    )
    out = []
    for c, name in enumerate(categories):
        centre = left + slot * c + slot / 2
        if fits_flat:
            lines = wrap(name, room)
            w = max(text_width(line) for line in lines)
            box = Box(centre - w / 2, top, w, LINE_HEIGHT * len(lines))
            out.append(Label(lines, name, centre, top + FONT_SIZE, "middle", box, css="category"))
        else:
            line = shorten(" ".join(name.split()), MAX_VERTICAL)
            w = text_width(line)
            # Rotated -90° about its anchor (the end of the text, at the top): the text runs
            # upwards from ``top + w`` to ``top``, its glyphs left of the anchor's x.
            x = centre + FONT_SIZE / 2 - 2
            box = Box(x - FONT_SIZE, top, FONT_SIZE + 3, w)
            out.append(Label([line], name, x, top, "end", box, vertical=True, css="category"))
    return out


def _legend(
    series: Sequence[Series], left: float, right: float, top: float
) -> tuple[list[Label], list[Box]]:
    """Legend entries left to right, wrapping onto new lines; each key a 10 px square."""
    labels, keys = [], []
    x, y = left, top
    for s in series:
        name = shorten(s.name, min(MAX_LEGEND_ENTRY, right - left - 14))
        w = 14 + text_width(name)
        if x > left and x + w > right:
            x, y = left, y + LINE_HEIGHT + 2
        keys.append(Box(x, y + 1, 10, 10))
        box = Box(x + 14, y, text_width(name), LINE_HEIGHT)
        labels.append(Label([name], s.name, x + 14, y + FONT_SIZE, "start", box))
        x += w + 12
    return labels, keys


def _layout(
    categories: Sequence[str], series: Sequence[Series], x_label: str, y_label: str
) -> Layout:
    values = [v for s in series for v in s.values if v is not None and math.isfinite(v)]
    y_top = _axis_top(values)
    ticks = [_fmt(y_top * i / 4) for i in range(5)]
    left = PAD + LINE_HEIGHT + PAD + max(text_width(t) for t in ticks) + PAD
    n = max(len(categories), 1)
    # Room enough for vertical labels side by side, at the least.
    min_slot = FONT_SIZE + 2 + SLOT_GAP + 2
    width = max(WIDTH, math.ceil(left + n * min_slot + MARGIN_RIGHT))
    slot = (width - MARGIN_RIGHT - left) / n
    bottom = MARGIN_TOP + PLOT_HEIGHT
    layout = Layout(width=width, height=0, left=left, bottom=bottom, slot=slot, y_top=y_top)
    # The axis figures, right-aligned against the axis.
    for i, tick in enumerate(ticks):
        y = bottom - PLOT_HEIGHT * i / 4
        w = text_width(tick)
        box = Box(left - PAD - w, y - FONT_SIZE / 2 - 1, w, LINE_HEIGHT - 2)
        layout.labels.append(Label([tick], tick, left - PAD, y + 4, "end", box))
    # The y axis' title runs upwards along the left edge, centred on the plot.
    y_title = shorten(y_label, PLOT_HEIGHT, TITLE_SIZE)
    tw = text_width(y_title, TITLE_SIZE)
    cx, cy = PAD + TITLE_SIZE, MARGIN_TOP + PLOT_HEIGHT / 2
    box = Box(cx - TITLE_SIZE, cy - tw / 2, TITLE_SIZE + 3, tw)
    layout.labels.append(
        Label(
            [y_title],
            y_label,
            cx,
            cy,
            "middle",
            box,
            vertical=True,
            size=TITLE_SIZE,
            css="axis-label",
        )
    )
    cats = _category_labels(categories, left, slot, bottom + PAD)
    layout.labels += cats
    y = max((label.box.y + label.box.h for label in cats), default=bottom + PAD) + PAD
    # The x axis' title under the labels, centred on the plot.
    x_title = shorten(x_label, layout.right - left, TITLE_SIZE)
    tw = text_width(x_title, TITLE_SIZE)
    centre = (left + layout.right) / 2
    box = Box(centre - tw / 2, y, tw, LINE_HEIGHT + 1)
    layout.labels.append(
        Label(
            [x_title],
            x_label,
            centre,
            y + TITLE_SIZE,
            "middle",
            box,
            size=TITLE_SIZE,
            css="axis-label",
        )
    )
    y += LINE_HEIGHT + 1 + PAD
    if len(series) > 1:
        legend, keys = _legend(series, left, layout.right, y)
        layout.labels += legend
        layout.legend_keys = keys
        y = max(label.box.y + label.box.h for label in legend) + PAD
    layout.height = math.ceil(y)
    return layout


def bar_layout(
    categories: Sequence[str], series: Sequence[Series], x_label: str, y_label: str
) -> Layout:
    """The layout of a grouped bar chart, with the figures over the bars that have room."""
    layout = _layout(categories, series, x_label, y_label)
    for _c, _name, _i, value, x, w in _bars(layout, categories, series):
        figure = _fmt(round(value, 1))
        fw = text_width(figure)
        if fw <= w:  # no wider than its bar: neighbours' figures keep the bars' gap
            top = layout.y_of(value) if value > 0 else layout.bottom - STUB
            centre = x + w / 2
            box = Box(centre - fw / 2, top - 2 - FONT_SIZE, fw, FONT_SIZE)
            layout.labels.append(
                Label([figure], figure, centre, top - 3, "middle", box, css="figure")
            )
    return layout


def line_layout(
    categories: Sequence[str], series: Sequence[Series], x_label: str, y_label: str
) -> Layout:
    return _layout(categories, series, x_label, y_label)


def _bars(
    layout: Layout, categories: Sequence[str], series: Sequence[Series]
) -> list[tuple[int, str, int, float, float, float]]:
    """(category, its name, series, value, left, width) of every bar drawn."""
    n_series = max(len(series), 1)
    bar_w = layout.slot * 0.8 / n_series
    out = []
    for c, name in enumerate(categories):
        gx = layout.left + layout.slot * c + layout.slot * 0.1
        for i, s in enumerate(series):
            value = s.values[c] if c < len(s.values) else None
            if value is None or not math.isfinite(value):
                continue
            out.append((c, name, i, value, gx + bar_w * i, bar_w * 0.92))
    return out


# --- drawing --------------------------------------------------------------------------------


def _header(chart_id: str, layout: Layout, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {layout.width:g} {layout.height:g}" '
        f'width="{layout.width:g}" height="{layout.height:g}" '
        f'font-family="{FONT_FAMILY}" class="report-chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" data-testid="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _axes(layout: Layout) -> list[str]:
    left, bottom, right = layout.left, layout.bottom, layout.right
    parts = []
    for i in range(1, 5):
        y = bottom - PLOT_HEIGHT * i / 4
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
    parts += [
        f'<line x1="{left:.1f}" y1="{MARGIN_TOP}" x2="{left:.1f}" y2="{bottom}" stroke="#444"/>',
        f'<line x1="{left:.1f}" y1="{bottom}" x2="{right:.1f}" y2="{bottom}" stroke="#444"/>',
    ]
    return parts


def _texts(layout: Layout, series: Sequence[Series]) -> list[str]:
    parts = [label.svg() for label in layout.labels]
    for i, key in enumerate(layout.legend_keys):
        parts.append(
            f'<rect x="{key.x:.1f}" y="{key.y:.1f}" width="{key.w:g}" height="{key.h:g}" '
            f'fill="{PALETTE[i % len(PALETTE)]}" class="legend-key"/>'
        )
    return parts


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
    layout = bar_layout(categories, series, x_label, y_label)
    parts = _header(chart_id, layout, title, desc) + _axes(layout)
    for _c, name, i, value, x, w in _bars(layout, categories, series):
        top = layout.y_of(value) if value > 0 else layout.bottom - STUB
        h = layout.bottom - top
        figure = _fmt(round(value, 1))
        parts.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'fill="{PALETTE[i % len(PALETTE)]}" class="bar">'
            f"<title>{escape(series[i].name)}, {escape(name)}: {escape(figure)}</title></rect>"
        )
    parts += _texts(layout, series)
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
    layout = line_layout(categories, series, x_label, y_label)
    parts = _header(chart_id, layout, title, desc) + _axes(layout)
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        run: list[str] = []
        for c, value in enumerate(s.values):
            if value is None or not math.isfinite(value):
                if len(run) > 1:
                    parts.append(_polyline(run, colour))
                run = []
                continue
            x, y = layout.slot_centre(c), layout.y_of(value)
            run.append(f"{x:.1f},{y:.1f}")
            label = _fmt(round(value, 1))
            name = categories[c] if c < len(categories) else ""
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">'
                f"<title>{escape(s.name)}, {escape(name)}: {escape(label)}</title></circle>"
            )
        if len(run) > 1:
            parts.append(_polyline(run, colour))
    parts += _texts(layout, series)
    parts.append("</svg>")
    return "".join(parts)


def _polyline(points: list[str], colour: str) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>'
