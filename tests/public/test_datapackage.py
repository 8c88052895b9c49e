"""The open data as a Frictionless Data Package at /data/datapackage.json."""

from __future__ import annotations

from pathlib import Path

import frictionless
from django.test import Client

from citycert.public.opendata import DATASETS, FORMATS
from tests.public.conftest import World


def test_the_data_page_links_to_the_package(world: World, client: Client) -> None:
    assert 'href="/data/datapackage.json"' in client.get("/data/").text


def test_the_package_describes_every_file_with_its_fields(world: World, client: Client) -> None:
    response = client.get("/data/datapackage.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=" in response["Cache-Control"] and not response.cookies
    package = response.json()
    paths = {r["path"] for r in package["resources"]}
    assert paths == {f"{name}.{fmt}" for name in DATASETS for fmt in FORMATS}
    for resource in package["resources"]:
        dataset = DATASETS[resource["path"].split(".")[0]]
        if resource["format"] == "geojson":
            continue
        schema = resource["schema"]
        assert [f["name"] for f in schema["fields"]] == [f.name for f in dataset.fields]
        assert all(f["description"] and f["type"] for f in schema["fields"])
        assert schema["primaryKey"] == list(dataset.primary_key)
    assert package["resources"][0]["schema"]["primaryKey"] == ["slug"]


def test_the_package_and_its_files_are_valid(world: World, client: Client, tmp_path: Path) -> None:
    descriptor = client.get("/data/datapackage.json")
    (tmp_path / "datapackage.json").write_bytes(descriptor.content)
    for resource in descriptor.json()["resources"]:
        found = client.get(f"/data/{resource['path']}")
        assert found.status_code == 200, resource["path"]
        (tmp_path / resource["path"]).write_bytes(found.content)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    checked = {task.name: task.stats.get("rows") for task in report.tasks}
    assert checked["cities-csv"] == checked["cities-json"] > 0
    assert checked["history-csv"] == checked["history-json"] > checked["cities-csv"]
