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
from citycert.standards.models import level_name

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
    land: str  # the countries' <path> elements, ready to put in the map

    def svg(self, zoom: float = 1.0) -> str:
        """The sea and the land; borders keep their width on screen however far the map zooms."""
        return "".join(
            (
                f'<rect width="{self.frame.width}" height="{self.frame.height}" fill="{SEA}"/>',
                f'<g class="map-land" aria-hidden="true" fill="{LAND}" stroke="{BORDER}" '
                f'stroke-width="{_number(0.5 / zoom)}" stroke-linejoin="round" '
                'fill-rule="evenodd">',
                self.land,
                "</g>",
            )
        )


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
    land = "".join(f'<path data-country="{xml_text(n)}" d="{d}"/>' for n, d in countries)
    return _Basemap(frame, tuple(countries), land)


def _number(value: float) -> str:
    """A short decimal for an SVG attribute: 0.5 -> ".5", 2.0 -> "2"."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text.removeprefix("0") if text.startswith("0.") else text


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
        "unknown": level_name("unknown"),
    }


# Zooming to the cities shown: at most this many times closer than the whole map, so that one
# city still appears with its country around it; a window this much wider than the cities'
# extent on each side, so markers at the edge are not cut.
MAX_ZOOM = 8.0
FIT_MARGIN = 0.12
FIT_MINIMUM = 1.15  # closer than this is not worth leaving the whole map for


@dataclass(frozen=True, slots=True)
class _Window:
    """The part of the map a viewBox shows: its top-left corner and how far it zooms in."""

    left: float
    top: float
    zoom: float


def _fit(positions: Sequence[tuple[float, float]], frame: _Frame) -> _Window:
    """The window that shows every position as closely as MAX_ZOOM allows, with the whole
    map's proportions; the whole map when that is about as close."""
    whole = _Window(0.0, 0.0, 1.0)
    if not positions:
        return whole
    xs, ys = [x for x, _ in positions], [y for _, y in positions]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    zoom = min(
        MAX_ZOOM,
        frame.width / (span_x * (1 + 2 * FIT_MARGIN) or 1e-9),
        frame.height / (span_y * (1 + 2 * FIT_MARGIN) or 1e-9),
    )
    if zoom < FIT_MINIMUM:
        return whole
    width, height = frame.width / zoom, frame.height / zoom
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    left = min(max(centre_x - width / 2, 0.0), frame.width - width)
    top = min(max(centre_y - height / 2, 0.0), frame.height - height)
    return _Window(left, top, zoom)


def map_height(width: int = 960) -> int:
    """The height of the whole map drawn `width` wide (what `render_map` writes)."""
    frame = _basemap().frame
    return round(width * frame.height / frame.width)


def render_map(
    points: Iterable[MapPoint],
    *,
    title: str,
    description: str,
    width: int = 960,
    link: bool = True,
    id_prefix: str | None = None,
    fit: bool = False,
) -> SafeString:
    """The map as one <svg> element, with a marker for each point.

    With `link` (for pages), each marker is a link to the point's `href` (when it has one)
    whose <title> names the city, its region and its level, so that it can be reached with a
    keyboard and read by a screen reader; the svg is then a group labelled by its <title> and
    described by its <desc>. Without it (for PDFs and images), the svg is one image named by
    its <title> and <desc>, which should then say what the map shows.

    With `fit`, the map zooms in (up to MAX_ZOOM times) on the part of the Americas where the
    points are, when they are close enough together for that to help: a country, a region,
    a few cities. Markers, borders and the legend keep their size on screen.

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
    placed: list[tuple[MapPoint, float, float]] = []
    for point in points:
        if point.level not in levels:
            raise ValueError(f"unknown certification level {point.level!r} for {point.name!r}")
        dlon = point.longitude * _RADIANS - _LON0
        lat = point.latitude * _RADIANS
        sin_lat, cos_lat, cos_dlon = sin(lat), cos(lat), cos(dlon)
        k = sqrt(2 / max(1 + _SIN_LAT0 * sin_lat + _COS_LAT0 * cos_lat * cos_dlon, 1e-12))
        x = (k * cos_lat * sin(dlon) - left) * scale + MARGIN
        y = (top - k * (_COS_LAT0 * sin_lat - _SIN_LAT0 * cos_lat * cos_dlon)) * scale + MARGIN
        if 0 <= x <= right and 0 <= y <= bottom:
            placed.append((point, x, y))

    window = _fit([(x, y) for _, x, y in placed], frame) if fit else _Window(0.0, 0.0, 1.0)
    zoom = window.zoom
    # Positions in tenths of a unit when zoomed in, so that close cities stay apart.
    digits = 1 if zoom > 1 else 0
    markers: list[str] = []
    for point, x, y in placed:
        region = point.region
        if region:
            where = regions.get(region)
            if where is None:
                where = regions[region] = xml_text(region)
            place = f"{xml_text(point.name)}, {where}"
        else:
            place = xml_text(point.name)
        label = naming % {"place": place, "level": levels[point.level]}
        if digits:
            use = f'href="#{prefix}-{point.level}" x="{x:.1f}" y="{y:.1f}"'
        else:
            use = f'href="#{prefix}-{point.level}" x="{round(x)}" y="{round(y)}"'
        if link and point.href:
            markers.append(
                f'<a href="{xml_text(point.href)}"><title>{label}</title><use {use}/></a>'
            )
        else:
            markers.append(f"<use {use}><title>{label}</title></use>")

    height = round(width * frame.height / frame.width)
    role = "group" if link else "img"
    if zoom > 1:
        view = (
            f"{_number(window.left)} {_number(window.top)} "
            f"{_number(frame.width / zoom)} {_number(frame.height / zoom)}"
        )
        shrink = f' transform="scale({_number(1 / zoom)})"'
    else:
        view, shrink = f"0 0 {frame.width} {frame.height}", ""
    return mark_safe(  # noqa: S308 - every text inserted went through xml_text()
        "".join(
            (
                f'<svg xmlns="http://www.w3.org/2000/svg" class="map-svg" role="{role}" '
                f'aria-labelledby="{prefix}-title" aria-describedby="{prefix}-desc" '
                f'viewBox="{view}" width="{width}" height="{height}">',
                f'<title id="{prefix}-title">{xml_text(title)}</title>',
                f'<desc id="{prefix}-desc">{xml_text(description)}</desc>',
                "<defs>",
                *(
                    f'<path id="{prefix}-{level}" d="{MARKER_SHAPES[level]}" '
                    f'fill="{LEVEL_COLOURS[level]}"{shrink}/>'
                    for level in LEVELS
                ),
                "</defs>",
                basemap.svg(zoom),
                _legend(prefix, names, frame, window, [(x, y) for _, x, y in placed]),
                # The halo is inherited rather than set on the shapes, so that the focus style
                # in site.css can replace it on the focused marker.
                f'<g class="map-markers" stroke="{MARKER_HALO}" stroke-width="1.2">',
                *markers,
                "</g></svg>",
            )
        )
    )


def _legend(
    prefix: str,
    names: dict[LevelCode, str],
    frame: _Frame,
    window: _Window,
    positions: Sequence[tuple[float, float]],
) -> str:
    """A key: each level's marker beside its name. Hidden from screen readers, to whom each
    marker names its level itself. On the whole map it sits in the Pacific, bottom left; on a
    zoomed one, in the first corner (bottom left, bottom right, top left, top right) that
    covers no city, and it keeps its size on screen."""
    row, size = 26, 17
    heading = _("Certification level")
    box_width = round(
        max(text_width(heading, size) * 1.1, *(44 + text_width(n, size) for n in names.values()))
        + 16
    )
    box_height = 44 + row * len(LEVELS)
    inset = MARGIN + 6
    corners = [
        (inset, frame.height - inset - box_height),
        (frame.width - inset - box_width, frame.height - inset - box_height),
        (inset, inset),
        (frame.width - inset - box_width, inset),
    ]
    zoom = window.zoom
    left, top = corners[0]
    if zoom > 1:
        # Where the cities are on screen, in the units the legend is drawn in.
        seen = [((x - window.left) * zoom, (y - window.top) * zoom) for x, y in positions]
        clear = 10  # about a marker's size: a city at the box's edge is still covered
        for corner_left, corner_top in corners:
            if not any(
                corner_left - clear <= x <= corner_left + box_width + clear
                and corner_top - clear <= y <= corner_top + box_height + clear
                for x, y in seen
            ):
                left, top = corner_left, corner_top
                break
        place = (
            f"translate({_number(window.left + left / zoom)} {_number(window.top + top / zoom)}) "
            f"scale({_number(1 / zoom)})"
        )
        # The shapes in <defs> are drawn smaller by the zoom already: grow them back.
        grow = f' transform="scale({_number(zoom)})"'
    else:
        place, grow = f"translate({left} {top})", ""
    parts = [
        f'<g class="map-legend" aria-hidden="true" font-family="system-ui, sans-serif" '
        f'font-size="{size}" fill="{INK}" transform="{place}">',
        f'<rect width="{box_width}" height="{box_height}" fill="#ffffff" stroke="{MUTED}"/>',
        f'<text x="12" y="26" font-weight="700">{xml_text(heading)}</text>',
    ]
    for k, level in enumerate(LEVELS):
        y = 50 + k * row
        # With `grow`, x and y are in the grown units: divide them by the zoom.
        at_x, at_y = (_number(24 / zoom), _number(y / zoom)) if grow else (24, y)
        parts.append(
            f'<use href="#{prefix}-{level}" x="{at_x}" y="{at_y}" stroke="{MARKER_HALO}"{grow}/>'
            f'<text x="44" y="{y + 6}">{xml_text(names[level])}</text>'
        )
    parts.append("</g>")
    return "".join(parts)
