"""Who belongs to the program's network of city leaders.

A city joins the network when it keeps a data snapshot or starts an assessment; its people
(leads and contributors) are then network members. So is anyone who joined on their own (a
`NetworkMembership`, taken with a snapshot), and the program's own people: reviewers, admins
and partner staff. Pages and resources "for network members" ask `is_network_member`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from citycert.accounts.models import Membership, ProgramRole

from .models import NetworkMembership


def joined_cities() -> Q:
    """The condition on City for a city in the network."""
    return Q(snapshots__isnull=False) | Q(assessments__isnull=False)


def is_network_member(user: Any) -> bool:
    """Whether this person (perhaps anonymous) is a member of the network."""
    if not getattr(user, "is_authenticated", False):
        return False
    if ProgramRole.objects.filter(user=user).exists():
        return True
    if user.partner_staff.filter(left_at__isnull=True).exists():
        return True
    if NetworkMembership.objects.filter(user=user).exists():
        return True
    return (
        Membership.objects.filter(user=user)
        .filter(Q(city__snapshots__isnull=False) | Q(city__assessments__isnull=False))
        .exists()
    )


def members() -> QuerySet[Any]:
    """Every network member as one query on User: `is_network_member` for many people at once."""
    from django.contrib.auth import get_user_model

    from citycert.accounts.models import Membership, ProgramRole
    from citycert.cities.models import City
    from citycert.partners.models import Staff

    joined = City.objects.filter(joined_cities()).values("pk")
    return get_user_model().objects.filter(
        Exists(ProgramRole.objects.filter(user=OuterRef("pk")))
        | Exists(Staff.objects.filter(user=OuterRef("pk"), left_at__isnull=True))
        | Exists(NetworkMembership.objects.filter(user=OuterRef("pk")))
        | Exists(Membership.objects.filter(user=OuterRef("pk"), city__in=joined))
    )
