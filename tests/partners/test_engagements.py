"""Coaching engagements: the state machine, who sees the city while it runs, the pages of the
city's side and the partner's side, and their query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from citycert.accounts import policy
from citycert.accounts.policy import Action
from citycert.assessments import services as assessment_services
from citycert.partners import queries, services
from citycert.partners.models import CoachingSession, Engagement
from citycert.reviews import services as review_services
from citycert.standards.models import Criterion
from tests import factories as f

pytestmark = pytest.mark.usefixtures("standard")
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
State = Engagement.State


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def sees(user, city) -> bool:  # type: ignore[no-untyped-def]
    policy.forget(user)
    return policy.can(user, Action.VIEW_CITY, city)


@pytest.fixture
def setting(db: None):  # type: ignore[no-untyped-def]
    """A city with its lead and a contributor; a partner with a coach."""
    c = f.city("Medellín", "CO")
    lead = f.lead(c, f.person(name="Lucía")).user
    contributor = f.member(c, f.person(name="Jon")).user
    coach = f.person(name="Camille")
    partner = f.staff(coach).organisation
    return c, lead, contributor, coach, partner


# The state machine ------------------------------------------------------------------------------


def test_it_records_who_moved_the_engagement_and_when(setting) -> None:  # type: ignore[no-untyped-def]
    c, lead, _, coach, partner = setting
    dm1 = Criterion.objects.get(version__code="2022", code="DM1")
    engagement = services.invite(c, partner, "Publish our budget.", [dm1], lead)
    assert (engagement.state, engagement.invited_by) == (State.INVITED, lead)
    assert list(engagement.criteria.all()) == [dm1]
    services.accept(engagement, coach)
    engagement.refresh_from_db()
    assert (engagement.state, engagement.responded_by) == (State.ACCEPTED, coach)
    assert engagement.responded_at is not None
    services.close(engagement, lead)
    engagement.refresh_from_db()
    assert (engagement.state, engagement.ended_by) == (State.CLOSED, lead)
    assert engagement.ended_at is not None


@pytest.mark.parametrize(
    ("state", "move"),
    [
        (State.ACCEPTED, services.accept),
        (State.ACCEPTED, services.decline),
        (State.ACCEPTED, services.withdraw),
        (State.INVITED, services.close),
        (State.DECLINED, services.accept),
        (State.DECLINED, services.close),
        (State.WITHDRAWN, services.accept),
        (State.CLOSED, services.accept),
        (State.CLOSED, services.close),
    ],
)
def test_it_refuses_a_transition_its_state_does_not_allow(setting, state, move) -> None:  # type: ignore[no-untyped-def]
    c, lead, _, _, partner = setting
    engagement = f.engagement(c, partner, state=state)
    with pytest.raises(services.EngagementError, match=f"is {state.label.lower()}"):
        move(engagement, lead)
    engagement.refresh_from_db()
    assert engagement.state == state


def test_a_city_has_one_live_engagement_per_partner(setting) -> None:  # type: ignore[no-untyped-def]
    c, lead, _, coach, partner = setting
    first = services.invite(c, partner, "Goals.", [], lead)
    with pytest.raises(services.EngagementError, match="already has an invitation"):
        services.invite(c, partner, "Again.", [], lead)
    services.decline(first, coach)
    assert services.invite(c, partner, "Again.", [], lead).pk != first.pk


def test_sessions_are_logged_only_while_the_engagement_is_open(setting) -> None:  # type: ignore[no-untyped-def]
    c, _, contributor, coach, partner = setting
    engagement = f.engagement(c, partner, state=State.INVITED)
    with pytest.raises(services.EngagementError, match="only while the engagement is open"):
        services.log_session(engagement, coach, held_on=dt.date(2026, 1, 5), kind="training")
    services.accept(engagement, coach)
    session = services.log_session(
        engagement,
        coach,
        held_on=dt.date(2026, 1, 5),
        kind="office_hours",
        attendees=[contributor],
        other_attendees="The budget office",
        notes="Inventory of datasets.",
    )
    assert list(session.attendees.all()) == [contributor]
    services.close(engagement, coach)
    with pytest.raises(services.EngagementError, match="it is closed"):
        services.log_session(engagement, coach, held_on=dt.date(2026, 1, 6), kind="training")
    assert CoachingSession.objects.count() == 1


# Who sees the city -----------------------------------------------------------------------------


def test_a_coach_sees_the_city_only_while_the_engagement_is_accepted_and_open(setting) -> None:  # type: ignore[no-untyped-def]
    c, lead, _, coach, partner = setting
    colleague = f.staff(f.person(), partner).user
    engagement = services.invite(c, partner, "Goals.", [], lead)
    assert not sees(coach, c)
    services.accept(engagement, coach)
    assert sees(coach, c)
    assert sees(colleague, c)  # the partner's staff coach the city, not one person
    services.close(engagement, lead)
    assert not sees(coach, c)
    assert not sees(colleague, c)


@pytest.mark.parametrize("state", [State.DECLINED, State.WITHDRAWN])
def test_an_unanswered_or_refused_invitation_shows_nothing(setting, state) -> None:  # type: ignore[no-untyped-def]
    c, _, _, coach, partner = setting
    f.engagement(c, partner, state=state)
    assert not sees(coach, c)


def test_a_coach_who_left_the_partner_no_longer_sees_the_city(setting) -> None:  # type: ignore[no-untyped-def]
    c, _, _, coach, partner = setting
    other = f.city("Cali", "CO")
    f.engagement(c, partner)
    f.engagement(other, f.organisation())  # another partner's city: never
    assert sees(coach, c)
    assert not sees(coach, other)
    partner.staff.filter(user=coach).update(left_at=timezone.now())
    assert not sees(coach, c)
    assert queries.coaches_of(c) == []


def test_the_network_counts_open_engagements_per_city(setting) -> None:  # type: ignore[no-untyped-def]
    c, _, _, _, partner = setting
    other = f.city("Cali", "CO")
    f.engagement(c, partner)
    f.engagement(c, f.organisation(), state=State.CLOSED)
    f.engagement(other, f.organisation(), state=State.INVITED)
    assert [e.city_id for e in queries.open_engagements([c, other])] == [c.pk]


# Pages ------------------------------------------------------------------------------------------


def test_the_lead_invites_a_partner_and_a_bad_invitation_names_the_field(  # type: ignore[no-untyped-def]
    setting, django_capture_on_commit_callbacks
) -> None:
    c, lead, _, _, partner = setting
    client = signed_in(lead)
    page = client.get(f"/my/cities/{c.slug}/engagements/invite/")
    assert partner.name in page.content.decode()
    refused = client.post(
        f"/my/cities/{c.slug}/engagements/invite/", {"organisation": "999999", "goals": ""}
    )
    assert refused.status_code == 400
    assert "Partner organisation" in refused.content.decode()
    assert not Engagement.objects.exists()
    dm2 = Criterion.objects.get(version__code="2022", code="DM2")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            f"/my/cities/{c.slug}/engagements/invite/",
            {"organisation": partner.pk, "goals": "Open the budget.", "criteria": [dm2.pk]},
        )
    engagement = Engagement.objects.get()
    assert sent["Location"] == f"/my/cities/{c.slug}/engagements/{engagement.pk}/"
    assert list(engagement.criteria.all()) == [dm2]
    # The partner's staff are told, with the link to answer.
    (told,) = mail.outbox
    assert told.to == [partner.staff.get().user.email]
    assert f"/my/cities/{c.slug}/engagements/{engagement.pk}/" in told.body


def test_the_coach_accepts_logs_a_session_and_the_city_reads_it(setting) -> None:  # type: ignore[no-untyped-def]
    c, lead, contributor, coach, partner = setting
    engagement = services.invite(c, partner, "Open the budget.", [], lead)
    base = f"/my/cities/{c.slug}/engagements/{engagement.pk}/"
    coach_client = signed_in(coach)
    invitation = coach_client.get("/my/engagements/").content.decode()
    assert "Medellín" in invitation
    assert coach_client.post(base + "accept/").status_code == 302
    refused = coach_client.post(base + "sessions/new/", {"held_on": "not a date", "kind": "x"})
    assert refused.status_code == 400
    assert "Date" in refused.content.decode()
    logged = coach_client.post(
        base + "sessions/new/",
        {
            "held_on": "2026-02-03",
            "kind": "technical_assistance",
            "attendees": [contributor.pk],
            "notes": "Mapped the open datasets.",
        },
    )
    assert logged.status_code == 302
    page = signed_in(lead).get(base).content.decode()
    assert "Technical assistance" in page
    assert "Mapped the open datasets." in page
    assert "Jon" in page


def test_a_closed_engagement_no_longer_shows_the_city_s_progress_to_the_partner(setting) -> None:  # type: ignore[no-untyped-def]
    c, lead, _, coach, partner = setting
    dm1 = Criterion.objects.get(version__code="2022", code="DM1")
    engagement = services.invite(c, partner, "Goals.", [dm1], lead)
    services.accept(engagement, coach)
    f.assessment_of(c, lead, claimed=1)
    url = f"/my/cities/{c.slug}/engagements/{engagement.pk}/"
    assert "Progress on the targeted criteria" in signed_in(coach).get(url).content.decode()
    services.close(engagement, coach)
    page = signed_in(coach).get(url)
    assert page.status_code == 200  # their own engagement, and its sessions, stay theirs
    assert "Progress on the targeted criteria" not in page.content.decode()
    assert signed_in(coach).get(f"/my/cities/{c.slug}/").status_code == 404


def test_the_page_shows_progress_on_targeted_criteria_over_the_assessments(setting) -> None:  # type: ignore[no-untyped-def]
    c, lead, _, _, partner = setting
    admin = f.person(admin=True)
    earlier = f.assessment_of(c, lead, claimed=25)
    codes = f.claimed_codes(earlier)
    assessment_services.submit(earlier, lead)
    reviewer = f.person(reviewer=True)
    f.assign(earlier, reviewer)
    findings = dict.fromkeys(codes, ("validated", ""))
    findings[codes[1]] = ("not_validated", "No minutes.")
    review_services.validate(earlier, reviewer, findings)
    review_services.decide(
        earlier,
        level="silver",
        rationale="Met.",
        difference_reason="",
        cohort_label="2025-06",
        by=admin,
    )
    f.assessment_of(c, lead, claimed=1)  # the current one: only the first criterion claimed
    targeted = Criterion.objects.filter(version__code="2022", code__in=codes[:3])
    engagement = f.engagement(c, partner)
    engagement.criteria.set(targeted)
    criteria, rows = queries.progress(engagement)
    assert [c.code for c in criteria] == sorted(codes[:3])
    by_code = [dict(zip([c.code for c in criteria], row.cells, strict=True)) for row in rows]
    assert [by_code[0][code].label for code in codes[:3]] == ["Met", "Not met", "Met"]  # type: ignore[union-attr]
    assert [by_code[1][code].label for code in codes[:3]] == ["Claimed", "Not met", "Not met"]  # type: ignore[union-attr]
    page = signed_in(lead).get(f"/my/cities/{c.slug}/engagements/{engagement.pk}/")
    assert "Progress on the targeted criteria" in page.content.decode()


# Query bounds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 20])
def test_the_lists_and_the_engagement_page_do_not_grow_with_the_data(  # type: ignore[no-untyped-def]
    setting, django_assert_max_num_queries, size: int
) -> None:
    c, lead, contributor, coach, partner = setting
    engagement = f.engagement(c, partner)
    engagement.criteria.set(Criterion.objects.filter(version__code="2022")[:size])
    for number in range(size):
        session = services.log_session(
            engagement, coach, held_on=dt.date(2026, 1, 1 + number), kind="training"
        )
        session.attendees.set([lead, contributor])
        session.criteria.set(engagement.criteria.all()[:3])
        other = f.city(f"City {number}")
        f.engagement(other, partner)
        f.engagement(c, f.organisation(), state=State.CLOSED)
    lead_client, coach_client = signed_in(lead), signed_in(coach)
    for client, url in [
        (lead_client, f"/my/cities/{c.slug}/engagements/"),
        (lead_client, f"/my/cities/{c.slug}/engagements/{engagement.pk}/"),
        (coach_client, f"/my/cities/{c.slug}/engagements/{engagement.pk}/"),
        (coach_client, "/my/engagements/"),
    ]:
        with django_assert_max_num_queries(16):
            response = client.get(url)
        assert response.status_code == 200, url
