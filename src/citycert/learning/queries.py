"""Reads of learning resources: who sees which, who may write which, the list's filters, and
the resources that help with a criterion (carried across Standard versions by the crosswalk).

A published resource is seen by everyone when it is public, and by network members when it is
for members (`citycert.assessments.network`). Drafts and archived resources are seen only by
those who may edit them: the staff of the resource's partner organisation, and program admins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

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


def lineage(version: StandardVersion, codes: Iterable[str]) -> dict[str, set[int]]:
    """For each criterion code of `version`: the ids of that criterion and of the criteria of
    earlier versions the crosswalk carries over to it (a resource written for a 2018 criterion
    helps with its 2022 successor). Two queries."""
    wanted = set(codes)
    order = list(StandardVersion.objects.order_by("effective_from").values_list("code", flat=True))
    pairs: dict[str, set[tuple[str, str]]] = {code: {(version.code, code)} for code in wanted}
    if version.code in order:
        for code in wanted:
            current = {code}
            for index in range(order.index(version.code), 0, -1):
                mapping = crosswalk(order[index - 1], order[index])
                current = {old for old, new in mapping.items() if new in current}
                if not current:
                    break
                pairs[code] |= {(order[index - 1], old) for old in current}
    every = {pair for found in pairs.values() for pair in found}
    if not every:
        return {}
    condition = Q()
    for version_code in {v for v, _ in every}:
        condition |= Q(
            version__code=version_code, code__in=[c for v, c in every if v == version_code]
        )
    ids = {
        (v, c): pk
        for pk, v, c in Criterion.objects.filter(condition).values_list(
            "pk", "version__code", "code"
        )
    }
    return {code: {ids[p] for p in found if p in ids} for code, found in pairs.items()}


def resources_for_codes(
    version: StandardVersion,
    codes: Iterable[str],
    *,
    members: bool,
    limit: int = PANEL_SIZE,
) -> dict[str, list[Resource]]:
    """The published resources that help with each criterion code of `version` (at most
    `limit` each, newest first), for a reader who is (or is not) a network member. A bounded
    number of queries whatever the number of codes."""
    family = lineage(version, codes)
    wanted = {pk for ids in family.values() for pk in ids}
    if not wanted:
        return {code: [] for code in family}
    links = Resource.criteria.through.objects.filter(
        criterion_id__in=wanted, resource__state=State.PUBLISHED
    ).select_related("resource__organisation")
    if not members:
        links = links.filter(resource__audience=Audience.PUBLIC)
    links = links.order_by("-resource__published_at", "resource_id")
    by_criterion: dict[int, list[Resource]] = {}
    for link in links:
        by_criterion.setdefault(link.criterion_id, []).append(link.resource)
    found: dict[str, list[Resource]] = {}
    for code, ids in family.items():
        seen: dict[int, Resource] = {}
        for pk in ids:
            for resource in by_criterion.get(pk, []):
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
        ids = lineage(version, [filters.criterion]).get(filters.criterion, set())
        found = found.filter(pk__in=Resource.objects.filter(criteria__in=ids).values("pk"))
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
