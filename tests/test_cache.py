"""With CACHE_URL set to Redis, the cache (which allauth's rate limits use) is shared there."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid

import pytest

REDIS = os.environ.get("CITYCERT_TEST_REDIS", "127.0.0.1:6379")


def redis_reachable() -> bool:
    host, port = REDIS.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url() -> str:
    if not redis_reachable():
        if os.environ.get("CITYCERT_REQUIRE_SERVICES") == "1":
            pytest.fail(f"Redis is not reachable at {REDIS}")
        pytest.skip(f"Redis is not reachable at {REDIS}: cache test skipped")
    return f"redis://{REDIS}/15"


def run(code: str, cache_url: str) -> str:
    env = {**os.environ, "CACHE_URL": cache_url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    completed = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return completed.stdout.strip()


def test_two_processes_share_the_redis_cache(redis_url: str) -> None:
    key = f"citycert-test-{uuid.uuid4()}"
    run(f"from django.core.cache import cache; cache.set({key!r}, 'shared', 30)", redis_url)
    seen = run(f"from django.core.cache import cache; print(cache.get({key!r}))", redis_url)
    assert seen == "shared"
