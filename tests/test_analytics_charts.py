"""The server-side SVG charts: escaped text, marks sized by their values, empty charts said so."""

import re
from datetime import date

from analytics import charts

EVIL = '<script>alert("x")</script>'


def test_funnel_bars_scale_with_values_and_state_conversions():
    svg = charts.funnel("Funnel of A", [("Invited", 10), ("Accepted", 4), ("Replied", 0)])
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>Accepted: 4 (40% of previous)</title>" in svg
    assert 'aria-label="Funnel of A: Invited 10, Accepted 4, Replied 0"' in svg
    widths = [float(w) for w in re.findall(r'class="bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths[0] > widths[1] > widths[2] == 0
    assert widths[1] / widths[0] == 0.4


def test_text_from_the_database_is_escaped_everywhere():
    for svg in (
        charts.funnel(EVIL, [(EVIL, 1)]),
        charts.line_chart(EVIL, [(EVIL, [(date(2026, 1, 1), 0.5)])]),
        charts.stacked_bars(EVIL, [date(2026, 1, 1)], [(EVIL, [3])], limit=5, limit_label=EVIL),
    ):
        assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_line_chart_points_and_an_empty_chart():
    svg = charts.line_chart(
        "Rate", [("A", [(date(2026, 1, 1), 0.25), (date(2026, 1, 3), 0.5), (date(2026, 1, 2), None)])]
    )
    assert svg.count('class="point"') == 2  # a day with no rate is no point, not zero
    assert "<title>A · 2026-01-03: 50%</title>" in svg and "latest 50%" in svg
    empty = charts.line_chart("Reply rate", [("A", [(date(2026, 1, 1), None)])])
    assert "No data yet" in empty and 'class="point"' not in empty


def test_stacked_bars_with_a_limit_line():
    days = [date(2026, 1, 1), date(2026, 1, 2)]
    svg = charts.stacked_bars("Actions", days, [("connects", [3, 0]), ("messages", [1, 2])], limit=20)
    assert svg.count('class="bar"') == 3  # zero values draw nothing
    assert "<title>2026-01-01 · connects: 3</title>" in svg
    assert 'class="limit"' in svg and "daily limit: 20" in svg
    assert "2 days, 6 in total, daily limit 20" in svg
