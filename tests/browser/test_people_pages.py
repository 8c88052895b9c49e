"""axe-core finds no violation on the account, team and registry pages, in a real browser; the
team can be run without JavaScript."""

from __future__ import annotations

import pytest
from django.test import Client

from citycert.accounts import services
from citycert.accounts.models import Membership
from citycert.cities.models import CityRequest
from tests import factories as f
from tests.browser.conftest import axe_violations


def sign_in(page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    """Give the browser the session of `user`, as if they had signed in."""
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_account_entrance_pages_have_no_violation(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    assert axe_violations(page) == []


def test_city_team_pages_have_no_violation(page, live_server) -> None:  # type: ignore[no-untyped-def]
    c = f.city("Curitiba", "BR", admin_area="Paraná")
    lead = f.lead(c, f.person(name="Lucía"))
    f.member(c, f.person(name="Jon"))
    f.grant(c, f.person(coach=True, name="Camille"))
    issued = services.invite(c, "someone@example.org", Membership.Role.CONTRIBUTOR, lead.user)
    CityRequest.objects.create(
        city=c, person=f.person(name="Rui"), statement="Analyst, planning office", claim=False
    )
    sign_in(page, live_server, lead.user)
    for url in [
        "/my/",
        f"/my/cities/{c.slug}/",
        "/my/cities/register/?q=Portland",
        "/my/cities/register/?q=nowhere-at-all",
        "/accounts/email/",
        "/accounts/2fa/",
        f"/invitations/{issued.token}/",
        "/invitations/not-a-token/",
    ]:
        page.goto(url)
        assert axe_violations(page) == [], url


def test_program_pages_have_no_violation(page, live_server) -> None:  # type: ignore[no-untyped-def]
    admin = f.person(admin=True, mfa=True, name="Ana")
    c = f.city("Mendoza", "AR")
    f.lead(c)
    f.person(reviewer=True, mfa=True)
    CityRequest.objects.create(
        city=f.city("Salta", "AR"), person=f.person(), statement="Data office", claim=True
    )
    sign_in(page, live_server, admin)
    for url in [
        "/program/claims/",
        "/program/cities/",
        "/program/cities/new/?q=Cordoba",
        f"/program/cities/{c.slug}/",
        "/program/people/",
        "/program/audit/",
        f"/program/audit/?city={c.slug}",
        "/program/reviews/",
        "/program/cohorts/",
    ]:
        page.goto(url)
        assert axe_violations(page) == [], url


def test_staff_without_a_second_factor_land_on_an_accessible_set_up_page(page, live_server) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live_server, f.person(reviewer=True))
    page.goto("/my/")
    assert page.url.endswith("/accounts/2fa/totp/activate/") or "reauthenticate" in page.url
    assert axe_violations(page) == []


def test_a_lead_runs_the_team_without_javascript(browser, live_server, transactional_db) -> None:  # type: ignore[no-untyped-def]
    c = f.city("Rionegro", "CO")
    lead = f.lead(c)
    jon = f.member(c, f.person(name="Jon"))
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, live_server, lead.user)
    page.goto(f"/my/cities/{c.slug}/")
    page.fill("#id_email", "new.colleague@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    assert "Invitation sent to new.colleague@example.org" in page.inner_text("main")
    page.select_option("#id_successor", str(jon.pk))
    page.get_by_role("button", name="Hand over", exact=True).click()
    assert "now leads the team" in page.inner_text("main")
    jon.refresh_from_db()
    assert jon.role == Membership.Role.LEAD
    context.close()


def test_review_pages_have_no_violation(page, live_server) -> None:  # type: ignore[no-untyped-def]
    from citycert.assessments import services as assessment_services
    from citycert.assessments.models import Assessment
    from citycert.reviews import services as review_services

    c = f.city("Valdivia", "CL")
    lead = f.lead(c).user
    assessment = assessment_services.start(c, lead)
    Assessment.objects.filter(pk=assessment.pk).update(state="submitted")
    admin = f.person(admin=True, mfa=True)
    reviewer = f.person(reviewer=True, mfa=True)
    review_services.assign_reviewer(assessment, reviewer, admin)
    sign_in(page, live_server, reviewer)
    page.goto(f"/my/reviews/{c.slug}/declare/")
    assert axe_violations(page) == []
    page.get_by_label("I have no conflict of interest with this city").check()
    page.get_by_role("button", name="Declare").click()
    assert page.url.endswith(f"/my/reviews/{c.slug}/")
    assert axe_violations(page) == []
    sign_in(page, live_server, admin)
    page.goto(f"/program/reviews/{assessment.pk}/decide/")
    assert axe_violations(page) == []
