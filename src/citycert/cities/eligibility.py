"""Who may take part in the program on a given date: the rules as data, and the check.

The rules live in data/eligibility.yaml: a minimum population and, by period, the countries whose
cities may take part. They are validated on load; a bad file raises `EligibilityError` naming
the field. `check` is pure logic over those rules: it returns every reason a city cannot take
part, each with a plain-words message in the active language.
"""

from __future__ import annotations

import abc
import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any, ClassVar, Literal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from citycert.datafiles import load_mapping

__all__ = [
    "BeforeProgram",
    "Eligibility",
    "EligibilityError",
    "EligibilityRules",
    "OutsideRegion",
    "Period",
    "PopulationUnknown",
    "Reason",
    "TooSmall",
    "check",
    "load_rules",
    "parse_rules",
    "rules",
]

ReasonCode = Literal["too_small", "population_unknown", "outside_region", "before_program"]
# The regions a period's countries can be described as; each has a phrase in _region_phrase.
Region = Literal["united_states", "americas"]


def _region_phrase(region: Region) -> str:
    # Looked up on use, so the phrase is in the language active then.
    phrases: dict[Region, str] = {
        "united_states": _("the United States"),
        "americas": _(
            "the United States, Canada, Mexico, Central America, South America and the "
            "Latin Caribbean"
        ),
    }
    return phrases[region]


class EligibilityError(ValueError):
    """An eligibility rules file that cannot be loaded; the message names the file and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(_Strict):
    """The countries whose cities may take part from `starts` to `until` (both included)."""

    starts: dt.date = Field(alias="from")
    until: dt.date | None = None  # None: still in force
    region: Region
    countries: tuple[str, ...]

    @field_validator("countries")
    @classmethod
    def _iso_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("lists no country")
        for code in value:
            if not (len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()):
                raise ValueError(
                    f"{code!r} is not an ISO 3166-1 alpha-2 country code (two upper-case letters)"
                )
        if len(set(value)) != len(value):
            twice = sorted({code for code in value if value.count(code) > 1})
            raise ValueError(f"{', '.join(twice)} listed twice")
        return value

    @model_validator(mode="after")
    def _ends_after_start(self) -> Period:
        if self.until is not None and self.until < self.starts:
            raise ValueError(f"field until: {self.until} is before from ({self.starts})")
        return self

    def includes(self, day: dt.date) -> bool:
        """Whether `day` falls in this period."""
        return self.starts <= day and (self.until is None or day <= self.until)


class EligibilityRules(_Strict):
    """The program's eligibility rules: a minimum population and periods of countries."""

    min_population: int = Field(ge=1)
    # Not Field(min_length=1): pydantic would then also call a list whose periods are all
    # invalid empty, burying the real errors.
    periods: tuple[Period, ...]

    @model_validator(mode="after")
    def _consecutive(self) -> EligibilityRules:
        if not self.periods:
            raise ValueError("field periods: lists no period")
        # Periods follow one another day after day, and the last is open-ended: then every day
        # from the program's start has exactly one period, and `check` always has rules to apply.
        for number, (previous, period) in enumerate(pairwise(self.periods), start=2):
            if previous.until is None:
                raise ValueError(
                    f"period {number - 1}, field until: only the last period may be open-ended "
                    f"(null), and period {number} follows it"
                )
            if period.starts < previous.starts:
                raise ValueError(
                    f"period {number}, field from: {period.starts} is before period "
                    f"{number - 1}'s ({previous.starts}); periods must be in date order"
                )
            if period.starts <= previous.until:
                raise ValueError(
                    f"period {number}, field from: {period.starts} overlaps period {number - 1}, "
                    f"which runs until {previous.until}; periods must not overlap"
                )
            day_after = previous.until + dt.timedelta(days=1)
            if period.starts != day_after:
                raise ValueError(
                    f"period {number}, field from: is {period.starts} but must be {day_after}, "
                    f"the day after period {number - 1} ends; a gap would leave days with no rules"
                )
        if self.periods[-1].until is not None:
            raise ValueError(
                f"period {len(self.periods)}, field until: must be null: the last period holds "
                "the rules in force now"
            )
        return self

    @property
    def starts(self) -> dt.date:
        """The day the program started."""
        return self.periods[0].starts

    def period_on(self, day: dt.date) -> Period | None:
        """The period `day` falls in; None before the program started."""
        return next((p for p in self.periods if p.includes(day)), None)

    def opens_to(self, country: str, *, after: dt.date) -> dt.date | None:
        """The first day after `after` from which cities in `country` may take part, if any."""
        return next(
            (p.starts for p in self.periods if p.starts > after and country in p.countries), None
        )


@dataclass(frozen=True)
class Reason(abc.ABC):
    """Why a city cannot take part; `message` says it to the city in plain words."""

    code: ClassVar[ReasonCode]

    @property
    @abc.abstractmethod
    def message(self) -> str:
        """A sentence for the city, in the active language."""


@dataclass(frozen=True)
class TooSmall(Reason):
    code: ClassVar[ReasonCode] = "too_small"
    name: str
    population: int
    min_population: int

    @property
    def message(self) -> str:
        return _(
            "%(name)s has a recorded population of %(population)s; the program is open to "
            "cities of %(minimum)s people or more."
        ) % {
            "name": self.name,
            "population": _number(self.population),
            "minimum": _number(self.min_population),
        }


@dataclass(frozen=True)
class PopulationUnknown(Reason):
    code: ClassVar[ReasonCode] = "population_unknown"
    name: str
    min_population: int

    @property
    def message(self) -> str:
        return _(
            "%(name)s has no recorded population; the program is open to cities of "
            "%(minimum)s people or more, so an official figure is needed."
        ) % {"name": self.name, "minimum": _number(self.min_population)}


@dataclass(frozen=True)
class OutsideRegion(Reason):
    code: ClassVar[ReasonCode] = "outside_region"
    country: str
    country_name: str
    on: dt.date
    region: Region
    opens: dt.date | None  # when a later period includes the country

    @property
    def message(self) -> str:
        values = {
            "date": _date(self.on),
            "region": _region_phrase(self.region),
            "country": self.country_name,
        }
        if self.opens is None:
            return _("On %(date)s the program was open only to cities in %(region)s.") % values
        return _(
            "On %(date)s the program was open only to cities in %(region)s; cities in "
            "%(country)s could take part from %(opens)s."
        ) % {**values, "opens": _date(self.opens)}


@dataclass(frozen=True)
class BeforeProgram(Reason):
    code: ClassVar[ReasonCode] = "before_program"
    on: dt.date
    starts: dt.date

    @property
    def message(self) -> str:
        return _("On %(date)s the program had not started yet; it started on %(starts)s.") % {
            "date": _date(self.on),
            "starts": _date(self.starts),
        }


@dataclass(frozen=True)
class Eligibility:
    """Whether a city may take part and, if not, every reason why."""

    eligible: bool
    reasons: tuple[Reason, ...]


def check(
    *,
    name: str,
    country: str,
    population: int | None,
    on: dt.date,
    country_name: str | None = None,
    rules: EligibilityRules | None = None,
) -> Eligibility:
    """Whether the city `name` in `country` (ISO alpha-2) with `population` may take part `on`.

    Every reason that applies is given: a city can be both too small and outside the region.
    Before the program started no region applied, so only the start and the population are
    reasons then. `country_name` names the country in messages (the code if not given);
    `rules` replaces the shipped rules.
    """
    in_force = rules if rules is not None else _shipped_rules()
    if isinstance(on, dt.datetime):
        on = on.date()  # a datetime does not compare with the periods' dates
    country = country.strip().upper()
    reasons: list[Reason] = []
    period = in_force.period_on(on)
    if period is None:
        reasons.append(BeforeProgram(on=on, starts=in_force.starts))
    elif country not in period.countries:
        reasons.append(
            OutsideRegion(
                country=country,
                country_name=country_name or country,
                on=on,
                region=period.region,
                opens=in_force.opens_to(country, after=on),
            )
        )
    if population is None:
        reasons.append(PopulationUnknown(name=name, min_population=in_force.min_population))
    elif population < in_force.min_population:
        reasons.append(
            TooSmall(name=name, population=population, min_population=in_force.min_population)
        )
    return Eligibility(eligible=not reasons, reasons=tuple(reasons))


def parse_rules(text: str, source: str = "eligibility.yaml") -> EligibilityRules:
    """Parse and validate the text of a rules file; `source` names it in error messages."""
    raw = load_mapping(text, source, EligibilityError)
    try:
        return EligibilityRules.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{source}: {_describe(error)}" for error in exc.errors()]
        raise EligibilityError("\n".join(lines)) from None


def load_rules(path: Path) -> EligibilityRules:
    """Parse and validate a rules file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EligibilityError(f"{path.name}: cannot be read: {exc}") from None
    return parse_rules(text, path.name)


@cache
def rules() -> EligibilityRules:
    """The shipped rules, data/eligibility.yaml (read once per process)."""
    return load_rules(Path(str(resources.files("citycert.cities") / "data" / "eligibility.yaml")))


# check's `rules` parameter hides the function of that name inside it.
_shipped_rules = rules


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _date(day: dt.date) -> str:
    # The format is translatable because word order differs ("3 de marzo de 2021").
    return date_format(day, pgettext("format of a day in sentences, as in 3 March 2021", "j F Y"))


def _describe(error: Any) -> str:
    """'period 2, field countries: ...' from one of pydantic's errors."""
    loc: tuple[int | str, ...] = tuple(error["loc"])
    message: str = error["msg"].removeprefix("Value error, ")
    parts: list[str] = []
    if len(loc) >= 2 and loc[0] == "periods" and isinstance(loc[1], int):
        parts.append(f"period {loc[1] + 1}")
        loc = loc[2:]
    if loc:
        parts.append(
            "field "
            + " ".join(f"item {key + 1}" if isinstance(key, int) else str(key) for key in loc)
        )
    where = ", ".join(parts)
    if not where:
        return message
    # A model's own check names its field in the message ("field until: ...").
    return f"{where}, {message}" if message.startswith("field ") else f"{where}: {message}"
