"""The gazetteer: finding the place a city government governs by the name people type."""

from __future__ import annotations

import pytest

from citycert.cities.gazetteer import Place, get, normalize, search


def first(query: str) -> Place:
    results = search(query)
    assert results, f"nothing found for {query!r}"
    return results[0]


def where(places: list[Place]) -> list[tuple[str, str, str]]:
    return [(p.name, p.admin_area, p.country) for p in places]


@pytest.mark.parametrize("query", ["Sao Paulo", "são paulo", "SAO-PAULO", "  sao   paulo. "])
def test_it_finds_sao_paulo_however_it_is_typed(query: str) -> None:
    place = first(query)
    assert (place.name, place.country, place.admin_area) == ("São Paulo", "BR", "São Paulo")


def test_it_finds_cali_by_its_full_name() -> None:
    place = first("santiago de cali")
    assert (place.name, place.country) == ("Cali", "CO")
    assert "Santiago de Cali" in place.alternate_names


def test_it_finds_bogota_without_the_accent() -> None:
    place = first("Bogota")
    assert (place.name, place.country) == ("Bogotá", "CO")


def test_it_shows_both_portlands_the_larger_first_each_with_its_state() -> None:
    assert where(search("Portland")[:2]) == [
        ("Portland", "Oregon", "US"),
        ("Portland", "Maine", "US"),
    ]


def test_it_shows_rochester_in_new_york_and_minnesota() -> None:
    found = where(search("Rochester"))
    assert found.index(("Rochester", "New York", "US")) < found.index(
        ("Rochester", "Minnesota", "US")
    )


@pytest.mark.parametrize("query", ["Córdoba", "cordoba", "CORDOBA"])
def test_it_shows_every_cordoba_in_argentina_spain_and_mexico(query: str) -> None:
    cordobas = [p for p in search(query) if p.name == "Córdoba"]
    assert [p.country for p in cordobas] == ["AR", "ES", "MX"]  # the most populous first
    assert [p.admin_area for p in cordobas] == ["Cordoba", "Andalusia", "Veracruz"]


def test_it_lists_every_exact_match_before_any_longer_name() -> None:
    found = search("Rochester")
    exact = [p for p in found if p.name == "Rochester"]
    assert len(exact) >= 4  # New York, Minnesota, New Hampshire, England
    hills = next(p for p in found if p.name == "Rochester Hills")
    assert found.index(hills) > max(found.index(p) for p in exact)
    # Rochester Hills is larger than three of the Rochesters, and still comes after them all.
    assert hills.population is not None and exact[-1].population is not None
    assert hills.population > exact[-1].population


def test_it_lists_places_so_named_before_places_once_so_named() -> None:
    # Sandusky, Ohio was once called Portland; the small Portland in Texas still comes first.
    found = where(search("Portland"))
    assert found.index(("Portland", "Texas", "US")) < found.index(("Sandusky", "Ohio", "US"))


def test_it_completes_the_start_of_a_name() -> None:
    assert ("Rochester Hills", "Michigan", "US") in where(search("rochester h"))
    assert first("Sao Paulo de O").name == "São Paulo de Olivença"


@pytest.mark.parametrize(
    ("query", "name", "kind", "admin_area", "population", "timezone"),
    [
        ("Luján de Cuyo", "Luján de Cuyo", "department", "Mendoza", 119_888, "Mendoza"),
        ("lujan de cuyo", "Luján de Cuyo", "department", "Mendoza", 119_888, "Mendoza"),
        ("Tres de Febrero", "Tres de Febrero", "partido", "Buenos Aires", 340_071, "Buenos_Aires"),
        ("Las Condes", "Las Condes", "comuna", "Santiago Metropolitan", 294_838, "Santiago"),
    ],
)
def test_it_finds_local_governments_that_are_not_cities(
    query: str, name: str, kind: str, admin_area: str, population: int, timezone: str
) -> None:
    place = first(query)
    assert (place.name, place.kind, place.admin_area, place.population) == (
        name,
        kind,
        admin_area,
        population,
    )
    assert place.gazetteer_id.startswith(f"supplement:{place.country}:")
    assert place.timezone.startswith("America/") and place.timezone.endswith(timezone)


def test_supplement_places_get_their_admin_area_code() -> None:
    assert first("Luján de Cuyo").admin_code == "13"  # Mendoza in GeoNames
    assert first("Tres de Febrero").admin_code == "01"  # the province, not the capital city


@pytest.mark.parametrize("query", ["", "   ", "-", "."])
def test_it_finds_nothing_for_a_blank_query(query: str) -> None:
    assert search(query) == []


def test_it_returns_no_more_than_the_limit() -> None:
    assert len(search("san", limit=5)) == 5
    assert len(search("san")) == 20
    assert search("san", limit=0) == []


def test_a_limit_of_one_keeps_the_most_populous_exact_match() -> None:
    assert where(search("Portland", limit=1)) == [("Portland", "Oregon", "US")]


@pytest.mark.parametrize("country", ["MX", "mx"])
def test_it_keeps_only_the_given_country(country: str) -> None:
    found = search("Cordoba", country=country)
    assert found and {p.country for p in found} == {"MX"}
    assert where(found[:1]) == [("Córdoba", "Veracruz", "MX")]


def test_a_country_with_no_such_place_finds_nothing() -> None:
    assert search("Portland", country="BR") == []


def test_a_place_is_found_again_by_its_id() -> None:
    for place in search("Portland") + search("Las Condes"):
        assert get(place.gazetteer_id) == place


def test_ids_are_stable_across_runs() -> None:
    assert first("Sao Paulo").gazetteer_id == "geonames:3448439"
    assert first("Luján de Cuyo").gazetteer_id == "supplement:AR:lujan-de-cuyo"


@pytest.mark.parametrize("unknown", ["geonames:0", "supplement:AR:nowhere", "", "3448439"])
def test_an_unknown_id_finds_nothing(unknown: str) -> None:
    assert get(unknown) is None


def test_places_carry_their_country_and_coordinates() -> None:
    place = first("Portland")
    assert (place.country, place.country_name, place.admin_code) == ("US", "United States", "OR")
    assert 45 < place.latitude < 46 and -123 < place.longitude < -122
    assert place.timezone == "America/Los_Angeles"
    assert place.kind == "city"


def test_it_keeps_only_latin_script_alternate_names() -> None:
    names = first("Sao Paulo").alternate_names
    assert {"Sao Paulo", "San-Paŭlo", "Sampa"} <= set(names)
    assert "Сан-Паулу" not in names and "Σάο Πάολο" not in names  # both in GeoNames
    assert all(normalize(n).isascii() for n in names)
    assert "São Paulo" not in names  # the name itself is not repeated


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("São Paulo", "sao paulo"),
        ("  Winston-Salem ", "winston salem"),
        ("St. John's", "st john s"),
        ("ŁÓDŹ", "lodz"),
        ("Straße", "strasse"),
        ("Bogotá\tD.C.", "bogota d c"),
    ],
)
def test_normalize_folds_case_accents_and_punctuation(text: str, key: str) -> None:
    assert normalize(text) == key
