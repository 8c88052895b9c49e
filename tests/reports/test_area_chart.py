"""The practice-area chart: bars without level lines (levels depend on the overall share), and a
legend for the peers' marker."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.reports.conftest import assessed_city
from tests.reports.test_peers import PEERS, page

SVG = "{http://www.w3.org/2000/svg}"


def area_chart(html: str) -> ET.Element:
    svg = html.split('<figure class="area-chart">')[1].split("</figure>")[0]
    return ET.fromstring(svg)


def test_the_bars_carry_no_level_lines(rosario) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = rosario
    chart = area_chart(page(c, lead, assessment))
    assert list(chart.iter(f"{SVG}line")) == []
    texts = [t.text or "" for t in chart.iter(f"{SVG}text")]
    assert not any(t.startswith(("Silver", "Gold", "Platinum")) for t in texts)
    assert "Median of comparable cities" not in texts  # no peers: no marker, no legend


def test_the_peer_marker_has_a_legend(rosario) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = rosario
    for name, claimed in PEERS:
        assessed_city(name, claimed=claimed)
    chart = area_chart(page(c, lead, assessment))
    legend = chart.find(f"{SVG}g[@class='chart-legend']")
    assert legend is not None
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["Median of comparable cities"]
    markers = [p for p in chart.iter(f"{SVG}path") if p.get("fill") == "#1b1f24"]
    assert len(markers) == 8 + 1  # one per practice area, and the legend's
    bars = [r for r in chart.iter(f"{SVG}rect") if r.get("fill") == "#e6eaef"]
    legend_bottom = float(legend.find(f"{SVG}path").get("d").split()[2]) + 22  # type: ignore[union-attr]
    assert all(float(r.get("y", 0)) > legend_bottom for r in bars)  # the legend overlaps no bar
