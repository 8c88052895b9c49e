"""Fill the database with synthetic certified cities and history, at the program's full scale,
and with work in progress: assessments in every state with their leads, reviewers with their
assignments and verdicts, clarifications, decisions and program admins (see demo/workload.py).

For demonstrations and benchmarks only: the cities are real places of the Americas (so that
names, regions and the map look real) but their certifications are invented. Their gazetteer
ids start with "synthetic:" so they can be told apart. Use a database of its own: published
certifications are permanent, so synthetic ones cannot be removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from citycert.assessments.services import AssessmentError, current_standard
from citycert.cities import gazetteer
from citycert.cities.models import City
from citycert.demo import workload
from citycert.public.services import refresh
from citycert.reviews.models import Certification, Cohort, cohort_key
from citycert.scoring import LEVELS
from citycert.standards.models import StandardVersion

#: Country codes of the Americas (North, Central and South America and the Caribbean).
AMERICAS = frozenset(
    (  # noqa: SIM905 - a list of 56 codes reads better as words
        "AG AI AR AW BB BL BM BO BQ BR BS BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GT GY HN "
        "HT JM KN KY LC MF MQ MS MX NI PA PE PM PR PY SR SV SX TC TT US UY VC VE VG VI"
    ).split()
)
PREFIX = "synthetic:"


def cohort_labels(first_year: int, last_year: int) -> list[str]:
    """Two announcements a year, in February and August."""
    return [f"{y}-{m:02d}" for y in range(first_year, last_year + 1) for m in (2, 8)]


def standard_for(label: str, versions: dict[str, StandardVersion]) -> StandardVersion:
    if label < "2018-07" and "2017" in versions:
        return versions["2017"]
    if label < "2022-08" and "2018" in versions:
        return versions["2018"]
    return versions.get("2022") or next(iter(versions.values()))


def history(rng: random.Random, events: int, cohorts: list[str]) -> list[tuple[str, str, str]]:
    """`events` certifications of one city: (cohort, level, event), in order."""
    start = rng.randrange(0, len(cohorts) - events + 1)
    chosen = sorted(rng.sample(range(start, len(cohorts)), events))
    if chosen[0] != start:
        chosen[0] = start
    out = []
    level = rng.choices(LEVELS, weights=(6, 3, 1))[0]
    for number, index in enumerate(chosen):
        if number:
            step = rng.choices((-1, 0, 1), weights=(1, 5, 3))[0]
            new_level = LEVELS[max(0, min(len(LEVELS) - 1, LEVELS.index(level) + step))]
            event = (
                "recertified"
                if new_level == level
                else "level_up"
                if LEVELS.index(new_level) > LEVELS.index(level)
                else "level_down"
            )
            level = new_level
        else:
            event = "new"
        out.append((cohorts[index], level, event))
    return out


class Command(BaseCommand):
    help = "Fill the database with synthetic certified cities and history (demo, benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cities", type=int, default=5000)
        parser.add_argument("--events", type=int, default=25000)
        parser.add_argument(
            "--assessments",
            type=int,
            default=None,
            help="open assessments, from in progress to waiting for a clarification "
            "(default: 60%% of --cities)",
        )
        parser.add_argument(
            "--decided",
            type=int,
            default=None,
            help="decided assessments (default: 30%% of --cities)",
        )
        parser.add_argument(
            "--reviewers", type=int, default=None, help="reviewers (default: one per 125 cities)"
        )
        parser.add_argument("--admins", type=int, default=3, help="program admins")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force", action="store_true", help="run even with DEBUG off (never in production)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("generate_demo invents certifications: run it with DEBUG=true.")
        cities, events = options["cities"], options["events"]
        cohorts = cohort_labels(2018, 2026)
        if cities < 1 or events < cities or events > cities * len(cohorts):
            raise CommandError(
                f"--events must be between --cities and {len(cohorts)} times --cities "
                f"({len(cohorts)} announcements)."
            )
        assessments = _count(options["assessments"], cities * 3 // 5)
        decided = _count(options["decided"], cities * 3 // 10)
        reviewer_count = _count(options["reviewers"], max(2, cities // 125))
        admins = _count(options["admins"], 3)
        if max(assessments, decided) > cities:
            raise CommandError("--assessments and --decided may be at most --cities each.")
        if (assessments or decided) and reviewer_count < 2:
            raise CommandError("--reviewers must be at least 2: each review has two.")
        versions = {v.code: v for v in StandardVersion.objects.all()}
        if not versions:
            raise CommandError("Load the Standard first: citycert load_standard")
        try:
            standard = current_standard()
        except AssessmentError as exc:
            raise CommandError(str(exc)) from None
        with transaction.atomic():
            if City.objects.filter(gazetteer_id__startswith=PREFIX).exists():
                # Published certifications are permanent (the database refuses to delete them),
                # so synthetic data is generated once, into a database of its own.
                raise CommandError("Synthetic data exists already; use an empty database.")
            made = self._generate(cities, events, cohorts, versions, options["seed"])
            work = workload.generate(
                random.Random(options["seed"]),  # noqa: S311 - reproducible demo data
                made,
                standard,
                open_count=assessments,
                decided_count=decided,
                reviewer_count=reviewer_count,
                admin_count=admins,
            )
        self.stdout.write(
            f"{len(made)} synthetic cities with {events} certifications in {len(cohorts)} cohorts"
        )
        states = ", ".join(f"{n} {state}" for state, n in sorted(work.assessments.items()))
        self.stdout.write(
            f"{sum(work.assessments.values())} assessments ({states or 'none'}) with "
            f"{work.answers} answers; {work.leads} leads, {work.reviewers} reviewers, "
            f"{work.admins} admins; {work.assignments} assignments, {work.validations} "
            f"verdicts, {work.clarifications} clarifications"
        )

    def _generate(
        self,
        cities: int,
        events: int,
        cohorts: list[str],
        versions: dict[str, StandardVersion],
        seed: int,
    ) -> list[City]:
        rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        taken_ids = {
            g.removeprefix("geonames:") for g in City.objects.values_list("gazetteer_id", flat=True)
        }
        taken_slugs = set(City.objects.values_list("slug", flat=True))
        pool = sorted(
            (
                p
                for p in gazetteer.places()
                if p.country in AMERICAS
                and p.gazetteer_id.startswith("geonames:")
                and p.gazetteer_id.removeprefix("geonames:") not in taken_ids
            ),
            key=lambda p: (-(p.population or 0), p.gazetteer_id),
        )
        if len(pool) < cities:
            raise CommandError(f"The gazetteer has only {len(pool)} places to use.")
        now = timezone.now()
        labels = {c.label: c for c in Cohort.objects.filter(label__in=cohorts)}
        for label in cohorts:
            if label not in labels:
                labels[label] = Cohort.objects.create(label=label, published_at=now)
        # Spread the events: every city one, the rest at random (at most one per cohort).
        counts = [1] * cities
        spare = events - cities
        while spare:
            i = rng.randrange(cities)
            if counts[i] < len(cohorts):
                counts[i] += 1
                spare -= 1
        rows = []
        certifications = []
        for place, count in zip(pool[:cities], counts, strict=False):
            slug = slugify(f"{place.name} {place.admin_area} {place.country}")[:110] or "city"
            while slug in taken_slugs:
                slug = f"{slug}-{rng.randrange(10_000)}"
            taken_slugs.add(slug)
            city = City.from_place(
                place,
                slug=slug,
                kind=City.Kind.CITY,
                gazetteer_id=PREFIX + place.gazetteer_id.removeprefix("geonames:"),
            )
            rows.append(city)
            certifications.append(history(rng, count, cohorts))
        City.objects.bulk_create(rows, batch_size=1000)
        created = {c.gazetteer_id: c for c in City.objects.filter(gazetteer_id__startswith=PREFIX)}
        batch = []
        for city, story in zip(rows, certifications, strict=True):
            city_id = created[city.gazetteer_id].pk
            for label, level, event in story:
                year, month = cohort_key(label)
                batch.append(
                    Certification(
                        city_id=city_id,
                        cohort=labels[label],
                        standard=standard_for(label, versions),
                        level=level,
                        event=event,
                        source="synthetic demonstration data",
                        awarded_on=dt.date(year, month or 1, 1),
                        published_at=now,
                    )
                )
        Certification.objects.bulk_create(batch, batch_size=2000)
        refresh()
        return [created[city.gazetteer_id] for city in rows]


def _count(given: int | None, default: int) -> int:
    if given is None:
        return default
    if given < 0:
        raise CommandError("Counts may not be negative.")
    return given
