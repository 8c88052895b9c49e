"""What people do, through the real pages: sign up, register a city, invite, hand over; and what
protects them: verification, lockout, two factors for staff, the audit trail."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.test import Client

from citycert.accounts.models import Membership
from citycert.cities import gazetteer
from citycert.cities.models import City
from tests import factories as f

pytestmark = pytest.mark.django_db

PORTLAND_OR = "geonames:5746545"
STRONG = "correct-horse-battery-staple-9"


def link_in(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def sign_up(client: Client, email: str) -> None:
    """Sign up through the form and confirm the address with the emailed link."""
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 302
    confirmation = mail.outbox[-1]
    assert confirmation.to == [email]
    assert any(mimetype == "text/html" for _, mimetype in confirmation.alternatives)
    response = client.post(link_in(confirmation))
    assert response.status_code == 302


def test_a_newcomer_registers_a_city_invites_a_colleague_and_hands_over_the_lead(
    client: Client,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    sign_up(client, "maria@portland.example.org")
    # Search is forgiving, and the result says whether the city can take part.
    page = client.get("/my/cities/register/", {"q": "portland"}).text
    assert "Oregon" in page and "Maine" in page
    step = client.post("/my/cities/register/", {"place": PORTLAND_OR})
    assert step.status_code == 200 and "Your role in the city" in step.text
    response = client.post(
        "/my/cities/register/", {"place": PORTLAND_OR, "statement": "Chief data officer"}
    )
    assert response["Location"] == "/my/"
    city = City.objects.get(gazetteer_id=PORTLAND_OR)
    assert not city.memberships.exists()  # a program admin confirms the lead first
    admin = Client()
    admin.force_login(
        f.person(admin=True, mfa=True),
        backend="allauth.account.auth_backends.AuthenticationBackend",
    )
    claim = city.requests.get()
    assert "Chief data officer" in admin.get("/program/claims/").text
    admin.post(f"/program/claims/{claim.pk}/decide/", {"decision": "approve"})
    assert city.memberships.get().role == Membership.Role.LEAD

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/my/cities/{city.slug}/invite/",
            {"email": "jon@portland.example.org", "role": "contributor"},
        )
    invitation_path = link_in(mail.outbox[-1])

    colleague = Client()
    page = colleague.get(invitation_path)
    assert page.status_code == 200 and "Create an account" in page.text
    sign_up(colleague, "jon@portland.example.org")
    # Signing up from the invitation brings the colleague back to it.
    assert colleague.post(invitation_path)["Location"] == f"/my/cities/{city.slug}/"
    jon = city.memberships.get(user__email="jon@portland.example.org")
    assert jon.role == Membership.Role.CONTRIBUTOR

    response = client.post(f"/my/cities/{city.slug}/hand-over/", {"successor": jon.pk}, follow=True)
    assert "now leads the team" in response.text
    roles = dict(city.memberships.values_list("user__email", "role"))
    assert roles == {
        "maria@portland.example.org": "contributor",
        "jon@portland.example.org": "lead",
    }


def test_an_unverified_address_cannot_sign_in(client: Client) -> None:
    client.post(
        "/accounts/signup/", {"email": "new@example.org", "password1": STRONG, "password2": STRONG}
    )
    response = Client().post("/accounts/login/", {"login": "new@example.org", "password": STRONG})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"


def test_weak_passwords_are_refused(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {"email": "weak@example.org", "password1": "password", "password2": "password"},
    )
    assert response.status_code == 200
    assert "This password is too common" in response.text


def test_an_ineligible_city_gets_the_reason_in_plain_words(client: Client) -> None:
    client.force_login(f.person(), backend="allauth.account.auth_backends.AuthenticationBackend")
    page = client.get("/my/cities/register/", {"q": "Portland"}).text
    assert "Not eligible:" in page
    assert "the program is open to cities of 30,000 people or more" in page
    # Only eligible places get a button; post the Texas one by hand anyway.
    texas = next(p for p in gazetteer.search("Portland") if p.admin_code == "TX")
    assert f'value="{texas.gazetteer_id}"' not in page
    response = client.post("/my/cities/register/", {"place": texas.gazetteer_id}, follow=True)
    assert response.status_code == 200
    assert "30,000 people or more" in response.text
    assert not City.objects.exists()


def test_the_last_lead_is_kept_through_the_page(client: Client) -> None:
    c = f.city()
    only = f.lead(c)
    client.force_login(only.user, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.post(f"/my/cities/{c.slug}/members/{only.pk}/remove/", follow=True)
    assert "only lead" in response.text
    assert c.memberships.filter(pk=only.pk).exists()


def test_repeated_failed_sign_ins_lock_the_account_out(client: Client) -> None:
    f.person("target@example.org")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "target@example.org", "password": "wrong-guess"})
    response = client.post(
        "/accounts/login/", {"login": "target@example.org", "password": f.PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_program_staff_must_set_up_two_factor_authentication(client: Client) -> None:
    reviewer = f.person(reviewer=True)
    client.force_login(reviewer, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.get("/my/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/"
    city_person = f.person()
    other = Client()
    other.force_login(city_person, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert other.get("/my/").status_code == 200  # optional for everyone else


def test_the_audit_trail_records_who_from_where_and_what(client: Client) -> None:
    admin = f.person("admin@example.org", admin=True, mfa=True)
    c = f.city("Recife", "BR")
    lead = f.lead(c)
    contributor = f.member(c, f.person())
    client.force_login(lead.user, backend="allauth.account.auth_backends.AuthenticationBackend")
    client.post(
        f"/my/cities/{c.slug}/members/{contributor.pk}/role/",
        {"role": "lead"},
        REMOTE_ADDR="203.0.113.9",
    )
    entry = LogEntry.objects.filter(object_pk=str(contributor.pk)).latest("timestamp")
    assert entry.actor == lead.user
    assert entry.remote_addr == "203.0.113.9"
    assert entry.changes_dict["role"] == ["contributor", "lead"]

    other_city = f.city("Other")
    f.lead(other_city)
    staff = Client()
    staff.force_login(admin, backend="allauth.account.auth_backends.AuthenticationBackend")
    page = staff.get("/program/audit/", {"city": c.slug}).text
    assert "203.0.113.9" in page
    assert "Other" not in page
    by_person = staff.get("/program/audit/", {"person": lead.user.email}).text
    assert "203.0.113.9" in by_person
    unknown = staff.get("/program/audit/", {"person": "nobody@example.org"}).text
    assert "No account uses that address." in unknown


def test_an_official_population_needs_its_source_and_year(client: Client) -> None:
    admin = f.person(admin=True, mfa=True)
    c = f.city(population=50_000)
    client.force_login(admin, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.post(
        f"/program/cities/{c.slug}/",
        {
            "kind": "city",
            "official_population": "61000",
            "population_source": "",
            "population_year": "",
        },
    )
    assert response.status_code == 200
    assert "Say where the official figure comes from." in response.text
    c.refresh_from_db()
    assert c.population == 50_000
    client.post(
        f"/program/cities/{c.slug}/",
        {
            "kind": "city_county",
            "official_population": "61000",
            "population_source": "National census 2020",
            "population_year": "2020",
        },
    )
    c.refresh_from_db()
    assert (c.population, c.kind, c.population_year) == (61_000, "city_county", 2020)


def current_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_anyone_can_turn_on_two_factor_and_is_then_asked_for_a_code(client: Client) -> None:
    f.person("careful@example.org")
    client.post("/accounts/login/", {"login": "careful@example.org", "password": f.PASSWORD})
    # Turning on a second factor asks for the password once more.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": f.PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/").text
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page)
    assert secret, "the set-up page shows the secret for manual entry"
    response = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret.group(1))})
    assert response.status_code == 302

    again = Client()
    response = again.post(
        "/accounts/login/", {"login": "careful@example.org", "password": f.PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in again.session  # not signed in until the code is given
    response = again.post("/accounts/2fa/authenticate/", {"code": current_code(secret.group(1))})
    assert response.status_code == 302 and "_auth_user_id" in again.session


def test_a_forgotten_password_is_reset_by_email(client: Client) -> None:
    f.person("forgetful@example.org")
    client.post("/accounts/password/reset/", {"email": "forgetful@example.org"})
    message = mail.outbox[-1]
    assert message.to == ["forgetful@example.org"]
    assert any(mimetype == "text/html" for _, mimetype in message.alternatives)
    form_page = client.get(link_in(message), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link_in(message),
        {"password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 302
    fresh = Client()
    fresh.post("/accounts/login/", {"login": "forgetful@example.org", "password": STRONG})
    assert "_auth_user_id" in fresh.session
