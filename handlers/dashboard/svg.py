"""Server-rendered SVG charts for the dashboard: line, stacked bars, horizontal bars, heatmap.

Why SVG from the server and not a chart library: the dashboard's Content-Security-Policy allows no
script at all on pages that show personal data, so a page cannot be made to run anything, and SVG
needs none — colours are presentation attributes (not styles), tooltips are native ``<title>``
elements, and ``viewBox`` makes every chart shrink to a 390 px phone. The figures are computed and
tested in Python, the charts print, and there is no 1 MB vendored bundle to pin and update.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#3370ff", "#f5a623", "#34c759", "#e5484d", "#8e5cf7", "#14b8c4", "#8f959e", "#d4a72c")
SUPPRESSED = "#e6e8eb"
GRID = "#e5e6eb"
AXIS_TEXT = "#646a73"


@dataclass(frozen=True)
class Series:
    """One named line or bar stack; ``None`` is a gap (no data, or a group too small to show)."""

    name: str
    values: Sequence[float | None]
    color: str = ""


def _colored(series: Sequence[Series]) -> list[Series]:
    return [Series(s.name, s.values, s.color or PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.1f}"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return float(step * 4 if value > step * 3 else step * 3 if value > step * 2 else step * 2)
    return value * 1.1


def legend(series: Sequence[Series]) -> Markup:
    """An HTML legend: a coloured square (tiny SVG, so no style attribute) and the name."""
    items = [
        f'<li><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="{s.color}"/></svg>'
        f"{escape(s.name)}</li>"
        for s in _colored(series)
    ]
    return Markup(f'<ul class="legend">{"".join(items)}</ul>')  # noqa: S704 (names escaped above)


class _Frame:
    """Plot area, y scale and axes shared by the line and bar charts."""

    def __init__(self, labels: Sequence[str], y_max: float, width: int, height: int) -> None:
        self.labels, self.width, self.height = list(labels), width, height
        self.left, self.right, self.top, self.bottom = 40, 10, 10, 28
        self.y_max = _nice_max(y_max)
        self.plot_w = width - self.left - self.right
        self.plot_h = height - self.top - self.bottom

    def y(self, value: float) -> float:
        return self.top + self.plot_h * (1 - value / self.y_max)

    def axes(self) -> list[str]:
        out = []
        for i in range(5):
            value = self.y_max * i / 4
            y = self.y(value)
            out.append(
                f'<line x1="{self.left}" x2="{self.width - self.right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            )
            out.append(
                f'<text x="{self.left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{AXIS_TEXT}">'
                f"{_fmt(value)}</text>"
            )
        every = max(1, len(self.labels) // 8)
        for i, label in enumerate(self.labels):
            if i % every == 0 or (i == len(self.labels) - 1 and len(self.labels) <= 8):
                x = self.x_center(i)
                out.append(
                    f'<text x="{x:.1f}" y="{self.height - 8}" text-anchor="middle" font-size="11" '
                    f'fill="{AXIS_TEXT}">{escape(label)}</text>'
                )
        return out

    def x_center(self, i: int) -> float:
        slot = self.plot_w / max(1, len(self.labels))
        return self.left + slot * (i + 0.5)


def _svg(kind: str, title: str, width: int, height: int, body: list[str]) -> Markup:
    head = (
        f'<svg class="chart {kind}" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 (every text inside went through escape)


def line_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], *, width: int = 640, height: int = 240
) -> Markup:
    """Lines over ``labels``; a ``None`` value breaks the line (and is said so in the point tooltips)."""
    colored = _colored(series)
    top = max((v for s in colored for v in s.values if v is not None), default=0.0)
    frame = _Frame(labels, top, width, height)
    body = frame.axes()
    for s in colored:
        run: list[str] = []
        for i, v in enumerate(s.values):
            if v is None:
                if len(run) > 1:
                    body.append(f'<polyline fill="none" stroke="{s.color}" stroke-width="2" points="{" ".join(run)}"/>')
                run = []
                continue
            x, y = frame.x_center(i), frame.y(v)
            run.append(f"{x:.1f},{y:.1f}")
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{s.color}"><title>{escape(s.name)} · '
                f"{escape(labels[i])}: {_fmt(v)}</title></circle>"
            )
        if len(run) > 1:
            body.append(f'<polyline fill="none" stroke="{s.color}" stroke-width="2" points="{" ".join(run)}"/>')
    return _svg("line", title, width, height, body)


def stacked_bars(
    title: str, labels: Sequence[str], series: Sequence[Series], *, width: int = 640, height: int = 240
) -> Markup:
    """One bar per label, stacked by series, each part with its own tooltip."""
    colored = _colored(series)
    totals = [sum((s.values[i] or 0.0) for s in colored) for i in range(len(labels))]
    frame = _Frame(labels, max(totals, default=0.0), width, height)
    body = frame.axes()
    bar_w = max(2.0, frame.plot_w / max(1, len(labels)) * 0.7)
    for i, label in enumerate(labels):
        base = 0.0
        for s in colored:
            v = s.values[i] or 0.0
            if v <= 0:
                continue
            y_top, y_bottom = frame.y(base + v), frame.y(base)
            body.append(
                f'<rect x="{frame.x_center(i) - bar_w / 2:.1f}" y="{y_top:.1f}" width="{bar_w:.1f}" '
                f'height="{max(0.5, y_bottom - y_top):.1f}" fill="{s.color}"><title>{escape(label)} · '
                f"{escape(s.name)}: {_fmt(v)}</title></rect>"
            )
            base += v
    return _svg("bars", title, width, height, body)


def hbars(title: str, items: Sequence[tuple[str, float]], *, width: int = 640, unit: str = "") -> Markup:
    """Horizontal bars with their value at the end: a funnel, a histogram of buckets."""
    row, label_w = 30, 150
    height = row * max(1, len(items)) + 10
    top = max((v for _, v in items), default=0.0) or 1.0
    body = []
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        w = (width - label_w - 70) * value / top
        color = PALETTE[i % len(PALETTE)] if len(items) <= len(PALETTE) else PALETTE[0]
        body.append(
            f'<text x="{label_w - 6}" y="{y + 19}" text-anchor="end" font-size="12" fill="#1f2329">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y + 4}" width="{max(1.0, w):.1f}" height="{row - 8}" fill="{color}">'
            f"<title>{escape(label)}: {_fmt(value)}{escape(unit)}</title></rect>"
            f'<text x="{label_w + max(1.0, w) + 6:.1f}" y="{y + 19}" font-size="12" fill="#1f2329">'
            f"{_fmt(value)}{escape(unit)}</text>"
        )
    return _svg("hbars", title, width, height, body)


def heatmap(
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: dict[tuple[str, str], int | None],
    *,
    suppressed_label: str,
    width: int = 640,
) -> Markup:
    """Counts by row × column, darker = more; ``None`` cells are suppressed (too few people to show)."""
    label_w, head_h, cell_h = 110, 96, 26
    cell_w = (width - label_w) / max(1, len(columns))
    height = head_h + cell_h * max(1, len(rows)) + 4
    top = max((v for v in cells.values() if v), default=1)
    body = []
    for j, col in enumerate(columns):
        x = label_w + cell_w * (j + 0.5)
        short = col if len(col) <= 8 else col[:7] + "…"
        body.append(
            f'<text x="{x:.1f}" y="{head_h - 6}" font-size="11" fill="{AXIS_TEXT}" text-anchor="start" '
            f'transform="rotate(-50 {x:.1f} {head_h - 6})"><title>{escape(col)}</title>{escape(short)}</text>'
        )
    for i, name in enumerate(rows):
        y = head_h + i * cell_h
        body.append(
            f'<text x="{label_w - 6}" y="{y + 17}" font-size="12" text-anchor="end" fill="#1f2329">'
            f"{escape(name)}</text>"
        )
        for j, col in enumerate(columns):
            x = label_w + j * cell_w
            value = cells.get((name, col), 0)
            if value is None:
                fill, text, tip = SUPPRESSED, "·", suppressed_label
            else:
                # White → blue by share of the busiest cell; zero stays white.
                share = value / top if top else 0.0
                level = int(255 - 180 * share)
                fill = f"#{level:02x}{min(255, level + 20):02x}ff" if value else "#ffffff"
                text, tip = (str(value) if value else ""), str(value)
            dark = value is not None and value / top > 0.6
            body.append(
                f'<rect x="{x + 1:.1f}" y="{y + 1}" width="{cell_w - 2:.1f}" height="{cell_h - 2}" fill="{fill}" '
                f'stroke="{GRID}"><title>{escape(name)} × {escape(col)}: {escape(tip)}</title></rect>'
                f'<text x="{x + cell_w / 2:.1f}" y="{y + 17}" font-size="11" text-anchor="middle" '
                f'fill="{"#ffffff" if dark else "#1f2329"}">{escape(text)}</text>'
            )
    return _svg("heatmap", title, width, int(height), body)
