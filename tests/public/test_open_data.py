"""Open data: the directory and the history as CSV, JSON and GeoJSON, and their dictionary."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from citycert.public.opendata import DATASETS
from citycert.reviews.models import Certification
from tests.public.conftest import HIDDEN, World


def typed(value: str, kind: str) -> Any:
    if value == "":
        return None
    return {"integer": int, "number": float, "boolean": lambda v: v == "true"}.get(kind, str)(value)


def read_all(client: Client, dataset: str) -> tuple[list[dict[str, Any]], ...]:
    fields = {f.name: f.type for f in DATASETS[dataset].fields}
    text = client.get(f"/data/{dataset}.csv").content.decode()
    from_csv = [
        {k: typed(v, fields[k]) for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]
    from_json = client.get(f"/data/{dataset}.json").json()["records"]
    geo = client.get(f"/data/{dataset}.geojson").json()
    assert geo["type"] == "FeatureCollection"
    from_geojson = [
        {
            **feature["properties"],
            "longitude": feature["geometry"]["coordinates"][0],
            "latitude": feature["geometry"]["coordinates"][1],
        }
        for feature in geo["features"]
    ]
    return from_csv, from_json, from_geojson


@pytest.mark.parametrize("dataset", ["cities", "history"])
def test_the_three_formats_hold_the_same_records(
    world: World, client: Client, dataset: str
) -> None:
    from_csv, from_json, from_geojson = read_all(client, dataset)
    assert from_csv == from_json == from_geojson
    names = [f.name for f in DATASETS[dataset].fields]
    assert all(list(r) == names for r in from_json)  # every field, in the dictionary's order


def test_the_history_has_every_public_event_and_nothing_else(world: World, client: Client) -> None:
    records = client.get("/data/history.json").json()["records"]
    published = Certification.objects.filter(published_at__isnull=False, superseded_by__isnull=True)
    assert len(records) == published.count()
    assert {r["name"] for r in records}.isdisjoint(HIDDEN)
    cities = client.get("/data/cities.json").json()["records"]
    assert len(cities) == len({r["slug"] for r in records})
    kansas = [r for r in records if r["name"] == "Kansas City"]
    assert [(r["cohort"], r["level"], r["event"]) for r in kansas] == [
        ("2018-01", "silver", "new"),
        ("2019-04", "gold", "level_up"),
    ]


def test_the_files_are_open_to_any_site_and_cacheable(world: World, client: Client) -> None:
    response = client.get("/data/cities.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    assert client.get("/data/cities.geojson")["Content-Type"] == "application/geo+json"
    assert client.get("/data/nothing.csv").status_code == 404
    assert client.get("/data/cities.xml").status_code == 404


def test_the_dictionary_describes_every_field(world: World, client: Client) -> None:
    html = client.get("/data/").text
    for dataset in DATASETS.values():
        for field in dataset.fields:
            assert f"<code>{field.name}</code>" in html
        for fmt in ("csv", "json", "geojson"):
            assert f'href="/data/{dataset.name}.{fmt}"' in html
