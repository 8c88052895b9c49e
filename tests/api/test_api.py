"""The API as its users meet it: tokens, errors, the city team's assessment from start to
submission, the certification team's review, and rate limits."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from citycert.accounts.models import ApiToken
from citycert.assessments import services as assessments
from citycert.assessments.models import Answer, Assessment, Evidence
from citycert.public.services import refresh
from citycert.reviews.models import Certification, Cohort
from citycert.reviews.services import next_cohort_label
from citycert.standards.models import StandardVersion
from tests import factories as f

from .conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db


def error_of(response) -> dict:  # type: ignore[no-untyped-def]
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


# Tokens ---------------------------------------------------------------------------------------


def test_it_shows_a_new_token_once_and_stores_only_its_hash(client: Client) -> None:
    user = f.person()
    client.force_login(user)
    response = client.post(reverse("accounts:tokens"), {"name": "dashboard", "scope": "read"})
    assert response.status_code == 200
    secret = response.context["issued"].secret
    assert secret.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    stored = ApiToken.objects.get(user=user)
    assert secret not in stored.token_hash and len(stored.token_hash) == 64
    again = client.get(reverse("accounts:tokens"))
    assert secret.encode() not in again.content
    assert b"dashboard" in again.content
    assert ApiClient(secret).get("/my/cities").status_code == 200


def test_it_records_when_a_token_was_last_used() -> None:
    user = f.person()
    secret = token_for(user, "read")
    assert ApiToken.objects.get(user=user).last_used_at is None
    ApiClient(secret).get("/my/cities")
    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_a_revoked_token_is_refused_with_401(client: Client) -> None:
    user = f.person()
    secret = token_for(user)
    token = ApiToken.objects.get(user=user)
    client.force_login(user)
    client.post(reverse("accounts:revoke_token", args=[token.pk]))
    entries = LogEntry.objects.get_for_object(token)
    assert entries.count() == 2 and entries.filter(actor=user).exists()  # made; revoked by them
    response = ApiClient(secret).get("/my/cities")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_refuses_to_revoke_someone_elses_token(client: Client) -> None:
    token = ApiToken.objects.get(pk=token_pk(f.person()))
    client.force_login(f.person())
    assert client.post(reverse("accounts:revoke_token", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def token_pk(user) -> int:  # type: ignore[no-untyped-def]
    token_for(user)
    return ApiToken.objects.get(user=user).pk


def test_staff_without_a_second_factor_get_no_token_and_their_tokens_stop_working(
    client: Client,
) -> None:
    staff = f.person(admin=True)
    client.force_login(staff)
    response = client.post(reverse("accounts:tokens"), {"name": "x", "scope": "write"})
    assert response.status_code in (200, 302, 400)
    assert not ApiToken.objects.filter(user=staff).exists()

    reviewer = f.person(reviewer=True, mfa=True)
    secret = token_for(reviewer)
    assert ApiClient(secret).get("/my/cities").status_code == 200
    reviewer.authenticator_set.all().delete()
    response = ApiClient(secret).get("/my/cities")
    assert response.status_code == 403
    assert error_of(response)["code"] == "mfa_required"


def test_a_read_token_cannot_write(standard: None) -> None:
    lead = f.person()
    city = f.city()
    f.lead(city, lead)
    response = ApiClient(token_for(lead, "read")).post(f"/my/cities/{city.slug}/assessment")
    assert response.status_code == 403
    assert error_of(response)["code"] == "insufficient_scope"
    assert not city.assessments.exists()


def test_the_api_ignores_the_session(client: Client, standard: None) -> None:
    lead = f.person()
    city = f.city()
    f.lead(city, lead)
    client.force_login(lead)
    assert client.get("/api/v1/my/cities").status_code == 401
    response = client.post(
        f"/api/v1/my/cities/{city.slug}/assessment", {}, content_type="application/json"
    )
    assert response.status_code == 401
    assert not city.assessments.exists()


# Errors -----------------------------------------------------------------------------------------


def test_errors_have_one_shape_for_unknown_addresses_and_methods() -> None:
    missing = ApiClient().get("/no/such/thing")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    wrong = Client().delete("/api/v1/standards")
    assert wrong.status_code == 405 and error_of(wrong)["code"] == "method_not_allowed"
    assert wrong["Allow"] == "GET"


def test_validation_errors_name_the_field(standard: None) -> None:
    lead = f.person()
    city = f.city()
    f.lead(city, lead)
    assessments.start(city, lead)
    api = ApiClient(token_for(lead))
    response = api.put(
        f"/my/cities/{city.slug}/assessment/answers/DM1",
        {"version": 0, "status": "maybe", "narrative": "x" * 5001},
    )
    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert {"version", "status", "narrative"} <= set(fields)
    bad_link = api.put(
        f"/my/cities/{city.slug}/assessment/answers/DM1",
        {"version": 1, "status": "not_met", "links": ["ftp://example.org/plan"]},
    )
    assert bad_link.status_code == 422
    assert "links" in error_of(bad_link)["fields"]
    nul = api.put(
        f"/my/cities/{city.slug}/assessment/answers/DM1",
        {"version": 1, "status": "not_met", "narrative": "a\x00b"},
    )
    assert nul.status_code == 422 and "narrative" in error_of(nul)["fields"]
    assert Answer.objects.get(assessment__city=city, criterion__code="DM1").version == 1


# The city team's assessment ---------------------------------------------------------------------


def test_a_lead_takes_an_assessment_from_start_to_submitted(standard: None) -> None:
    lead = f.person()
    city = f.city()
    f.lead(city, lead)
    api = ApiClient(token_for(lead))
    mine = api.get("/my/cities").json()
    assert [(c["slug"], c["roles"]) for c in mine] == [(city.slug, ["lead"])]

    started = api.post(f"/my/cities/{city.slug}/assessment", {"carry_forward": False})
    assert started.status_code == 201
    assessment = started.json()
    assert assessment["state"] == "draft" and assessment["answered"] == 0
    assert len(assessment["problems"]) >= assessment["criteria"]

    page = api.get(f"/my/cities/{city.slug}/assessment/answers", limit=5, offset=0).json()
    assert page["count"] == assessment["criteria"] and len(page["items"]) == 5
    codes = [
        a["criterion"]
        for a in api.get(f"/my/cities/{city.slug}/assessment/answers", limit=500).json()["items"]
    ]
    first = codes[0]
    claimed = api.put(
        f"/my/cities/{city.slug}/assessment/answers/{first}",
        {"version": 1, "status": "claimed", "items": ["a"], "narrative": "Adopted in 2021."},
    )
    assert claimed.status_code == 200, claimed.json()
    assert claimed.json()["version"] == 2
    uploaded = api.post(
        f"/my/cities/{city.slug}/assessment/answers/{first}/evidence",
        files={"file": SimpleUploadedFile("plan.pdf", f.TINY_PDF)},
    )
    assert uploaded.status_code == 201, uploaded.json()
    assert uploaded.json()["content_type"] == "application/pdf"
    for code in codes[1:]:
        response = api.put(
            f"/my/cities/{city.slug}/assessment/answers/{code}",
            {"version": 1, "status": "not_met"},
        )
        assert response.status_code == 200, response.json()
    current = api.get(f"/my/cities/{city.slug}/assessment").json()
    if current["outcome_gate_required"]:
        option = StandardVersion.objects.get(code=current["standard"]).outcome_options.first()
        assert option is not None
        saved = api.put(
            f"/my/cities/{city.slug}/assessment/outcome",
            {"version": 1, "option": option.code, "narrative": "Census figures."},
        )
        assert saved.status_code == 200, saved.json()
    preview = api.get(f"/my/cities/{city.slug}/assessment/score").json()
    assert preview["points"] >= 0 and preview["possible"] > 0
    problems = api.get(f"/my/cities/{city.slug}/assessment").json()["problems"]
    if problems:  # the claim needs more documents than one file: a link each for the rest
        dm = api.get(f"/my/cities/{city.slug}/assessment/answers/{first}").json()
        api.put(
            f"/my/cities/{city.slug}/assessment/answers/{first}",
            {
                "version": dm["version"],
                "status": "claimed",
                "items": ["a"],
                "links": [f"https://example.org/doc{i}" for i in range(10)],
            },
        )
    submitted = api.post(f"/my/cities/{city.slug}/assessment/submit")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["state"] == "submitted"
    assert Assessment.objects.get(city=city).submitted_by == lead
    # The audit trail names the token's owner.
    assert LogEntry.objects.filter(actor=lead).exists()


def test_the_lead_gives_criteria_to_team_members(standard: None) -> None:
    lead, helper, stranger = f.person(), f.person(), f.person()
    city = f.city()
    f.lead(city, lead)
    f.member(city, helper)
    api, contributor = ApiClient(token_for(lead)), ApiClient(token_for(helper))
    api.post(f"/my/cities/{city.slug}/assessment", {"carry_forward": False})
    dm1 = f"/my/cities/{city.slug}/assessment/answers/DM1"

    given = api.put(f"{dm1}/assignee", {"person": helper.email.upper()})
    assert given.status_code == 200, given.json()
    assert given.json()["assigned_to"] == helper.email
    assert contributor.get(dm1).json()["editable"] is True
    assert contributor.put(dm1, {"version": 1, "status": "not_met"}).status_code == 200
    dm2 = f"/my/cities/{city.slug}/assessment/answers/DM2"
    assert contributor.put(dm2, {"version": 1, "status": "not_met"}).status_code == 403
    # Only the lead gives criteria out.
    assert contributor.put(f"{dm1}/assignee", {"person": None}).status_code == 403

    outsider = api.put(f"{dm1}/assignee", {"person": stranger.email})
    assert outsider.status_code == 422 and "person" in error_of(outsider)["fields"]
    assert api.get(dm1).json()["assigned_to"] == helper.email  # unchanged
    taken_back = api.put(f"{dm1}/assignee", {"person": None})
    assert taken_back.status_code == 200 and taken_back.json()["assigned_to"] is None
    assert contributor.get(dm1).json()["editable"] is False


def test_evidence_is_removed_while_the_answer_can_change(
    standard: None,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    lead = f.person()
    city = f.city()
    f.lead(city, lead)
    api = ApiClient(token_for(lead))
    api.post(f"/my/cities/{city.slug}/assessment", {"carry_forward": False})
    dm1 = f"/my/cities/{city.slug}/assessment/answers/DM1"
    uploaded = api.post(
        f"{dm1}/evidence", files={"file": SimpleUploadedFile("plan.pdf", f.TINY_PDF)}
    ).json()
    evidence = Evidence.objects.get(pk=uploaded["id"])
    storage, name = evidence.file.storage, evidence.file.name
    assert storage.exists(name)

    # Anyone who reads the assessment downloads it, as the pages give it.
    downloaded = api.get(f"{dm1}/evidence/{uploaded['id']}")
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == f.TINY_PDF
    assert downloaded["Content-Type"] == "application/pdf"
    assert downloaded["Content-Disposition"].startswith("attachment;")
    assert downloaded["X-Content-Type-Options"] == "nosniff"
    assert downloaded["Cache-Control"] == "private, no-store"
    stranger = ApiClient(token_for(f.person())).get(f"{dm1}/evidence/{uploaded['id']}")
    assert stranger.status_code == 404

    # The file must be addressed under its own answer.
    dm2_file = f"/my/cities/{city.slug}/assessment/answers/DM2/evidence/{uploaded['id']}"
    assert api.get(dm2_file).status_code == 404
    dm2 = f"/my/cities/{city.slug}/assessment/answers/DM2"
    assert api.delete(f"{dm2}/evidence/{uploaded['id']}").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):  # the file goes after the commit
        removed = api.delete(f"{dm1}/evidence/{uploaded['id']}")
    assert removed.status_code == 204 and removed.content == b""
    assert api.get(dm1).json()["evidence"] == []
    assert not storage.exists(name)
    assert api.delete(f"{dm1}/evidence/{uploaded['id']}").status_code == 404

    # Once the assessment is submitted, its evidence stays.
    again = api.post(
        f"{dm1}/evidence", files={"file": SimpleUploadedFile("plan.pdf", f.TINY_PDF)}
    ).json()
    Assessment.objects.filter(city=city).update(state=Assessment.State.SUBMITTED)
    locked = api.delete(f"{dm1}/evidence/{again['id']}")
    assert locked.status_code == 400 and error_of(locked)["code"] == "refused"
    assert Evidence.objects.filter(pk=again["id"]).exists()


def test_submitting_too_early_lists_what_is_missing(standard: None) -> None:
    lead = f.person()
    city = f.city()
    f.lead(city, lead)
    assessments.start(city, lead)
    response = ApiClient(token_for(lead)).post(f"/my/cities/{city.slug}/assessment/submit")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "refused" and len(error["fields"]["assessment"]) > 1
    assert Assessment.objects.get(city=city).state == "draft"


def test_a_stale_version_is_refused_with_409_and_nothing_changes(standard: None) -> None:
    lead, contributor = f.person(), f.person()
    city = f.city()
    f.lead(city, lead)
    f.member(city, contributor)
    assessment = assessments.start(city, lead)
    dm1 = assessment.answers.get(criterion__code="DM1")
    assessments.assign(dm1, contributor)
    mine, theirs = ApiClient(token_for(lead)), ApiClient(token_for(contributor))
    first = theirs.put(
        f"/my/cities/{city.slug}/assessment/answers/DM1",
        {"version": 1, "status": "claimed", "items": ["a"], "narrative": "theirs"},
    )
    assert first.status_code == 200
    late = mine.put(
        f"/my/cities/{city.slug}/assessment/answers/DM1",
        {"version": 1, "status": "not_met", "narrative": "mine"},
    )
    assert late.status_code == 409
    error = error_of(late)
    assert error["code"] == "conflict" and error["fields"]["version"] == ["2"]
    dm1.refresh_from_db()
    assert dm1.narrative == "theirs" and dm1.version == 2


def test_a_refused_file_is_a_400_naming_the_file(standard: None) -> None:
    lead = f.person()
    city = f.city()
    f.lead(city, lead)
    assessments.start(city, lead)
    response = ApiClient(token_for(lead)).post(
        f"/my/cities/{city.slug}/assessment/answers/DM1/evidence",
        files={"file": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a document")},
    )
    assert response.status_code == 400
    assert "file" in error_of(response)["fields"]


def test_cities_the_person_has_nothing_to_do_with_do_not_exist(standard: None) -> None:
    stranger = f.person()
    city = f.city()
    f.lead(city)
    response = ApiClient(token_for(stranger)).get(f"/my/cities/{city.slug}/assessment")
    assert response.status_code == 404


# Public data ------------------------------------------------------------------------------------


def test_public_data_shows_only_published_certifications(standard: None) -> None:
    certified, pending = f.city("Certified"), f.city("Pending", country="CL")
    version = StandardVersion.objects.get(code="2022")
    announced = Cohort.objects.create(label="2024-02", published_at=timezone.now())
    original = Certification.objects.create(
        city=certified,
        cohort=announced,
        standard=version,
        level="silver",
        event="new",
        published_at=announced.published_at,
    )
    Certification.objects.create(
        city=certified,
        cohort=announced,
        standard=version,
        level="gold",
        event="new",
        supersedes=original,
        correction_reason="Misread announcement.",
        published_at=announced.published_at,
    )
    unpublished = Cohort.objects.create(label="2026-06")
    Certification.objects.create(city=pending, cohort=unpublished, standard=version, level="gold")
    refresh()
    api = ApiClient()
    profile = api.get(f"/cities/{certified.slug}").json()
    assert profile["level"] == "gold"
    assert [(h["cohort"], h["level"], h["corrected"]) for h in profile["history"]] == [
        ("2024-02", "gold", True)
    ]
    assert api.get(f"/cities/{pending.slug}").status_code == 404
    listed = api.get("/cities").json()
    assert [c["slug"] for c in listed["items"]] == [certified.slug] and listed["count"] == 1
    assert api.get("/cities", country="CL").json()["count"] == 0
    assert api.get("/cities", level="gold", country="us").json()["count"] == 1
    assert api.get("/cities", level="bronze").status_code == 422
    stats = api.get("/statistics").json()
    assert stats["cities"] == 1 and stats["by_level"] == [{"level": "gold", "cities": 1}]
    assert [c["label"] for c in api.get("/cohorts").json()] == ["2024-02"]
    assert api.get("/cohorts/2026-06").status_code == 404
    assert api.get("/cohorts/2024-02").json()["new"][0]["level"] == "gold"


def test_the_standard_is_public(standard: None) -> None:
    api = ApiClient()
    versions = api.get("/standards").json()
    assert "2022" in [v["code"] for v in versions]
    detail = api.get("/standards/2022").json()
    assert detail["criteria"][0]["code"] and detail["criteria"][0]["checklist"]
    assert api.get("/standards/1999").status_code == 404


# Rate limits ------------------------------------------------------------------------------------


@pytest.fixture
def mid_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop the clock 30 s into a minute and 1,830 s into an hour: a window ending between two
    requests would reset the count and make the test fail at random."""
    monkeypatch.setattr("citycert.ratelimit.time.time", lambda: 1_800_000_000.0 + 1_830)


@override_settings(API_RATE_ANONYMOUS="3/min", API_RATE_TOKEN="2/hour")
def test_it_limits_the_rate_per_address_and_per_token(standard: None, mid_window: None) -> None:
    api = ApiClient()
    assert [api.get("/standards").status_code for _ in range(3)] == [200, 200, 200]
    over = api.get("/standards")
    assert over.status_code == 429
    assert error_of(over)["code"] == "rate_limited"
    assert over["Retry-After"] == "30"
    other = Client(REMOTE_ADDR="192.0.2.9").get("/api/v1/standards")
    assert other.status_code == 200

    user = f.person()
    first, second = ApiClient(token_for(user)), ApiClient(token_for(user))
    assert [first.get("/my/cities").status_code for _ in range(2)] == [200, 200]
    limited = first.get("/my/cities")
    assert limited.status_code == 429 and limited["Retry-After"] == "1770"
    assert second.get("/my/cities").status_code == 200


# The certification team -------------------------------------------------------------------------


def test_the_certification_team_reviews_decides_and_publishes(standard: None) -> None:
    city, _lead, assessment = f.submitted_assessment("Gamma", "US", claimed=3)
    admin = ApiClient(token_for(f.person(admin=True, mfa=True)))
    reviewer_user = f.person(reviewer=True, mfa=True)
    reviewer = ApiClient(token_for(reviewer_user))

    queue = admin.get("/program/reviews").json()
    assert [item["id"] for item in queue["items"]] == [assessment.pk]
    assigned = admin.post(
        f"/program/reviews/{assessment.pk}/reviewers", {"reviewer": reviewer_user.email}
    )
    assert assigned.status_code == 201
    # Before declaring, the reviewer sees nothing of the assessment.
    assert reviewer.get(f"/my/reviews/{city.slug}").status_code == 403
    declared = reviewer.post(f"/my/reviews/{city.slug}/declaration", {"conflict": False})
    assert declared.status_code == 200 and declared.json()["conflict"] is False
    standings = reviewer.get(f"/my/reviews/{city.slug}").json()["standings"]
    claimed = [s["criterion"] for s in standings]
    assert len(claimed) == 3
    saved = reviewer.put(
        f"/my/reviews/{city.slug}/validations",
        {"verdicts": [{"criterion": code, "verdict": "validated"} for code in claimed]},
    )
    assert saved.json() == {"saved": 3}
    unknown = reviewer.put(
        f"/my/reviews/{city.slug}/validations",
        {"verdicts": [{"criterion": "XX9", "verdict": "validated"}]},
    )
    assert unknown.status_code == 400
    review = admin.get(f"/program/reviews/{assessment.pk}").json()
    assert all(s["final"] == "validated" for s in review["standings"])
    computed = review["computed_level"]
    label = next_cohort_label()  # the next announcement: no reason needed
    decided = admin.post(
        f"/program/reviews/{assessment.pk}/decision",
        {
            "level": "silver",
            "rationale": "Validated as claimed.",
            "difference_reason": "" if computed == "silver" else "Panel judgement.",
            "cohort": label,
        },
    )
    assert decided.status_code == 201, decided.json()
    assert [c["label"] for c in admin.get("/program/cohorts").json()] == [label]
    assert ApiClient().get(f"/cities/{city.slug}").status_code == 404  # not announced yet
    published = admin.post(f"/program/cohorts/{label}/publish")
    assert published.status_code == 200, published.json()
    profile = ApiClient().get(f"/cities/{city.slug}").json()
    assert profile["level"] == "silver" and profile["history"][0]["event"] == "new"


def test_a_clarification_is_asked_answered_and_read_through_the_api(
    standard: None,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    city, lead_user, assessment = f.submitted_assessment("Gamma", "US", claimed=3)
    admin = ApiClient(token_for(f.person(admin=True, mfa=True)))
    lead = ApiClient(token_for(lead_user))
    reviewer = f.person(reviewer=True, mfa=True)
    assert (
        admin.post(
            f"/program/reviews/{assessment.pk}/reviewers", {"reviewer": reviewer.email}
        ).status_code
        == 201
    )  # the review starts
    code = assessment.answers.filter(status="claimed").first().criterion.code  # type: ignore[union-attr]
    due = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    url = f"/program/reviews/{assessment.pk}/clarifications"

    # What cannot be asked is refused, and nothing is stored.
    past = admin.post(url, {"criteria": [code], "message": "Which plan?", "due_on": "2020-01-01"})
    assert past.status_code == 400 and error_of(past)["code"] == "refused"
    unknown = admin.post(url, {"criteria": ["XX9"], "message": "Which plan?", "due_on": due})
    assert unknown.status_code == 400
    empty = admin.post(url, {"criteria": [], "message": "Which plan?", "due_on": due})
    assert empty.status_code == 422 and "criteria" in error_of(empty)["fields"]
    assert admin.get(url).json() == []

    f.deliver()  # what the steps before sent
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        asked = admin.post(url, {"criteria": [code], "message": "Which plan?", "due_on": due})
    assert asked.status_code == 201, asked.json()
    clarification = asked.json()
    assert clarification["criteria"] == [code] and clarification["open"] is True
    f.deliver()
    assert [m.to for m in mail.outbox] == [[lead_user.email]]  # the city's team is told

    mine = f"/my/cities/{city.slug}/assessment/clarifications"
    assert [c["id"] for c in lead.get(mine).json()] == [clarification["id"]]
    # While it is open, the answer it names can change.
    answer = lead.get(f"/my/cities/{city.slug}/assessment/answers/{code}").json()
    assert answer["editable"] is True
    changed = lead.put(
        f"/my/cities/{city.slug}/assessment/answers/{code}",
        {
            **{k: answer[k] for k in ("status", "items", "links")},
            "version": answer["version"],
            "narrative": "The plan adopted in March.",
        },
    )
    assert changed.status_code == 200, changed.json()

    reply = f"{mine}/{clarification['id']}/reply"
    answered = lead.post(reply, {"reply": "The plan adopted in March is attached."})
    assert answered.status_code == 200, answered.json()
    assert answered.json()["open"] is False
    assert lead.get(f"/my/cities/{city.slug}/assessment/answers/{code}").json()["editable"] is False
    again = lead.post(reply, {"reply": "Once more."})
    assert again.status_code == 400
    seen = admin.get(url).json()
    assert seen[0]["reply"] == "The plan adopted in March is attached."
    assert seen[0]["answered_at"] is not None


def test_the_lead_withdraws_a_submission_until_the_review_starts(standard: None) -> None:
    city, lead, assessment = f.submitted_assessment("Gamma", "US", claimed=3)
    api = ApiClient(token_for(lead))
    withdrawn = api.post(f"/my/cities/{city.slug}/assessment/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "draft"
    assert api.post(f"/my/cities/{city.slug}/assessment/submit").status_code == 200
    admin = ApiClient(token_for(f.person(admin=True, mfa=True)))
    reviewer = f.person(reviewer=True, mfa=True)
    admin.post(f"/program/reviews/{assessment.pk}/reviewers", {"reviewer": reviewer.email})
    late = api.post(f"/my/cities/{city.slug}/assessment/withdraw")
    assert late.status_code == 400 and error_of(late)["code"] == "refused"
    assert Assessment.objects.get(pk=assessment.pk).state == "in_review"


def test_an_admin_settles_a_disagreement_and_records_an_interview(standard: None) -> None:
    city, _lead, assessment = f.submitted_assessment("Gamma", "US", claimed=2)
    admin = ApiClient(token_for(f.person(admin=True, mfa=True)))
    reviewers = [f.person(reviewer=True, mfa=True) for _ in range(2)]
    for person in reviewers:
        admin.post(f"/program/reviews/{assessment.pk}/reviewers", {"reviewer": person.email})
        ApiClient(token_for(person)).post(
            f"/my/reviews/{city.slug}/declaration", {"conflict": False}
        )
    code = admin.get(f"/program/reviews/{assessment.pk}").json()["standings"][0]["criterion"]
    for person, verdict in zip(reviewers, ["validated", "not_validated"], strict=True):
        saved = ApiClient(token_for(person)).put(
            f"/my/reviews/{city.slug}/validations",
            {"verdicts": [{"criterion": code, "verdict": verdict}]},
        )
        assert saved.status_code == 200, saved.json()

    def standing() -> dict:  # type: ignore[type-arg]
        review = admin.get(f"/program/reviews/{assessment.pk}").json()
        return next(s for s in review["standings"] if s["criterion"] == code)

    assert standing()["disagreement"] is True and standing()["final"] is None
    url = f"/program/reviews/{assessment.pk}/settlements/{code}"
    settled = admin.put(url, {"verdict": "not_validated", "comment": "No adopted plan."})
    assert settled.status_code == 200, settled.json()
    assert standing()["final"] == "not_validated"
    assert standing()["settled"]["comment"] == "No adopted plan."
    assert admin.put(url, {"verdict": "validated"}).status_code == 200  # replaces it
    assert standing()["final"] == "validated"
    assert admin.put(url, {"verdict": "clarify"}).status_code == 422
    unknown = admin.put(
        f"/program/reviews/{assessment.pk}/settlements/XX9", {"verdict": "validated"}
    )
    assert unknown.status_code == 404

    interactions = f"/program/reviews/{assessment.pk}/interactions"
    meeting = {"kind": "interview", "people_met": "The chief data officer.", "criteria": [code]}
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert admin.post(interactions, {**meeting, "held_on": future}).status_code == 400
    held = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    recorded = admin.post(interactions, {**meeting, "held_on": held})
    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["criteria"] == [code] and recorded.json()["kind"] == "interview"
    assert [i["id"] for i in admin.get(interactions).json()] == [recorded.json()["id"]]


# Bounded queries ----------------------------------------------------------------------------------


def test_lists_take_a_bounded_number_of_queries(
    standard: None, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    city, lead, _assessment = f.submitted_assessment("Gamma", "US", claimed=3)
    for n in range(3):
        f.submitted_assessment(f"Other {n}", "US", claimed=1)
    team = ApiClient(token_for(lead))
    admin = ApiClient(token_for(f.person(admin=True, mfa=True)))
    with django_assert_max_num_queries(20):
        answers = team.get(f"/my/cities/{city.slug}/assessment/answers", limit=200).json()
    assert answers["count"] > 20 and len(answers["items"]) == answers["count"]
    with django_assert_max_num_queries(12):
        assert len(admin.get("/program/reviews").json()["items"]) == 4
    with django_assert_max_num_queries(12):
        assert len(ApiClient().get("/standards/2022").json()["criteria"]) > 20
    with django_assert_max_num_queries(4):
        assert ApiClient().get("/cities").json()["count"] == 0
    with django_assert_max_num_queries(6):
        assert ApiClient().get("/statistics").json()["cities"] == 0


@override_settings(API_PROXY_COUNT=1, API_RATE_ANONYMOUS="1/min")
def test_behind_a_proxy_each_client_address_has_its_own_limit(
    standard: None, mid_window: None
) -> None:
    client = Client()
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    second = {"HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert client.get("/api/v1/standards", **first).status_code == 200
    assert client.get("/api/v1/standards", **first).status_code == 429
    assert client.get("/api/v1/standards", **second).status_code == 200


def test_the_openapi_document_is_served_as_the_fuzzer_reads_it() -> None:
    from citycert.api.api import api

    served = Client().get("/api/v1/openapi.json")
    assert served.status_code == 200

    def no_repeated_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [k for k, _v in pairs]
        assert len(keys) == len(set(keys)), f"a key written twice: {keys}"
        return dict(pairs)

    # Repeated keys (such as 200 and "200") are valid to json.loads but break Swagger UI.
    document = json.loads(served.content, object_pairs_hook=no_repeated_keys)
    assert document == json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status in ("422", "429") if "{" in path else ("429",):
                assert status in operation["responses"], f"{method} {path}: {status}"
            errors = {s: r for s, r in operation["responses"].items() if s >= "400"}
            assert all(
                r["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
                for r in errors.values()
            ), f"{method} {path}"
