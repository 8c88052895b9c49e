"""Reads of learning resources: who sees which, who may write which, the list's filters, and
the resources that help with a criterion (carried across Standard versions by the crosswalk).

A published resource is seen by everyone when it is public, and by network members when it is
for members (`citycert.assessments.network`). Drafts and archived resources are seen only by
those who may edit them: the staff of the resource's partner organisation, and program admins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from django.db.models import F, Q, QuerySet

from citycert.accounts import policy
from citycert.assessments.network import is_network_member
from citycert.assessments.services import crosswalk
from citycert.partners.models import Organisation, Staff
from citycert.standards.models import Criterion, PracticeArea, StandardVersion

from .models import Audience, Resource, State

#: How many resources a Learn panel shows for one criterion.
PANEL_SIZE = 3


# Who ------------------------------------------------------------------------------------------


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and policy.ADMIN in policy.program_roles(
        user
    )


def organisations_of(user: Any) -> QuerySet[Organisation]:
    """The partner organisations this person works for now."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=Staff.objects.filter(user=user, left_at__isnull=True).values("organisation_id")
    )


def writable_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations this person may write resources for: every one for admins."""
    return Organisation.objects.all() if is_admin(user) else organisations_of(user)


def is_member(user: Any, access: Any = None) -> bool:
    """Whether this person reads members-only resources. On a page of a city's assessment or
    report (`access`: their `policy.Access` to that city, which is in the network then) the
    standing already read for the page says so without another query; else the network asks."""
    if policy.program_roles(user):  # the program's people are members; read once per request
        return True
    if access is not None and access.relations & {policy.LEAD, policy.CONTRIBUTOR}:
        return True
    return is_network_member(user)


def may_write(user: Any) -> bool:
    """Whether this person writes resources at all (partner staff, program admins)."""
    return is_admin(user) or organisations_of(user).exists()


def may_edit(user: Any, resource: Resource) -> bool:
    """Admins edit every resource; partner staff those of their organisation."""
    if is_admin(user):
        return True
    return (
        resource.organisation_id is not None
        and organisations_of(user).filter(pk=resource.organisation_id).exists()
    )


# What -----------------------------------------------------------------------------------------


def visible(user: Any, *, members: bool | None = None) -> QuerySet[Resource]:
    """The published resources this person may read (`members`: already known whether they
    belong to the network)."""
    if members is None:
        members = is_network_member(user)
    found = Resource.objects.filter(state=State.PUBLISHED)
    if not members:
        found = found.filter(audience=Audience.PUBLIC)
    return found


def readable(user: Any, pk: int) -> Resource | None:
    """One resource, if this person may read it: published and for them, or theirs to edit."""
    resource = (
        Resource.objects.select_related("organisation", "created_by", "published_by")
        .prefetch_related("criteria__version", "areas__version")
        .filter(pk=pk)
        .first()
    )
    if resource is None:
        return None
    if resource.state == State.PUBLISHED and (
        resource.audience == Audience.PUBLIC or is_network_member(user)
    ):
        return resource
    return resource if may_edit(user, resource) else None


def editable(user: Any) -> QuerySet[Resource]:
    """Every resource (any state) this person may edit."""
    found = Resource.objects.select_related("organisation")
    if is_admin(user):
        return found
    return found.filter(organisation__in=organisations_of(user))


def current_version() -> StandardVersion | None:
    """The version the list's criterion and area filters read codes in by default."""
    return (
        StandardVersion.objects.filter(status=StandardVersion.Status.CURRENT).first()
        or StandardVersion.objects.first()
    )


# Across versions ------------------------------------------------------------------------------


@cache
def _earlier(new: str) -> tuple[str, ...]:
    """The versions a crosswalk leads from to version `new` (from the crosswalk files)."""
    folder = Path(str(resources.files("citycert.assessments") / "data"))
    return tuple(sorted(p.name.split("-")[1] for p in folder.glob(f"crosswalk-*-{new}.yaml")))


def lineage(version: str, codes: Iterable[str]) -> dict[str, set[tuple[str, str]]]:
    """For each criterion code of `version`: that criterion and the criteria of earlier
    versions the crosswalk carries over to it, as (version, code) pairs: a resource written for
    a 2018 criterion helps with its 2022 successor. Reads the crosswalk files, not the
    database."""

    def back(at: str, wanted: set[str]) -> set[tuple[str, str]]:
        found = {(at, code) for code in wanted}
        for old in _earlier(at):
            mapping = crosswalk(old, at)
            before = {o for o, n in mapping.items() if n in wanted}
            if before:
                found |= back(old, before)
        return found

    return {code: back(version, {code}) for code in set(codes)}


def _matching(pairs: Iterable[tuple[str, str]], prefix: str) -> Q:
    """The condition on criteria (through `prefix`) for these (version, code) pairs."""
    by_version: dict[str, set[str]] = {}
    for version, code in pairs:
        by_version.setdefault(version, set()).add(code)
    condition = Q(pk__in=[])
    for version, codes in by_version.items():
        condition |= Q(**{f"{prefix}version__code": version, f"{prefix}code__in": sorted(codes)})
    return condition


def resources_for_codes(
    version: StandardVersion,
    codes: Iterable[str],
    *,
    members: bool,
    limit: int = PANEL_SIZE,
) -> dict[str, list[Resource]]:
    """The published resources that help with each criterion code of `version` (at most
    `limit` each, newest first), for a reader who is (or is not) a network member. One query
    whatever the number of codes."""
    family = lineage(version.code, codes)
    every = {pair for pairs in family.values() for pair in pairs}
    if not every:
        return {code: [] for code in family}
    links = (
        Resource.criteria.through.objects.filter(_matching(every, "criterion__"))
        .filter(resource__state=State.PUBLISHED)
        .select_related("resource__organisation")
        .annotate(version_code=F("criterion__version__code"), code=F("criterion__code"))
    )
    if not members:
        links = links.filter(resource__audience=Audience.PUBLIC)
    by_pair: dict[tuple[str, str], list[Resource]] = {}
    for link in links:
        pair = (getattr(link, "version_code"), getattr(link, "code"))  # noqa: B009 - annotations
        by_pair.setdefault(pair, []).append(link.resource)
    found: dict[str, list[Resource]] = {}
    for code, pairs in family.items():
        seen: dict[int, Resource] = {}
        for pair in pairs:
            for resource in by_pair.get(pair, []):
                seen.setdefault(resource.pk, resource)
        ordered = sorted(
            seen.values(),
            key=lambda r: (-(r.published_at.timestamp() if r.published_at else 0), r.pk),
        )
        found[code] = ordered[:limit]
    return found


def resources_for(criterion: Criterion, *, members: bool) -> list[Resource]:
    """The published resources that help with this criterion (see `resources_for_codes`)."""
    return resources_for_codes(criterion.version, [criterion.code], members=members)[criterion.code]


# The list -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    version: StandardVersion | None = None
    criterion: str = ""
    area: str = ""
    kind: str = ""
    language: str = ""
    q: str = ""


def search(user: Any, filters: Filters, *, members: bool | None = None) -> QuerySet[Resource]:
    """The published resources this person may read that match the filters, newest first."""
    found = visible(user, members=members)
    version = filters.version
    if filters.criterion and version is not None:
        pairs = lineage(version.code, [filters.criterion])[filters.criterion]
        found = found.filter(
            pk__in=Resource.objects.filter(_matching(pairs, "criteria__")).values("pk")
        )
    if filters.area and version is not None:
        area = PracticeArea.objects.filter(version=version, code=filters.area).first()
        found = found.filter(
            pk__in=Resource.objects.filter(Q(areas=area) | Q(criteria__area=area)).values("pk")
        )
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.language:
        found = found.filter(languages__contains=filters.language)
    for word in filters.q.split()[:10]:
        found = found.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    return found.select_related("organisation").order_by("-published_at", "-pk")
