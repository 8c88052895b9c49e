"""The two-factor pages say in plain words what recovery codes are, that each works once, where
to keep them and how to get new ones."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories as f
from tests.accounts.test_journeys import current_code

pytestmark = pytest.mark.django_db

EXPLAINED = (
    "About recovery codes",
    "Each code works only once",
    "password manager",
    "Generate new codes",
)


def signed_in_and_reauthenticated() -> Client:
    f.person("careful@example.org")
    client = Client()
    client.post("/accounts/login/", {"login": "careful@example.org", "password": f.PASSWORD})
    response = client.get("/accounts/2fa/totp/activate/")
    client.post(response["Location"], {"password": f.PASSWORD})
    return client


def test_it_explains_recovery_codes_when_the_authenticator_is_set_up() -> None:
    client = signed_in_and_reauthenticated()
    page = client.get("/accounts/2fa/totp/activate/").text
    assert 'id="authenticator_secret"' in page  # allauth's own form is still there
    for words in EXPLAINED:
        assert words in page
    assert page.count("<h1") == 1


def test_it_explains_them_beside_the_codes_themselves() -> None:
    client = signed_in_and_reauthenticated()
    page = client.get("/accounts/2fa/totp/activate/").text
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page)
    assert secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret.group(1))})
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    codes = client.get(response["Location"]).text
    assert 'id="recovery_codes"' in codes  # the codes are shown
    for words in EXPLAINED:
        assert words in codes
    assert 'href="/accounts/2fa/recovery-codes/"' in codes
    new = client.get("/accounts/2fa/recovery-codes/generate/").text
    assert "Each code works only once" in new


def test_the_sign_in_code_page_says_a_recovery_code_works_there_and_it_does() -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = f.person("travelling@example.org", mfa=True)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "travelling@example.org", "password": f.PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    page = client.get("/accounts/2fa/authenticate/").text
    assert "No access to your authenticator app?" in page
    assert "Type one of your recovery codes" in page
    assert page.count("<h1") == 1
    response = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert codes[0] not in RecoveryCodes(recovery).get_unused_codes()  # used once, then gone
