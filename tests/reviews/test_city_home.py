"""A city's home shows where the city stands: its stage in the cycle with the one thing to do
next for the person looking (lead, contributor, coach), its progress by practice area and the
level its claims would reach, who works on what, and the dates that matter."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from citycert.accounts.models import Membership, User
from citycert.assessments import services
from citycert.assessments.models import Assessment
from citycert.reviews import rules
from citycert.reviews import services as reviews
from citycert.standards.models import StandardVersion
from tests import factories as f
from tests.reviews.cycles import cycle, reviewed

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def home(user: User, city) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user, backend=BACKEND)
    page = client.get(f"/my/cities/{city.slug}/")
    assert page.status_code == 200
    return page.text


def standing_of(user: User, city) -> str:  # type: ignore[no-untyped-def]
    """The "where the city stands" section, as plain text with its spaces collapsed."""
    found = re.search(
        r'<section aria-labelledby="standing-heading".*?</section>', home(user, city), re.S
    )
    assert found, "no standing section"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


def current_step(user: User, city) -> str:  # type: ignore[no-untyped-def]
    found = re.search(
        r'segment--current" aria-current="step">\s*'
        r'<span class="usa-step-indicator__segment-label">([^<]+)',
        home(user, city),
    )
    assert found
    return found.group(1).strip()


@pytest.mark.django_db
class TestBeforeTheReview:
    pytestmark = pytest.mark.usefixtures("standard")

    def test_it_says_a_city_without_an_assessment_has_not_started(self) -> None:
        c = f.city("Startown")
        lead = f.lead(c).user
        contributor = f.member(c, f.person()).user
        text = standing_of(lead, c)
        assert "Not started" in text
        assert "Startown has not started an assessment yet." in text
        assert "Start the assessment" in text
        assert "The lead of the team starts the assessment." in standing_of(contributor, c)
        assert current_step(lead, c) == "Draft"

    def test_it_counts_what_is_left_for_the_lead_the_contributor_and_the_coach(self) -> None:
        c = f.city("Drafton")
        lead = f.lead(c).user
        contributor = f.member(c, f.person(name="Ana Contributor")).user
        coach = f.person(coach=True)
        f.grant(c, coach)
        assessment = services.start(c, lead)
        answers = list(
            assessment.answers.select_related("criterion").order_by("criterion__position")
        )
        for answer in answers[:2]:
            services.assign(answer, contributor)
        answer = answers[0]
        services.save_answer(
            answer,
            version=answer.version,
            status="not_met",
            items=[],
            narrative="",
            links=[],
            by=lead,
        )

        text = standing_of(lead, c)
        assert "Draft" in text
        assert "The assessment of Drafton is in progress: 1 of 43 criteria answered." in text
        assert "Answer 42 more criteria" in text
        assert "Answer the 1 criterion assigned to you" in standing_of(contributor, c)
        assert "Follow the assessment: 42 criteria left to answer" in standing_of(coach, c)

    def test_a_contributor_with_nothing_left_is_told_so(self) -> None:
        c = f.city()
        lead = f.lead(c).user
        contributor = f.member(c, f.person()).user
        services.start(c, lead)
        assert "Every criterion assigned to you is answered" in standing_of(contributor, c)

    def test_it_shows_progress_by_practice_area_and_the_level_the_claims_reach(self) -> None:
        c = f.city()
        lead = f.lead(c).user
        f.assessment_of(c, lead, claimed=24)  # DM1-DM9, LC1-LC7, OD1-OD4, PA1-PA4 claimed
        page = home(lead, c)
        dm = re.search(r'<tr data-area="DM">.*?</tr>', page, re.S)
        pa = re.search(r'<tr data-area="PA">.*?</tr>', page, re.S)
        bf = re.search(r'<tr data-area="BF">.*?</tr>', page, re.S)
        assert dm and pa and bf
        assert "9 of 9" in dm.group(0) and "<td>9</td>" in dm.group(0)
        assert "5 of 5" in pa.group(0) and "<td>4</td>" in pa.group(0)
        assert "3 of 3" in bf.group(0) and "<td>0</td>" in bf.group(0)
        text = standing_of(lead, c)
        assert "43 of 43 criteria answered, 24 claimed." in text
        assert "The claims would reach: Silver" in text
        assert "Check and submit the assessment" in text

    def test_the_level_is_none_while_the_claims_are_too_few(self) -> None:
        c = f.city()
        lead = f.lead(c).user
        f.assessment_of(c, lead, claimed=10)
        assert "The claims would reach: No level yet." in standing_of(lead, c)

    def test_it_shows_who_works_on_what(self) -> None:
        c = f.city()
        lead = f.lead(c).user
        ana = f.member(c, f.person(name="Ana Alvarez")).user
        bo = f.member(c, f.person(name="Bo Berg")).user
        assessment = services.start(c, lead)
        answers = list(assessment.answers.order_by("criterion__position"))
        for answer in answers[:3]:
            services.assign(answer, ana)
        for answer in answers[3:5]:
            services.assign(answer, bo)
        for answer in answers[:2]:
            answer.refresh_from_db()
            services.save_answer(
                answer,
                version=answer.version,
                status="not_met",
                items=[],
                narrative="",
                links=[],
                by=ana,
            )
        page = home(lead, c)
        table = re.search(
            r'<table class="usa-table usa-table--borderless assignments">.*?</table>', page, re.S
        )
        assert table
        rows = [
            " ".join(re.sub(r"<[^>]+>", " ", r).split())
            for r in re.findall(r"<tr.*?</tr>", table.group(0), re.S)
        ]
        assert rows[1:] == ["Ana Alvarez 3 2", "Bo Berg 2 0", "Not assigned to anyone 38 0"]

    def test_it_says_when_the_assessment_was_submitted_and_what_to_do(self) -> None:
        c, lead, _assessment = f.submitted_assessment("Sentville", "CL")
        contributor = f.member(c, f.person()).user
        text = standing_of(lead, c)
        assert "Submitted Sentville submitted its assessment on" in text
        assert "to change an answer, withdraw the submission" in text
        assert "Nothing to do until the review starts." in standing_of(contributor, c)
        assert current_step(lead, c) == "Submitted"
        assert "Started" in text and "Decided" not in text.split("Dates")[1]


@pytest.mark.django_db
class TestDuringTheReview:
    pytestmark = pytest.mark.usefixtures("standard")

    def test_it_says_the_assessment_is_in_review(self) -> None:
        c, lead, assessment = f.submitted_assessment("Revton", "CL")
        f.assign(assessment, f.person(reviewer=True, mfa=True))
        text = standing_of(lead, c)
        assert "In review Reviewers are validating the claims of Revton." in text
        assert "Nothing to do now" in text
        assert current_step(lead, c) == "In review"

    def test_it_gives_the_date_a_clarification_is_due(self) -> None:
        c, lead, assessment = f.submitted_assessment("Clarton", "CL")
        contributor = f.member(c, f.person()).user
        coach = f.person(coach=True)
        f.grant(c, coach)
        f.assign(assessment, f.person(reviewer=True, mfa=True))
        with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False):
            reviews.request_clarification(
                assessment, ["DM1"], "Which body meets?", dt.date(2026, 12, 3), f.person(admin=True)
            )
            text = standing_of(lead, c)
            assert "Clarification due on 3 December 2026" in text
            assert "The reviewers asked Clarton to clarify some answers by 3 December 2026." in text
            assert "Answer the clarification requests by 3 December 2026" in text
            assert "Help your lead answer the clarification requests by 3 December 2026" in (
                standing_of(contributor, c)
            )
            assert "The team must answer the clarification requests by 3 December 2026" in (
                standing_of(coach, c)
            )
            assert "Clarification due 3 December 2026" in text
            assert current_step(lead, c) == "In review"


@pytest.mark.usefixtures("published_cleanup", "standard")
class TestAfterTheDecision:
    AWARDED = dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)

    def certified(self, valid_years: int | None = 3):  # type: ignore[no-untyped-def]
        admin = f.person(admin=True, mfa=True)
        rules.save(
            StandardVersion.objects.get(code="2022"),
            valid_years=valid_years,
            renewal_window_days=180,
            grace_days=90,
            appeal_window_days=30,
            by=admin,
        )
        c = f.city("Certville", "MX")
        lead = f.lead(c).user
        with time_machine.travel(self.AWARDED, tick=False):
            cycle(
                c, lead, f.person(reviewer=True, mfa=True), admin, level="silver", cohort="2026-03"
            )
        return c, lead

    def test_a_decision_not_announced_yet_reads_decided(self) -> None:
        admin = f.person(admin=True, mfa=True)
        c, lead, assessment = f.submitted_assessment("Decidia", "CL", claimed=24)
        reviewed(
            assessment, f.person(reviewer=True, mfa=True), admin, level="silver", cohort="2026-09"
        )
        text = standing_of(lead, c)
        assert "Decided The certification team decided on" in text
        assert "Read the decision and its reasons" in text
        assert current_step(lead, c) == "Decided"

    def test_a_certified_city_reads_certified_until_its_end(self) -> None:
        c, lead = self.certified()
        with time_machine.travel(dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC), tick=False):
            text = standing_of(lead, c)
            assert "Certified until 2 March 2029" in text
            assert "Certville is certified until 2 March 2029." in text
            assert "Read the report and the roadmap to the next level" in text
            assert "Certified on 2 March 2026" in text
            assert "Valid until 2 March 2029" in text
            assert "Renewal window opens 3 September 2028" in text
            assert current_step(lead, c) == "Certified"

    def test_a_certification_without_an_end_says_so(self) -> None:
        c, lead = self.certified(valid_years=None)
        text = standing_of(lead, c)
        assert "Certified, no end date" in text
        assert "Certville is certified, with no end date." in text

    def test_in_the_renewal_window_it_asks_for_the_renewal(self) -> None:
        c, lead = self.certified()
        contributor = f.member(c, f.person(), Membership.Role.CONTRIBUTOR).user
        with time_machine.travel(dt.datetime(2028, 10, 1, 12, tzinfo=dt.UTC), tick=False):
            text = standing_of(lead, c)
            assert "Renewal due by 2 March 2029" in text
            assert "re-certify before then to keep it" in text
            assert "Start your re-certification before 2 March 2029" in text
            assert "The lead of the team starts the re-certification, due by 2 March 2029." in (
                standing_of(contributor, c)
            )
            services.start(c, lead, carry_forward=False)
            text = standing_of(lead, c)
            assert "Renewal due by 2 March 2029" in text
            assert "Answer 43 more criteria" in text

    def test_a_renewal_started_from_the_last_answers_asks_to_confirm_them(self) -> None:
        c, lead = self.certified()
        with time_machine.travel(dt.datetime(2028, 10, 1, 12, tzinfo=dt.UTC), tick=False):
            services.start(c, lead)  # carries the last assessment's answers forward
            text = standing_of(lead, c)
            assert "Confirm 43 answers carried forward from your last assessment" in text

    def test_after_the_end_it_reads_expired(self) -> None:
        c, lead = self.certified()
        with time_machine.travel(dt.datetime(2029, 4, 1, 12, tzinfo=dt.UTC), tick=False):
            text = standing_of(lead, c)
            assert "Expired The certification of Certville ended on 2 March 2029." in text
            assert "Start a new assessment to be certified again" in text
            assert current_step(lead, c) == "Draft"


@pytest.mark.django_db
@pytest.mark.usefixtures("standard")
def test_a_reviewer_sees_the_team_page_without_the_standing() -> None:
    c, _lead, assessment = f.submitted_assessment()
    reviewer = f.person(reviewer=True, mfa=True)
    f.assign(assessment, reviewer)
    assert "standing-heading" not in home(reviewer, c)


@pytest.mark.django_db
@pytest.mark.usefixtures("standard")
@pytest.mark.parametrize("size", [1, 12])
def test_the_home_does_not_grow_with_the_team_or_the_assignments(
    django_assert_max_num_queries, size: int
) -> None:  # type: ignore[no-untyped-def]
    c = f.city()
    lead = f.lead(c).user
    assessment = services.start(c, lead)
    answers = list(assessment.answers.order_by("criterion__position"))
    for i in range(size):
        person = f.member(c, f.person()).user
        for answer in answers[i * 3 : i * 3 + 3]:
            services.assign(answer, person)
    assert (
        Assessment.objects.get(pk=assessment.pk).answers.exclude(assigned_to=None).count()
        == 3 * size
    )
    client = Client()
    client.force_login(lead, backend=BACKEND)
    with django_assert_max_num_queries(24):
        assert client.get(f"/my/cities/{c.slug}/").status_code == 200
