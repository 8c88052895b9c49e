"""Links in emails point to the address the site is served at (SITE_URL), whoever sends them:
a page, allauth, or a background task with no request at all."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client, override_settings

from citycert.accounts import services
from citycert.accounts.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DEMO = "http://127.0.0.1:8101"
STRONG = "correct-horse-battery-staple-9"


def links(message: mail.EmailMessage) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", message.body)


@override_settings(SITE_URL=DEMO)
def test_an_invitation_links_to_the_site_url(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    c = f.city()
    lead = f.lead(c)
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.invite(c, "new@example.org", Membership.Role.CONTRIBUTOR, lead.user)
    message = mail.outbox[-1]
    assert f"{DEMO}/invitations/{issued.token}/" in links(message)
    assert f'href="{DEMO}/invitations/{issued.token}/"' in message.alternatives[0].content


@override_settings(SITE_URL=DEMO)
def test_an_address_confirmation_links_to_the_site_url_not_the_request_host(
    client: Client,
) -> None:
    client.post(
        "/accounts/signup/",
        {"email": "new@example.org", "password1": STRONG, "password2": STRONG},
    )
    (link,) = [u for u in links(mail.outbox[-1]) if "/accounts/confirm-email/" in u]
    assert link.startswith(f"{DEMO}/accounts/confirm-email/")


@override_settings(SITE_URL=DEMO)
def test_a_password_reset_links_to_the_site_url_not_the_request_host(client: Client) -> None:
    f.person("forgetful@example.org")
    client.post("/accounts/password/reset/", {"email": "forgetful@example.org"})
    (link,) = [u for u in links(mail.outbox[-1]) if "/accounts/password/reset/key/" in u]
    assert link.startswith(f"{DEMO}/accounts/password/reset/key/")
    form = client.get(link.removeprefix(DEMO), follow=True)
    assert form.status_code == 200 and 'name="password1"' in form.text


def test_make_demo_gives_the_server_and_the_worker_its_own_address() -> None:
    dry = subprocess.run(
        ["make", "-n", "demo", "PORT=8101"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    for command in ("citycert worker", "citycert runserver 127.0.0.1:8101", "load_demo"):
        (line,) = [line for line in dry.splitlines() if command in line]
        assert "SITE_URL=http://127.0.0.1:8101 " in line, line
