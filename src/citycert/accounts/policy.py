"""Who may do what: the one place that decides. Every view and API endpoint asks here.

A person's *relations* to a city are the hats they wear there: lead or contributor (a
membership), coach (a live grant from the city), reviewer (assigned to the city), or admin
(program admins relate to every city). Rules are a table from action to the relations that allow
it. A city the person has no relation with does not exist for them: `authorize` answers 404, so
that no one learns which cities take part. A city they relate to but may not act on gets 403.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

if TYPE_CHECKING:
    from citycert.cities.models import City


class Action(StrEnum):
    # Anyone signed in.
    VIEW_DASHBOARD = "view_dashboard"
    REGISTER_CITY = "register_city"
    MANAGE_OWN_TOKENS = "manage_own_tokens"  # personal API tokens
    # On a city.
    VIEW_CITY = "view_city"
    MANAGE_TEAM = "manage_team"
    MANAGE_COACHES = "manage_coaches"
    VIEW_ASSESSMENT = "view_assessment"
    MANAGE_ASSESSMENT = "manage_assessment"  # start, assign, outcome, import, submit, withdraw
    EDIT_ANSWER = "edit_answer"  # the lead, or the contributor the criterion is assigned to
    DECLARE_CONFLICT = "declare_conflict"
    VALIDATE = "validate"
    EDIT_PUBLIC_PROFILE = "edit_public_profile"  # the story and what is published
    VIEW_REPORT = "view_report"  # the customised report and its PDF
    # On the program.
    MANAGE_REGISTRY = "manage_registry"
    MANAGE_PEOPLE = "manage_people"
    ASSIGN_REVIEWERS = "assign_reviewers"
    MANAGE_REVIEWS = "manage_reviews"  # the queue, settling, deciding, publishing cohorts
    VIEW_AUDIT = "view_audit"


LEAD = "lead"
CONTRIBUTOR = "contributor"
COACH = "coach"
REVIEWER = "reviewer"  # assigned, and declared no conflict of interest
REVIEWER_PENDING = "reviewer_pending"  # assigned, not declared yet
ADMIN = "admin"
SIGNED_IN = "signed_in"

#: Which relations to a city allow each action on it.
CITY_RULES: dict[Action, frozenset[str]] = {
    Action.VIEW_CITY: frozenset({LEAD, CONTRIBUTOR, COACH, REVIEWER, REVIEWER_PENDING, ADMIN}),
    Action.MANAGE_TEAM: frozenset({LEAD, ADMIN}),
    Action.MANAGE_COACHES: frozenset({LEAD, ADMIN}),
    Action.VIEW_ASSESSMENT: frozenset({LEAD, CONTRIBUTOR, COACH, REVIEWER, ADMIN}),
    Action.MANAGE_ASSESSMENT: frozenset({LEAD}),
    Action.EDIT_ANSWER: frozenset({LEAD, CONTRIBUTOR}),
    Action.DECLARE_CONFLICT: frozenset({REVIEWER, REVIEWER_PENDING}),
    Action.VALIDATE: frozenset({REVIEWER}),
    Action.EDIT_PUBLIC_PROFILE: frozenset({LEAD, ADMIN}),
    Action.VIEW_REPORT: frozenset({LEAD, CONTRIBUTOR, COACH, REVIEWER, ADMIN}),
}

#: Which program-wide standing allows each action that is not about one city.
PROGRAM_RULES: dict[Action, frozenset[str]] = {
    Action.VIEW_DASHBOARD: frozenset({SIGNED_IN}),
    Action.REGISTER_CITY: frozenset({SIGNED_IN}),
    Action.MANAGE_OWN_TOKENS: frozenset({SIGNED_IN}),
    Action.MANAGE_REGISTRY: frozenset({ADMIN}),
    Action.MANAGE_PEOPLE: frozenset({ADMIN}),
    Action.ASSIGN_REVIEWERS: frozenset({ADMIN}),
    Action.VIEW_AUDIT: frozenset({ADMIN}),
    Action.MANAGE_REVIEWS: frozenset({ADMIN}),
}


def program_roles(user: Any) -> frozenset[str]:
    """The program roles a person holds (reviewer, admin, coach), read once per request."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_citycert_program_roles", None)
    if cached is None:
        cached = frozenset(user.program_roles.values_list("role", flat=True))
        user._citycert_program_roles = cached
    return cached


def is_program_staff(user: Any) -> bool:
    return ADMIN in program_roles(user) or REVIEWER in program_roles(user)


def relations(user: Any, city: City) -> frozenset[str]:
    """The hats `user` wears at `city`."""
    if not user.is_authenticated:
        return frozenset()
    from citycert.reviews.models import Assignment

    found: set[str] = set()
    roles = program_roles(user)
    if ADMIN in roles:
        found.add(ADMIN)
    membership = city.memberships.filter(user=user).values_list("role", flat=True).first()
    if membership:
        found.add(membership)
    if COACH in roles and city.coach_grants.filter(coach=user, revoked_at__isnull=True).exists():
        found.add(COACH)
    if REVIEWER in roles:
        # A declared conflict of interest ends the reviewer's access to the city.
        declared = set(
            Assignment.objects.filter(city=city, reviewer=user).values_list("conflict", flat=True)
        )
        if False in declared:
            found.add(REVIEWER)
        elif None in declared:
            found.add(REVIEWER_PENDING)
    return frozenset(found)


def _allowed(user: Any, action: Action, held: frozenset[str], obj: Any) -> bool:
    allowed = held & CITY_RULES[action]
    if action is Action.EDIT_ANSWER and allowed == {CONTRIBUTOR}:
        # A contributor edits only the criteria assigned to them.
        return obj is not None and getattr(obj, "assigned_to_id", None) == user.pk
    return bool(allowed)


def can(user: Any, action: Action, city: City | None = None, obj: Any = None) -> bool:
    """Whether `user` may do `action` (to `city`, and to `obj` in it, for city actions)."""
    if action in CITY_RULES:
        if city is None:
            raise ValueError(f"{action} needs a city")
        return _allowed(user, action, relations(user, city), obj)
    standing = set(program_roles(user))
    if user.is_authenticated:
        standing.add(SIGNED_IN)
    return bool(standing & PROGRAM_RULES[action])


def authorize(user: Any, action: Action, city: City | None = None, obj: Any = None) -> None:
    """Raise Http404 for a city the user has nothing to do with, PermissionDenied for an
    action they may not take; return quietly when allowed."""
    if action in CITY_RULES:
        if city is None:
            raise ValueError(f"{action} needs a city")
        held = relations(user, city)
        if not held:
            raise Http404("No such city")
        if not _allowed(user, action, held, obj):
            raise PermissionDenied
        return
    if not can(user, action):
        raise PermissionDenied


def needs_mfa_setup(user: Any) -> bool:
    """Program staff without a TOTP authenticator must set one up before anything else."""
    if not is_program_staff(user):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
