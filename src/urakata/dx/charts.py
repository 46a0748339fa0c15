"""Small inline SVG charts (no script, so the CSP holds): the priority bubbles and before/after bars."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 520, 360, 44


def bubble_svg(points: Sequence[dict[str, Any]], *, x_label: str, y_label: str) -> SafeString:
    """改善余地 (x, 1–5) against 影響度 (y, 1–5); bubble area ∝ hours a year; candidates filled."""
    biggest = max((p["hours"] for p in points), default=0) or 1
    span_x = (WIDTH - 2 * PAD) / 5
    span_y = (HEIGHT - 2 * PAD) / 5
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" class="dx-chart" role="img" '
        f"aria-label={quoteattr(f'{y_label} × {x_label}')}>"
    ]
    for tick in range(1, 6):
        x = PAD + (tick - 0.5) * span_x
        y = HEIGHT - PAD - (tick - 0.5) * span_y
        parts.append(
            f'<text x="{x:.0f}" y="{HEIGHT - PAD + 18}" text-anchor="middle">{tick}</text>'
        )
        parts.append(f'<text x="{PAD - 14}" y="{y + 4:.0f}" text-anchor="middle">{tick}</text>')
    parts.append(
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>'
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>'
        f'<text x="{WIDTH / 2:.0f}" y="{HEIGHT - 6}" text-anchor="middle">{escape(x_label)}</text>'
        f'<text x="12" y="{HEIGHT / 2:.0f}" transform="rotate(-90 12 {HEIGHT / 2:.0f})" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    for index, point in enumerate(points):
        radius = 4 + 22 * math.sqrt(point["hours"] / biggest)
        # Spread bubbles sharing a cell a little so each stays visible.
        jitter = ((index * 7) % 9 - 4) * 2
        x = PAD + (point["x"] - 0.5) * span_x + jitter
        y = HEIGHT - PAD - (point["y"] - 0.5) * span_y - jitter
        fill = "#2e7d32" if point["candidate"] else "#90caf9"
        title = f"{point['code']} {point['name']}: {point['hours']}h/年, {point['score']}"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{fill}" '
            f'fill-opacity="0.6" stroke="#333"><title>{escape(title)}</title></circle>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def bars_svg(
    rows: Sequence[tuple[str, float | None, float | None]], *, legend: tuple[str, str]
) -> SafeString:
    """Before/after bars per KPI: [(label, baseline, trial)] with the values written on them."""
    biggest = max((v for _l, *vals in rows for v in vals if v), default=0) or 1
    row_height = 46
    height = 30 + row_height * len(rows)
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {height}" class="dx-chart" role="img" '
        f"aria-label={quoteattr(' / '.join(legend))}>",
        f'<rect x="160" y="6" width="12" height="12" fill="#90a4ae"/><text x="178" y="17">{escape(legend[0])}</text>'
        f'<rect x="300" y="6" width="12" height="12" fill="#2e7d32"/><text x="318" y="17">{escape(legend[1])}</text>',
    ]
    for index, (label, before, after) in enumerate(rows):
        top = 30 + index * row_height
        parts.append(f'<text x="4" y="{top + 22}">{escape(label)}</text>')
        for offset, value, fill in ((0, before, "#90a4ae"), (18, after, "#2e7d32")):
            width = 0 if value is None else (WIDTH - 220) * value / biggest
            text = "-" if value is None else f"{value:g}"
            parts.append(
                f'<rect x="160" y="{top + offset}" width="{width:.1f}" height="16" fill="{fill}"/>'
                f'<text x="{164 + width:.1f}" y="{top + offset + 13}">{escape(text)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
