"""Charts as inline SVG, drawn on the server: no JavaScript library, no CDN.

Each function takes plain numbers and returns a SafeString of one `<svg role="img">` with a title,
an aria-label summary and a `<title>` tooltip on every mark. Every text is escaped.
"""

from collections.abc import Sequence
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#0a66c2", "#e8710a", "#137333", "#a142f4", "#c5221f", "#12b5cb", "#b06000", "#5f6368")
WIDTH = 640
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _fmt(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else f"{value:,.0f}"


def _svg(title: str, summary: str, height: int, body: list[str], css_class: str) -> SafeString:
    head = (
        f'<svg class="chart {css_class}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(summary)}" {FONT}><title>{escape(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")


def funnel(title: str, steps: Sequence[tuple[str, int]]) -> SafeString:
    """Horizontal bars, one per step, with the count and the conversion from the step before."""
    label_w, bar_x, row_h = 110, 120, 30
    height = row_h * len(steps) + 10
    top = max((v for _, v in steps), default=0) or 1
    body: list[str] = []
    previous: int | None = None
    for i, (label, value) in enumerate(steps):
        y = 5 + i * row_h
        width = max((WIDTH - bar_x - 150) * value / top, 1 if value else 0)
        rate = f" ({value / previous:.0%} of previous)" if previous else ""
        body.append(
            f'<text x="{label_w}" y="{y + 19}" text-anchor="end" fill="#1d2330">{escape(label)}</text>'
            f'<rect class="bar" x="{bar_x}" y="{y + 4}" width="{width:.1f}" height="{row_h - 8}" rx="3" '
            f'fill="{PALETTE[0]}" fill-opacity="{1 - i * 0.09:.2f}">'
            f"<title>{escape(label)}: {value}{escape(rate)}</title></rect>"
            f'<text x="{bar_x + width + 6:.1f}" y="{y + 19}" fill="#1d2330">{value:,}'
            f'<tspan fill="#5b6577">{escape(rate)}</tspan></text>'
        )
        previous = value
    summary = ", ".join(f"{label} {value}" for label, value in steps)
    return _svg(title, f"{title}: {summary}", height, body, "chart-funnel")


def _x_positions(days: Sequence[date], left: int, right: int) -> dict[date, float]:
    if not days:
        return {}
    first, last = min(days), max(days)
    span = (last - first).days or 1
    if first == last:
        return {first: (left + right) / 2}
    return {d: left + (right - left) * (d - first).days / span for d in days}


def line_chart(
    title: str, series: Sequence[tuple[str, Sequence[tuple[date, float | None]]]], *, percent: bool = True
) -> SafeString:
    """One line per series over days; y from 0 to 100 % (percent) or to the largest value."""
    left, right, top_y, bottom_y = 48, WIDTH - 12, 12, 190
    legend_h = 18 * ((len(series) + 2) // 3)
    height = bottom_y + 30 + legend_h
    points = [(d, v) for _, values in series for d, v in values if v is not None]
    y_max = 1.0 if percent else max((v for _, v in points), default=0) or 1
    xs = _x_positions(sorted({d for d, _ in points}), left, right)
    body = [f'<line x1="{left}" y1="{bottom_y}" x2="{right}" y2="{bottom_y}" stroke="#dde1e8"/>']
    for k in range(5):
        value = y_max * k / 4
        y = bottom_y - (bottom_y - top_y) * k / 4
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#eef1f5"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5b6577">{_fmt(value, percent)}</text>'
        )
    if not xs:
        body.append(
            f'<text x="{(left + right) / 2}" y="{(top_y + bottom_y) / 2}" text-anchor="middle" fill="#5b6577">'
            "No data yet</text>"
        )
    else:
        first, last = min(xs), max(xs)
        body.append(f'<text x="{left}" y="{bottom_y + 16}" fill="#5b6577">{first:%b %d}</text>')
        if last != first:
            body.append(f'<text x="{right}" y="{bottom_y + 16}" text-anchor="end" fill="#5b6577">{last:%b %d}</text>')
    for i, (name, values) in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        coords = [(xs[d], bottom_y - (bottom_y - top_y) * v / y_max, d, v) for d, v in sorted(values) if v is not None]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in coords)
            body.append(f'<polyline class="line" points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y, d, v in coords:
            body.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}">'
                f"<title>{escape(name)} · {d:%Y-%m-%d}: {_fmt(v, percent)}</title></circle>"
            )
        lx, ly = left + (i % 3) * 190, bottom_y + 36 + 18 * (i // 3)
        body.append(
            f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{color}"/>'
            f'<text x="{lx + 14}" y="{ly}" fill="#1d2330">{escape(name[:28])}</text>'
        )
    summary = "; ".join(
        f"{name}: latest {_fmt(vals[-1][1], percent)}"
        for name, vals in ((n, [p for p in sorted(v) if p[1] is not None]) for n, v in series)
        if vals
    )
    return _svg(title, f"{title}. {summary or 'no data'}", height, body, "chart-line")


def stacked_bars(
    title: str,
    days: Sequence[date],
    stacks: Sequence[tuple[str, Sequence[int]]],
    *,
    limit: int | None = None,
    limit_label: str = "daily limit",
) -> SafeString:
    """One bar per day, stacked by series, with an optional dashed limit line."""
    left, right, top_y, bottom_y = 40, WIDTH - 12, 12, 170
    legend_h = 18 * ((len(stacks) + (1 if limit else 0) + 3) // 4)
    height = bottom_y + 30 + legend_h
    totals = [sum(values[i] for _, values in stacks) for i in range(len(days))]
    y_max = max([*totals, limit or 0, 1])
    slot = (right - left) / max(len(days), 1)
    bar_w = max(min(slot * 0.7, 40), 1)
    scale = (bottom_y - top_y) / y_max
    body = [
        f'<line x1="{left}" y1="{bottom_y}" x2="{right}" y2="{bottom_y}" stroke="#dde1e8"/>'
        f'<text x="{left - 6}" y="{top_y + 4}" text-anchor="end" fill="#5b6577">{y_max:,}</text>'
        f'<text x="{left - 6}" y="{bottom_y + 4}" text-anchor="end" fill="#5b6577">0</text>'
    ]
    for i, day in enumerate(days):
        x = left + slot * i + (slot - bar_w) / 2
        y = float(bottom_y)
        for k, (name, values) in enumerate(stacks):
            value = values[i]
            if not value:
                continue
            h = value * scale
            y -= h
            body.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{day:%Y-%m-%d} · {escape(name)}: {value}</title></rect>'
            )
    if days:
        body.append(f'<text x="{left}" y="{bottom_y + 16}" fill="#5b6577">{days[0]:%b %d}</text>')
        if len(days) > 1:
            body.append(
                f'<text x="{right}" y="{bottom_y + 16}" text-anchor="end" fill="#5b6577">{days[-1]:%b %d}</text>'
            )
    legend = [(name, PALETTE[k % len(PALETTE)]) for k, (name, _) in enumerate(stacks)]
    if limit:
        y = bottom_y - limit * scale
        body.append(
            f'<line class="limit" x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#c5221f" '
            f'stroke-dasharray="5 4"><title>{escape(limit_label)}: {limit}</title></line>'
        )
        legend.append((f"{limit_label} ({limit})", "#c5221f"))
    for i, (name, color) in enumerate(legend):
        lx, ly = left + (i % 4) * 150, bottom_y + 36 + 18 * (i // 4)
        body.append(
            f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{color}"/>'
            f'<text x="{lx + 14}" y="{ly}" fill="#1d2330">{escape(name)}</text>'
        )
    summary = f"{len(days)} days, {sum(totals):,} in total" + (f", {limit_label} {limit}" if limit else "")
    return _svg(title, f"{title}: {summary}", height, body, "chart-bars")
