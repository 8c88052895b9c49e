"""The map and the charts inline in a page, in a real browser, under the site's Content Security
Policy and stylesheet: no inline style refused, axe-core content, every city a named link that the
keyboard reaches and that shows where focus is.

The page is served by the test itself (no database, no view): the functions are what is tested.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.csp import build_policy

import citycert
from citycert.public.charts import Bar, Series, bar_chart, column_chart
from citycert.public.geo import render_map
from tests.browser.conftest import axe_violations
from tests.public.places import AUSTIN, BOGOTA, BUENOS_AIRES

ORIGIN = "https://citycert.test"
SITE_CSS = Path(citycert.__file__).parent / "static" / "citycert" / "site.css"


def page_html() -> str:
    world = render_map(
        [BOGOTA, AUSTIN, BUENOS_AIRES],
        title="Certified cities",
        description="Three certified cities: one in each level.",
    )
    cohorts = column_chart(
        ["2018", "2019"],
        [Series("Silver", [2, 3], "silver"), Series("Gold", [1, 0], "gold")],
        title="Certified cities by cohort",
        description="Three in 2018, three in 2019.",
        x_label="Cohort",
        y_label="Cities",
    )
    levels = bar_chart(
        [Bar("Silver", 5, "silver"), Bar("Gold", 1, "gold")],
        title="Certified cities by level",
        description="Five Silver, one Gold.",
        value_label="Cities",
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Map</title>'
        '<link rel="stylesheet" href="/static/citycert/site.css"></head>'
        f'<body><main class="wrap"><h1>Certified cities</h1><figure class="map">{world}</figure>'
        f"<figure>{cohorts}</figure><figure>{levels}</figure></main></body></html>"
    )


def open_page(browser, *, bypass_csp: bool):  # type: ignore[no-untyped-def]
    context = browser.new_context(bypass_csp=bypass_csp, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    html = page_html()
    policy = build_policy(settings.SECURE_CSP)

    def serve(route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if url == f"{ORIGIN}/":
            route.fulfill(
                body=html, content_type="text/html", headers={"Content-Security-Policy": policy}
            )
        elif url == f"{ORIGIN}/static/citycert/site.css":
            route.fulfill(body=SITE_CSS.read_text(encoding="utf-8"), content_type="text/css")
        else:  # where a city's link leads
            route.fulfill(body="<!doctype html><title>City</title>", content_type="text/html")

    page.route(f"{ORIGIN}/**", serve)
    page.add_init_script(
        "window.refused = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.refused.push(e.violatedDirective));"
    )
    page.goto(f"{ORIGIN}/")
    return context, page


@pytest.fixture
def strict_page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context, page = open_page(browser, bypass_csp=False)
    yield page
    context.close()


def test_the_browser_refuses_nothing_under_the_sites_policy(strict_page) -> None:  # type: ignore[no-untyped-def]
    assert strict_page.evaluate("window.refused") == []
    # The stylesheet did load and apply: the map fills its figure's width.
    widths = strict_page.evaluate(
        "[document.querySelector('.map-svg').getBoundingClientRect().width,"
        " document.querySelector('figure.map').getBoundingClientRect().width]"
    )
    assert widths[0] == pytest.approx(widths[1], abs=1)


def test_every_city_is_a_link_named_with_its_level(strict_page) -> None:  # type: ignore[no-untyped-def]
    for name in [
        "Bogotá, Bogotá D.C., Colombia, certified Gold",
        "Austin, Texas, United States, certified Silver",
        "Buenos Aires, Buenos Aires, Argentina, certified Platinum",
    ]:
        assert strict_page.get_by_role("link", name=name, exact=True).count() == 1
    assert strict_page.get_by_role("group", name="Certified cities", exact=True).count() == 1
    for chart in ["Certified cities by cohort", "Certified cities by level"]:
        assert strict_page.get_by_role("img", name=chart, exact=True).count() == 1


def test_the_keyboard_reaches_each_city_and_shows_where_focus_is(strict_page) -> None:  # type: ignore[no-untyped-def]
    idle = strict_page.evaluate("getComputedStyle(document.querySelector('.map-svg a use')).stroke")
    strict_page.keyboard.press("Tab")
    focused = strict_page.evaluate(
        "(() => { const a = document.activeElement, use = a.querySelector('use');"
        " const style = getComputedStyle(use);"
        " return [a.getAttribute('href'), style.stroke, style.strokeWidth,"
        " getComputedStyle(a).outlineStyle]; })()"
    )
    assert focused[0] == "/cities/bogota/"  # the first city given
    assert focused[1] == "rgb(27, 27, 27)" != idle  # a dark ring instead of the white halo
    assert focused[2] == "4px"  # a thick one
    assert focused[3] == "solid"  # and the site's focus outline around it
    strict_page.keyboard.press("Tab")
    assert strict_page.evaluate("document.activeElement.getAttribute('href')") == "/cities/austin/"
    strict_page.keyboard.press("Enter")
    strict_page.wait_for_url(f"{ORIGIN}/cities/austin/")


def test_axe_finds_no_violation_in_the_map_and_charts(browser) -> None:  # type: ignore[no-untyped-def]
    # axe-core is injected inline, so this page lets the test past the policy.
    context, page = open_page(browser, bypass_csp=True)
    try:
        assert axe_violations(page) == []
    finally:
        context.close()
