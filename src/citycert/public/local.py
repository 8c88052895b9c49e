"""A small cache inside each server process, in front of the shared cache (Redis).

With a shared cache every cached response costs round trips: one for the public revision, one
for the response. This process keeps the revision it read for PUBLIC_REVISION_TTL seconds, and
the responses (and other values, such as the directory's filter values) it served most recently,
keyed by that revision. A key that names the revision can never be served after the revision
changed; a process learns of a change made elsewhere within PUBLIC_REVISION_TTL seconds (the
process that made it, at once: `forget_revision`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from django.conf import settings

_lock = threading.Lock()
_items: OrderedDict[str, Any] = OrderedDict()
_revision: tuple[str, float] | None = None  # (value, when it was read: time.monotonic())


def cached_revision() -> str | None:
    """The revision this process read less than PUBLIC_REVISION_TTL seconds ago, if any."""
    held = _revision
    if held is None or time.monotonic() - held[1] >= settings.PUBLIC_REVISION_TTL:
        return None
    return held[0]


def keep_revision(value: str) -> None:
    global _revision
    _revision = (value, time.monotonic())


def forget_revision() -> None:
    """Forget the revision (this process changed it): the next request reads it afresh."""
    global _revision
    _revision = None


def get(key: str) -> Any:
    """The value kept under `key`, or None; it becomes the most recently used."""
    with _lock:
        value = _items.get(key)
        if value is not None:
            _items.move_to_end(key)
        return value


def put(key: str, value: Any, size: int = 0) -> None:
    """Keep `value` (of about `size` bytes: larger than PUBLIC_LOCAL_CACHE_MAX_BYTES, it is
    not kept), dropping the least recently used past PUBLIC_LOCAL_CACHE_ITEMS."""
    limit = settings.PUBLIC_LOCAL_CACHE_ITEMS
    if limit <= 0 or size > settings.PUBLIC_LOCAL_CACHE_MAX_BYTES:
        return
    with _lock:
        _items[key] = value
        _items.move_to_end(key)
        while len(_items) > limit:
            _items.popitem(last=False)


def clear() -> None:
    """Forget everything (tests; a process that changed the revision need not)."""
    forget_revision()
    with _lock:
        _items.clear()
