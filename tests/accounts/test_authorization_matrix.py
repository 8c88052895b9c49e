"""Every URL of the project, for every kind of person, answers with the status the policy says.

The table below has one row per URL pattern name; a URL added without a row fails
`test_every_url_has_a_row`. Each row gives the expected status for GET (and, where the URL
changes something, POST) for each role. Objects of a city a person has nothing to do with answer
404 (their existence does not leak); actions a person may not take on a city they know answer 403;
anonymous visitors are sent to sign in (302).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from citycert.accounts import services
from citycert.accounts.models import ApiToken, Membership, ProgramRole, User
from citycert.assessments import services as assessment_services
from citycert.assessments.models import Snapshot
from citycert.assessments.snapshot import questionnaire
from citycert.cities.models import CityRequest
from citycert.events.models import Event
from citycert.learning import services as learning
from citycert.learning.models import Audience, Kind
from citycert.network import services as network_services
from citycert.partners.models import Engagement
from citycert.public.services import refresh
from citycert.reports.models import ReportFile
from citycert.reviews import appeals
from citycert.reviews import services as review_services
from citycert.reviews.models import Certification, Cohort
from citycert.standards.models import StandardVersion
from citycert.standards.services import load_files
from tests import factories as f

ROLES = (
    "anonymous",
    "lead_a",
    "contributor_a",
    "lead_b",
    "reviewer_a",  # reviews city A's current assessment (in review, a clarification open)
    "past_reviewer_a",  # reviewed A's earlier assessment, decided since (and appealed)
    "panelist_a",  # sits on the panel of the appeal against A's earlier decision
    "reviewer_unassigned",
    "admin",
    "coach_a",  # works for a partner whose engagement with city A is open
    "coach_without_grant",  # works for a partner city A has invited, not accepted yet
)


def row(*statuses: int) -> dict[str, int]:
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses, strict=True))


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, anonymous: int = 302) -> dict[str, int]:
    return {**everyone(status), "anonymous": anonymous}


def admin_only(status: int, others: int = 403) -> dict[str, int]:
    return {**signed_in(others), "admin": status}


#: City A's team page and the like: its own people, the reviewer of its open review, admins;
#: its past reviewer and its appeal's panelist relate to one assessment only (403).
SEE_CITY_A = row(302, 200, 200, 404, 200, 403, 403, 404, 200, 200, 404)
MANAGE_CITY_A = row(302, 302, 403, 404, 403, 403, 403, 404, 302, 403, 404)
#: Pages of "the assessment": the current one for its people and reviewer; the past reviewer
#: and the panelist read the earlier one they reviewed or judge, read only.
READ_A = row(302, 200, 200, 404, 200, 200, 200, 404, 200, 200, 404)
#: Things of the current assessment itself (its files, its report): not for the past reviewer
#: nor the panelist, who have nothing to do with it (404).
CURRENT_A = row(302, 200, 200, 404, 200, 404, 404, 404, 200, 200, 404)
#: Things of the city that belong to no assessment (a data snapshot's report): its own people.
CITY_ONLY_A = row(302, 200, 200, 404, 404, 404, 404, 404, 200, 200, 404)
#: The lead alone runs the assessment (start, assign, outcome, import, submit, withdraw).
LEAD_OF_A = row(302, 302, 403, 404, 403, 403, 403, 404, 403, 403, 404)
LEAD_OF_A_PAGE = row(302, 200, 403, 404, 403, 403, 403, 404, 403, 403, 404)
#: Answers: the lead, and the contributor the criterion (DM1 here, reopened) is assigned to.
EDIT_DM1 = row(302, 302, 302, 404, 403, 403, 403, 404, 403, 403, 404)
POST_ONLY = signed_in(405)
#: The reviewer of A's open review has declared already, so is sent on to the review.
REVIEWER_OF_A = row(302, 403, 403, 404, 302, 403, 403, 404, 403, 403, 404)
#: City A's current report and its PDFs (POSTs redirect: 302).
REPORT_OF_A = row(302, 302, 302, 404, 302, 404, 404, 404, 302, 302, 404)
#: The appeal against A's earlier decision: its people, the panel, admins; not the reviewer
#: whose review is appealed (403), nor the reviewer of the current assessment (404).
APPEAL_OF_A = row(302, 200, 200, 404, 404, 403, 200, 404, 200, 200, 404)
#: The network's members: the people of a city that started an assessment (A), and the
#: program's people; not lead_b, whose city is certified but never took a snapshot or assessment.
NETWORK = row(302, 200, 200, 403, 200, 200, 200, 200, 200, 200, 200)
#: The portfolio "league", held by lead_b, with city A consenting: its owner and admins.
PORTFOLIO = row(302, 404, 404, 200, 404, 404, 404, 404, 200, 404, 404)
#: The panelist of A's appeal has declared already, so is sent on to the appeal.
PANELIST_OF_A = row(302, 403, 403, 404, 404, 403, 302, 404, 403, 403, 404)


@dataclass
class World:
    users: dict[str, User]
    a: Any
    b: Any
    token: str
    snapshot: str
    ids: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    kwargs: Callable[[World], dict[str, Any]]
    get: dict[str, int]
    post: dict[str, int] | None = None
    data: Callable[[World], dict[str, Any]] = lambda w: {}


def none(w: World) -> dict[str, Any]:
    return {}


def city_a(w: World) -> dict[str, Any]:
    return {"slug": w.a.slug}


def city_a_and(key: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"slug": w.a.slug, "pk": w.ids[key]}


def event(w: World) -> dict[str, Any]:
    return {"pk": w.ids["event"]}


def event_form(w: World) -> dict[str, Any]:
    return {
        "title": "Open budget sprint",
        "kind": "sprint",
        "date": "2099-03-04",
        "start_time": "10:00",
        "time_zone": "America/Bogota",
        "duration_minutes": "90",
        "language": "es",
        "audience": "public",
        "organiser": w.ids["organisation"],
    }


#: Events of coach_a's partner organisation: admins and its staff organise them.
ORGANISERS = {**admin_only(200), "coach_a": 200}
ORGANISERS_POST = {**admin_only(302), "coach_a": 302}

TABLE: dict[str, Route] = {
    # Public.
    "public:home": Route(none, everyone(200)),
    # Operations: health checks for anyone (a load balancer); metrics only with METRICS_TOKEN.
    "operations:live": Route(none, everyone(200)),
    "operations:ready": Route(none, everyone(503)),  # no task worker runs in the tests
    "operations:metrics": Route(none, everyone(404)),
    "standards:list": Route(none, everyone(200)),
    "standards:detail": Route(lambda w: {"code": "2022"}, everyone(200)),
    "public:cohorts": Route(none, everyone(200)),
    # Learning resources: published ones for everyone, members-only ones for the network (city
    # B has no assessment nor snapshot: its lead is not a member); partner staff and admins
    # write them.
    "learning:list": Route(none, everyone(200)),
    "learning:detail": Route(
        lambda w: {"pk": w.ids["members_resource"]},
        row(404, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200),
    ),
    # Both coaches work for partner organisations: they write their own partner's resources.
    "learning:manage": Route(none, {**admin_only(200), "coach_a": 200, "coach_without_grant": 200}),
    "learning:new": Route(
        none,
        {**admin_only(200), "coach_a": 200, "coach_without_grant": 200},
        {**admin_only(400), "coach_a": 400, "coach_without_grant": 400},
    ),
    "learning:edit": Route(lambda w: {"pk": w.ids["resource"]}, admin_only(200), admin_only(400)),
    # Published already: the admin is told so and sent back (302).
    "learning:publish": Route(lambda w: {"pk": w.ids["resource"]}, POST_ONLY, admin_only(302)),
    # Archiving asks first (200): only the confirmed request archives.
    "learning:archive": Route(
        lambda w: {"pk": w.ids["resource"]}, admin_only(200), admin_only(200)
    ),
    "public:cohort": Route(lambda w: {"label": "2024-02"}, everyone(200)),
    "public:cohort_json": Route(lambda w: {"label": "2024-02"}, everyone(200)),
    "public:directory": Route(none, everyone(200)),
    "public:map": Route(none, everyone(200)),
    "public:map_svg": Route(none, everyone(200)),
    "public:profile": Route(lambda w: {"slug": w.b.slug}, everyone(200)),
    "public:stats": Route(none, everyone(200)),
    "public:badge_svg": Route(lambda w: {"slug": w.b.slug}, everyone(200)),
    "public:badge_json": Route(lambda w: {"slug": w.b.slug}, everyone(200)),
    "public:badge_shields": Route(lambda w: {"slug": w.b.slug}, everyone(200)),
    "public:data": Route(none, everyone(200)),
    "public:datapackage": Route(none, everyone(200)),
    "public:favicon": Route(none, everyone(301)),
    "public:data_file": Route(lambda w: {"dataset": "history", "fmt": "csv"}, everyone(200)),
    "public:edit_profile": Route(
        city_a,
        row(302, 200, 403, 404, 403, 403, 403, 404, 200, 403, 404),
        MANAGE_CITY_A,
        lambda w: {"story": "Open data changed our budget.", "story_language": "en"},
    ),
    "set_language": Route(none, everyone(302), everyone(302), lambda w: {"language": "es"}),
    # City registration and the program's registry.
    # Asking to take part for a city: recorded, then on to the dashboard.
    "cities:register": Route(
        none,
        signed_in(200),
        signed_in(302),
        lambda w: {"place": "geonames:5746545", "statement": "I run the data office."},
    ),
    "cities:claims": Route(none, admin_only(200)),
    "cities:decide_claim": Route(
        lambda w: {"pk": w.ids["claim"]},
        POST_ONLY,
        admin_only(302),
        lambda w: {"decision": "approve"},
    ),
    "cities:decide_join": Route(
        city_a_and("join_request"), POST_ONLY, MANAGE_CITY_A, lambda w: {"decision": "approve"}
    ),
    "cities:registry": Route(none, admin_only(200)),
    "cities:registry_new": Route(
        none, admin_only(200), admin_only(302), lambda w: {"place": "geonames:5746545"}
    ),
    "cities:registry_detail": Route(
        city_a,
        admin_only(200),
        admin_only(302),
        lambda w: {"kind": "city_county", "official_population": "", "population_source": ""},
    ),
    "reviews:queue": Route(none, admin_only(200)),
    "reviews:remove_reviewer": Route(
        lambda w: {"pk": w.ids["assessment"], "assignment": w.ids["assignment"]},
        POST_ONLY,
        admin_only(302),
    ),
    "reviews:appeals": Route(none, admin_only(200)),
    "reviews:appeal_admin": Route(
        lambda w: {"pk": w.ids["appeal"]},
        admin_only(200),
        admin_only(400),
        lambda w: {"outcome": "modified", "level": "silver", "rationale": "Same level."},
    ),
    "reviews:add_panelist": Route(
        lambda w: {"pk": w.ids["appeal"]},
        POST_ONLY,
        admin_only(302),
        lambda w: {"reviewer": w.users["reviewer_unassigned"].pk},
    ),
    "reviews:rules": Route(
        none,
        admin_only(200),
        admin_only(302),
        lambda w: {
            "standard": "2022",
            "2022-valid_years": "3",
            "2022-renewal_window_days": "180",
            "2022-grace_days": "90",
            "2022-appeal_window_days": "30",
        },
    ),
    "reviews:renewals": Route(none, admin_only(200)),
    "reviews:answer_clarification": Route(
        city_a_and("clarification"), POST_ONLY, LEAD_OF_A, lambda w: {"reply": "Done."}
    ),
    # A's earlier decision is appealed already: the page says there is nothing to appeal.
    "reviews:appeal_new": Route(city_a, LEAD_OF_A_PAGE, LEAD_OF_A_PAGE, lambda w: {}),
    "reviews:appeal": Route(city_a_and("appeal"), APPEAL_OF_A),
    "reviews:appeal_add_file": Route(city_a_and("appeal"), POST_ONLY, LEAD_OF_A),
    "reviews:appeal_file": Route(
        lambda w: {"slug": w.a.slug, "pk": w.ids["appeal"], "file": w.ids["appeal_file"]},
        APPEAL_OF_A,
    ),
    "reviews:panel_declare": Route(
        city_a_and("appeal"), PANELIST_OF_A, PANELIST_OF_A, lambda w: {"conflict": "no"}
    ),
    "reviews:recommend": Route(
        city_a_and("appeal"),
        POST_ONLY,
        PANELIST_OF_A,
        lambda w: {"outcome": "upheld", "comment": "The decision stands."},
    ),
    "accounts:email_language": Route(none, POST_ONLY, signed_in(302), lambda w: {"language": "es"}),
    "reviews:assign_to_assessment": Route(
        lambda w: {"pk": w.ids["assessment"]},
        POST_ONLY,
        admin_only(302),
        lambda w: {"reviewer": w.users["reviewer_unassigned"].pk},
    ),
    # An empty decision is refused on the page, naming the fields (400 for the admin).
    "reviews:decide": Route(
        lambda w: {"pk": w.ids["assessment"]}, admin_only(200), admin_only(400)
    ),
    # Asking (a clarification already covers DM1) or recording: a message, back to the page.
    "reviews:clarify": Route(
        lambda w: {"pk": w.ids["assessment"]},
        POST_ONLY,
        admin_only(302),
        lambda w: {"codes": ["DM1"], "message": "Which body?", "due_on": "2099-01-01"},
    ),
    "reviews:record_interaction": Route(
        lambda w: {"pk": w.ids["assessment"]},
        POST_ONLY,
        admin_only(302),
        lambda w: {"kind": "visit", "held_on": "2024-01-01", "people_met": "The data team"},
    ),
    "reviews:correct": Route(
        lambda w: {"pk": w.ids["certification"]},
        admin_only(200),
        admin_only(302),
        lambda w: {"level": "gold", "reason": "Misread announcement."},
    ),
    "reviews:cohorts": Route(
        none,
        admin_only(200),
        admin_only(302),
        lambda w: {"cohort": w.ids["cohort"], "confirm": "1"},
    ),
    # Reviewers of city A only; reviewer_a has declared already, so is sent on to the review.
    "reviews:declare": Route(city_a, REVIEWER_OF_A, REVIEWER_OF_A, lambda w: {"conflict": "no"}),
    # City A's assessment is not in review yet: even its reviewer finds no review there.
    # A reviewer's own review: the open one, or (read only) the one they reviewed.
    "reviews:review": Route(city_a, row(302, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404)),
    # A city's team.
    "accounts:dashboard": Route(none, signed_in(200)),
    # Personal API tokens: everyone signed in has their own (the staff here have a second factor).
    "accounts:tokens": Route(
        none, signed_in(200), signed_in(200), lambda w: {"name": "script", "scope": "read"}
    ),
    # lead_a's token: nobody else's to revoke.
    "accounts:revoke_token": Route(
        lambda w: {"pk": w.ids["token"]},
        POST_ONLY,
        row(302, 302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    "accounts:team": Route(city_a, SEE_CITY_A),
    "accounts:invite": Route(
        city_a,
        POST_ONLY,
        MANAGE_CITY_A,
        lambda w: {"email": "new@example.org", "role": "contributor"},
    ),
    "accounts:revoke_invitation": Route(city_a_and("invitation"), POST_ONLY, MANAGE_CITY_A),
    "accounts:change_role": Route(
        city_a_and("contributor_membership"), POST_ONLY, MANAGE_CITY_A, lambda w: {"role": "lead"}
    ),
    "accounts:remove_member": Route(city_a_and("contributor_membership"), POST_ONLY, MANAGE_CITY_A),
    "accounts:hand_over": Route(
        city_a, POST_ONLY, MANAGE_CITY_A, lambda w: {"successor": w.ids["contributor_membership"]}
    ),
    "accounts:honor_roll": Route(city_a, POST_ONLY, MANAGE_CITY_A, lambda w: {"opt_in": "yes"}),
    "accounts:invitation": Route(lambda w: {"token": w.token}, everyone(200), everyone(302)),
    # The data snapshot (anyone) and the assessment of city A.
    "assessments:snapshot": Route(none, everyone(200), everyone(200)),
    "assessments:snapshot_result": Route(
        lambda w: {"pk": w.snapshot},
        row(404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        row(404, 302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        lambda w: {"city": w.a.slug},
    ),
    "assessments:network_consent": Route(
        none, POST_ONLY, signed_in(302), lambda w: {"consent": "yes"}
    ),
    "assessments:overview": Route(city_a, READ_A),
    "assessments:start": Route(city_a, POST_ONLY, LEAD_OF_A),
    "assessments:mine": Route(city_a, READ_A),
    # The current assessment is in review: the lead's change is refused on the page (400).
    "assessments:outcome": Route(
        city_a,
        READ_A,
        row(302, 400, 403, 404, 403, 403, 403, 404, 403, 403, 404),
        lambda w: {"version": 1, "option": "broadband", "narrative": "Census 2020 figures."},
    ),
    "assessments:submit": Route(city_a, LEAD_OF_A_PAGE, LEAD_OF_A_PAGE, lambda w: {"confirm": "1"}),
    "assessments:withdraw": Route(city_a, POST_ONLY, LEAD_OF_A),
    "assessments:export": Route(city_a, READ_A),
    "assessments:import": Route(city_a, LEAD_OF_A_PAGE, LEAD_OF_A_PAGE),
    "assessments:answer": Route(
        lambda w: {"slug": w.a.slug, "code": "DM1"},
        READ_A,
        EDIT_DM1,
        lambda w: {
            "version": w.ids["dm1_version"],
            "status": "claimed",
            "items": ["a", "b"],
            "narrative": "x",
            "links": "",
        },
    ),
    "assessments:assign": Route(
        lambda w: {"slug": w.a.slug, "code": "DM2"}, POST_ONLY, LEAD_OF_A, lambda w: {"person": ""}
    ),
    "assessments:upload_evidence": Route(
        lambda w: {"slug": w.a.slug, "code": "DM1"}, POST_ONLY, EDIT_DM1
    ),
    "assessments:download_evidence": Route(city_a_and("evidence"), CURRENT_A),
    # A GET asks first (the confirmation page); the confirmed POST removes the file.
    "assessments:delete_evidence": Route(
        city_a_and("evidence"),
        row(302, 200, 200, 404, 403, 404, 404, 404, 403, 403, 404),
        row(302, 302, 302, 404, 403, 404, 404, 404, 403, 403, 404),
        lambda w: {"confirm": "1"},
    ),
    # City A's reports and their PDFs.
    "reports:index": Route(city_a, READ_A),
    "reports:assessment": Route(
        lambda w: {"slug": w.a.slug, "pk": w.ids["assessment"]}, CURRENT_A, REPORT_OF_A
    ),
    "reports:snapshot": Route(
        lambda w: {"slug": w.a.slug, "pk": w.snapshot},
        CITY_ONLY_A,
        row(302, 302, 302, 404, 404, 404, 404, 404, 302, 302, 404),
    ),
    # Without htmx the progress is the report page (a redirect to it).
    "reports:pdf_status": Route(city_a_and("report_file"), REPORT_OF_A),
    # Retrying a ready PDF is refused with a message on the report page (302 to it).
    "reports:pdf_retry": Route(city_a_and("report_file"), POST_ONLY, REPORT_OF_A),
    "reports:pdf_download": Route(city_a_and("report_file"), CURRENT_A),
    # Coaching engagements: the city's side sees them all; a partner's staff their own, from the
    # invitation on (coach_without_grant's partner is invited: it answers, and sees no more).
    "partners:mine": Route(none, signed_in(200)),
    "partners:city_engagements": Route(
        city_a, row(302, 200, 200, 404, 403, 403, 403, 404, 200, 200, 404)
    ),
    "partners:invite": Route(
        city_a,
        LEAD_OF_A_PAGE,
        LEAD_OF_A,
        lambda w: {"organisation": w.ids["spare_partner"], "goals": "Open our budget data."},
    ),
    "partners:engagement": Route(
        city_a_and("engagement"), row(302, 200, 200, 404, 404, 404, 404, 404, 200, 200, 404)
    ),
    "partners:accept": Route(
        city_a_and("invited_engagement"),
        POST_ONLY,
        row(302, 403, 403, 404, 404, 404, 404, 404, 403, 404, 302),
    ),
    "partners:decline": Route(
        city_a_and("invited_engagement"),
        POST_ONLY,
        row(302, 403, 403, 404, 404, 404, 404, 404, 403, 404, 302),
    ),
    "partners:withdraw": Route(
        city_a_and("invited_engagement"),
        POST_ONLY,
        row(302, 302, 403, 404, 404, 404, 404, 404, 403, 404, 403),
    ),
    "partners:close": Route(
        city_a_and("engagement"),
        POST_ONLY,
        row(302, 302, 403, 404, 404, 404, 404, 404, 403, 302, 404),
    ),
    "partners:log_session": Route(
        city_a_and("engagement"),
        row(302, 403, 403, 404, 404, 404, 404, 404, 403, 200, 404),
        row(302, 403, 403, 404, 404, 404, 404, 404, 403, 302, 404),
        lambda w: {"held_on": "2026-01-15", "kind": "training", "notes": "Data inventory."},
    ),
    # The program.
    "accounts:people": Route(
        none,
        admin_only(200),
        admin_only(302),
        lambda w: {"email": w.users["lead_b"].email, "role": "coach", "organisation": "Partner"},
    ),
    "accounts:revoke_role": Route(
        lambda w: {"pk": w.ids["coach_role"]}, POST_ONLY, admin_only(302)
    ),
    "accounts:audit": Route(none, admin_only(200)),
    # Events: a public event of a partner organisation coach_a works for.
    "events:list": Route(none, everyone(200)),
    "events:detail": Route(event, everyone(200)),
    "events:calendar": Route(event, everyone(200)),
    "events:register": Route(event, POST_ONLY, signed_in(302)),
    "events:cancel_registration": Route(event, POST_ONLY, signed_in(302)),
    # coach_without_grant works for another partner: they organise its events, not academy's
    # (the form refuses academy as organiser and says so: 400).
    "events:new": Route(
        none,
        {**ORGANISERS, "coach_without_grant": 200},
        {**ORGANISERS_POST, "coach_without_grant": 400},
        event_form,
    ),
    "events:edit": Route(event, ORGANISERS, ORGANISERS_POST, event_form),
    "events:cancel": Route(event, ORGANISERS, ORGANISERS_POST, lambda w: {"confirm": "1"}),
    # Not started yet: recording attendance is refused with a message (302 back).
    "events:attendance": Route(event, ORGANISERS, ORGANISERS_POST, lambda w: {"attended": []}),
    "events:mine": Route(none, signed_in(200)),
    # The feed's key is its secret token; without it there is no such calendar.
    "events:feed": Route(none, everyone(404)),
    "events:reset_feed": Route(none, POST_ONLY, signed_in(302)),
    # The network: the members' directory, one's profile, portfolios and a city's consent.
    "network:directory": Route(none, NETWORK),
    "network:profile": Route(
        none,
        NETWORK,
        {**NETWORK, **{r: 302 for r, s in NETWORK.items() if s == 200}},
        lambda w: {"listed": "on", "role": "Data officer", "languages": ["en"]},
    ),
    "network:portfolios": Route(
        none,
        signed_in(200),
        admin_only(302),
        lambda w: {
            "name": "Funders United",
            "slug": "funders-united",
            "kind": "funder",
            "owner": w.users["lead_b"].email,
        },
    ),
    "network:portfolio": Route(lambda w: {"slug": "league"}, PORTFOLIO),
    "network:portfolio_csv": Route(lambda w: {"slug": "league"}, PORTFOLIO),
    "network:portfolio_invite": Route(
        lambda w: {"slug": "league"},
        POST_ONLY,
        row(302, 404, 404, 302, 404, 404, 404, 404, 403, 404, 404),
        lambda w: {"name": "Beta", "country": "US"},
    ),
    "network:portfolio_owner": Route(
        lambda w: {"slug": "league"},
        POST_ONLY,
        admin_only(302),
        lambda w: {"email": w.users["coach_a"].email},
    ),
    "network:city_portfolios": Route(city_a, SEE_CITY_A),
    "network:city_portfolio_answer": Route(
        city_a_and("portfolio_entry"), POST_ONLY, LEAD_OF_A, lambda w: {"decision": "withdraw"}
    ),
    # Accounts (django-allauth): who reaches each page as the library defines it.
    "account_login": Route(none, signed_in(302, anonymous=200)),
    "account_logout": Route(none, signed_in(200, anonymous=302)),
    "account_inactive": Route(none, everyone(200)),
    "account_signup": Route(none, signed_in(302, anonymous=200)),
    "account_reauthenticate": Route(none, signed_in(200)),
    "account_email": Route(none, signed_in(200)),
    "account_email_verification_sent": Route(none, everyone(200)),
    "account_change_password": Route(none, signed_in(200)),
    "account_set_password": Route(none, signed_in(302)),
    "account_reset_password": Route(none, everyone(200)),
    "account_confirm_login_code": Route(none, everyone(302)),
    "account_confirm_email": Route(lambda w: {"key": "not-a-key"}, everyone(200)),
    "account_reset_password_from_key_done": Route(none, everyone(200)),
    "account_reset_password_from_key": Route(
        lambda w: {"uidb36": "1", "key": "not-a-key"}, everyone(200)
    ),
    "account_reset_password_done": Route(none, everyone(200)),
    "mfa_index": Route(none, signed_in(200)),
    "mfa_authenticate": Route(none, everyone(302)),
    # Only people with a second factor can re-authenticate with it (here: the staff).
    "mfa_reauthenticate": Route(none, row(302, 302, 302, 302, 200, 200, 200, 200, 200, 302, 302)),
    "mfa_activate_totp": Route(none, signed_in(302)),
    # No authenticator app: nothing to deactivate (404); staff must re-authenticate first.
    "mfa_deactivate_totp": Route(none, row(302, 404, 404, 404, 302, 302, 302, 302, 302, 404, 404)),
    # No one in this world has recovery codes yet.
    "mfa_view_recovery_codes": Route(none, signed_in(404)),
    "mfa_generate_recovery_codes": Route(none, signed_in(302)),
    "mfa_download_recovery_codes": Route(none, signed_in(404)),
}


def url_names() -> set[str]:
    """Every page's URL name. The API has its own table, in tests/api/test_authorization.py."""

    def walk(patterns: list[Any], namespace: str | None) -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver) and pattern.namespace == "api":
                continue
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or None
                ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                names |= walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"unnamed URL pattern {pattern.pattern}"
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
        return names

    return walk(get_resolver().url_patterns, None)


def test_every_url_has_a_row() -> None:
    names = url_names()
    assert sorted(names - TABLE.keys()) == [], "URLs missing from the authorization table"
    assert sorted(TABLE.keys() - names) == [], "rows for URLs that no longer exist"


@pytest.fixture
def world(db: None) -> World:
    """The world, built for one test."""
    return build_world()


@pytest.fixture(scope="module")
def shared_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once for a module whose tests change nothing of it for good: each
    request they make runs in a transaction rolled back after it. The world lives in an outer
    transaction that each test's own (a savepoint) nests in, and is rolled back when the module
    is done. Building it takes seconds; the rows that read it number hundreds."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


def build_world() -> World:
    """City A: an earlier assessment, decided (Silver) and appealed, with its reviewer and a
    panelist; its current assessment in review, with its reviewer and a clarification open on
    DM1 (given to the contributor, with a file). City B: certified and public."""
    load_files()
    users = {
        "lead_a": f.person(name="Lead A"),
        "contributor_a": f.person(),
        "lead_b": f.person(),
        "reviewer_a": f.person(reviewer=True, mfa=True),
        "past_reviewer_a": f.person(reviewer=True, mfa=True),
        "panelist_a": f.person(reviewer=True, mfa=True),
        "reviewer_unassigned": f.person(reviewer=True, mfa=True),
        "admin": f.person(admin=True, mfa=True),
        "coach_a": f.person(coach=True),
        "coach_without_grant": f.person(coach=True),
    }
    admin, lead = users["admin"], users["lead_a"]
    a, b = f.city("Alpha"), f.city("Beta")
    f.lead(a, lead)
    contributor = f.member(a, users["contributor_a"])
    f.lead(b, users["lead_b"])
    engagement = f.grant(a, users["coach_a"])
    invited = f.engagement(
        a,
        f.staff(users["coach_without_grant"]).organisation,
        state=Engagement.State.INVITED,
    )
    spare_partner = f.organisation("Spare Partner")
    issued = services.invite(a, "invited@example.org", Membership.Role.CONTRIBUTOR, lead)

    # A's earlier assessment: reviewed, decided, appealed.
    earlier = f.assessment_of(a, lead, claimed=25)
    assessment_services.submit(earlier, lead)
    past = f.assign(earlier, users["past_reviewer_a"])
    review_services.validate(
        earlier,
        users["past_reviewer_a"],
        dict.fromkeys(f.claimed_codes(earlier), ("validated", "")),
    )
    decision = review_services.decide(
        earlier,
        level="silver",
        rationale="Met.",
        difference_reason="",
        cohort_label="2025-06",
        by=admin,
    )
    appeal = appeals.lodge(
        earlier,
        grounds=["factual"],
        statement="DM9 was met.",
        by=lead,
        files=[(io.BytesIO(f.TINY_PDF), "minutes.pdf")],
    )
    seat = appeals.add_panelist(appeal, users["panelist_a"], admin)
    appeals.declare(seat, conflict=False, note="")

    # A's current assessment: submitted, in review, DM1 asked about again.
    assessment = f.assessment_of(a, lead, claimed=30)
    dm1 = assessment.answers.get(criterion__code="DM1")
    assessment_services.assign(dm1, users["contributor_a"])
    assessment_services.submit(assessment, lead)
    assignment = f.assign(assessment, users["reviewer_a"])
    clarification = review_services.request_clarification(
        assessment, ["DM1"], "Which body?", timezone.localdate() + dt.timedelta(days=7), admin
    )
    evidence = assessment_services.add_evidence(
        assessment.answers.get(criterion__code="DM1"),
        io.BytesIO(f.TINY_PDF),
        "plan.pdf",
        lead,
    )

    announced = Cohort.objects.create(label="2024-02", published_at=timezone.now())
    announced_certification = Certification.objects.create(
        city=b,
        cohort=announced,
        standard=StandardVersion.objects.get(code="2022"),
        level="silver",
        event="new",
        published_at=announced.published_at,
    )
    refresh([b.pk])
    resources = {
        audience: learning.publish(
            learning.save(
                None,
                title=f"A {audience} guide",
                summary="How to keep a data inventory.",
                body="",
                url="https://academy.example.org/inventory",
                kind=Kind.GUIDE,
                languages=["en"],
                organisation=None,
                audience=audience,
                criteria=StandardVersion.objects.get(code="2022").criteria.filter(code="DM2"),
                areas=[],
                by=admin,
            ),
            admin,
        )
        for audience in Audience.values
    }
    # Someone asks to lead a city without a team, someone else to join A's team.
    claim = CityRequest.objects.create(
        city=f.city("Gamma"), person=f.person(), statement="Mayor's office.", claim=True
    )
    join_request = CityRequest.objects.create(
        city=a, person=f.person(), statement="Open data team.", claim=False
    )
    kept = Snapshot.objects.create(
        questionnaire="snapshot-2022",
        answers={q.key: 1 for q in questionnaire().questions},
        person=lead,
        city=a,
    )
    report_file = ReportFile(
        city=a, assessment=assessment, language="en", status=ReportFile.Status.READY, size=1
    )
    report_file.file.save("report.pdf", ContentFile(f.TINY_PDF))
    academy = engagement.organisation  # the partner coach_a works for
    sprint = Event.objects.create(
        title="Open data sprint",
        kind=Event.Kind.SPRINT,
        starts_at=timezone.now() + dt.timedelta(days=10),
        time_zone="America/Bogota",
        duration_minutes=90,
        language="en",
        capacity=20,
        organiser=academy,
        created_by=users["coach_a"],
    )
    # A state league held by lead_b, which city A consented to join.
    league = network_services.create_portfolio(
        name="League", slug="league", kind="state_league", owners=[users["lead_b"]], by=admin
    )
    entry = network_services.invite(league, a, users["lead_b"])
    assert entry is not None
    network_services.consent(entry, lead)
    return World(
        users=users,
        a=a,
        b=b,
        token=issued.token,
        snapshot=str(kept.pk),
        ids={
            "assignment": assignment.pk,
            "past_assignment": past.pk,
            "engagement": engagement.pk,
            "invited_engagement": invited.pk,
            "spare_partner": spare_partner.pk,
            "invitation": issued.invitation.pk,
            "evidence": evidence.pk,
            "assessment": assessment.pk,
            "earlier": earlier.pk,
            "decision": decision.pk,
            "appeal": appeal.pk,
            "appeal_file": appeal.files.get().pk,
            "cohort": announced.pk,
            "certification": announced_certification.pk,
            "clarification": clarification.pk,
            "dm1_version": assessment.answers.get(criterion__code="DM1").version,
            "contributor_membership": contributor.pk,
            "token": services.create_token(lead, "script", ApiToken.Scope.READ).token.pk,
            "report_file": report_file.pk,
            "resource": resources[Audience.PUBLIC].pk,
            "members_resource": resources[Audience.MEMBERS].pk,
            "claim": claim.pk,
            "organisation": academy.pk,
            "event": sprint.pk,
            "join_request": join_request.pk,
            "portfolio_entry": entry.pk,
            "coach_role": ProgramRole.objects.get(
                user=users["coach_without_grant"], role="coach"
            ).pk,
        },
    )


def statuses(world: World, name: str, method: str, route: Route) -> dict[str, int]:
    url = reverse(name, kwargs=route.kwargs(world))
    seen = {}
    for role in ROLES:
        with transaction.atomic():  # every role meets the same world
            client = Client()
            if role != "anonymous":
                client.force_login(
                    world.users[role], backend="allauth.account.auth_backends.AuthenticationBackend"
                )
            response = client.get(url) if method == "get" else client.post(url, route.data(world))
            seen[role] = response.status_code
            transaction.set_rollback(True)
    return seen


@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_role_gets_the_expected_status(db: None, shared_world: World, name: str) -> None:
    route = TABLE[name]
    assert statuses(shared_world, name, "get", route) == route.get, f"GET {name}"
    if route.post is not None:
        assert statuses(shared_world, name, "post", route) == route.post, f"POST {name}"
