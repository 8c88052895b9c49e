"""Every API operation, for every kind of person (with a token for those signed in), answers
with the status the policy says, as the pages do: no token 401; a city a person has nothing to
do with 404; an action they may not take on a city they know 403.

The table has one row per operation of the OpenAPI document; an operation added without a row
fails `test_every_operation_has_a_row`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from citycert.accounts.models import ApiToken
from citycert.accounts.services import create_token
from citycert.api.api import api
from citycert.reviews.models import Cohort
from tests import factories as f
from tests.accounts.test_authorization_matrix import ROLES, World, everyone, row
from tests.accounts.test_authorization_matrix import (  # the same people and cities, built once
    shared_world as shared_world,
)

#: Who reads city A's assessment: its team, its coach, the reviewer of its open review and
#: admins; its past reviewer and its appeal's panelist read the earlier one (read only).
SEE_A = row(401, 200, 200, 404, 200, 200, 200, 404, 200, 200, 404)
#: A file of the current assessment: not for those who relate only to the earlier one.
CURRENT_A = row(401, 200, 200, 404, 200, 404, 404, 404, 200, 200, 404)
#: DM1 is reopened by a clarification and given to the contributor: the lead and they change it.
EDIT_DM1 = row(401, 200, 200, 404, 403, 403, 403, 404, 403, 403, 404)
UPLOAD_DM1 = row(401, 201, 201, 404, 403, 403, 403, 404, 403, 403, 404)
#: The lead alone runs the assessment; it is in review, so most changes are refused (400).
LEAD_A = row(401, 400, 403, 404, 403, 403, 403, 404, 403, 403, 404)
LEAD_A_OK = row(401, 200, 403, 404, 403, 403, 403, 404, 403, 403, 404)
#: A reviewer's own review: the open one, or (read only) the one they reviewed.
REVIEWER_A = row(401, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404)
#: The appeal against A's earlier decision: its people, the panel, admins; not the reviewer
#: whose review is appealed (403), nor the reviewer of the current assessment (404).
APPEAL_A = row(401, 200, 200, 404, 404, 403, 200, 404, 200, 200, 404)
SIGNED_IN = {**everyone(200), "anonymous": 401}


def admin(status: int) -> dict[str, int]:
    return {**everyone(403), "anonymous": 401, "admin": status}


@dataclass(frozen=True)
class Op:
    path: Callable[[World], str]
    expected: dict[str, int]
    body: Callable[[World], Any] | None = None


def a(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/my/cities/{w.a.slug}{suffix}"


def appeal(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/my/cities/{w.a.slug}/appeals/{w.ids['appeal']}{suffix}"


def submitted(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/program/reviews/{w.ids['submitted']}{suffix}"


TABLE: dict[str, Op] = {
    # Public.
    "GET /standards": Op(lambda w: "/standards", everyone(200)),
    "GET /standards/{code}": Op(lambda w: "/standards/2022", everyone(200)),
    "GET /cities": Op(lambda w: "/cities?country=US&sort=level", everyone(200)),
    "GET /cities/{slug}": Op(lambda w: f"/cities/{w.b.slug}", everyone(200)),
    "GET /statistics": Op(lambda w: "/statistics", everyone(200)),
    "GET /cohorts": Op(lambda w: "/cohorts", everyone(200)),
    "GET /cohorts/{label}": Op(lambda w: "/cohorts/2024-02", everyone(200)),
    "GET /resources": Op(lambda w: "/resources?criterion=DM2", everyone(200)),
    # Members-only: for a network member's token; city B's lead is not a member.
    "GET /resources/{id}": Op(
        lambda w: f"/resources/{w.ids['members_resource']}",
        row(404, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200),
    ),
    # City teams.
    "GET /my/cities": Op(lambda w: "/my/cities", SIGNED_IN),
    "GET /my/cities/{slug}/assessment": Op(a("/assessment"), SEE_A),
    "POST /my/cities/{slug}/assessment": Op(a("/assessment"), LEAD_A, lambda w: {}),
    "GET /my/cities/{slug}/assessment/answers": Op(a("/assessment/answers"), SEE_A),
    "GET /my/cities/{slug}/assessment/answers/{code}": Op(a("/assessment/answers/DM1"), SEE_A),
    "PUT /my/cities/{slug}/assessment/answers/{code}": Op(
        a("/assessment/answers/DM1"),
        EDIT_DM1,
        lambda w: {"version": w.ids["dm1_version"], "status": "not_met"},
    ),
    "POST /my/cities/{slug}/assessment/answers/{code}/evidence": Op(
        a("/assessment/answers/DM1/evidence"), UPLOAD_DM1, lambda w: "file"
    ),
    "GET /my/cities/{slug}/assessment/answers/{code}/evidence/{evidence_id}": Op(
        lambda w: f"/my/cities/{w.a.slug}/assessment/answers/DM1/evidence/{w.ids['evidence']}",
        CURRENT_A,
    ),
    "DELETE /my/cities/{slug}/assessment/answers/{code}/evidence/{evidence_id}": Op(
        lambda w: f"/my/cities/{w.a.slug}/assessment/answers/DM1/evidence/{w.ids['evidence']}",
        row(401, 204, 204, 404, 403, 403, 403, 404, 403, 403, 404),
    ),
    "PUT /my/cities/{slug}/assessment/answers/{code}/assignee": Op(
        a("/assessment/answers/DM1/assignee"), LEAD_A_OK, lambda w: {"person": None}
    ),
    # In review: the outcome can no longer change (400).
    "PUT /my/cities/{slug}/assessment/outcome": Op(
        a("/assessment/outcome"),
        LEAD_A,
        lambda w: {"version": 1, "option": "broadband", "narrative": "Census 2020."},
    ),
    "GET /my/cities/{slug}/assessment/score": Op(a("/assessment/score"), SEE_A),
    "POST /my/cities/{slug}/assessment/submit": Op(a("/assessment/submit"), LEAD_A, lambda w: {}),
    # A's assessment is in review: it can no longer be withdrawn (400).
    "POST /my/cities/{slug}/assessment/withdraw": Op(
        a("/assessment/withdraw"), LEAD_A, lambda w: {}
    ),
    "GET /my/cities/{slug}/assessment/clarifications": Op(a("/assessment/clarifications"), SEE_A),
    "POST /my/cities/{slug}/assessment/clarifications/{clarification_id}/reply": Op(
        lambda w: f"/my/cities/{w.a.slug}/assessment/clarifications/{w.ids['clarification']}/reply",
        LEAD_A_OK,
        lambda w: {"reply": "The plan is attached to DM1."},
    ),
    # The certification team.
    "GET /program/reviews": Op(lambda w: "/program/reviews", admin(200)),
    "GET /program/reviews/{assessment_id}": Op(submitted(), admin(200)),
    "POST /program/reviews/{assessment_id}/reviewers": Op(
        submitted("/reviewers"),
        admin(201),
        lambda w: {"reviewer": w.users["reviewer_unassigned"].email},
    ),
    # Submitted, not yet in review: the decision is refused (400).
    "POST /program/reviews/{assessment_id}/decision": Op(
        submitted("/decision"),
        admin(400),
        lambda w: {
            "level": "silver",
            "rationale": "Meets it.",
            "cohort": "2026-06",
            "cohort_reason": "Announced with the June cohort.",
        },
    ),
    "GET /program/reviews/{assessment_id}/clarifications": Op(
        submitted("/clarifications"), admin(200)
    ),
    # Submitted, not yet in review: no clarification can be asked yet (400).
    "POST /program/reviews/{assessment_id}/clarifications": Op(
        submitted("/clarifications"),
        admin(400),
        lambda w: {"criteria": ["DM1"], "message": "Which plan?", "due_on": "2099-01-31"},
    ),
    # Submitted, not yet in review: there is nothing to settle (400).
    "PUT /program/reviews/{assessment_id}/settlements/{code}": Op(
        submitted("/settlements/DM1"), admin(400), lambda w: {"verdict": "validated"}
    ),
    "GET /program/reviews/{assessment_id}/interactions": Op(submitted("/interactions"), admin(200)),
    "POST /program/reviews/{assessment_id}/interactions": Op(
        submitted("/interactions"),
        admin(201),
        lambda w: {"kind": "interview", "held_on": "2026-01-10", "people_met": "The data lead."},
    ),
    "GET /program/cohorts": Op(lambda w: "/program/cohorts", admin(200)),
    "POST /program/cohorts/{label}/publish": Op(
        lambda w: "/program/cohorts/2026-06/publish", admin(200), lambda w: {}
    ),
    # reviewer_a has declared already (400); the past reviewer's review is over (403).
    "POST /my/reviews/{slug}/declaration": Op(
        lambda w: f"/my/reviews/{w.a.slug}/declaration",
        row(401, 403, 403, 404, 400, 403, 403, 404, 403, 403, 404),
        lambda w: {"conflict": False},
    ),
    "GET /my/reviews/{slug}": Op(lambda w: f"/my/reviews/{w.a.slug}", REVIEWER_A),
    "PUT /my/reviews/{slug}/validations": Op(
        lambda w: f"/my/reviews/{w.a.slug}/validations",
        row(401, 403, 403, 404, 200, 403, 403, 404, 403, 403, 404),
        lambda w: {"verdicts": [{"criterion": "DM1", "verdict": "validated"}]},
    ),
    # The certification cycle: appeals, rules, renewals, notifications.
    "GET /my/cities/{slug}/appeals": Op(
        a("/appeals"), row(401, 200, 200, 404, 403, 403, 200, 404, 200, 200, 404)
    ),
    "POST /my/cities/{slug}/appeals": Op(
        a("/appeals"), LEAD_A, lambda w: {"grounds": ["factual"], "statement": "Again."}
    ),
    "GET /my/cities/{slug}/appeals/{appeal_id}": Op(appeal(), APPEAL_A),
    # The appeal is open: its lead adds a file.
    "POST /my/cities/{slug}/appeals/{appeal_id}/files": Op(
        appeal("/files"),
        row(401, 201, 403, 404, 403, 403, 403, 404, 403, 403, 404),
        lambda w: "file",
    ),
    "GET /my/cities/{slug}/appeals/{appeal_id}/files/{file_id}": Op(
        lambda w: f"/my/cities/{w.a.slug}/appeals/{w.ids['appeal']}/files/{w.ids['appeal_file']}",
        APPEAL_A,
    ),
    # The panelist has declared already (400).
    "POST /my/cities/{slug}/appeals/{appeal_id}/declaration": Op(
        appeal("/declaration"),
        row(401, 403, 403, 404, 404, 403, 400, 404, 403, 403, 404),
        lambda w: {"conflict": False},
    ),
    "PUT /my/cities/{slug}/appeals/{appeal_id}/recommendation": Op(
        appeal("/recommendation"),
        row(401, 403, 403, 404, 404, 403, 200, 404, 403, 403, 404),
        lambda w: {"outcome": "upheld", "comment": "The decision stands."},
    ),
    "GET /program/appeals": Op(lambda w: "/program/appeals", admin(200)),
    "POST /program/appeals/{appeal_id}/panel": Op(
        lambda w: f"/program/appeals/{w.ids['appeal']}/panel",
        admin(201),
        lambda w: {"reviewer": w.users["reviewer_unassigned"].email},
    ),
    # No panelist has recommended yet: the outcome is refused (400).
    "POST /program/appeals/{appeal_id}/outcome": Op(
        lambda w: f"/program/appeals/{w.ids['appeal']}/outcome",
        admin(400),
        lambda w: {"outcome": "upheld", "rationale": "The decision stands."},
    ),
    "GET /program/rules": Op(lambda w: "/program/rules", admin(200)),
    "PUT /program/rules/{code}": Op(
        lambda w: "/program/rules/2022",
        admin(200),
        lambda w: {
            "valid_years": 3,
            "renewal_window_days": 180,
            "grace_days": 90,
            "appeal_window_days": 30,
        },
    ),
    "GET /program/renewals": Op(lambda w: "/program/renewals", admin(200)),
    "GET /my/notifications": Op(lambda w: "/my/notifications", SIGNED_IN),
    # Events: public ones for everyone, without a token too.
    "GET /events": Op(lambda w: "/events", everyone(200)),
    "GET /events/{event_id}": Op(lambda w: f"/events/{w.ids['event']}", everyone(200)),
    # Portfolios: anyone lists those they hold (none, for most); the portfolio "league" is
    # held by lead_b and seen by admins, and does not exist for anyone else.
    "GET /portfolios": Op(lambda w: "/portfolios", SIGNED_IN),
    "GET /portfolios/{slug}": Op(
        lambda w: "/portfolios/league", row(401, 404, 404, 200, 404, 404, 404, 404, 200, 404, 404)
    ),
}


def operations() -> set[str]:
    paths = api.get_openapi_schema()["paths"]
    return {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, methods in paths.items()
        for method in methods
    }


def test_every_operation_has_a_row() -> None:
    found = operations()
    assert sorted(found - TABLE.keys()) == [], "API operations missing from the table"
    assert sorted(TABLE.keys() - found) == [], "rows for operations that no longer exist"


@pytest.fixture(scope="module")
def tokens(shared_world: World, django_db_blocker: Any) -> dict[str, str]:
    """A write token for every signed-in role, in the shared world's transaction."""
    with django_db_blocker.unblock():
        _c, _owner, assessment = f.submitted_assessment("Gamma", "US", claimed=2)
        shared_world.ids["submitted"] = assessment.pk
        Cohort.objects.create(label="2026-06")
        return {
            role: create_token(user, "matrix", ApiToken.Scope.WRITE).secret
            for role, user in shared_world.users.items()
        }


def call(world: World, tokens: dict[str, str], key: str, role: str) -> int:
    method, _path = key.split(" ", 1)
    op = TABLE[key]
    url = "/api/v1" + op.path(world)
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role != "anonymous" else {}
    client = Client(enforce_csrf_checks=True)
    body = op.body(world) if op.body else None
    if method == "GET":
        return client.get(url, headers=headers).status_code
    if body == "file":
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("plan.pdf", f.TINY_PDF, content_type="application/pdf")
        return client.post(url, {"file": upload}, headers=headers).status_code
    if method == "DELETE":
        return client.delete(url, headers=headers).status_code
    send = client.post if method == "POST" else client.put
    return send(url, body or {}, content_type="application/json", headers=headers).status_code


@pytest.mark.parametrize("key", sorted(TABLE))
def test_each_role_gets_the_expected_status(
    db: None, shared_world: World, tokens: dict[str, str], key: str
) -> None:
    seen = {}
    for role in ROLES:
        cache.clear()  # rate limits are not what this test is about
        with transaction.atomic():  # every role meets the same world
            seen[role] = call(shared_world, tokens, key, role)
            transaction.set_rollback(True)
    assert seen == TABLE[key].expected, key
