"""The site's icon and logo."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import Client

SVG = "{http://www.w3.org/2000/svg}"


def test_favicon_ico_sends_browsers_to_the_svg_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/citycert/favicon.svg"


def test_the_icon_and_the_logo_are_svg_and_the_logo_is_named(client: Client) -> None:
    icon = ET.parse(Path(finders.find("citycert/favicon.svg"))).getroot()  # type: ignore[arg-type]
    assert icon.tag == f"{SVG}svg" and icon.get("viewBox") == "0 0 32 32"
    logo = ET.parse(Path(finders.find("citycert/logo.svg"))).getroot()  # type: ignore[arg-type]
    assert logo.get("role") == "img"
    title = logo.find(f"{SVG}title")
    assert title is not None and title.text == "citycert"
    assert logo.get("aria-labelledby") == title.get("id")
