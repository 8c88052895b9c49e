"""Who may do what: the one place that decides. Every view and API endpoint asks here.

A person's *relations* to a city are the hats they wear there:
- city-wide: lead or contributor (a membership), coach (a current staff member of a partner
  organisation whose engagement with the city is accepted and not closed), admin (program
  admins relate to every city);
- on one assessment of the city: reviewer (assigned, declared no conflict, review open),
  reviewer_pending (assigned, not declared yet), past_reviewer (reviewed it; it is decided
  now: read only), panelist and panelist_pending (on the panel of an open appeal against it).

`access(user, city)` gathers them once per request into an `Access`, which the views and the
API ask. Rules are a table from action to the relations that allow it. For actions on one
assessment (its answers, its report, its review, its appeal) only the hats worn on *that*
assessment count, with the city-wide ones; a reviewer therefore reaches the assessment they
review while the review is open, the assessment they reviewed (read only) afterwards, and
nothing else. A coaching engagement has its own relations (`engagement_access`): the
city's, and partner_staff for the current staff of its partner organisation, who see it from
the invitation on, before they see the city. A city the person has no relation with, or an
assessment they have no hat on, does not exist for them: 404, so no one learns which cities
take part. A city they relate to but may not act on gets 403.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
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
    INVITE_PARTNER = "invite_partner"  # invite a partner organisation to coach the city
    VIEW_ENGAGEMENTS = "view_engagements"  # the list of the city's coaching engagements
    MANAGE_ASSESSMENT = "manage_assessment"  # start, assign, outcome, import, submit, withdraw
    EDIT_PUBLIC_PROFILE = "edit_public_profile"  # the story and what is published
    APPEAL = "appeal"  # lodge an appeal against a decision
    # On one assessment of a city (pass it, or an answer or appeal of it, as `obj`).
    VIEW_ASSESSMENT = "view_assessment"
    EDIT_ANSWER = "edit_answer"  # the lead, or the contributor the criterion is assigned to
    DECLARE_CONFLICT = "declare_conflict"
    VALIDATE = "validate"
    VIEW_REPORT = "view_report"  # the customised report and its PDF
    VIEW_APPEAL = "view_appeal"
    DECLARE_PANEL_CONFLICT = "declare_panel_conflict"
    RECOMMEND = "recommend"  # a panelist's recommendation on an appeal
    # On the program.
    MANAGE_REGISTRY = "manage_registry"
    MANAGE_PEOPLE = "manage_people"
    ASSIGN_REVIEWERS = "assign_reviewers"
    MANAGE_REVIEWS = "manage_reviews"  # the queue, settling, deciding, publishing, appeals
    MANAGE_RULES = "manage_rules"  # validity, renewal and appeal windows per Standard version
    VIEW_AUDIT = "view_audit"
    VIEW_OWN_ENGAGEMENTS = "view_own_engagements"  # those of the partners one works for
    # On one coaching engagement (pass it as `obj`).
    VIEW_ENGAGEMENT = "view_engagement"
    RESPOND_ENGAGEMENT = "respond_engagement"  # accept or decline the invitation
    WITHDRAW_ENGAGEMENT = "withdraw_engagement"  # the city takes its invitation back
    CLOSE_ENGAGEMENT = "close_engagement"
    LOG_SESSION = "log_session"
    VIEW_PROGRESS = "view_progress"  # the city's assessments, read for the targeted criteria
    # Events (webinars, sprints, office hours): decided by `event_can` below.
    VIEW_EVENT = "view_event"
    REGISTER_FOR_EVENT = "register_for_event"
    ORGANISE_EVENTS = "organise_events"  # create events (admins; partner staff)
    MANAGE_EVENT = "manage_event"  # edit, cancel, record attendance of one event
    # The network (network app): the members' directory, umbrella bodies' portfolios.
    VIEW_NETWORK = "view_network"  # the members' directory: network members only
    MANAGE_PORTFOLIOS = "manage_portfolios"  # create portfolios and name their owners
    ANSWER_PORTFOLIO = "answer_portfolio"  # a city consents to a portfolio, declines, withdraws
    VIEW_PORTFOLIO = "view_portfolio"  # on a portfolio (`authorize_portfolio`)
    INVITE_TO_PORTFOLIO = "invite_to_portfolio"


LEAD = "lead"
CONTRIBUTOR = "contributor"
COACH = "coach"
ADMIN = "admin"
REVIEWER = "reviewer"  # assigned, declared no conflict, the review is open
REVIEWER_PENDING = "reviewer_pending"  # assigned, not declared yet
PAST_REVIEWER = "past_reviewer"  # reviewed the assessment, now decided: read only
PANELIST = "panelist"  # on the panel of an open appeal, declared no conflict
PANELIST_PENDING = "panelist_pending"  # on the panel, not declared yet
SIGNED_IN = "signed_in"
PARTNER_STAFF = "partner_staff"  # works now for the engagement's partner organisation
ENGAGEMENT_COACH = "engagement_coach"  # partner staff, and the engagement is open
NETWORK_MEMBER = "network_member"  # see assessments.network.is_network_member

_READERS = frozenset({LEAD, CONTRIBUTOR, COACH, ADMIN, REVIEWER, PAST_REVIEWER, PANELIST})

#: Which relations to a city allow each action on it.
CITY_RULES: dict[Action, frozenset[str]] = {
    # A reviewer sees the team (names, addresses) only once they have declared no conflict.
    Action.VIEW_CITY: frozenset({LEAD, CONTRIBUTOR, COACH, REVIEWER, ADMIN}),
    Action.MANAGE_TEAM: frozenset({LEAD, ADMIN}),
    Action.INVITE_PARTNER: frozenset({LEAD}),
    # A coach sees the engagements of their own organisations only (the view filters them).
    Action.VIEW_ENGAGEMENTS: frozenset({LEAD, CONTRIBUTOR, COACH, ADMIN}),
    Action.MANAGE_ASSESSMENT: frozenset({LEAD}),
    Action.EDIT_PUBLIC_PROFILE: frozenset({LEAD, ADMIN}),
    Action.APPEAL: frozenset({LEAD}),
    Action.VIEW_ASSESSMENT: _READERS,
    Action.EDIT_ANSWER: frozenset({LEAD, CONTRIBUTOR}),
    Action.DECLARE_CONFLICT: frozenset({REVIEWER, REVIEWER_PENDING}),
    Action.VALIDATE: frozenset({REVIEWER}),
    Action.VIEW_REPORT: _READERS,
    Action.VIEW_APPEAL: frozenset({LEAD, CONTRIBUTOR, COACH, ADMIN, PANELIST}),
    Action.DECLARE_PANEL_CONFLICT: frozenset({PANELIST, PANELIST_PENDING}),
    Action.RECOMMEND: frozenset({PANELIST}),
    Action.ANSWER_PORTFOLIO: frozenset({LEAD}),
}

#: The city actions about one assessment: only the hats worn on it count (with city-wide ones).
ASSESSMENT_ACTIONS = frozenset(
    {
        Action.VIEW_ASSESSMENT,
        Action.EDIT_ANSWER,
        Action.DECLARE_CONFLICT,
        Action.VALIDATE,
        Action.VIEW_REPORT,
        Action.VIEW_APPEAL,
        Action.DECLARE_PANEL_CONFLICT,
        Action.RECOMMEND,
    }
)

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
    Action.MANAGE_RULES: frozenset({ADMIN}),
    Action.VIEW_OWN_ENGAGEMENTS: frozenset({SIGNED_IN}),
    Action.VIEW_NETWORK: frozenset({NETWORK_MEMBER}),
    Action.MANAGE_PORTFOLIOS: frozenset({ADMIN}),
}

#: Which relations to a coaching engagement allow each action on it. Whether its state allows
#: the action is the service's to say (partners.services).
ENGAGEMENT_RULES: dict[Action, frozenset[str]] = {
    Action.VIEW_ENGAGEMENT: frozenset({LEAD, CONTRIBUTOR, ADMIN, PARTNER_STAFF}),
    Action.RESPOND_ENGAGEMENT: frozenset({PARTNER_STAFF}),
    Action.WITHDRAW_ENGAGEMENT: frozenset({LEAD}),
    Action.CLOSE_ENGAGEMENT: frozenset({LEAD, PARTNER_STAFF}),
    Action.LOG_SESSION: frozenset({PARTNER_STAFF}),
    # The city's own data: for its staff only while the engagement is open.
    Action.VIEW_PROGRESS: frozenset({LEAD, CONTRIBUTOR, ADMIN, ENGAGEMENT_COACH}),
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


def _assessment_id(obj: Any) -> int | None:
    """The assessment an object belongs to: an assessment, anything that points at one (an
    answer, an appeal, a report file), or an evidence file (through its answer)."""
    from citycert.assessments.models import Assessment, Evidence

    if obj is None:
        return None
    if isinstance(obj, Assessment):
        return int(obj.pk)
    if isinstance(obj, Evidence):
        return int(obj.answer.assessment_id)
    found = getattr(obj, "assessment_id", None)
    return int(found) if found is not None else None


@dataclass(frozen=True)
class Access:
    """What one person is to one city, gathered once: the city-wide relations and the hats
    worn on each of its assessments (assessment id -> relations)."""

    user: Any
    city: City
    relations: frozenset[str] = frozenset()
    hats: Mapping[int, frozenset[str]] = field(default_factory=dict)

    @property
    def any(self) -> frozenset[str]:
        """Every relation the person has with the city, on any of its assessments."""
        found = set(self.relations)
        for worn in self.hats.values():
            found |= worn
        return frozenset(found)

    def held(self, action: Action, obj: Any = None) -> frozenset[str]:
        """The relations that count for `action`. For an assessment action on `obj`: the
        city-wide ones and the hats worn on `obj`'s assessment (none when `obj` belongs to no
        assessment, as a data snapshot's report does)."""
        if action in ASSESSMENT_ACTIONS and obj is not None:
            assessment_id = _assessment_id(obj)
            worn = self.hats.get(assessment_id, frozenset()) if assessment_id else frozenset()
            return self.relations | worn
        return self.any

    def can(self, action: Action, obj: Any = None) -> bool:
        allowed = self.held(action, obj) & CITY_RULES[action]
        if action is Action.EDIT_ANSWER and allowed == {CONTRIBUTOR}:
            # A contributor edits only the criteria assigned to them.
            return obj is not None and getattr(obj, "assigned_to_id", None) == self.user.pk
        return bool(allowed)

    def require(self, action: Action, obj: Any = None) -> None:
        """Raise Http404 where the person has no relation (to the city, or to the assessment
        `obj` belongs to), PermissionDenied where they may not take the action."""
        if not self.held(action, obj):
            raise Http404("No such city")
        if not self.can(action, obj):
            raise PermissionDenied

    def assessments(self, action: Action) -> frozenset[int] | None:
        """The ids of the assessments `action` is allowed on through hats alone, or None
        when a city-wide relation allows it on every assessment of the city."""
        if self.relations & CITY_RULES[action]:
            return None
        return frozenset(pk for pk in self.hats if self.can(action, _Ref(pk)))


@dataclass(frozen=True)
class _Ref:
    assessment_id: int


def _membership_and_coaching(user: Any, city: City) -> tuple[str | None, bool]:
    """The person's role on the city's team, if any, and whether they coach it: whether an
    engagement of an organisation they work for now is open with it (one query for both)."""
    from django.db.models import Exists, OuterRef, Subquery

    from citycert.cities.models import City
    from citycert.partners.models import Engagement

    from .models import Membership

    row = (
        City.objects.filter(pk=city.pk)
        .annotate(
            role=Subquery(Membership.objects.filter(city=city, user=user).values("role")[:1]),
            coached=Exists(
                Engagement.objects.filter(
                    city=OuterRef("pk"),
                    state=Engagement.State.ACCEPTED,
                    organisation__staff__user=user,
                    organisation__staff__left_at__isnull=True,
                )
            ),
        )
        .values_list("role", "coached")
        .first()
    )
    return (row[0], bool(row[1])) if row else (None, False)


def _gather(user: Any, city: City) -> Access:
    from citycert.assessments.models import Assessment
    from citycert.reviews.models import Assignment, Panelist

    if not user.is_authenticated:
        return Access(user, city)
    found: set[str] = set()
    roles = program_roles(user)
    if ADMIN in roles:
        found.add(ADMIN)
    membership, coached = _membership_and_coaching(user, city)
    if membership:
        found.add(membership)
    if coached:
        found.add(COACH)
    hats: dict[int, set[str]] = {}
    if REVIEWER in roles:
        # A declared conflict of interest ends the reviewer's access to the assessment.
        for assessment_id, conflict, state in Assignment.objects.filter(
            assessment__city=city, reviewer=user
        ).values_list("assessment_id", "conflict", "assessment__state"):
            if state in Assessment.REVIEW_STATES:
                hat = {None: REVIEWER_PENDING, False: REVIEWER}.get(conflict)
            elif state in Assessment.DECIDED_STATES and conflict is False:
                hat = PAST_REVIEWER
            else:
                hat = None
            if hat:
                hats.setdefault(assessment_id, set()).add(hat)
        for assessment_id, conflict in Panelist.objects.filter(
            appeal__assessment__city=city, appeal__decided_at__isnull=True, reviewer=user
        ).values_list("appeal__assessment_id", "conflict"):
            hat = {None: PANELIST_PENDING, False: PANELIST}.get(conflict)
            if hat:
                hats.setdefault(assessment_id, set()).add(hat)
    return Access(user, city, frozenset(found), {pk: frozenset(worn) for pk, worn in hats.items()})


def access(user: Any, city: City) -> Access:
    """The person's `Access` to the city, gathered once per request (kept on the user object,
    which lives as long as the request)."""
    if not user.is_authenticated:
        return Access(user, city)
    cache: dict[int, Access] | None = getattr(user, "_citycert_access", None)
    if cache is None:
        cache = user._citycert_access = {}
    found = cache.get(city.pk)
    if found is None:
        found = cache[city.pk] = _gather(user, city)
    return found


def forget(user: Any) -> None:
    """Drop what `access` gathered: after a change to the person's relations in the same
    request (a declaration, an assignment)."""
    if hasattr(user, "_citycert_access"):
        del user._citycert_access


@dataclass(frozen=True)
class EngagementAccess:
    """What one person is to one coaching engagement: their relations to its city, and
    partner_staff if they work now for its partner organisation."""

    user: Any
    engagement: Any
    relations: frozenset[str]

    def can(self, action: Action) -> bool:
        return bool(self.relations & ENGAGEMENT_RULES[action])

    def require(self, action: Action) -> None:
        """Http404 for someone who may not even see the engagement, PermissionDenied for an
        action they may not take on it."""
        if not self.relations & ENGAGEMENT_RULES[Action.VIEW_ENGAGEMENT]:
            raise Http404("No such engagement")
        if not self.can(action):
            raise PermissionDenied


def engagement_access(user: Any, engagement: Any) -> EngagementAccess:
    """The person's `EngagementAccess` to a coaching engagement."""
    if not user.is_authenticated:
        return EngagementAccess(user, engagement, frozenset())
    found = set(access(user, engagement.city).relations)
    if engagement.organisation.staff.filter(user=user, left_at__isnull=True).exists():
        found.add(PARTNER_STAFF)
        if engagement.state == "accepted":
            found.add(ENGAGEMENT_COACH)
    return EngagementAccess(user, engagement, frozenset(found))


def can(user: Any, action: Action, city: City | None = None, obj: Any = None) -> bool:
    """Whether `user` may do `action` (to `city`, and to `obj` in it, for city actions; to the
    engagement `obj` for engagement actions)."""
    if action in ENGAGEMENT_RULES:
        if obj is None:
            raise ValueError(f"{action} needs an engagement")
        return engagement_access(user, obj).can(action)
    if action in CITY_RULES:
        if city is None:
            raise ValueError(f"{action} needs a city")
        return access(user, city).can(action, obj)
    standing = set(program_roles(user))
    if user.is_authenticated:
        standing.add(SIGNED_IN)
    if NETWORK_MEMBER in PROGRAM_RULES[action]:
        from citycert.assessments.network import is_network_member

        if is_network_member(user):
            standing.add(NETWORK_MEMBER)
    return bool(standing & PROGRAM_RULES[action])


def authorize(user: Any, action: Action, city: City | None = None, obj: Any = None) -> None:
    """Raise Http404 for a city the user has nothing to do with, PermissionDenied for an
    action they may not take; return quietly when allowed."""
    if action in ENGAGEMENT_RULES:
        if obj is None:
            raise ValueError(f"{action} needs an engagement")
        engagement_access(user, obj).require(action)
        return
    if action in CITY_RULES:
        if city is None:
            raise ValueError(f"{action} needs a city")
        access(user, city).require(action, obj)
        return
    if not can(user, action):
        raise PermissionDenied


def needs_mfa_setup(user: Any) -> bool:
    """Program staff without a TOTP authenticator must set one up before anything else."""
    if not is_program_staff(user):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# Events. Admins organise any event (the program's own, organiser empty, too); a partner's
# current staff organise their organisation's events. Public events are for everyone, members'
# events for network members and their organisers.
EVENT_ACTIONS = frozenset(
    {Action.VIEW_EVENT, Action.REGISTER_FOR_EVENT, Action.ORGANISE_EVENTS, Action.MANAGE_EVENT}
)


def event_organisations(user: Any) -> frozenset[int]:
    """The partner organisations this person works for now, read once per request."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[int] | None = getattr(user, "_citycert_event_organisations", None)
    if cached is None:
        cached = frozenset(
            user.partner_staff.filter(left_at__isnull=True).values_list(
                "organisation_id", flat=True
            )
        )
        user._citycert_event_organisations = cached
    return cached


def may_organise_for(user: Any, organisation_id: int | None) -> bool:
    """Whether this person may run events in the name of this organisation (None: the program)."""
    if ADMIN in program_roles(user):
        return True
    return organisation_id is not None and organisation_id in event_organisations(user)


def event_can(user: Any, action: Action, event: Any = None) -> bool:
    """Whether `user` may do the event `action` (to `event`, for all but ORGANISE_EVENTS)."""
    from citycert.assessments.network import is_network_member

    if action is Action.ORGANISE_EVENTS:
        return ADMIN in program_roles(user) or bool(event_organisations(user))
    if event is None:
        raise ValueError(f"{action} needs an event")
    organiser = may_organise_for(user, event.organiser_id)
    if action is Action.MANAGE_EVENT:
        return organiser
    visible = event.audience == "public" or organiser or is_network_member(user)
    if action is Action.VIEW_EVENT:
        return visible
    return visible and user.is_authenticated  # REGISTER_FOR_EVENT


def authorize_event(user: Any, action: Action, event: Any = None) -> None:
    """Raise Http404 for an event the person may not see, PermissionDenied for an action they
    may not take on one they see; return quietly when allowed."""
    if event is not None and not event_can(user, Action.VIEW_EVENT, event):
        raise Http404("No such event")
    if not event_can(user, action, event):
        raise PermissionDenied


# Umbrella bodies' portfolios (network app) ------------------------------------------------

OWNER = "owner"  # holds the portfolio

#: Who may do what on a portfolio: its owners; program admins see it (and create it).
PORTFOLIO_RULES: dict[Action, frozenset[str]] = {
    Action.VIEW_PORTFOLIO: frozenset({OWNER, ADMIN}),
    Action.INVITE_TO_PORTFOLIO: frozenset({OWNER}),
}


def portfolio_relations(user: Any, portfolio: Any) -> frozenset[str]:
    """What the person is to the portfolio: an owner, a program admin, or nothing."""
    if not user.is_authenticated:
        return frozenset()
    found = set()
    if ADMIN in program_roles(user):
        found.add(ADMIN)
    if portfolio.owners.filter(pk=user.pk).exists():
        found.add(OWNER)
    return frozenset(found)


def authorize_portfolio(user: Any, action: Action, portfolio: Any) -> None:
    """Raise Http404 for a portfolio the person does not hold (its existence does not leak),
    PermissionDenied for an action they may not take on one they see."""
    held = portfolio_relations(user, portfolio)
    if not held:
        raise Http404("No such portfolio")
    if not held & PORTFOLIO_RULES[action]:
        raise PermissionDenied
