"""Accessible SVG charts of counts, for the statistics page and reports.

Two kinds: `column_chart`, counts over ordered categories (certified cities by cohort), one
column per category, optionally stacked by series (by level); and `bar_chart`, one horizontal
bar per category (by level, by country, first-time or re-certified). Both draw every value as
text beside or on its bar, label their axes, and tell series apart by pattern as well as by
colour, so no reader needs colour to read them; the page shows the same numbers in a table.

Each chart is one <svg role="img"> named by its <title> and <desc>, with presentation
attributes only (no style attribute, no <style> element) so it passes a strict Content Security
Policy, and standalone (xmlns, viewBox, width, height) so WeasyPrint can draw it. Nothing here
touches the database: callers pass plain numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from citycert.public.geo import LEVEL_COLOURS
from citycert.public.svg import id_prefix as make_prefix
from citycert.public.svg import text_width as svg_text_width
from citycert.public.svg import xml_text

ChartStyle = Literal["plain", "other", "silver", "gold", "platinum"]

INK = "#1b1f24"
MUTED = "#4a5360"
GRID = "#c9d0d9"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif"
FONT_SIZE = 14
# Each style: its colour, at least 3:1 against the white background, and the pattern drawn over
# it in white ("" for none). The level colours are the map's and the site's.
STYLES: dict[ChartStyle, tuple[str, str]] = {
    "plain": ("#0b4f8a", ""),
    "other": ("#4a5360", "hatch"),
    "silver": (LEVEL_COLOURS["silver"], ""),
    "gold": (LEVEL_COLOURS["gold"], "hatch"),
    "platinum": (LEVEL_COLOURS["platinum"], "dots"),
}
PATTERNS = {
    "hatch": '<path d="M-1 1l2-2M0 8l8-8M7 9l2-2" stroke="#ffffff" stroke-width="1.6" '
    'stroke-opacity=".5"/>',
    "dots": '<circle cx="2" cy="2" r="1.3" fill="#ffffff" fill-opacity=".55"/>'
    '<circle cx="6" cy="6" r="1.3" fill="#ffffff" fill-opacity=".55"/>',
}


@dataclass(frozen=True, slots=True)
class Series:
    """One layer of a column chart: a value for each category, in the categories' order."""

    label: str
    values: Sequence[int]
    style: ChartStyle = "plain"


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a bar chart."""

    label: str
    value: int
    style: ChartStyle = "plain"


def nice_scale(largest: int, most_ticks: int = 6) -> list[int]:
    """Tick values from 0 to at least `largest`, a round step apart (1, 2 or 5 times a power of
    ten), at most `most_ticks` of them beyond zero; [0, 1] when there is nothing to count."""
    if largest <= 0:
        return [0, 1]
    step = 1
    while True:
        for multiple in (1, 2, 5):
            candidate = step * multiple
            if math.ceil(largest / candidate) <= most_ticks:
                top = math.ceil(largest / candidate) * candidate
                return list(range(0, top + 1, candidate))
        step *= 10


def number(value: int) -> str:
    """A count written the reader's way: 1,234 in English, with a no-break space in Spanish."""
    return str(number_format(value, decimal_pos=0, force_grouping=True))


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """About how wide `text` is drawn: enough to leave room for it, not to measure it."""
    return svg_text_width(text, size)


def _defs(prefix: str, styles: Sequence[ChartStyle]) -> str:
    patterns = []
    for style in dict.fromkeys(styles):
        colour, pattern = STYLES[style]
        if pattern:
            patterns.append(
                f'<pattern id="{prefix}-{style}" width="8" height="8" '
                f'patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="{colour}"/>'
                f"{PATTERNS[pattern]}</pattern>"
            )
    return f"<defs>{''.join(patterns)}</defs>" if patterns else ""


def _fill(prefix: str, style: ChartStyle) -> str:
    colour, pattern = STYLES[style]
    return f"url(#{prefix}-{style})" if pattern else colour


def _open(prefix: str, width: int, height: int, title: str, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'aria-labelledby="{prefix}-title" aria-describedby="{prefix}-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}" fill="{INK}">'
        f'<title id="{prefix}-title">{xml_text(title)}</title>'
        f'<desc id="{prefix}-desc">{xml_text(description)}</desc>'
    )


def _check(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what}: a count must be a whole number of 0 or more, not {value!r}")
    return value


def column_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    width: int = 720,
    height: int = 360,
    id_prefix: str | None = None,
) -> SafeString:
    """Columns of counts over ordered `categories` (left to right), one layer per series,
    stacked from the first series at the bottom. Each column carries its total above it, and
    each layer tall enough for it its own count; with more than one series a key above the
    plot names them, each drawn in its colour and pattern.

    `width` and `height` are the whole chart's, in pixels; the columns narrow as categories are
    added, the category labels turn slantwise and the totals upright when they no longer fit
    side by side.
    Element ids start with `id_prefix`, by default one made from the title: charts with
    different titles can share a page. Raises ValueError when a series does not give one count
    (a whole number, 0 or more) for each category.
    """
    for layer in series:
        if len(layer.values) != len(categories):
            raise ValueError(
                f"series {layer.label!r} has {len(layer.values)} values "
                f"for {len(categories)} categories"
            )
        for category, value in zip(categories, layer.values, strict=True):
            _check(value, f"series {layer.label!r}, {category!r}")
    prefix = make_prefix("chart", title, id_prefix)
    totals = [sum(layer.values[k] for layer in series) for k in range(len(categories))]
    ticks = nice_scale(max(totals, default=0))
    tick_labels = [number(t) for t in ticks]

    # The plot area, leaving room for the axis label, tick labels, category labels, the key.
    left = 12 + FONT_SIZE + 8 + max(text_width(t) for t in tick_labels) + 8
    right = width - 12
    slot = (right - left) / max(len(categories), 1)
    longest = max((text_width(c) for c in categories), default=0)
    slanted = longest > slot - 6
    category_room = longest * 0.71 + FONT_SIZE + 4 if slanted else FONT_SIZE + 8
    bottom = height - 10 - FONT_SIZE - 8 - category_room
    keyed = len(series) > 1
    # Totals stand upright above their columns when they are too wide to sit level.
    widest_total = max((text_width(number(t)) for t in totals), default=0)
    upright = widest_total > slot - 4
    total_room = widest_total + 8 if upright else FONT_SIZE + 6
    top = 10 + (FONT_SIZE + 14 if keyed else 0) + total_room
    if bottom - top < 40:
        raise ValueError(f"a height of {height} leaves no room to draw the columns")
    scale = (bottom - top) / ticks[-1]
    column = min(slot * 0.66, 72)

    parts = [
        _open(prefix, width, height, title, description),
        _defs(prefix, [s.style for s in series]),
    ]
    parts.append(_value_axis_vertical(ticks, tick_labels, left, right, bottom, scale))
    if keyed:
        parts.append(_key(prefix, series, left, 10))
    if not categories:
        parts.append(
            f'<text x="{(left + right) / 2:.1f}" y="{(top + bottom) / 2:.1f}" '
            f'text-anchor="middle" fill="{MUTED}">{xml_text(_("No data to show"))}</text>'
        )
    for k, category in enumerate(categories):
        centre = left + slot * (k + 0.5)
        x = centre - column / 2
        base = bottom
        name = xml_text(category)
        for layer in series:
            value = layer.values[k]
            if not value:
                continue
            size = value * scale
            what = xml_text(
                f"{category}, {layer.label}: {number(value)}"
                if keyed
                else f"{category}: {number(value)}"
            )
            parts.append(
                f'<rect x="{x:.1f}" y="{base - size:.1f}" width="{column:.1f}" '
                f'height="{size:.1f}" fill="{_fill(prefix, layer.style)}" stroke="#ffffff" '
                f'stroke-width="1"><title>{what}</title></rect>'
            )
            label = number(value)
            if keyed and size >= FONT_SIZE + 6 and text_width(label) + 6 <= column:
                colour = STYLES[layer.style][0]
                box = text_width(label) + 6
                middle = base - size / 2
                parts.append(
                    f'<rect x="{centre - box / 2:.1f}" y="{middle - 9:.1f}" width="{box:.1f}" '
                    f'height="18" fill="{colour}"/><text x="{centre:.1f}" y="{middle + 5:.1f}" '
                    f'text-anchor="middle" fill="#ffffff">{label}</text>'
                )
            base -= size
        if upright:
            parts.append(
                f'<text x="{centre + 5:.1f}" y="{base - 4:.1f}" font-weight="700" '
                f'transform="rotate(-90 {centre + 5:.1f} {base - 4:.1f})">'
                f"{number(totals[k])}</text>"
            )
        else:
            parts.append(
                f'<text x="{centre:.1f}" y="{base - 6:.1f}" text-anchor="middle" '
                f'font-weight="700">{number(totals[k])}</text>'
            )
        label_y = bottom + FONT_SIZE + 6
        if slanted:
            parts.append(
                f'<text x="{centre:.1f}" y="{label_y:.1f}" text-anchor="end" '
                f'transform="rotate(-45 {centre:.1f} {label_y - 4:.1f})">{name}</text>'
            )
        else:
            parts.append(
                f'<text x="{centre:.1f}" y="{label_y:.1f}" text-anchor="middle">{name}</text>'
            )
    parts.append(
        f'<text x="{(left + right) / 2:.1f}" y="{height - 10}" text-anchor="middle" '
        f'font-weight="700">{xml_text(x_label)}</text>'
        f'<text x="{12 + FONT_SIZE}" y="{(top + bottom) / 2:.1f}" text-anchor="middle" '
        f'font-weight="700" transform="rotate(-90 {12 + FONT_SIZE} {(top + bottom) / 2:.1f})">'
        f"{xml_text(y_label)}</text></svg>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every text inserted went through xml_text()


def _value_axis_vertical(
    ticks: Sequence[int],
    labels: Sequence[str],
    left: float,
    right: float,
    bottom: float,
    scale: float,
) -> str:
    parts = []
    for tick, label in zip(ticks, labels, strict=True):
        y = bottom - tick * scale
        colour = INK if tick == 0 else GRID
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="1"/>'
            f'<text x="{left - 8:.1f}" y="{y + 5:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{label}</text>"
        )
    return "".join(parts)


def _key(prefix: str, series: Sequence[Series], x: float, y: float) -> str:
    """The series' names, each after a swatch of its colour and pattern, in one row."""
    parts = []
    for layer in series:
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="16" height="16" '
            f'fill="{_fill(prefix, layer.style)}" stroke="{INK}" stroke-width=".5"/>'
            f'<text x="{x + 22:.1f}" y="{y + 13:.1f}">{xml_text(layer.label)}</text>'
        )
        x += 22 + text_width(layer.label) + 18
    return "".join(parts)


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    value_label: str,
    category_label: str = "",
    width: int = 720,
    id_prefix: str | None = None,
) -> SafeString:
    """One horizontal bar per category, top to bottom in the order given, each with its count
    written after it. `value_label` names what is counted (under the value axis);
    `category_label`, when given, names the categories (above them). The chart grows downwards
    with the number of bars; category labels too long for a third of the width are shortened
    with an ellipsis, the full text staying in the bar's <title>. Element ids start with
    `id_prefix`, by default one made from the title. Raises ValueError for a count that is not
    a whole number, 0 or more.
    """
    for bar in bars:
        _check(bar.value, f"bar {bar.label!r}")
    prefix = make_prefix("chart", title, id_prefix)
    ticks = nice_scale(max((b.value for b in bars), default=0))
    tick_labels = [number(t) for t in ticks]
    row, thickness = 34, 22

    room = width / 3
    shown = [_shorten(b.label, room) for b in bars]
    left = 12 + max((text_width(s) for s in shown), default=0) + 10
    right = width - 12 - max(text_width(number(ticks[-1])), text_width(tick_labels[-1]) / 2) - 8
    top = 10 + (FONT_SIZE + 10 if category_label else 0)
    bottom = top + row * max(len(bars), 1)
    height = round(bottom + 8 + FONT_SIZE + 8 + FONT_SIZE + 10)
    scale = (right - left) / ticks[-1]

    parts = [
        _open(prefix, width, height, title, description),
        _defs(prefix, [b.style for b in bars]),
    ]
    for tick, label in zip(ticks, tick_labels, strict=True):
        x = left + tick * scale
        colour = INK if tick == 0 else GRID
        parts.append(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
            f'stroke="{colour}" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{bottom + 8 + FONT_SIZE:.1f}" text-anchor="middle" '
            f'fill="{MUTED}">{label}</text>'
        )
    if category_label:
        parts.append(
            f'<text x="12" y="{10 + FONT_SIZE}" font-weight="700">{xml_text(category_label)}</text>'
        )
    if not bars:
        parts.append(
            f'<text x="{(left + right) / 2:.1f}" y="{top + row / 2 + 5:.1f}" '
            f'text-anchor="middle" fill="{MUTED}">{xml_text(_("No data to show"))}</text>'
        )
    for k, (bar, label) in enumerate(zip(bars, shown, strict=True)):
        y = top + row * k + (row - thickness) / 2
        middle = y + thickness / 2 + 5
        size = bar.value * scale
        count = number(bar.value)
        parts.append(
            f'<text x="{left - 10:.1f}" y="{middle:.1f}" text-anchor="end">{xml_text(label)}</text>'
        )
        if size:
            parts.append(
                f'<rect x="{left:.1f}" y="{y:.1f}" width="{size:.1f}" height="{thickness}" '
                f'fill="{_fill(prefix, bar.style)}"><title>{xml_text(f"{bar.label}: {count}")}'
                "</title></rect>"
            )
        parts.append(
            f'<text x="{left + size + 6:.1f}" y="{middle:.1f}" font-weight="700">{count}</text>'
        )
    parts.append(
        f'<text x="{(left + right) / 2:.1f}" y="{height - 10}" text-anchor="middle" '
        f'font-weight="700">{xml_text(value_label)}</text></svg>'
    )
    return mark_safe("".join(parts))  # noqa: S308 - every text inserted went through xml_text()


def _shorten(label: str, room: float) -> str:
    """`label`, cut short with an ellipsis if it would be wider than `room`."""
    if text_width(label) <= room:
        return label
    keep = max(int(room / (FONT_SIZE * 0.6)) - 1, 1)
    return label[:keep].rstrip() + "…"
