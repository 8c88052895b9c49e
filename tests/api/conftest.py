from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from citycert.accounts import services
from citycert.accounts.models import ApiToken, User

API = "/api/v1"


def token_for(user: User, scope: str = ApiToken.Scope.WRITE) -> str:
    """A new personal API token of `user`, as its owner would copy it."""
    return services.create_token(user, "test script", scope).secret


class ApiClient:
    """The test client speaking to the API with a token (or none)."""

    def __init__(self, token: str | None = None):
        self.client = Client(enforce_csrf_checks=True)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, headers=self.headers)

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:
        if "files" in extra:
            return self.client.post(API + path, extra["files"], headers=self.headers)
        return self.client.post(
            API + path, data or {}, content_type="application/json", headers=self.headers
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(API + path, headers=self.headers)

    def put(self, path: str, data: Any) -> Any:
        return self.client.put(
            API + path, data, content_type="application/json", headers=self.headers
        )


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Rate-limit counters live in the cache: every test starts with none."""
    cache.clear()
