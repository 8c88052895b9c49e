"""Each server process keeps the public responses it served in front of the shared cache
(Redis), keyed by the public revision: a hit costs no round trip, and a page of an older
revision is never served once the process knows the revision changed: at once in the process
that changed it, within PUBLIC_REVISION_TTL seconds in the others."""

from __future__ import annotations

from typing import Any

import redis
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from citycert.cities.models import City
from citycert.public import local
from citycert.public.models import Listing, Revision
from citycert.public.services import REVISION_KEY, refresh
from tests.public.conftest import World
from tests.public.test_cache_bounds import kept, shared_cache  # noqa: F401  (a fixture)
from tests.test_cache import redis_url  # noqa: F401  (a fixture)


def rename(name: str, new: str) -> None:
    """What a write elsewhere does: the listing changes and the revision goes up."""
    Listing.objects.filter(name=name).update(name=new)
    Revision.objects.filter(pk=1).update(number=F("number") + 1, changed_at=timezone.now())


def test_a_hit_in_this_process_costs_no_round_trip(
    world: World,
    shared_cache: redis.Redis,  # noqa: F811
) -> None:
    client = Client()
    first = client.get("/cities/").text
    assert kept(shared_cache) == 1
    for key in shared_cache.scan_iter(f"{shared_cache.prefix}:*"):  # the shared copy is gone
        shared_cache.delete(key)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cities/").text == first  # this process's copy
    assert len(queries) == 0


def test_the_process_that_changes_the_revision_never_serves_the_old_page(
    world: World,
    shared_cache: redis.Redis,  # noqa: F811
    settings: Any,
) -> None:
    settings.PUBLIC_REVISION_TTL = 3600
    client = Client()
    assert ">Valdivia<" in client.get("/cities/", {"q": "valdivia"}).text
    City.objects.filter(name="Valdivia").update(name="Valdivia del Sur")
    refresh([City.objects.get(name="Valdivia del Sur").pk])  # raises the revision here
    assert ">Valdivia del Sur<" in client.get("/cities/", {"q": "valdivia"}).text


def test_another_process_s_change_is_seen_once_the_revision_is_read_again(
    world: World,
    shared_cache: redis.Redis,  # noqa: F811
    settings: Any,
) -> None:
    client = Client()
    settings.PUBLIC_REVISION_TTL = 3600
    assert ">Bogotá<" in client.get("/cities/", {"q": "bogota"}).text
    rename("Bogotá", "Bogotá D.C.")
    cache.delete(REVISION_KEY)  # another process's bump_revision, from the shared cache
    # Within PUBLIC_REVISION_TTL this process may still trust the revision it read ...
    assert ">Bogotá<" in client.get("/cities/", {"q": "bogota"}).text
    # ... and once that time is up (here: 0 s), never again.
    settings.PUBLIC_REVISION_TTL = 0
    assert ">Bogotá D.C.<" in client.get("/cities/", {"q": "bogota"}).text
    local.forget_revision()
    settings.PUBLIC_REVISION_TTL = 3600
    assert ">Bogotá D.C.<" in client.get("/cities/", {"q": "bogota"}).text
