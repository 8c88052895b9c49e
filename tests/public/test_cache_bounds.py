"""What anyone can make the public cache keep is bounded: parameters a page does not read make
no key, searches that find nothing (or are long) are not kept, nor are filters that do not
validate; and anonymous visitors get a generous number of pages per address. Checked on Redis,
where production keeps the cache."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.public.conftest import World
from tests.test_cache import redis_url  # noqa: F401  (a fixture)


@pytest.fixture
def shared_cache(settings, redis_url: str) -> Iterator[redis.Redis]:  # type: ignore[no-untyped-def]  # noqa: F811
    """The cache on Redis, under a prefix of its own; yields a client to count its keys."""
    prefix = f"citycert-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    client = redis.Redis.from_url(redis_url)
    client.prefix = prefix  # type: ignore[attr-defined]
    yield client
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def kept(store: redis.Redis) -> int:
    """How many responses the public cache holds."""
    return sum(1 for _ in store.scan_iter(f"{store.prefix}:*public:r:*"))  # type: ignore[attr-defined]


def test_parameters_a_page_does_not_read_make_no_new_key(
    world: World, shared_cache: redis.Redis
) -> None:
    client = Client()
    assert client.get("/cities/").status_code == 200
    assert kept(shared_cache) == 1
    for junk in ("?utm_source=mail", "?x=1&y=2", f"?{secrets.token_hex(8)}=1"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/cities/{junk}")
        assert response.status_code == 200
        assert len(queries) == 0, junk  # served from the kept copy
    assert kept(shared_cache) == 1
    # A badge in another language is kept once; an unknown language is drawn, not kept.
    slug = world.certified.assessment.city.slug
    client.get(f"/badge/{slug}.svg?lang=es")
    client.get(f"/badge/{slug}.svg?lang=es&v=2")
    assert kept(shared_cache) == 2
    assert client.get(f"/badge/{slug}.svg?lang=xx").status_code == 200
    assert kept(shared_cache) == 2


def test_random_searches_leave_the_cache_as_it_was(world: World, shared_cache: redis.Redis) -> None:
    client = Client()
    for _ in range(60):
        assert client.get("/cities/map/", {"q": secrets.token_hex(6)}).status_code == 200
        assert client.get("/cities/", {"q": secrets.token_hex(6)}).status_code == 200
    assert kept(shared_cache) == 0
    # Filters that do not validate, and a page that does not exist, are not kept either.
    for query in ({"country": "ZZ"}, {"year": "abc"}, {"page": "9999"}, {"page": "x"}):
        assert client.get("/cities/", query).status_code == 200
    assert kept(shared_cache) == 0
    # A search that finds a city is kept; a long one is made afresh each time.
    page = client.get("/cities/", {"q": "Valdivia"})
    assert "Valdivia" in page.text and kept(shared_cache) == 1
    long = "Valdivia" + " " * 30 + "x"
    assert client.get("/cities/", {"q": long}).status_code == 200
    assert kept(shared_cache) == 1


def test_links_on_a_kept_page_carry_only_what_the_page_reads(
    world: World, shared_cache: redis.Redis
) -> None:
    page = Client().get("/cities/", {"country": "CL", "tracking": "evil"}).text
    assert "tracking" not in page and "evil" not in page
    assert "/cities/map/?country=CL" in page


def test_anonymous_visitors_get_a_generous_number_of_pages(
    world: World, settings, shared_cache: redis.Redis
) -> None:  # type: ignore[no-untyped-def]
    settings.PUBLIC_RATE_ANONYMOUS = "5/min"
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        assert visitor.get("/cities/", {"q": secrets.token_hex(4)}).status_code == 200
    refused = visitor.get("/cities/", {"q": "more"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "Too many requests" in refused.text and "<nav" in refused.text  # our layout
    # A made-up session cookie changes nothing; another address is counted on its own.
    visitor.cookies["sessionid"] = "made-up"
    assert visitor.get("/stats/").status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.8").get("/stats/").status_code == 200
    # The API keeps its own limits.
    assert visitor.get("/api/v1/cities").status_code == 200
