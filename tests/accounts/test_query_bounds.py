"""List pages use a bounded number of queries, however many rows they show."""

from __future__ import annotations

import pytest
from django.test import Client

from citycert.accounts import services
from citycert.accounts.models import Membership, User
from tests import factories as f

pytestmark = pytest.mark.django_db
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def queries_for(client: Client, url: str, django_assert_max_num_queries, limit: int) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [2, 25])
def test_the_team_page_does_not_grow_with_the_team(
    client: Client, django_assert_max_num_queries, size: int
) -> None:  # type: ignore[no-untyped-def]
    c = f.city()
    lead = f.lead(c)
    for _ in range(size):
        f.member(c, f.person())
        services.invite(c, f"x{_}@example.org", Membership.Role.CONTRIBUTOR, lead.user)
        f.grant(c, f.person(coach=True))
    client.force_login(lead.user, backend=BACKEND)
    queries_for(client, f"/my/cities/{c.slug}/", django_assert_max_num_queries, 16)


@pytest.mark.parametrize("size", [2, 40])
def test_the_registry_and_the_audit_trail_do_not_grow_with_the_data(
    client: Client, django_assert_max_num_queries, size: int
) -> None:  # type: ignore[no-untyped-def]
    admin = f.person(admin=True, mfa=True)
    for _ in range(size):
        c = f.city()
        f.lead(c)
        f.grant(c, f.person(coach=True))
    client.force_login(admin, backend=BACKEND)
    queries_for(client, "/program/cities/", django_assert_max_num_queries, 10)
    queries_for(client, "/program/audit/", django_assert_max_num_queries, 10)
    queries_for(client, "/program/people/", django_assert_max_num_queries, 10)


@pytest.mark.parametrize("size", [1, 20])
def test_my_cities_does_not_grow_with_my_cities(
    client: Client, django_assert_max_num_queries, size: int
) -> None:  # type: ignore[no-untyped-def]
    someone = f.person()
    for _ in range(size):
        f.member(f.city(), someone)
    client.force_login(someone, backend=BACKEND)
    queries_for(client, "/my/", django_assert_max_num_queries, 11)  # one for the snapshots


@pytest.mark.parametrize("size", [2, 30])
def test_the_renewals_page_does_not_grow_with_the_cities(
    client: Client, django_assert_max_num_queries, size: int, published_cleanup: None
) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from citycert.reviews.models import Certification, Cohort
    from citycert.standards.models import StandardVersion
    from citycert.standards.services import load_files

    load_files()
    standard = StandardVersion.objects.get(code="2022")
    cohort = Cohort.objects.create(label="2024-01", published_at=timezone.now())
    today = timezone.localdate()
    for n in range(size):
        c = f.city()
        f.lead(c)
        Certification.objects.create(
            city=c,
            cohort=cohort,
            standard=standard,
            level="silver",
            event="new",
            awarded_on=today - dt.timedelta(days=1000),
            valid_until=today + dt.timedelta(days=n),
            published_at=cohort.published_at,
        )
    client.force_login(f.person(admin=True, mfa=True), backend=BACKEND)
    queries_for(client, "/program/renewals/", django_assert_max_num_queries, 12)
    assert client.get("/program/renewals/").text.count("<tr>") == size + 1


@pytest.mark.parametrize("size", [1, 6])
def test_the_review_queue_and_my_page_do_not_grow_with_the_reviews(
    client: Client, django_assert_max_num_queries, size: int, standard: None
) -> None:  # type: ignore[no-untyped-def]
    reviewer = f.person(reviewer=True, mfa=True)
    for n in range(size):
        _c, _lead, assessment = f.submitted_assessment(f"Town {n}", claimed=22)
        f.assign(assessment, reviewer)
    client.force_login(f.person(admin=True, mfa=True), backend=BACKEND)
    queries_for(client, "/program/reviews/", django_assert_max_num_queries, 14)
    client.force_login(reviewer, backend=BACKEND)
    queries_for(client, "/my/", django_assert_max_num_queries, 12)


# Signed-in pages and the API's lists on generated worlds of two sizes -----------------------

#: Queries each page or list may run, whatever the number of cities, assessments, answers,
#: reviewers and verdicts (the same bound for both worlds).
PAGE_BOUNDS = {
    "admin /program/reviews/": 10,
    "admin /program/reviews/?page=2": 10,
    "admin /program/renewals/": 12,
    "admin /my/": 12,
    "lead overview": 18,
    "lead criterion": 18,  # one for the Learn panel: the resources for the criterion
    "lead report": 14,  # one more where the city has five peers; one for its Learn links
    "lead /my/": 12,
    "reviewer review": 14,
    "reviewer /my/": 12,
}
API_BOUNDS = {
    "admin /program/reviews": 7,
    "admin /program/reviews?offset=5": 7,
    "admin /program/appeals": 4,
    "admin /program/renewals": 6,
    "lead /my/cities": 5,
    "lead answers": 7,
    "reviewer /my/cities": 6,
    "reviewer /my/notifications": 4,
    "lead /cities": 2,
}
#: Small and larger worlds: cities, events, open and decided assessments, reviewers.
WORLDS = [(12, 12, 8, 4, 2), (150, 300, 100, 40, 6)]


@pytest.fixture
def world(standard: None, settings, request):  # type: ignore[no-untyped-def]
    """A generated program (generate_demo) and the people the pages are measured for: a program
    admin, the lead of a city whose assessment is in review after a decided one, and a reviewer
    of that assessment who declared no conflict."""
    from django.core.management import call_command

    from citycert.assessments.models import Assessment
    from citycert.reviews.models import Assignment

    settings.DEBUG = True
    cities, events, assessments, decided, reviewers = request.param
    call_command(
        "generate_demo",
        cities=cities,
        events=events,
        assessments=assessments,
        decided=decided,
        reviewers=reviewers,
        verbosity=0,
    )
    assessment = (
        Assessment.objects.filter(state="in_review", assignments__conflict=False)
        .select_related("city")
        .order_by("pk")
        .first()
    )
    assert assessment is not None
    code = (
        assessment.answers.filter(status="claimed")
        .order_by("criterion__position")
        .values_list("criterion__code", flat=True)
        .first()
    )
    return {
        "admin": User.objects.filter(program_roles__role="admin").order_by("pk").first(),
        "lead": Membership.objects.get(city=assessment.city, role="lead").user,
        "reviewer": Assignment.objects.filter(assessment=assessment, conflict=False)
        .first()
        .reviewer,  # type: ignore[union-attr]
        "slug": assessment.city.slug,
        "assessment": assessment.pk,
        "code": code,
        "size": assessments + decided,
    }


def _page_urls(w: dict) -> dict[str, tuple[str, str]]:  # type: ignore[type-arg]
    base = f"/my/cities/{w['slug']}"
    return {
        "admin /program/reviews/": ("admin", "/program/reviews/"),
        "admin /program/reviews/?page=2": ("admin", "/program/reviews/?page=2"),
        "admin /program/renewals/": ("admin", "/program/renewals/"),
        "admin /my/": ("admin", "/my/"),
        "lead overview": ("lead", f"{base}/assessment/"),
        "lead criterion": ("lead", f"{base}/assessment/criteria/{w['code']}/"),
        "lead report": ("lead", f"{base}/reports/assessments/{w['assessment']}/"),
        "lead /my/": ("lead", "/my/"),
        "reviewer review": ("reviewer", f"/my/reviews/{w['slug']}/"),
        "reviewer /my/": ("reviewer", "/my/"),
    }


@pytest.mark.parametrize("world", WORLDS, indirect=True)
def test_signed_in_pages_run_the_same_few_queries_in_a_small_and_a_larger_world(
    world, client: Client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    urls = _page_urls(world)
    assert set(urls) == set(PAGE_BOUNDS)
    for name, (who, url) in urls.items():
        client.force_login(world[who], backend=BACKEND)
        client.get(url)  # the first request of a session writes it
        with django_assert_max_num_queries(PAGE_BOUNDS[name], info=name):
            assert client.get(url).status_code == 200, name


@pytest.mark.parametrize("world", WORLDS, indirect=True)
def test_the_api_lists_run_the_same_few_queries_in_a_small_and_a_larger_world(
    world, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    from citycert.accounts.services import create_token

    tokens = {
        who: create_token(world[who], "t", "read").secret for who in ("admin", "lead", "reviewer")
    }
    urls = {
        "admin /program/reviews": ("admin", "/program/reviews"),
        "admin /program/reviews?offset=5": ("admin", "/program/reviews?offset=5&limit=5"),
        "admin /program/appeals": ("admin", "/program/appeals"),
        "admin /program/renewals": ("admin", "/program/renewals"),
        "lead /my/cities": ("lead", "/my/cities"),
        "lead answers": ("lead", f"/my/cities/{world['slug']}/assessment/answers"),
        "reviewer /my/cities": ("reviewer", "/my/cities"),
        "reviewer /my/notifications": ("reviewer", "/my/notifications"),
        "lead /cities": ("lead", "/cities"),
    }
    assert set(urls) == set(API_BOUNDS)
    api = Client()
    for name, (who, url) in urls.items():
        cache.clear()
        headers = {"Authorization": f"Bearer {tokens[who]}"}
        api.get("/api/v1" + url, headers=headers)  # the token's first use is written down
        with django_assert_max_num_queries(API_BOUNDS[name], info=name):
            assert api.get("/api/v1" + url, headers=headers).status_code == 200, name


@pytest.mark.parametrize("world", WORLDS[1:], indirect=True)
def test_the_review_queue_shows_fifty_assessments_a_page(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    from citycert.assessments.models import Assessment

    waiting = Assessment.objects.filter(state__in=Assessment.REVIEW_STATES).count()
    assert waiting > 50
    client.force_login(world["admin"], backend=BACKEND)
    first = client.get("/program/reviews/").text
    assert first.count('<th scope="row">') == 50
    assert "?page=2" in first
    last = client.get("/program/reviews/?page=2").text
    assert last.count('<th scope="row">') == waiting - 50
