"""Column and bar charts: bars in proportion, every number written out, readable without colour."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from citycert.public.charts import Bar, Series, bar_chart, column_chart, nice_scale

SVG = "{http://www.w3.org/2000/svg}"
NS = {"svg": SVG[1:-1]}
LEVELS = [
    Series("Silver", [3, 5, 0], "silver"),
    Series("Gold", [1, 2, 0], "gold"),
    Series("Platinum", [0, 4, 0], "platinum"),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def columns(categories: list[str], series: list[Series], **options: object) -> ET.Element:
    options = {
        "title": "Certified cities by cohort",
        "description": "How many cities each cohort certified.",
        "x_label": "Cohort",
        "y_label": "Cities",
        "id_prefix": "chart",
        **options,
    }
    return parse(column_chart(categories, series, **options))  # type: ignore[arg-type]


def bars(items: list[Bar], **options: object) -> ET.Element:
    options = {
        "title": "By country",
        "description": "d",
        "value_label": "Cities",
        "id_prefix": "chart",
        **options,
    }
    return parse(bar_chart(items, **options))  # type: ignore[arg-type]


def shapes(root: ET.Element) -> dict[str, ET.Element]:
    """The drawn bars (and layers) by the text of their <title>."""
    return {
        r.find("svg:title", NS).text: r  # type: ignore[union-attr,misc]
        for r in root.iterfind("svg:rect", NS)
        if r.find("svg:title", NS) is not None
    }


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def size(rect: ET.Element, along: str) -> float:
    return float(rect.attrib[along])


@pytest.mark.parametrize(
    ("ticks_for", "expected"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (6, [0, 1, 2, 3, 4, 5, 6]),
        (7, [0, 2, 4, 6, 8]),
        (45, [0, 10, 20, 30, 40, 50]),
        (3456, [0, 1000, 2000, 3000, 4000]),
        (12_001, [0, 5000, 10_000, 15_000]),
    ],
)
def test_the_value_axis_counts_in_round_steps_from_1_to_thousands(
    ticks_for: int, expected: list[int]
) -> None:
    assert nice_scale(ticks_for) == expected


def test_column_heights_are_in_proportion_to_the_counts() -> None:
    root = columns(["2018", "2019", "2020"], [Series("Cities", [10, 40, 25])])
    drawn = shapes(root)
    heights = [
        size(drawn[f"{year}: {n}"], "height")
        for year, n in [("2018", 10), ("2019", 40), ("2020", 25)]
    ]
    assert heights[1] == pytest.approx(4 * heights[0], abs=0.2)
    assert heights[2] == pytest.approx(2.5 * heights[0], abs=0.2)
    xs = [size(drawn[t], "x") for t in ["2018: 10", "2019: 40", "2020: 25"]]
    assert xs == sorted(xs)  # in the order given, left to right
    assert root.attrib["role"] == "img"


def test_layers_stack_in_order_from_the_bottom_in_proportion() -> None:
    drawn = shapes(columns(["2018", "2019", "2020"], LEVELS))
    silver, gold, platinum = (
        drawn[f"2019, {level}: {n}"] for level, n in [("Silver", 5), ("Gold", 2), ("Platinum", 4)]
    )
    assert size(silver, "height") == pytest.approx(2.5 * size(gold, "height"), abs=0.2)
    assert size(platinum, "height") == pytest.approx(2 * size(gold, "height"), abs=0.2)
    silver_top = size(silver, "y")
    assert size(gold, "y") + size(gold, "height") == pytest.approx(silver_top, abs=0.15)
    assert size(platinum, "y") < size(gold, "y") < silver_top


def test_every_column_shows_its_total_and_tall_layers_their_count() -> None:
    root = columns(["2018", "2019", "2020"], LEVELS)
    written = texts(root)
    for total in ["4", "11", "0"]:
        assert total in written
    assert "5" in written and "4" in written  # the 2019 Silver and Platinum layers
    for label in ["2018", "2019", "2020", "Cohort", "Cities"]:
        assert label in written


def test_levels_differ_by_pattern_and_are_named_in_a_key() -> None:
    root = columns(["2018", "2019", "2020"], LEVELS)
    drawn = shapes(root)
    fills = {
        level: drawn[f"2019, {level}: {n}"].attrib["fill"]
        for level, n in [("Silver", 5), ("Gold", 2), ("Platinum", 4)]
    }
    assert fills["Gold"] == "url(#chart-gold)" and fills["Platinum"] == "url(#chart-platinum)"
    assert len(set(fills.values())) == 3
    patterns = {p.attrib["id"]: p for p in root.iterfind("svg:defs/svg:pattern", NS)}
    assert set(patterns) == {"chart-gold", "chart-platinum"}
    assert len({ET.tostring(p[1]) for p in patterns.values()}) == 2  # hatching, dots
    written = texts(root)
    assert [t for t in written if t in {"Silver", "Gold", "Platinum"}] == [
        "Silver",
        "Gold",
        "Platinum",
    ]
    swatches = [
        r.attrib["fill"] for r in root.iterfind("svg:rect", NS) if r.attrib.get("width") == "16"
    ]
    assert swatches == list(fills.values())


def test_one_series_needs_no_key() -> None:
    root = columns(["2018"], [Series("Certified cities", [1])])
    assert "Certified cities" not in texts(root)
    assert "1" in texts(root)
    assert shapes(root)["2018: 1"].attrib["fill"] == "#0b4f8a"


def test_a_single_column_of_one_fills_the_axis() -> None:
    root = columns(["2018"], [Series("Cities", [1])])
    column = shapes(root)["2018: 1"]
    axis = [float(line.attrib["y1"]) for line in root.iterfind("svg:line", NS)]
    assert size(column, "height") == pytest.approx(max(axis) - min(axis), abs=0.2)


def test_zero_counts_draw_no_column_but_still_say_zero() -> None:
    root = columns(["2018", "2019"], [Series("Cities", [0, 0])])
    assert shapes(root) == {}
    assert texts(root).count("0") == 3  # the axis and the two totals


def test_no_categories_says_there_is_nothing_to_show() -> None:
    assert "No data to show" in texts(columns([], []))
    assert "No data to show" in texts(bars([]))


def test_crowded_category_labels_turn_slantwise() -> None:
    few = columns(["2018", "2019"], [Series("Cities", [1, 2])])
    many = columns([f"2019-{m:02}" for m in range(1, 25)], [Series("Cities", list(range(24)))])

    def slanted(root: ET.Element) -> bool:
        return any("rotate(-45" in t.attrib.get("transform", "") for t in root.iter(f"{SVG}text"))

    assert not slanted(few)
    assert slanted(many)


@pytest.mark.parametrize(
    "values", [[1, 2], [1, -2], [1, 2.5], [1, True]], ids=["short", "negative", "fraction", "bool"]
)
def test_it_refuses_counts_that_are_not_counts(values: list[object]) -> None:
    with pytest.raises(ValueError, match="Cities"):
        column_chart(
            ["2018", "2019", "2020"][: 3 if values == [1, 2] else 2],
            [Series("Cities", values)],  # type: ignore[arg-type]
            title="t",
            description="d",
            x_label="x",
            y_label="y",
        )
    if values != [1, 2]:
        with pytest.raises(ValueError, match="Cities"):
            bar_chart(
                [Bar("Cities", v) for v in values], title="t", description="d", value_label="v"
            )  # type: ignore[arg-type]


def test_bar_lengths_are_in_proportion_and_each_count_is_written_after_its_bar() -> None:
    root = bars(
        [Bar("United States", 1234), Bar("Mexico", 56), Bar("Chile", 0)],
        category_label="Country",
    )
    drawn = shapes(root)
    us, mexico = drawn["United States: 1,234"], drawn["Mexico: 56"]
    assert size(us, "width") / size(mexico, "width") == pytest.approx(1234 / 56, rel=0.01)
    assert size(us, "y") < size(mexico, "y")  # top to bottom in the order given
    assert "Chile: 0" not in drawn
    written = texts(root)
    for label in ["United States", "Mexico", "Chile", "1,234", "56", "0", "Country", "Cities"]:
        assert label in written
    count = next(t for t in root.iter(f"{SVG}text") if t.text == "1,234")
    assert float(count.attrib["x"]) > size(us, "x") + size(us, "width")


def test_bars_by_level_use_the_level_patterns() -> None:
    root = bars(
        [Bar("Silver", 4, "silver"), Bar("Gold", 2, "gold"), Bar("Platinum", 1, "platinum")]
    )
    drawn = shapes(root)
    assert drawn["Gold: 2"].attrib["fill"] == "url(#chart-gold)"
    assert drawn["Platinum: 1"].attrib["fill"] == "url(#chart-platinum)"
    assert drawn["Silver: 4"].attrib["fill"].startswith("#")


def test_the_chart_grows_with_its_bars() -> None:
    two = bars([Bar("First-time", 30), Bar("Re-certified", 12, "other")])
    ten = bars([Bar(f"Country {i}", i) for i in range(10)])
    assert int(ten.attrib["height"]) > int(two.attrib["height"])
    assert ten.attrib["viewBox"].split()[3] == ten.attrib["height"]


def test_long_category_names_are_shortened_but_kept_whole_in_the_title() -> None:
    name = "The Plurinational State of a Very Long Country Name Indeed, With More Words"
    root = bars([Bar(name, 3), Bar("Peru", 1)], width=600)
    assert name not in texts(root)
    assert any(t.endswith("…") and name.startswith(t[:-1]) for t in texts(root))
    assert f"{name}: 3" in shapes(root)


def test_numbers_are_written_the_readers_way() -> None:
    with translation.override("es"):
        root = bars([Bar("Estados Unidos", 1234)])
    assert "1\xa0234" in texts(root)  # grouped with a no-break space, as Spanish does


def test_it_escapes_what_it_is_given() -> None:
    tom = '<Tom & "Jerry">'
    column = column_chart(
        [tom],
        [Series(tom, [2], "gold"), Series("b", [1])],
        title=tom,
        description=tom,
        x_label=tom,
        y_label=tom,
    )
    bar = bar_chart([Bar(tom, 2)], title=tom, description=tom, value_label=tom, category_label=tom)
    for svg in (column, bar):
        assert tom not in svg
        root = parse(svg)
        assert root.find("svg:title", NS).text == tom  # type: ignore[union-attr]
        assert root.find("svg:desc", NS).text == tom  # type: ignore[union-attr]
        assert tom in texts(root)


def test_it_uses_no_style_attribute_or_element_and_stands_alone() -> None:
    for svg in (
        column_chart(
            ["2018", "2019", "2020"], LEVELS, title="t", description="d", x_label="x", y_label="y"
        ),
        bar_chart([Bar("Gold", 2, "gold")], title="t", description="d", value_label="v"),
    ):
        assert "style=" not in svg and "<style" not in svg
        root = parse(svg)
        assert root.tag == f"{SVG}svg"
        assert root.attrib["viewBox"] == f"0 0 {root.attrib['width']} {root.attrib['height']}"
        assert root.attrib["aria-labelledby"] == root.find("svg:title", NS).attrib["id"]  # type: ignore[union-attr]
        for element in root.iter():
            assert "style" not in element.attrib


def test_charts_with_different_titles_never_share_an_id() -> None:
    def ids(root: ET.Element) -> set[str]:
        return {e.attrib["id"] for e in root.iter() if "id" in e.attrib}

    by_cohort = columns(["2018"], [Series("a", [1], "gold")], id_prefix=None)
    by_level = bars([Bar("Gold", 1, "gold")], title="By level", id_prefix=None)
    assert ids(by_cohort) and ids(by_level) and not ids(by_cohort) & ids(by_level)
    fills = {r.attrib["fill"] for r in by_level.iterfind("svg:rect", NS)}
    assert {f"url(#{i})" for i in ids(by_level)} & fills  # the bar's pattern is its own


def test_totals_too_wide_for_narrow_columns_stand_upright() -> None:
    months = [f"2019-{m:02}" for m in range(1, 31)]
    root = columns(months, [Series("Cities", [1000 + m for m in range(30)])])
    totals = [t for t in root.iter(f"{SVG}text") if t.attrib.get("font-weight") == "700"][:-2]
    assert len(totals) == 30
    assert [t.text for t in totals] == [f"1,0{m:02}" for m in range(30)]
    assert all("rotate(-90" in t.attrib.get("transform", "") for t in totals)
    few = columns(["2018", "2019"], [Series("Cities", [1000, 1001])])
    level = [t for t in few.iter(f"{SVG}text") if t.text == "1,000"]
    assert level and "transform" not in level[0].attrib
