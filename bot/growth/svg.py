"""A small line chart as SVG markup, drawn on the server (no script, no inline style: the CSP forbids both).

Only presentation attributes are used; every text is escaped. The chart shows one person's weekly
figures and the reference line (target or team median) — nothing about any other person.
"""

from __future__ import annotations

from html import escape

from bot.core import i18n
from bot.growth.trend import Trend

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 36
OWN_COLOUR, REF_COLOUR = "#1f4e79", "#c55a11"


def _points(values: list[float | None], top: float) -> list[tuple[float, float] | None]:
    n = len(values)
    span_x = (WIDTH - LEFT - RIGHT) / max(1, n - 1)
    span_y = HEIGHT - TOP - BOTTOM
    return [
        None if v is None else (LEFT + i * span_x, TOP + span_y * (1 - (v / top if top else 0)))
        for i, v in enumerate(values)
    ]


def _polyline(points: list[tuple[float, float] | None], colour: str, dashed: bool) -> str:
    coords = " ".join(f"{x:.1f},{y:.1f}" for p in points if p is not None for x, y in [p])
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    dots = "".join(f'<circle cx="{p[0]:.1f}" cy="{p[1]:.1f}" r="3" fill="{colour}"/>' for p in points if p is not None)
    return f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>{dots}'


def chart(trend: Trend, locale: str, title: str) -> str:
    """The SVG of ``trend``: the person's line, the dashed reference line, week labels, the top value."""
    own = [w.value for w in trend.weeks]
    ref = [w.reference for w in trend.weeks]
    top = max([v for v in own + ref if v is not None] or [0.0]) * 1.1 or 1.0
    digits = 2 if trend.metric.unit == "ratio" else 0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-label="{escape(title)}">',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" stroke="#999"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#999"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" font-size="11" text-anchor="end">'
        f"{escape(i18n.fmt_number(top, locale, digits))}</text>",
        f'<text x="{LEFT - 6}" y="{HEIGHT - BOTTOM}" font-size="11" text-anchor="end">0</text>',
    ]
    span_x = (WIDTH - LEFT - RIGHT) / max(1, len(trend.weeks) - 1)
    for i, week in enumerate(trend.weeks):
        label = escape(i18n.fmt_date(week.start, locale))
        parts.append(
            f'<text x="{LEFT + i * span_x:.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="10" '
            f'text-anchor="middle">{label}</text>'
        )
    if any(v is not None for v in ref):
        parts.append(_polyline(_points(ref, top), REF_COLOUR, dashed=True))
    parts.append(_polyline(_points(own, top), OWN_COLOUR, dashed=False))
    parts.append("</svg>")
    return "".join(parts)
