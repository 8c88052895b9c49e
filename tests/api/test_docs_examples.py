"""The curl examples of docs/api.md, run with the real curl against a running server, in the
order a city team would: from an empty assessment to a submitted one. If the documentation and
the API drift apart, this fails."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from citycert.accounts.models import ApiToken
from citycert.accounts.services import create_token
from citycert.public.services import refresh
from citycert.reviews.models import Certification, Cohort
from citycert.standards.models import StandardVersion
from citycert.standards.services import load_files
from tests import factories as f

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
EXAMPLE = re.compile(r"<!-- example: ([a-z-]+) -->\n```sh\n(.*?)\n```", re.DOTALL)

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")


def examples() -> dict[str, str]:
    return dict(EXAMPLE.findall(DOC.read_text(encoding="utf-8")))


def test_the_documentation_has_the_examples_the_journey_needs() -> None:
    assert {
        "certified-cities",
        "city-history",
        "start-assessment",
        "read-assessment",
        "list-answers",
        "update-answer",
        "answer-not-met",
        "upload-evidence",
        "set-outcome",
        "score-preview",
        "submit",
        "assign-reviewer",
        "ask-clarification",
        "list-clarifications",
        "reply-clarification",
    } <= set(examples())


class Runner:
    def __init__(self, base_url: str, token: str, workdir: Path):
        self.examples = examples()
        self.env = {"PATH": os.environ["PATH"], "CITYCERT": base_url, "TOKEN": token}
        self.workdir = workdir

    def __call__(self, name: str, **variables: Any) -> Any:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", self.examples[name]],
            env={**self.env, **{k: str(v) for k, v in variables.items()}},
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return json.loads(done.stdout)


def test_the_curl_examples_take_a_city_from_an_empty_assessment_to_submitted(
    live_server: Any, published_cleanup: None, tmp_path: Path
) -> None:
    cache.clear()
    load_files()
    certified = f.city("Springfield")
    cohort = Cohort.objects.create(label="2024-02", published_at=timezone.now())
    Certification.objects.create(
        city=certified,
        cohort=cohort,
        standard=StandardVersion.objects.get(code="2022"),
        level="silver",
        event="new",
        published_at=cohort.published_at,
    )
    refresh()
    lead = f.person()
    city = f.city("Shelbyville")
    f.lead(city, lead)
    token = create_token(lead, "docs", ApiToken.Scope.WRITE).secret
    (tmp_path / "governance-minutes.pdf").write_bytes(f.TINY_PDF)
    run = Runner(live_server.url, token, tmp_path)

    listed = run("certified-cities")
    assert [c["slug"] for c in listed["items"]] == [certified.slug]
    history = run("city-history", CITY=certified.slug)
    assert [(h["cohort"], h["level"]) for h in history["history"]] == [("2024-02", "silver")]

    assert run("start-assessment", CITY=city.slug)["state"] == "draft"
    assert run("read-assessment", CITY=city.slug)["problems"]
    answers = run("list-answers", CITY=city.slug)
    assert answers["count"] == len(answers["items"])
    for answer in answers["items"]:
        code, version = answer["criterion"], answer["version"]
        if code == "DM1":
            saved = run("update-answer", CITY=city.slug, CODE=code, VERSION=version)
            assert saved["status"] == "claimed", saved
            uploaded = run("upload-evidence", CITY=city.slug, CODE=code)
            assert uploaded["name"] == "governance-minutes.pdf", uploaded
        else:
            saved = run("answer-not-met", CITY=city.slug, CODE=code, VERSION=version)
            assert saved["status"] == "not_met", saved
    assert run("set-outcome", CITY=city.slug)["outcome"]["option"] == "broadband"
    assert run("score-preview", CITY=city.slug)["possible"] > 0
    submitted = run("submit", CITY=city.slug)
    assert submitted["state"] == "submitted", submitted
    assessment = city.assessments.get()
    assert assessment.state == "submitted"

    # The certification team starts the review and asks about DM1; the city answers.
    admin = create_token(f.person(admin=True, mfa=True), "docs", ApiToken.Scope.WRITE).secret
    reviewer = f.person(reviewer=True, mfa=True)
    assigned = run("assign-reviewer", TOKEN=admin, ID=assessment.pk, REVIEWER=reviewer.email)
    assert assigned["email"] == reviewer.email, assigned
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    asked = run("ask-clarification", TOKEN=admin, ID=assessment.pk, DUE=due)
    assert asked["criteria"] == ["DM1"] and asked["open"] is True, asked
    listed = run("list-clarifications", CITY=city.slug)
    assert [c["id"] for c in listed] == [asked["id"]]
    replied = run("reply-clarification", CITY=city.slug, CLARIFICATION=asked["id"])
    assert replied["open"] is False and replied["reply"].startswith("The city council"), replied
