"""The certification cycle through API v1, on the demo data: a city is certified with a
reviewer, re-certifies with the same reviewer, and its public history shows it; an appeal is
judged by its panel; admins set the rules and see renewals; badges and city records say where
each city stands."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command

from citycert.accounts.models import User
from citycert.cities.models import City
from citycert.reviews.models import Appeal
from citycert.standards.services import load_files
from tests.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.usefixtures("published_cleanup")
DOMAIN = "demo.citycert.invalid"
LEVEL_CLAIMS = 31  # Gold on the 2022 Standard


def demo(who: str) -> ApiClient:
    return ApiClient(token_for(User.objects.get(email=f"{who}@{DOMAIN}")))


def fill_and_submit(city: ApiClient, slug: str) -> dict[str, Any]:
    """Answer every criterion (the first LEVEL_CLAIMS claimed in full) and submit."""
    answers = city.get(f"/my/cities/{slug}/assessment/answers", limit=100).json()["items"]
    standard = city.get("/standards/2022").json()
    criteria = {c["code"]: c for c in standard["criteria"]}
    for number, answer in enumerate(answers):
        criterion = criteria[answer["criterion"]]
        body: dict[str, Any] = {"version": answer["version"], "status": "not_met"}
        if number < LEVEL_CLAIMS:
            body = {
                "version": answer["version"],
                "status": "claimed",
                "items": [i["key"] for i in criterion["checklist"]],
                "links": [
                    f"https://{DOMAIN}/{slug}/{criterion['code']}/{n}"
                    for n in range(len(criterion["required_documents"]))
                ],
            }
        saved = city.put(f"/my/cities/{slug}/assessment/answers/{answer['criterion']}", body)
        assert saved.status_code == 200, saved.json()
    submitted = city.post(f"/my/cities/{slug}/assessment/submit")
    assert submitted.status_code == 200, submitted.json()
    return submitted.json()


def review_and_decide(assessment_id: int, cohort: str) -> None:
    """The admin gives the demo reviewer the assessment; they declare and validate every
    claim; the admin decides Gold and publishes the cohort."""
    admin, reviewer = demo("admin"), demo("reviewer")
    assigned = admin.post(
        f"/program/reviews/{assessment_id}/reviewers", {"reviewer": f"reviewer@{DOMAIN}"}
    )
    assert assigned.status_code == 201, assigned.json()
    slug = admin.get(f"/program/reviews/{assessment_id}").json()["city"]
    assert reviewer.post(f"/my/reviews/{slug}/declaration", {"conflict": False}).status_code == 200
    claimed = [s["criterion"] for s in reviewer.get(f"/my/reviews/{slug}").json()["standings"]]
    verdicts = [{"criterion": c, "verdict": "validated"} for c in claimed]
    assert (
        reviewer.put(f"/my/reviews/{slug}/validations", {"verdicts": verdicts}).status_code == 200
    )
    decided = admin.post(
        f"/program/reviews/{assessment_id}/decision",
        {
            "level": "gold",
            "rationale": "Every claim validated.",
            "cohort": cohort,
            "cohort_reason": "The demo's cycles are announced a year apart.",
        },
    )
    assert decided.status_code == 201, decided.json()
    assert admin.post(f"/program/cohorts/{cohort}/publish").status_code == 200


def test_the_cycle_end_to_end_and_again_through_the_api_on_the_demo_data(settings) -> None:
    settings.DEBUG = True
    load_files()
    call_command("load_demo", stdout=io.StringIO())
    rosario = City.objects.get(name="Rosario")
    lead = demo("lead")

    # Round one: the assessment in progress, with the reviewer who reviewed the city in 2023.
    first = fill_and_submit(lead, rosario.slug)
    review_and_decide(first["id"], "2026-12")
    cache.clear()
    history = ApiClient().get(f"/cities/{rosario.slug}").json()["history"]
    assert [(h["cohort"], h["event"], h["level"]) for h in history] == [("2026-12", "new", "gold")]

    # Round two: re-certification, the answers carried forward and confirmed, the same reviewer.
    started = lead.post(f"/my/cities/{rosario.slug}/assessment", {"carry_forward": True})
    assert started.status_code == 201 and started.json()["state"] == "draft"
    second = fill_and_submit(lead, rosario.slug)
    assert second["id"] != first["id"]
    review_and_decide(second["id"], "2027-06")
    cache.clear()
    record = ApiClient().get(f"/cities/{rosario.slug}").json()
    assert [(h["cohort"], h["event"]) for h in record["history"]] == [
        ("2026-12", "new"),
        ("2027-06", "recertified"),
    ]
    assert (record["level"], record["status"], record["certifications"]) == ("gold", "valid", 2)
    # The reviewer reads both reviews (read only), one assignment each.
    assert demo("reviewer").get(f"/my/reviews/{rosario.slug}").json()["id"] == second["id"]

    # The demo's other cities: re-certified, renewal due, expired.
    cities = {c.name: c.slug for c in City.objects.filter(name__in=["Curitiba", "Québec"])}
    curitiba = ApiClient().get(f"/cities/{cities['Curitiba']}").json()
    assert [h["event"] for h in curitiba["history"]] == ["new", "recertified"]
    quebec = ApiClient().client.get(f"/badge/{cities['Québec']}.json").json()
    assert quebec["status"] == "expired"
    renewals = demo("admin").get("/program/renewals").json()
    assert {r["city_name"]: r["status"] for r in renewals}["Guadalajara"] == "due"

    # The demo appeal: the panelist declares and recommends, the admin decides.
    appeal = Appeal.objects.get(assessment__city__name="Campinas")
    campinas = appeal.assessment.city.slug
    panelist = demo("panelist")
    base = f"/my/cities/{campinas}/appeals/{appeal.pk}"
    assert panelist.get(base).status_code == 403  # declare first
    assert panelist.post(f"{base}/declaration", {"conflict": False}).status_code == 200
    assert panelist.get(base).json()["open"] is True
    recommended = panelist.put(
        f"{base}/recommendation",
        {"outcome": "overturned", "level": "gold", "comment": "EVAL1 was adopted in time."},
    )
    assert recommended.status_code == 200, recommended.json()
    cache.clear()
    before = ApiClient().client.get(f"/badge/{campinas}.json").json()
    assert before["level"] == "gold"  # the move down was held back
    outcome = demo("admin").post(
        f"/program/appeals/{appeal.pk}/outcome",
        {"outcome": "overturned", "level": "gold", "rationale": "EVAL1 was met."},
    )
    assert outcome.status_code == 200, outcome.json()
    assert (outcome.json()["outcome"], outcome.json()["level"]) == ("overturned", "gold")
    cache.clear()
    after = ApiClient().get(f"/cities/{campinas}").json()
    assert [h["event"] for h in after["history"]] == ["new", "recertified"]
    seen_by_city = demo("campinas").get(base).json()
    assert seen_by_city["panel"] is None and seen_by_city["rationale"] == "EVAL1 was met."

    # Rules: an admin sets them; junk is refused with a field named.
    admin = demo("admin")
    assert {r["standard"]: r["valid_years"] for r in admin.get("/program/rules").json()}[
        "2022"
    ] == 3
    refused = admin.put(
        "/program/rules/2022",
        {"valid_years": 0, "renewal_window_days": 180, "grace_days": 90, "appeal_window_days": 30},
    )
    assert refused.status_code == 422 and "valid_years" in refused.json()["error"]["fields"]
    assert demo("lead").get("/program/rules").status_code == 403
    notes = demo("campinas").get("/my/notifications").json()
    assert {"appeal_received", "appeal_decided"} <= {n["kind"] for n in notes}
