"""List pages use a bounded number of queries, however many rows they show."""

from __future__ import annotations

import pytest
from django.test import Client

from citycert.accounts import services
from citycert.accounts.models import Membership
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
