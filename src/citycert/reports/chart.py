"""The practice-area chart's geometry: one bar per area, the level thresholds as lines, and the
peers' median as a mark. The template draws it as SVG with the numbers written beside each bar,
so it reads without colour and without the picture (a table repeats the figures)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .queries import AreaLine, Report, Threshold

WIDTH = 640
BAR_X = 8  # where the bars start
SCALE = 4.0  # chart units per percent: 100% is 400 units
LABEL_X = BAR_X + 100 * SCALE + 10  # the figures, right of the longest bar
TOP = 34  # room for the thresholds' labels
ROW = 46


@dataclass(frozen=True)
class Row:
    area: AreaLine
    name: Mapping[str, str | None]
    name_y: float
    bar_y: float
    width: float
    text_y: float
    peer_x: float | None


@dataclass(frozen=True)
class Line:
    threshold: Threshold
    x: float
    label_y: float
    dash: str


@dataclass(frozen=True)
class Chart:
    rows: tuple[Row, ...]
    lines: tuple[Line, ...]
    width: int
    height: float
    bar_x: int
    label_x: float
    track: float
    bottom: float
    first_bar: float
    peers: bool


DASHES = ("4 3", "8 3", "2 2")


def chart(report: Report) -> Chart:
    rows = []
    for i, area in enumerate(report.areas):
        y = TOP + i * ROW
        rows.append(
            Row(
                area=area,
                name=area.name,
                name_y=y + 12,
                bar_y=y + 18,
                width=round(area.percent * SCALE, 1),
                text_y=y + 31,
                peer_x=None if area.peer is None else round(BAR_X + area.peer.median * SCALE, 1),
            )
        )
    bottom = TOP + len(rows) * ROW
    lines = tuple(
        Line(
            t,
            round(BAR_X + t.min_percent * SCALE, 1),
            12 + 12 * (i % 2),  # alternate heights so that near thresholds' labels never touch
            DASHES[i % len(DASHES)],
        )
        for i, t in enumerate(report.thresholds)
    )
    return Chart(
        rows=tuple(rows),
        lines=lines,
        width=WIDTH,
        height=bottom + 6,
        bar_x=BAR_X,
        label_x=LABEL_X,
        track=100 * SCALE,
        bottom=bottom,
        first_bar=TOP + 2,
        peers=any(r.peer_x is not None for r in rows),
    )
