"""The SVG charts: accessible, escaped, and drawn from the figures given."""

from __future__ import annotations

import xml.etree.ElementTree as ET

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


def test_a_missing_value_draws_no_bar():
    root = _parse(_bars())
    assert len(root.findall(f"{SVG}rect")) == 3 + 2  # three bars and two legend keys


def test_the_tallest_bar_reaches_a_round_axis_top():
    root = _parse(_bars(series=[charts.Series("Seen", [20, 5])]))
    heights = sorted(float(r.get("height")) for r in root.findall(f"{SVG}rect"))
    assert heights[-1] == charts.HEIGHT - charts.MARGIN_TOP - charts.MARGIN_BOTTOM
    assert heights[0] == heights[-1] / 4


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
