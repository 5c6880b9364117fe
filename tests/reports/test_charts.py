"""The SVG charts: accessible, escaped, and drawn from the figures given."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from medoffice.reports import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    """Our own chart output, parsed to check its structure (trusted input)."""
    return ET.fromstring(markup)  # noqa: S314


def _bars(**kw):
    args = {
        "title": "Median wait <by provider>",
        "desc": "Grouped bars & a table",
        "categories": ["Dr A", "Dr B"],
        "series": [charts.Series("Roomed", [10, None]), charts.Series("Seen", [20, 5])],
        "x_label": "Provider",
        "y_label": "Minutes",
    }
    return charts.bar_chart(**(args | kw))


def test_a_chart_has_a_title_a_description_and_axis_labels():
    root = _parse(_bars())
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "axis-label"]
    assert labels == ["Minutes", "Provider"]


def test_chart_text_is_escaped():
    markup = _bars(categories=["<script>x</script>", "B"])
    assert "<script>" not in markup
    assert _parse(markup).find(f"{SVG}title").text == "Median wait <by provider>"


def _bar_rects(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.findall(f"{SVG}rect") if r.get("class") == "bar"]


def test_a_missing_value_draws_no_bar():
    root = _parse(_bars())
    assert len(_bar_rects(root)) == 3
    assert len(root.findall(f"{SVG}rect")) == 3 + 2  # and two legend keys


def test_the_tallest_bar_reaches_a_round_axis_top():
    root = _parse(_bars(series=[charts.Series("Seen", [20, 5])]))
    heights = sorted(float(r.get("height")) for r in _bar_rects(root))
    assert heights[-1] == charts.PLOT_HEIGHT
    assert heights[0] == heights[-1] / 4


def test_a_zero_draws_a_stub_on_the_baseline_with_its_figure():
    root = _parse(_bars(series=[charts.Series("Days", [0, 12])]))
    zero = next(r for r in _bar_rects(root) if "Dr A" in r.find(f"{SVG}title").text)
    assert float(zero.get("height")) == charts.STUB
    figures = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "figure"]
    assert figures == ["0", "12"]


def test_the_chart_gives_its_size_for_a_pdf_and_names_its_font():
    root = _parse(_bars())
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert "Liberation Sans" in root.get("font-family")


def test_a_line_chart_leaves_a_gap_where_a_month_has_no_value():
    root = _parse(
        charts.line_chart(
            title="Trend",
            desc="Lines",
            categories=["Jan", "Feb", "Mar", "Apr"],
            series=[charts.Series("No-show rate", [5, 6, None, 8])],
            x_label="Month",
            y_label="%",
        )
    )
    assert len(root.findall(f"{SVG}circle")) == 3
    assert len(root.findall(f"{SVG}polyline")) == 1


def test_nice_axis_tops():
    assert [charts.nice_max(v) for v in (0, 7, 18, 23, 0.3)] == [1, 10, 20, 25, 0.5]


# --- labels never overlap nor leave the picture ---------------------------------------------

names = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs")),
    min_size=1,
    max_size=60,
)


def _check(layout: charts.Layout) -> None:
    boxes = [label.box for label in layout.labels] + layout.legend_keys
    for box in boxes:
        assert box.inside(layout.width, layout.height), box
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)


@settings(max_examples=150, deadline=None)
@given(
    categories=st.lists(names, min_size=1, max_size=60),
    n_series=st.integers(min_value=1, max_value=7),
    data=st.data(),
)
def test_no_two_labels_of_a_bar_chart_overlap_and_all_lie_inside(categories, n_series, data):
    values = st.one_of(st.none(), st.floats(min_value=0, max_value=1e6))
    series = [
        charts.Series(
            data.draw(names),
            data.draw(st.lists(values, min_size=len(categories), max_size=len(categories))),
        )
        for _ in range(n_series)
    ]
    _check(charts.bar_layout(categories, series, data.draw(names), data.draw(names)))


@settings(max_examples=100, deadline=None)
@given(
    categories=st.lists(names, min_size=1, max_size=60),
    series_names=st.lists(names, min_size=1, max_size=12),
    x_label=names,
    y_label=names,
)
def test_no_two_labels_of_a_line_chart_overlap_and_all_lie_inside(
    categories, series_names, x_label, y_label
):
    series = [charts.Series(n, [1.0] * len(categories)) for n in series_names]
    _check(charts.line_layout(categories, series, x_label, y_label))


PROVIDERS = [
    "Dr. Margaret Okonkwo-Fitzgerald, MD",
    "Dr. José Álvarez-Nuñez",
    "Dr. 王小明",
    "Nurse Practitioner Anne-Marie Delacroix-Beaumont",
] + [f"Dr. Provider Number {i}" for i in range(20)]


def test_many_long_provider_names_turn_upright_and_keep_their_full_name_on_hover():
    layout = charts.bar_layout(
        PROVIDERS, [charts.Series("Days", list(range(len(PROVIDERS))))], "Provider", "Days"
    )
    _check(layout)
    labels = [label for label in layout.labels if label.css == "category"]
    assert all(label.vertical for label in labels)
    assert [label.full for label in labels] == PROVIDERS
    markup = charts.bar_chart(
        title="t",
        desc="d",
        categories=PROVIDERS,
        series=[charts.Series("Days", [1] * len(PROVIDERS))],
        x_label="Provider",
        y_label="Days",
    )
    titles = [
        t.find(f"{SVG}title").text
        for t in _parse(markup).iter(f"{SVG}text")
        if t.get("class") == "category"
    ]
    assert titles == PROVIDERS


def test_a_few_short_names_stay_level_and_a_longer_one_wraps_onto_two_lines():
    layout = charts.bar_layout(
        ["Dr Green", "Dr Margaret Okonkwo-Fitzgerald"],
        [charts.Series("Days", [1, 2])],
        "Provider",
        "Days",
    )
    labels = [label for label in layout.labels if label.css == "category"]
    assert [label.vertical for label in labels] == [False, False]
    assert [len(label.lines) for label in labels] == [1, 1]
    narrow = charts.bar_layout(
        [f"Riverside East {i}" for i in range(10)],
        [charts.Series("Days", [1] * 10)],
        "Location",
        "Days",
    )
    narrow_labels = [label for label in narrow.labels if label.css == "category"]
    assert {len(label.lines) for label in narrow_labels} == {2}
    assert not any(label.vertical for label in narrow_labels)
    _check(narrow)


def test_a_legend_with_many_entries_wraps_onto_new_lines_inside_the_picture():
    series = [charts.Series(name, [1.0, 2.0]) for name in PROVIDERS]
    layout = charts.line_layout(["Jan", "Feb"], series, "Month", "%")
    _check(layout)
    rows = {key.y for key in layout.legend_keys}
    assert len(rows) > 1
    assert len(layout.legend_keys) == len(PROVIDERS)


def test_text_width_counts_wide_characters_as_wider():
    assert charts.text_width("王王") > charts.text_width("ii")
    assert charts.text_width("é") == charts.text_width("e")
