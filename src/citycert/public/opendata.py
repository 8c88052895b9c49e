"""Open data: the directory and the public history as CSV, JSON and GeoJSON.

One field list per dataset drives the three formats and the data dictionary page, so they
cannot disagree. Records come from `queries.export_cities` and `queries.export_history`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from citycert.standards.models import LEVEL_NOT_PUBLISHED

from . import queries


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # "string", "integer", "number", "boolean", "date" (Table Schema's names)
    description: Promise
    nullable: bool = False


_PLACE = (
    Field("slug", "string", _("The city's short name in addresses; stable, unique.")),
    Field("name", "string", _("The name of the local government.")),
    Field(
        "admin_area",
        "string",
        _("The state, province or region; empty where there is none."),
    ),
    Field("country", "string", _("The country, as an ISO 3166-1 alpha-2 code.")),
    Field("latitude", "number", _("Latitude of the city, in decimal degrees (WGS 84).")),
    Field("longitude", "number", _("Longitude of the city, in decimal degrees (WGS 84).")),
)
_LEVEL_NOTE = format_lazy(
    _(
        "silver, gold or platinum; null for “{name}” (the announcement did not publish the "
        "level), and where the city was not re-certified."
    ),
    name=LEVEL_NOT_PUBLISHED,
)

CITY_FIELDS = (
    *_PLACE,
    Field("level", "string", _LEVEL_NOTE, nullable=True),
    Field("standard", "string", _("The Standard version of the current certification.")),
    Field(
        "cohort", "string", _("The announcement of the current certification (YYYY or YYYY-MM).")
    ),
    Field("year", "integer", _("The year the current level was awarded.")),
    Field("awarded_on", "date", _("The day the current level was awarded, where known."), True),
    Field(
        "valid_until",
        "date",
        _("The last day the current certification is valid, where the program set one."),
        True,
    ),
    Field(
        "renewal_until",
        "date",
        _(
            "Where the city submitted its renewal before the end: the last day it shows "
            "“renewal in progress”."
        ),
        True,
    ),
    Field(
        "status",
        "string",
        _("valid, renewal (ended, renewal in progress) or expired, on the day of the file."),
    ),
    Field("first_cohort", "string", _("The announcement of the city's first certification.")),
    Field("first_year", "integer", _("The year of the city's first certification.")),
    Field("certifications", "integer", _("How many times the city has been certified.")),
)

HISTORY_FIELDS = (
    *_PLACE,
    Field("cohort", "string", _("The announcement (YYYY or YYYY-MM).")),
    Field("year", "integer", _("The year the level was awarded.")),
    Field(
        "event",
        "string",
        _(
            "new, level_up, level_down, recertified or not_recertified (a certified city "
            "whose re-assessment was not certified; no level); null where it is not known."
        ),
        True,
    ),
    Field("level", "string", _LEVEL_NOTE, nullable=True),
    Field("standard", "string", _("The Standard version the city was assessed against.")),
    Field("awarded_on", "date", _("The day the level was awarded, where known."), True),
    Field("valid_until", "date", _("The last day the certification is valid, where set."), True),
    Field(
        "corrected",
        "boolean",
        _("true where this record corrects an earlier announcement of the same cohort."),
    ),
)


@dataclass(frozen=True)
class Dataset:
    name: str
    title: Promise
    description: Promise
    fields: tuple[Field, ...]
    records: Callable[[], Iterable[dict[str, Any]]]
    primary_key: tuple[str, ...] = ()


DATASETS = {
    "cities": Dataset(
        "cities",
        _("Certified cities"),
        _("One row per certified city, with its current level."),
        CITY_FIELDS,
        queries.export_cities,
        primary_key=("slug",),
    ),
    "history": Dataset(
        "history",
        _("Certification history"),
        _("One row per certification announced: every city's full public history."),
        HISTORY_FIELDS,
        queries.export_history,
        # A correction replaces the record it corrects: one current record per city and cohort.
        primary_key=("slug", "cohort"),
    ),
}
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
}


def as_csv(dataset: Dataset) -> Iterator[str]:
    """CSV with a header row; null is an empty cell, booleans are true/false."""
    names = [f.name for f in dataset.fields]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for record in dataset.records():
        writer.writerow([_cell(record[n]) for n in names])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def as_json(dataset: Dataset) -> Iterator[str]:
    """{"dataset", "fields", "records": [...]}, written record by record."""
    head = {"dataset": dataset.name, "fields": [f.name for f in dataset.fields]}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "records": ['
    for number, record in enumerate(dataset.records()):
        yield ("," if number else "") + json.dumps(record, ensure_ascii=False)
    yield "]}"


def as_geojson(dataset: Dataset) -> Iterator[str]:
    """A FeatureCollection: each record a Point feature; its other fields are properties."""
    yield '{"type": "FeatureCollection", "features": ['
    for number, record in enumerate(dataset.records()):
        properties = {k: v for k, v in record.items() if k not in ("latitude", "longitude")}
        feature = {
            "type": "Feature",
            "id": f"{record['slug']}/{record.get('cohort')}"
            if dataset.name == "history"
            else record["slug"],
            "geometry": {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]},
            "properties": properties,
        }
        yield ("," if number else "") + json.dumps(feature, ensure_ascii=False)
    yield "]}"


WRITERS: dict[str, Callable[[Dataset], Iterator[str]]] = {
    "csv": as_csv,
    "json": as_json,
    "geojson": as_geojson,
}


def table_schema(dataset: Dataset) -> dict[str, Any]:
    """The dataset's fields as a Frictionless Table Schema (https://specs.frictionlessdata.io)."""
    fields = []
    for f in dataset.fields:
        described: dict[str, Any] = {
            "name": f.name,
            "type": f.type,
            "description": str(f.description),
        }
        if f.type == "boolean":
            described |= {"trueValues": ["true"], "falseValues": ["false"]}
        fields.append(described)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if dataset.primary_key:
        schema["primaryKey"] = list(dataset.primary_key)
    return schema


def datapackage(homepage: str) -> dict[str, Any]:
    """Every file of the open data, described as one Frictionless Data Package whose paths are
    relative to it (it is served beside them). In English: the descriptor is one file for
    everyone, like the data."""
    with override("en"):
        resources: list[dict[str, Any]] = []
        for dataset in DATASETS.values():
            schema = table_schema(dataset)
            common = {
                "title": str(dataset.title),
                "description": str(dataset.description),
                "encoding": "utf-8",
            }
            resources.append(
                {
                    "name": f"{dataset.name}-csv",
                    "path": f"{dataset.name}.csv",
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    **common,
                    "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                    "schema": schema,
                }
            )
            resources.append(
                {
                    "name": f"{dataset.name}-json",
                    "path": f"{dataset.name}.json",
                    "profile": "tabular-data-resource",
                    "format": "json",
                    "mediatype": "application/json",
                    **common,
                    # The records are the objects under "records"; the other keys describe them.
                    "dialect": {"json": {"keyed": True, "property": "records"}},
                    "schema": schema,
                }
            )
            resources.append(
                {
                    "name": f"{dataset.name}-geojson",
                    "path": f"{dataset.name}.geojson",
                    "profile": "data-resource",
                    "format": "geojson",
                    "mediatype": "application/geo+json",
                    **common,
                    "description": str(
                        _(
                            "The same records as a GeoJSON FeatureCollection: a point per "
                            "record, the other fields as its properties."
                        )
                    ),
                }
            )
        return {
            "profile": "data-package",
            "name": "citycert-open-data",
            "title": str(_("citycert: certified cities and their history")),
            "description": str(
                _(
                    "The city governments the program has certified, with their current level, "
                    "and every certification announced."
                )
            ),
            "homepage": homepage,
            "sources": [{"title": "GeoNames", "path": "https://www.geonames.org/"}],
            "resources": resources,
        }
