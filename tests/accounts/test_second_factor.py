"""The second-factor step is limited per person and address, and wrong codes count toward the
same lockout as wrong passwords."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from tests import factories as f
from tests.accounts.test_journeys import current_code

pytestmark = pytest.mark.django_db


def at_second_step(email: str, address: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"login": email, "password": f.PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    return client


def secret_of(user) -> str:  # type: ignore[no-untyped-def]
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return str(TOTP(authenticator).instance.data["secret"])


def test_wrong_codes_lock_the_second_step_then_the_right_one_is_refused() -> None:
    staff = f.person("staff@example.org", admin=True, mfa=True)
    client = at_second_step(staff.email)
    for _ in range(5):
        wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
        assert wrong.status_code in (200, 429)
    right = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret_of(staff))})
    assert right.status_code == 429
    assert "Too many attempts" in right.text and "citycert" in right.text  # our layout
    assert "_auth_user_id" not in client.session
    # The same lockout holds for the password, from that address.
    again = Client(REMOTE_ADDR="10.0.0.1")
    locked = again.post("/accounts/login/", {"login": staff.email, "password": f.PASSWORD})
    assert locked.status_code == 429
    # From another address the person can still sign in.
    elsewhere = at_second_step(staff.email, "10.0.0.2")
    ok = elsewhere.post("/accounts/2fa/authenticate/", {"code": current_code(secret_of(staff))})
    assert ok.status_code == 302 and "_auth_user_id" in elsewhere.session


def test_recovery_codes_are_limited_as_well() -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    staff = f.person("keeper@example.org", admin=True, mfa=True)
    codes = RecoveryCodes.activate(staff).get_unused_codes()
    client = at_second_step(staff.email)
    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": "12345678"})
    refused = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert refused.status_code == 429 and "_auth_user_id" not in client.session


def test_a_few_mistakes_do_not_lock_anyone_out() -> None:
    staff = f.person("typo@example.org", admin=True, mfa=True)
    client = at_second_step(staff.email)
    for _ in range(2):
        assert client.post("/accounts/2fa/authenticate/", {"code": "000000"}).status_code == 200
    ok = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret_of(staff))})
    assert ok.status_code == 302
