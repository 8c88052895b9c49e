"""The practice-area chart's geometry: one bar per area, and the peers' median as a mark with a
legend. The template draws it as SVG with the numbers written beside each bar, so it reads
without colour and without the picture (a table repeats the figures).

No level lines cross the bars: levels are reached on the share of all criteria met, not area by
area, so a line on an area's bar would say something untrue (the report states the levels'
shares in words under the table)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .queries import AreaLine, Report

WIDTH = 640
BAR_X = 8  # where the bars start
SCALE = 4.0  # chart units per percent: 100% is 400 units
LABEL_X = BAR_X + 100 * SCALE + 10  # the figures, right of the longest bar
TOP = 6
LEGEND = 24  # room above the bars for the peer marker's legend
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
class Chart:
    rows: tuple[Row, ...]
    width: int
    height: float
    bar_x: int
    label_x: float
    track: float
    bottom: float
    peers: bool
    legend_y: float  # the middle of the legend's line, when there are peers


def chart(report: Report) -> Chart:
    peers = any(area.peer is not None for area in report.areas)
    top = TOP + (LEGEND if peers else 0)
    rows = []
    for i, area in enumerate(report.areas):
        y = top + i * ROW
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
    bottom = top + len(rows) * ROW
    return Chart(
        rows=tuple(rows),
        width=WIDTH,
        height=bottom + 6,
        bar_x=BAR_X,
        label_x=LABEL_X,
        track=100 * SCALE,
        bottom=bottom,
        peers=peers,
        legend_y=TOP + LEGEND / 2,
    )
