"""Keeping the public tables in step with the published certifications and the profiles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from citycert.accounts.models import User
from citycert.assessments import scores
from citycert.cities.models import City
from citycert.reviews import renewal
from citycert.reviews.models import Certification, Decision, cohort_key
from citycert.standards.models import PracticeArea

from . import cdn, local
from .models import LEVEL_RANK, Listing, Profile, Revision

REVISION_KEY = "public:revision"


def current_certifications() -> Any:
    """Published certifications that were not corrected: the public history (awards, and the
    records of cities that were not re-certified)."""
    return Certification.objects.filter(published_at__isnull=False, superseded_by__isnull=True)


def bump_revision() -> None:
    """Mark every cached public response stale, once the current transaction commits."""
    updated = Revision.objects.filter(pk=1).update(
        number=F("number") + 1, changed_at=timezone.now()
    )
    if not updated:
        Revision.objects.create(pk=1, number=1)
    # Forget the cached number now (this process reads its own writes) and again on commit,
    # in case another process cached the old number in between.
    cache.delete(REVISION_KEY)
    local.forget_revision()
    transaction.on_commit(_forget_revision)
    # A CDN in front keeps public responses too: it is told to drop them (cdn.py).
    transaction.on_commit(cdn.schedule_purge)


def _forget_revision() -> None:
    cache.delete(REVISION_KEY)
    local.forget_revision()


@transaction.atomic
def refresh(city_ids: Iterable[int] | None = None) -> int:
    """Rebuild the listings of these cities (all cities when None) from their published,
    current certifications; a city without one is removed. Returns how many are listed."""
    certs = current_certifications().select_related("cohort", "standard", "city")
    listings = Listing.objects.all()
    if city_ids is not None:
        ids = set(city_ids)
        certs = certs.filter(city_id__in=ids)
        listings = listings.filter(city_id__in=ids)
    by_city: dict[int, list[Certification]] = defaultdict(list)
    for cert in certs:
        if cert.is_award:  # a "not re-certified" record leaves the award before it current
            by_city[cert.city_id].append(cert)
    renewing = {
        r.certification.city_id: r.renewal_until
        for r in renewal.standings(list(by_city), today=timezone.localdate())
    }
    profiles = {p.city_id: p for p in Profile.objects.filter(city_id__in=list(by_city))}
    strengths = _strengths(
        {
            city_id: max(history, key=lambda c: cohort_key(c.cohort.label))
            for city_id, history in by_city.items()
            if city_id in profiles and profiles[city_id].show_strengths
        }
    )
    rows = []
    for city_id, history in by_city.items():
        history.sort(key=lambda c: cohort_key(c.cohort.label))
        first, current = history[0], history[-1]
        city: City = current.city
        profile = profiles.get(city_id)
        rows.append(
            Listing(
                city_id=city_id,
                name=city.name,
                slug=city.slug,
                admin_area=city.admin_area,
                country=city.country,
                latitude=city.latitude,
                longitude=city.longitude,
                search_key=city.search_key,
                level=current.level,
                level_rank=LEVEL_RANK.get(current.level, 0),
                standard=current.standard.code,
                cohort=current.cohort.label,
                year=award_year(current),
                awarded_on=current.awarded_on,
                valid_until=current.valid_until,
                renewal_until=renewing.get(city_id),
                first_cohort=first.cohort.label,
                first_year=award_year(first),
                certifications=len(history),
                story=profile.story if profile else "",
                story_language=profile.story_language if profile and profile.story else "",
                strengths=strengths.get(city_id, []),
            )
        )
    listings.delete()
    Listing.objects.bulk_create(rows, batch_size=500)
    _analyze_listings()
    bump_revision()
    return len(rows)


def _analyze_listings() -> None:
    """Give the query planner the listings' statistics afresh. Without them SQLite guesses that
    a level or a country picks out a handful of rows, and reads a third of the table through
    that index before a search's few matches narrow it (measured: a search with a level filter
    took five times as long). A few milliseconds at 5,000 listings.

    On PostgreSQL the rebuilt rows are also vacuumed once the transaction commits (VACUUM
    cannot run inside one): until then no page is marked all-visible, and every count reads
    the table itself instead of an index alone (0.35-0.8 ms a count at 5,000 listings, 0.25 ms
    after)."""
    table = connection.ops.quote_name(Listing._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    if connection.vendor == "postgresql":
        transaction.on_commit(_vacuum_listings)


def _vacuum_listings() -> None:
    if connection.in_atomic_block:  # run from inside a later transaction: leave it to autovacuum
        return
    table = connection.ops.quote_name(Listing._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {table}")


def award_year(cert: Certification) -> int:
    return cert.awarded_on.year if cert.awarded_on else cohort_key(cert.cohort.label)[0]


def _strengths(current: dict[int, Certification]) -> dict[int, list[dict[str, Any]]]:
    """Per practice area, the validated share of the decision behind each certification (or
    behind the record a correction replaced); nothing for imported history."""
    if not current:
        return {}
    wanted: dict[int, int] = {}  # certification id -> city id, along correction chains
    for city_id, cert in current.items():
        node: Certification | None = cert
        while node is not None:
            wanted[node.pk] = city_id
            node = node.supersedes
    decisions = list(
        Decision.objects.filter(certification_id__in=list(wanted)).select_related(
            "assessment__standard", "assessment__outcome_option"
        )
    )
    results = scores.scores([d.assessment for d in decisions], scores.Basis.VALIDATED)
    found: dict[int, list[dict[str, Any]]] = {}
    for decision in decisions:
        if decision.certification_id is None:
            continue
        assessment = decision.assessment
        result = results[assessment.pk]
        areas = {a.code: a for a in PracticeArea.objects.filter(version=assessment.standard)}
        found[wanted[decision.certification_id]] = [
            {
                "code": code,
                "title": areas[code].name,
                "points": area.points,
                "possible": area.possible,
            }
            for code, area in sorted(result.areas.items(), key=lambda kv: areas[kv[0]].position)
        ]
    return found


@transaction.atomic
def save_profile(
    city: City, *, story: str, story_language: str, show_strengths: bool, by: User
) -> Profile:
    """Record what the city publishes about itself; visible at once where it is certified."""
    profile, _created = Profile.objects.get_or_create(city=city)
    profile.story = story.strip()
    profile.story_language = story_language
    profile.show_strengths = show_strengths
    profile.updated_by = by
    profile.full_clean()
    profile.save()
    refresh([city.pk])
    return profile
