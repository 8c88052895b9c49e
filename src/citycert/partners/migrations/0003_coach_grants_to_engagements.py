"""Each person's coach access to a city becomes an engagement of their organisation.

Coaches were recognised one by one (a program role, with the organisation's name as free text)
and given access by a city one by one (a grant). Now an organisation's current staff coach the
cities whose engagement with it is open. So:
- every partner coach becomes a staff member of the organisation their role names; a coach whose
  role names none gets an organisation of their own, so that no coach sees another's cities;
- every live grant becomes an open (accepted) engagement of that organisation with the city, as
  if the city had invited it when it gave the grant and the coach had accepted at once; two live
  grants of one city to coaches of the same organisation become one engagement;
- every revoked grant becomes a closed engagement, closed when and by whom it was revoked.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils.text import slugify


def _unique_slug(organisations: Any, name: str) -> str:
    base = (slugify(name) or "partner")[:100]
    slug, number = base, 1
    while organisations.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _organisation_of(apps: Any, coach: Any, named: str) -> Any:
    organisations = apps.get_model("partners", "Organisation")
    name = named.strip()[:200]
    if not name:
        # Not a shared default: everyone in one organisation would see each other's cities.
        name = f"{coach.name or coach.email} (independent coach)"[:200]
    found = organisations.objects.filter(name__iexact=name).first()
    if found is None:
        found = organisations.objects.create(name=name, slug=_unique_slug(organisations, name))
    return found


def grants_to_engagements(apps: Any, schema_editor: Any) -> None:
    """The migration's work; see the module's docstring."""
    program_roles = apps.get_model("accounts", "ProgramRole")
    grants = apps.get_model("accounts", "CoachGrant")
    staff = apps.get_model("partners", "Staff")
    engagements = apps.get_model("partners", "Engagement")

    organisation_of: dict[int, Any] = {}
    for role in program_roles.objects.filter(role="coach").select_related("user"):
        organisation_of[role.user_id] = _organisation_of(apps, role.user, role.organisation)
    for grant in grants.objects.select_related("coach").order_by("created_at", "pk"):
        if grant.coach_id not in organisation_of:
            # A grant to someone no longer recognised as a coach: kept, with an organisation.
            organisation_of[grant.coach_id] = _organisation_of(apps, grant.coach, "")
    for user_id, organisation in organisation_of.items():
        if not staff.objects.filter(
            organisation=organisation, user_id=user_id, left_at__isnull=True
        ).exists():
            staff.objects.create(organisation=organisation, user_id=user_id)

    for grant in grants.objects.order_by("created_at", "pk"):
        organisation = organisation_of[grant.coach_id]
        common = {
            "city_id": grant.city_id,
            "organisation": organisation,
            "invited_at": grant.created_at,
            "invited_by_id": grant.granted_by_id,
            "responded_at": grant.created_at,
            "responded_by_id": grant.coach_id,
        }
        if grant.revoked_at is not None:
            engagements.objects.create(
                **common,
                state="closed",
                ended_at=grant.revoked_at,
                ended_by_id=grant.revoked_by_id,
            )
        elif not engagements.objects.filter(
            city_id=grant.city_id, organisation=organisation, state__in=["invited", "accepted"]
        ).exists():
            engagements.objects.create(**common, state="accepted")


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_engagements"),
        ("accounts", "0005_language_choices_follow_settings"),
    ]

    operations = [migrations.RunPython(grants_to_engagements, migrations.RunPython.noop)]
