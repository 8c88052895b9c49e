"""The map of the Americas: the land, the projection, the markers, what readers get from them."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from citycert.public import geo
from citycert.public.geo import MapPoint, render_map
from tests.public.places import AUSTIN, BOGOTA, BUENOS_AIRES, EDGES

SVG = "{http://www.w3.org/2000/svg}"
NS = {"svg": SVG[1:-1]}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def draw(points: list[MapPoint], **options: object) -> ET.Element:
    options = {
        "title": "Certified cities",
        "description": "Where they are.",
        "id_prefix": "map",
        **options,
    }
    return parse(render_map(points, **options))  # type: ignore[arg-type]


def markers(root: ET.Element) -> list[ET.Element]:
    return root.findall("svg:g[@class='map-markers']/*", NS)


def position(marker: ET.Element) -> tuple[float, float]:
    use = marker if marker.tag == f"{SVG}use" else marker.find("svg:use", NS)
    assert use is not None
    return float(use.attrib["x"]), float(use.attrib["y"])


def view_box(root: ET.Element) -> tuple[float, float]:
    x, y, width, height = (float(v) for v in root.attrib["viewBox"].split())
    assert (x, y) == (0, 0)
    return width, height


def test_it_puts_buenos_aires_south_east_of_bogota() -> None:
    bogota, buenos_aires = (position(m) for m in markers(draw([BOGOTA, BUENOS_AIRES])))
    assert buenos_aires[0] > bogota[0]  # east: further right
    assert buenos_aires[1] > bogota[1]  # south: further down
    austin = position(markers(draw([AUSTIN]))[0])
    assert austin[1] < bogota[1]  # Austin is north of Bogotá


def test_it_keeps_the_far_corners_of_the_americas_inside_the_map() -> None:
    root = draw(EDGES)
    width, height = view_box(root)
    drawn = markers(root)
    assert len(drawn) == len(EDGES)
    for marker in drawn:
        x, y = position(marker)
        # Whole markers, not half of one: a marker reaches 8 units from its centre.
        assert 8 <= x <= width - 8, marker.find("svg:title", NS).text  # type: ignore[union-attr]
        assert 8 <= y <= height - 8, marker.find("svg:title", NS).text  # type: ignore[union-attr]
    by_name = {m.find("svg:title", NS).text.split(",")[0]: position(m) for m in drawn}  # type: ignore[union-attr]
    assert by_name["Honolulu"][0] < by_name["Anchorage"][0] < by_name["St. John's"][0]
    assert by_name["Fairbanks"][1] < by_name["Bridgetown"][1] < by_name["Ushuaia"][1]


def test_it_leaves_out_places_beyond_the_americas() -> None:
    madrid = MapPoint("Madrid", "Spain", 40.42, -3.70, "gold", "/cities/madrid/")
    tokyo = MapPoint("Tokyo", "Japan", 35.68, 139.69, "gold", "/cities/tokyo/")
    assert [position(m) for m in markers(draw([madrid, tokyo, BOGOTA]))] == [
        position(m) for m in markers(draw([BOGOTA]))
    ]


def test_it_draws_the_countries_of_the_americas_and_no_others() -> None:
    root = draw([])
    countries = {p.attrib["data-country"] for p in root.iterfind(".//svg:path[@data-country]", NS)}
    for name in [
        "Canada",
        "United States of America",
        "Mexico",
        "Guatemala",
        "Costa Rica",
        "Panama",
        "Brazil",
        "Chile",
        "Argentina",
        "Uruguay",
        "Cuba",
        "Jamaica",
        "Haiti",
        "Dominican Rep.",
        "Puerto Rico",
        "Bahamas",
        "Barbados",
        "Trinidad and Tobago",
        "Saint Lucia",
        "Falkland Is.",
        "France",  # French Guiana, Guadeloupe, Martinique
    ]:
        assert name in countries
    for name in ["Russia", "Spain", "Portugal", "Senegal", "Iceland", "Japan"]:
        assert name not in countries


def test_only_the_american_part_of_france_is_drawn() -> None:
    france = draw([]).find(".//svg:path[@data-country='France']", NS)
    assert france is not None
    moves = france.attrib["d"].count("M")
    assert 1 <= moves < 10  # French Guiana and the Antilles, not the whole republic


def test_it_is_well_formed_standalone_svg() -> None:
    root = draw([AUSTIN], width=600)
    assert root.tag == f"{SVG}svg"
    width, height = view_box(root)
    assert root.attrib["width"] == "600"
    assert int(root.attrib["height"]) == round(600 * height / width)
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title is not None and title.text == "Certified cities"
    assert desc is not None and desc.text == "Where they are."
    assert root.attrib["aria-labelledby"] == title.attrib["id"]
    assert root.attrib["aria-describedby"] == desc.attrib["id"]


def test_each_marker_links_to_its_city_and_names_it_with_its_level() -> None:
    root = draw([AUSTIN, BOGOTA, BUENOS_AIRES])
    assert root.attrib["role"] == "group"  # links inside: not a single image
    drawn = markers(root)
    assert [m.tag for m in drawn] == [f"{SVG}a"] * 3
    assert [m.attrib["href"] for m in drawn] == [
        "/cities/austin/",
        "/cities/bogota/",
        "/cities/buenos-aires/",
    ]
    titles = [m.find("svg:title", NS).text for m in drawn]  # type: ignore[union-attr]
    assert titles == [
        "Austin, Texas, United States, certified Silver",
        "Bogotá, Bogotá D.C., Colombia, certified Gold",
        "Buenos Aires, Buenos Aires, Argentina, certified Platinum",
    ]
    shapes = [m.find("svg:use", NS).attrib["href"] for m in drawn]  # type: ignore[union-attr]
    assert shapes == ["#map-silver", "#map-gold", "#map-platinum"]


def test_levels_differ_in_shape_as_well_as_colour() -> None:
    root = draw([])
    shapes = {p.attrib["id"]: p for p in root.iterfind("svg:defs/svg:path", NS)}
    assert set(shapes) == {"map-silver", "map-gold", "map-platinum", "map-unknown"}
    assert len({p.attrib["d"] for p in shapes.values()}) == 4
    assert len({p.attrib["fill"] for p in shapes.values()}) == 4


def test_the_legend_pairs_each_shape_with_its_level_name() -> None:
    legend = draw([]).find("svg:g[@class='map-legend']", NS)
    assert legend is not None
    assert [u.attrib["href"] for u in legend.iterfind("svg:use", NS)] == [
        "#map-silver",
        "#map-gold",
        "#map-platinum",
        "#map-unknown",
    ]
    assert [t.text for t in legend.iterfind("svg:text", NS)] == [
        "Certification level",
        "Silver",
        "Gold",
        "Platinum",
        "Level not published",
    ]


def test_it_speaks_the_readers_language() -> None:
    with translation.override("es"):
        root = draw([BOGOTA])
    title = markers(root)[0].find("svg:title", NS)
    assert title is not None and "Oro" in (title.text or "")
    legend = root.find("svg:g[@class='map-legend']", NS)
    assert "Plata" in [t.text for t in legend.iterfind("svg:text", NS)]  # type: ignore[union-attr]


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("level", geo.LEVELS)
def test_markers_stand_out_at_least_3_to_1_on_land_and_sea(level: geo.LevelCode) -> None:
    colour = geo.LEVEL_COLOURS[level]
    assert contrast(colour, geo.LAND) >= 3
    assert contrast(colour, geo.SEA) >= 3
    root = draw([])
    assert root.find("svg:rect", NS).attrib["fill"] == geo.SEA  # type: ignore[union-attr]
    assert root.find("svg:g[@class='map-land']", NS).attrib["fill"] == geo.LAND  # type: ignore[union-attr]


def test_it_escapes_what_it_is_given() -> None:
    tom = MapPoint('<Tom & "Jerry">', "<b>Cartoon</b> & Co", 10.0, -70.0, "gold", '/x?a=1&b="2"')
    svg = render_map(
        [tom], title='Cities <script>alert("x")</script>', description="A & B", id_prefix='m"x'
    )
    assert "<script>" not in svg and "<b>" not in svg and '<Tom & "Jerry">' not in svg
    root = parse(svg)
    marker = markers(root)[0]
    assert marker.attrib["href"] == '/x?a=1&b="2"'
    assert marker.find("svg:title", NS).text == (  # type: ignore[union-attr]
        '<Tom & "Jerry">, <b>Cartoon</b> & Co, certified Gold'
    )
    assert root.find("svg:title", NS).text == 'Cities <script>alert("x")</script>'  # type: ignore[union-attr]
    assert root.find("svg:desc", NS).text == "A & B"  # type: ignore[union-attr]


def test_it_drops_characters_xml_cannot_carry() -> None:
    odd = MapPoint("Nul\x00l\x1bville\ufffe", "Region\x08", 10.0, -70.0, "silver", "/x\x0c/")
    marker = markers(draw([odd]))[0]
    assert marker.find("svg:title", NS).text == "Nullville, Region, certified Silver"  # type: ignore[union-attr]
    assert marker.attrib["href"] == "/x/"


@pytest.mark.parametrize("link", [True, False])
def test_it_uses_no_style_attribute_or_element(link: bool) -> None:
    """A strict Content Security Policy refuses inline styles: presentation attributes only."""
    svg = render_map([AUSTIN, BOGOTA, BUENOS_AIRES], title="t", description="d", link=link)
    for element in parse(svg).iter():
        assert element.tag != f"{SVG}style"
        assert "style" not in element.attrib
    assert "style=" not in svg and "<style" not in svg


def test_without_links_it_is_one_image_for_pdfs() -> None:
    root = draw([AUSTIN, BOGOTA], link=False)
    assert root.attrib["role"] == "img"
    assert root.find(".//svg:a", NS) is None
    assert [position(m) for m in markers(root)] == [
        position(m) for m in markers(draw([AUSTIN, BOGOTA]))
    ]


def test_ids_follow_the_prefix_so_two_maps_can_share_a_page() -> None:
    root = draw([AUSTIN], id_prefix="cohort-map")
    ids = [e.attrib["id"] for e in root.iter() if "id" in e.attrib]
    assert ids and all(i.startswith("cohort-map-") for i in ids)
    use = markers(root)[0].find("svg:use", NS)
    assert use is not None and use.attrib["href"] == "#cohort-map-silver"


def test_maps_with_different_titles_never_share_an_id() -> None:
    ids = [
        {e.attrib["id"] for e in draw([AUSTIN], title=t, id_prefix=None).iter() if "id" in e.attrib}
        for t in ["Certified cities", "Cities certified in 2024"]
    ]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    again = draw([AUSTIN], title="Certified cities", id_prefix=None)
    assert {e.attrib["id"] for e in again.iter() if "id" in e.attrib} == ids[0]


def test_it_refuses_a_level_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="bronze"):
        render_map(
            [MapPoint("X", "Y", 0, -60, "bronze", "/x/")],  # type: ignore[arg-type]
            title="t",
            description="d",
        )


def test_it_draws_5000_cities_compactly() -> None:
    rng = random.Random(5000)  # noqa: S311 - made-up places
    points = [
        MapPoint(
            f"City {i}",
            "Somewhere, Somecountry",
            rng.uniform(-50, 60),
            rng.uniform(-120, -40),
            rng.choice(geo.LEVELS),
            f"/cities/city-{i}/",
        )
        for i in range(5000)
    ]
    svg = render_map(points, title="t", description="d")
    root = parse(svg)
    assert len(markers(root)) == 5000
    assert len(svg) < 200 * 5000  # each marker is a link, a title and a <use>, no more


def test_a_city_without_a_page_gets_a_marker_but_no_link() -> None:
    pageless = MapPoint("Austin", "Texas, United States", 30.27, -97.74, "silver")
    marker = markers(draw([pageless, BOGOTA]))
    assert [m.tag for m in marker] == [f"{SVG}use", f"{SVG}a"]
    assert marker[0].find("svg:title", NS).text == (  # type: ignore[union-attr]
        "Austin, Texas, United States, certified Silver"
    )


def test_markers_sit_where_the_projection_puts_them() -> None:
    frame = geo._basemap().frame
    for point, marker in zip(EDGES, markers(draw(EDGES)), strict=True):
        x, y = frame.place(point.longitude, point.latitude)
        assert position(marker) == (round(x), round(y))


# Zooming to the cities shown ------------------------------------------------------------------


def window(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, width, height = (float(v) for v in root.attrib["viewBox"].split())
    return x, y, width, height


def scale_of(element: ET.Element) -> float:
    transform = element.attrib["transform"]
    assert transform.startswith("scale(") and transform.endswith(")")
    return float(transform[len("scale(") : -1])


def legend_box(root: ET.Element) -> tuple[float, float, float, float]:
    """The legend's left, top, right and bottom, in the map's units."""
    legend = root.find("svg:g[@class='map-legend']", NS)
    assert legend is not None
    transform = legend.attrib["transform"]
    numbers = [
        float(n)
        for n in transform.replace("translate(", "").replace("scale(", "").replace(")", "").split()
    ]
    left, top = numbers[0], numbers[1]
    scale = numbers[2] if len(numbers) > 2 else 1.0
    rect = legend.find("svg:rect", NS)
    assert rect is not None
    width, height = float(rect.attrib["width"]) * scale, float(rect.attrib["height"]) * scale
    return left, top, left + width, top + height


def test_fit_zooms_in_on_cities_close_together_keeping_the_maps_proportions() -> None:
    whole_width, whole_height = view_box(draw([BOGOTA]))
    root = draw([BOGOTA], fit=True)
    x, y, width, height = window(root)
    assert width == pytest.approx(whole_width / geo.MAX_ZOOM, abs=0.01)
    assert width / height == pytest.approx(whole_width / whole_height, rel=0.01)
    bx, by = position(markers(root)[0])
    assert x < bx < x + width and y < by < y + height
    # The width and height attributes stay those of the whole map: only the view changes.
    assert root.attrib["height"] == draw([BOGOTA]).attrib["height"]


def test_fit_keeps_the_whole_map_when_the_cities_span_the_americas() -> None:
    assert window(draw(EDGES, fit=True)) == (0, 0, *view_box(draw(EDGES)))
    assert window(draw([], fit=True)) == (0, 0, *view_box(draw([])))


def test_markers_borders_and_legend_keep_their_size_on_screen_when_zoomed() -> None:
    root = draw([BOGOTA], fit=True)
    zoom = geo.MAX_ZOOM
    for shape in root.iterfind("svg:defs/svg:path", NS):
        assert scale_of(shape) == pytest.approx(1 / zoom)
    land = root.find("svg:g[@class='map-land']", NS)
    assert land is not None and float(land.attrib["stroke-width"]) == pytest.approx(0.5 / zoom)
    left, top, right, bottom = legend_box(root)
    whole = legend_box(draw([BOGOTA]))
    assert (right - left) * zoom == pytest.approx(whole[2] - whole[0], abs=0.01)
    assert (bottom - top) * zoom == pytest.approx(whole[3] - whole[1], abs=0.01)
    # The legend's shapes are grown back by as much as <defs> shrank them.
    for use in root.iterfind("svg:g[@class='map-legend']/svg:use", NS):
        assert scale_of(use) == pytest.approx(zoom)
    x, y, width, height = window(root)
    assert x <= left and right <= x + width and y <= top and bottom <= y + height


def test_the_legend_moves_to_a_corner_that_covers_no_city() -> None:
    # Cities on a line from south-west to north-east: the bottom-left and top-right corners of
    # the zoomed map hold cities, the bottom-right one does not.
    line = [
        MapPoint(f"City {k}", "Somewhere", -20 + k, -75 + k, "silver", f"/cities/c{k}/")
        for k in range(21)
    ]
    root = draw(line, fit=True)
    x, y, width, height = window(root)
    assert width < view_box(draw(line))[0]  # it did zoom
    left, top, right, bottom = legend_box(root)
    assert left > x + width / 2 and top > y + height / 2  # bottom right
    for marker in markers(root):
        mx, my = position(marker)
        assert not (left <= mx <= right and top <= my <= bottom)
