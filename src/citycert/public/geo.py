"""An offline map of the Americas with certified cities on it, as standalone SVG.

The land comes from Natural Earth's 1:50m admin-0 countries as packaged in the npm package
`world-atlas` (data/world-atlas/). The module reads that TopoJSON itself, keeps the countries of
the Americas, projects them and turns them into SVG path data once per process; each call then
only adds the city markers. Nothing here touches the database: callers pass plain `MapPoint`s.

Projection: Lambert azimuthal equal-area centred on Central America (see `project`). The
Americas reach from the Arctic to Cape Horn, so a cylindrical projection (Mercator, Miller)
would swell Canada and Alaska far beyond their size next to Brazil, and a map of them would be
mostly empty ocean either side. Centred at 88°W 14°N, an azimuthal projection has every place
the map shows (Alaska's north coast, Hawaii, Cape Horn) within about 72 degrees of its centre,
where shapes stay recognisable; being equal-area, it draws no country bigger than it is, which
is fair on a map whose point is how many cities are where.

The output is one <svg> element with presentation attributes only (no style attribute, no
<style> element), so it passes a strict Content Security Policy inline in a page, and it is
standalone (xmlns, viewBox, width, height) so WeasyPrint can draw it in a PDF.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from citycert.public.svg import id_prefix as make_prefix
from citycert.public.svg import text_width, xml_text

ATLAS = Path(__file__).parent / "data" / "world-atlas" / "countries-50m.json"

# "unknown": certified, but the announcement did not publish the level.
LevelCode = Literal["silver", "gold", "platinum", "unknown"]
LEVELS: tuple[LevelCode, ...] = ("silver", "gold", "platinum", "unknown")

# Colours: the level colours of site.css, each at least 3:1 against both the land and the sea
# (tests/public/test_geo.py checks the ratios), so a marker stands out wherever it lands.
SEA = "#eef3f7"
LAND = "#dcd8cc"
BORDER = "#a39d8c"
INK = "#1b1f24"
MUTED = "#4a5360"
LEVEL_COLOURS: dict[LevelCode, str] = {
    "silver": "#5b6470",
    "gold": "#7a5600",
    "platinum": "#3d3f8f",
    "unknown": "#4a5360",
}

# The countries and territories of the Americas, by ISO 3166-1 numeric code (the TopoJSON ids).
AMERICAS: frozenset[str] = frozenset(
    {
        # North America
        "124", "840", "484", "304", "666", "060",
        # Central America
        "084", "320", "222", "340", "558", "188", "591",
        # The Caribbean
        "044", "192", "388", "332", "214", "630", "850", "092", "660", "534", "663", "652",
        "028", "659", "500", "212", "662", "670", "308", "052", "780", "533", "531", "136",
        "796",
        # South America
        "032", "068", "076", "152", "170", "218", "238", "328", "600", "604", "740", "858",
        "862", "239",
    }
)  # fmt: skip
# Countries whose territory is partly in the Americas: France (French Guiana, Guadeloupe,
# Martinique...) and the Netherlands (Bonaire, Sint Eustatius, Saba). Only their polygons west
# of this longitude are kept.
OVERSEAS = frozenset({"250", "528"})
OVERSEAS_WEST_OF = -30.0

# The projection's centre (longitude, latitude), and the map's frame: it fits the land within
# these bounds; land beyond them (the Arctic islands, the far Aleutians) is cut at its edges.
CENTRE = (-88.0, 14.0)
FRAME_WEST, FRAME_EAST = -165.0, -30.0
FRAME_NORTH, FRAME_SOUTH = 72.0, -56.5

VIEW_WIDTH = 1000  # viewBox units across; the map's height follows from the frame
MARGIN = 14


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One city on the map."""

    name: str
    region: str  # where it is, as shown to readers: "Texas, United States"
    latitude: float
    longitude: float
    level: LevelCode
    href: str = ""  # the city's profile page; unused when the map has no links


_LON0 = math.radians(CENTRE[0])
_SIN_LAT0, _COS_LAT0 = math.sin(math.radians(CENTRE[1])), math.cos(math.radians(CENTRE[1]))
_RADIANS = math.pi / 180


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """Lambert azimuthal equal-area coordinates of a place in degrees, on the unit sphere,
    with y pointing north. The antipode of the centre (in the Indian Ocean) has no image and
    lands on the centre's far edge: nothing the map shows is near it."""
    dlon = longitude * _RADIANS - _LON0
    lat = latitude * _RADIANS
    sin_lat, cos_lat = math.sin(lat), math.cos(lat)
    cos_dlon = math.cos(dlon)
    k = math.sqrt(2 / max(1 + _SIN_LAT0 * sin_lat + _COS_LAT0 * cos_lat * cos_dlon, 1e-12))
    return k * cos_lat * math.sin(dlon), k * (_COS_LAT0 * sin_lat - _SIN_LAT0 * cos_lat * cos_dlon)


# --- TopoJSON -------------------------------------------------------------------------------


Ring = list[tuple[float, float]]


def _decode_arcs(topology: dict[str, Any], wanted: Iterable[int]) -> dict[int, Ring]:
    """The `wanted` arcs of the topology as (longitude, latitude) points: arcs are stored
    quantized, each position after the first as the difference from the one before."""
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    encoded_arcs = topology["arcs"]
    arcs: dict[int, Ring] = {}
    for index in wanted:
        x = y = 0
        points: Ring = []
        for dx, dy in encoded_arcs[index]:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs[index] = points
    return arcs


def _ring_arcs(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """The polygons of a Polygon or MultiPolygon geometry, each a list of rings of arc indexes."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def _stitch(
    indexes: Sequence[int], arcs: Sequence[Sequence[Any]] | Mapping[int, Sequence[Any]]
) -> list[Any]:
    """One closed ring from its arcs; a negative index ~i means arc i walked backwards.
    Consecutive arcs share their joining point, which is kept once."""
    ring: list[Any] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc[1:] if ring else arc)
    return ring


# --- The base map, built once per process ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Frame:
    """From projected coordinates to viewBox units."""

    left: float
    top: float
    scale: float
    width: int
    height: int

    def place(self, longitude: float, latitude: float) -> tuple[float, float]:
        x, y = project(longitude, latitude)
        return (x - self.left) * self.scale + MARGIN, (self.top - y) * self.scale + MARGIN


@dataclass(frozen=True, slots=True)
class _Basemap:
    frame: _Frame
    countries: tuple[tuple[str, str], ...]  # (name in English, SVG path data)
    svg: str  # the sea and the land, ready to put in the map


def _simplify(points: Sequence[tuple[float, float]], tolerance: float) -> list[int]:
    """Indexes of the points Douglas-Peucker keeps: the ends, and every point further than
    `tolerance` from the line through the kept ones around it. A closed arc (first point equals
    last) is first split at its point furthest from the start."""
    last = len(points) - 1
    if last < 2:
        return list(range(last + 1))
    if points[0] == points[last]:
        x0, y0 = points[0]
        far = max(range(1, last), key=lambda i: (points[i][0] - x0) ** 2 + (points[i][1] - y0) ** 2)
        return (
            _simplify_span(points, 0, far, tolerance)
            + _simplify_span(points, far, last, tolerance)[1:]
        )
    return _simplify_span(points, 0, last, tolerance)


def _simplify_span(
    points: Sequence[tuple[float, float]], start: int, end: int, tolerance: float
) -> list[int]:
    keep = [start]
    stack = [(start, end)]
    kept_inside: list[int] = []
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1e-12
        worst, worst_distance = -1, tolerance
        for i in range(first + 1, last):
            px, py = points[i]
            distance = abs(dy * (px - x1) - dx * (py - y1)) / length
            if distance > worst_distance:
                worst, worst_distance = i, distance
        if worst >= 0:
            kept_inside.append(worst)
            stack.append((first, worst))
            stack.append((worst, last))
    keep.extend(sorted(kept_inside))
    keep.append(end)
    return keep


def _path_data(rings: Iterable[Sequence[tuple[int, int]]]) -> str:
    """SVG path data for rings of points in tenths of a unit: an absolute move to the first
    point, then relative lines, which are shorter to write."""
    parts: list[str] = []
    for ring in rings:
        x, y = ring[0]
        parts.append(f"M{_tenths(x)} {_tenths(y)}")
        for nx, ny in ring[1:]:
            parts.append(f"l{_tenths(nx - x)} {_tenths(ny - y)}")
            x, y = nx, ny
        parts.append("z")
    return "".join(parts).replace(" -", "-")


def _tenths(value: int) -> str:
    """An integer number of tenths written as a short decimal: 25 -> "2.5", -3 -> "-.3"."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{tenth}"


SIMPLIFY = 0.35  # viewBox units: detail smaller than about a third of a pixel is dropped
SMALLEST_RING = 0.6  # viewBox units: islands smaller than this are not drawn


@cache
def _basemap() -> _Basemap:
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    geometries = [
        g
        for g in topology["objects"]["countries"]["geometries"]
        if g.get("id") in AMERICAS or g.get("id") in OVERSEAS
    ]
    arcs = _decode_arcs(
        topology,
        {i if i >= 0 else ~i for g in geometries for p in _ring_arcs(g) for r in p for i in r},
    )

    chosen: list[tuple[str, list[list[list[int]]]]] = []
    for geometry in geometries:
        iso = geometry.get("id")
        polygons = _ring_arcs(geometry)
        if iso in OVERSEAS:
            polygons = [
                p
                for p in polygons
                if max(lon for lon, _lat in _stitch(p[0], arcs)) < OVERSEAS_WEST_OF
            ]
        if polygons:
            chosen.append((geometry["properties"]["name"], polygons))

    used = sorted({i if i >= 0 else ~i for _, ps in chosen for p in ps for r in p for i in r})
    projected = {i: [project(lon, lat) for lon, lat in arcs[i]] for i in used}
    inside = [
        xy
        for i in used
        for (lon, lat), xy in zip(arcs[i], projected[i], strict=True)
        if FRAME_WEST <= lon <= FRAME_EAST and FRAME_SOUTH <= lat <= FRAME_NORTH
    ]
    left, right = min(x for x, _ in inside), max(x for x, _ in inside)
    bottom, top = min(y for _, y in inside), max(y for _, y in inside)
    scale = (VIEW_WIDTH - 2 * MARGIN) / (right - left)
    height = round((top - bottom) * scale) + 2 * MARGIN
    frame = _Frame(left, top, scale, VIEW_WIDTH, height)

    # Simplify each arc once, so that neighbours keep sharing the same border.
    screen: dict[int, list[tuple[int, int]]] = {}
    for i in used:
        # Points a tenth of a unit or less from the one before cannot show: drop them first,
        # which leaves far less for the simplification to go through.
        points: list[tuple[float, float]] = []
        last = len(projected[i]) - 1
        for k, (x, y) in enumerate(projected[i]):
            point = ((x - left) * scale + MARGIN, (top - y) * scale + MARGIN)
            if points and k < last:
                px, py = points[-1]
                if abs(point[0] - px) + abs(point[1] - py) <= 0.1:
                    continue
            points.append(point)
        screen[i] = [
            (round(points[k][0] * 10), round(points[k][1] * 10))
            for k in _simplify(points, SIMPLIFY)
        ]

    countries: list[tuple[str, str]] = []
    smallest = SMALLEST_RING * 10
    for name, polygons in chosen:
        rings: list[list[tuple[int, int]]] = []
        for polygon in polygons:
            for ring_indexes in polygon:
                ring = _stitch(ring_indexes, screen)
                ring = [p for k, p in enumerate(ring) if k == 0 or p != ring[k - 1]]
                xs, ys = [x for x, _ in ring], [y for _, y in ring]
                if max(xs) < 0 or min(xs) > VIEW_WIDTH * 10 or max(ys) < 0 or min(ys) > height * 10:
                    continue  # wholly outside the frame
                if len(ring) < 4 or max(max(xs) - min(xs), max(ys) - min(ys)) < smallest:
                    continue
                rings.append(ring[:-1] if ring[0] == ring[-1] else ring)
        if rings:
            countries.append((name, _path_data(rings)))
    svg = "".join(
        (
            f'<rect width="{frame.width}" height="{frame.height}" fill="{SEA}"/>',
            f'<g class="map-land" aria-hidden="true" fill="{LAND}" stroke="{BORDER}" '
            'stroke-width=".5" stroke-linejoin="round" fill-rule="evenodd">',
            *(f'<path data-country="{xml_text(n)}" d="{d}"/>' for n, d in countries),
            "</g>",
        )
    )
    return _Basemap(frame, tuple(countries), svg)


# --- Markers and the whole map ----------------------------------------------------------------

# Marker shapes, centred on (0, 0), about 12 viewBox units across: shape as well as colour tells
# the levels apart, so the map also works in greyscale and for readers who do not see colour.
MARKER_SHAPES: dict[LevelCode, str] = {
    "silver": "M0-5a5 5 0 1 0 .01 0z",  # a circle
    "gold": "M0-6.5 6.5 0 0 6.5-6.5 0z",  # a diamond
    "platinum": "M0-8 1.9-2.6 7.6-2.5 3.1 1 4.7 6.5 0 3.2-4.7 6.5-3.1 1-7.6-2.5-1.9-2.6z",  # a star
    "unknown": "M-4.5-4.5h9v9h-9z",  # a square
}
MARKER_HALO = "#ffffff"  # a thin outline that keeps touching markers apart


def level_names() -> dict[LevelCode, str]:
    """The levels' names in the active language."""
    return {
        "silver": _("Silver"),
        "gold": _("Gold"),
        "platinum": _("Platinum"),
        "unknown": _("level not published"),
    }


def render_map(
    points: Iterable[MapPoint],
    *,
    title: str,
    description: str,
    width: int = 960,
    link: bool = True,
    id_prefix: str | None = None,
) -> SafeString:
    """The map as one <svg> element, with a marker for each point.

    With `link` (for pages), each marker is a link to the point's `href` (when it has one)
    whose <title> names the city, its region and its level, so that it can be reached with a
    keyboard and read by a screen reader; the svg is then a group labelled by its <title> and
    described by its <desc>. Without it (for PDFs and images), the svg is one image named by
    its <title> and <desc>, which should then say what the map shows.

    Markers are drawn, and reached with the Tab key, in the order of `points`. Points outside
    the frame (beyond the Americas) are left out. `width` sets the width attribute (the height
    follows); pages may still scale the map with CSS. Element ids start with `id_prefix` (by
    default one made from the title), which keeps them unique when a page shows two maps.
    Raises ValueError for a level that is not one of LEVELS.
    """
    if width < 1:
        raise ValueError(f"width must be a positive number of pixels, not {width}")
    basemap = _basemap()
    frame = basemap.frame
    names = level_names()
    prefix = make_prefix("map", title, id_prefix)
    # Escape the fixed parts once, and each distinct region once: many cities share one.
    naming = xml_text(_("%(place)s, certified %(level)s"))
    levels = {level: xml_text(name) for level, name in names.items()}
    regions: dict[str, str] = {}
    # The projection, inlined (see `project`): this loop is the whole cost of a large map.
    left, top, scale = frame.left, frame.top, frame.scale
    sin, cos, sqrt = math.sin, math.cos, math.sqrt
    right, bottom = frame.width, frame.height
    markers: list[str] = []
    for point in points:
        level = point.level
        if level not in levels:
            raise ValueError(f"unknown certification level {level!r} for {point.name!r}")
        dlon = point.longitude * _RADIANS - _LON0
        lat = point.latitude * _RADIANS
        sin_lat, cos_lat, cos_dlon = sin(lat), cos(lat), cos(dlon)
        k = sqrt(2 / max(1 + _SIN_LAT0 * sin_lat + _COS_LAT0 * cos_lat * cos_dlon, 1e-12))
        x = (k * cos_lat * sin(dlon) - left) * scale + MARGIN
        y = (top - k * (_COS_LAT0 * sin_lat - _SIN_LAT0 * cos_lat * cos_dlon)) * scale + MARGIN
        if not (0 <= x <= right and 0 <= y <= bottom):
            continue
        region = point.region
        if region:
            where = regions.get(region)
            if where is None:
                where = regions[region] = xml_text(region)
            place = f"{xml_text(point.name)}, {where}"
        else:
            place = xml_text(point.name)
        label = naming % {"place": place, "level": levels[level]}
        use = f'href="#{prefix}-{level}" x="{round(x)}" y="{round(y)}"'
        if link and point.href:
            markers.append(
                f'<a href="{xml_text(point.href)}"><title>{label}</title><use {use}/></a>'
            )
        else:
            markers.append(f"<use {use}><title>{label}</title></use>")

    height = round(width * frame.height / frame.width)
    role = "group" if link else "img"
    return mark_safe(  # noqa: S308 - every text inserted went through xml_text()
        "".join(
            (
                f'<svg xmlns="http://www.w3.org/2000/svg" class="map-svg" role="{role}" '
                f'aria-labelledby="{prefix}-title" aria-describedby="{prefix}-desc" '
                f'viewBox="0 0 {frame.width} {frame.height}" width="{width}" height="{height}">',
                f'<title id="{prefix}-title">{xml_text(title)}</title>',
                f'<desc id="{prefix}-desc">{xml_text(description)}</desc>',
                "<defs>",
                *(
                    f'<path id="{prefix}-{level}" d="{MARKER_SHAPES[level]}" '
                    f'fill="{LEVEL_COLOURS[level]}"/>'
                    for level in LEVELS
                ),
                "</defs>",
                basemap.svg,
                _legend(prefix, names, frame),
                # The halo is inherited rather than set on the shapes, so that the focus style
                # in site.css can replace it on the focused marker.
                f'<g class="map-markers" stroke="{MARKER_HALO}" stroke-width="1.2">',
                *markers,
                "</g></svg>",
            )
        )
    )


def _legend(prefix: str, names: dict[LevelCode, str], frame: _Frame) -> str:
    """A key in the Pacific, bottom left: each level's marker beside its name. Hidden from
    screen readers, to whom each marker names its level itself."""
    row, size = 26, 17
    heading = _("Certification level")
    box_width = round(
        max(text_width(heading, size) * 1.1, *(44 + text_width(n, size) for n in names.values()))
        + 16
    )
    box_height = 44 + row * len(LEVELS)
    left, top = MARGIN + 6, frame.height - MARGIN - 6 - box_height
    parts = [
        f'<g class="map-legend" aria-hidden="true" font-family="system-ui, sans-serif" '
        f'font-size="{size}" fill="{INK}" transform="translate({left} {top})">',
        f'<rect width="{box_width}" height="{box_height}" fill="#ffffff" stroke="{MUTED}"/>',
        f'<text x="12" y="26" font-weight="700">{xml_text(heading)}</text>',
    ]
    for k, level in enumerate(LEVELS):
        y = 50 + k * row
        parts.append(
            f'<use href="#{prefix}-{level}" x="24" y="{y}" stroke="{MARKER_HALO}"/>'
            f'<text x="44" y="{y + 6}">{xml_text(names[level])}</text>'
        )
    parts.append("</g>")
    return "".join(parts)
