"""Where people land after signing in: program admins on the review queue, a reviewer on the
review waiting for them, everyone else on 'My cities'; a `next` parameter always wins."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories as f
from tests.accounts.test_journeys import current_code
from tests.accounts.test_second_factor import secret_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("standard")]


def sign_in(user, next_url: str = "") -> str:  # type: ignore[no-untyped-def]
    """Sign in with password and second factor; where the person is sent."""
    client = Client()
    login = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    response = client.post(login, {"login": user.email, "password": f.PASSWORD})
    if response["Location"].startswith("/accounts/2fa/authenticate/"):
        response = client.post(
            "/accounts/2fa/authenticate/", {"code": current_code(secret_of(user))}
        )
    assert response.status_code == 302
    return str(response["Location"])


def test_it_sends_program_admins_to_the_review_queue() -> None:
    assert sign_in(f.person(admin=True, mfa=True)) == "/program/reviews/"


def test_it_sends_a_reviewer_to_their_open_review() -> None:
    city, _lead, assessment = f.submitted_assessment()
    reviewer = f.person(reviewer=True, mfa=True)
    f.assign(assessment, reviewer)
    assert sign_in(reviewer) == f"/my/reviews/{city.slug}/"


def test_it_sends_a_reviewer_who_has_not_declared_to_the_declaration() -> None:
    city, _lead, assessment = f.submitted_assessment()
    reviewer = f.person(reviewer=True, mfa=True)
    f.assign(assessment, reviewer, declared=False)
    assert sign_in(reviewer) == f"/my/reviews/{city.slug}/declare/"


def test_it_sends_a_reviewer_with_several_reviews_to_the_list_of_them() -> None:
    reviewer = f.person(reviewer=True, mfa=True)
    for name in ("Valdivia", "Temuco"):
        _city, _lead, assessment = f.submitted_assessment(name)
        f.assign(assessment, reviewer)
    assert sign_in(reviewer) == "/my/"


def test_it_sends_a_reviewer_without_open_reviews_where_everyone_goes() -> None:
    assert sign_in(f.person(reviewer=True, mfa=True)) == "/my/"


def test_it_sends_city_people_where_they_went_before() -> None:
    assert sign_in(f.person()) == "/my/"


def test_it_follows_the_next_parameter_for_admins_too() -> None:
    admin = f.person(admin=True, mfa=True)
    assert sign_in(admin, next_url="/program/cohorts/") == "/program/cohorts/"
