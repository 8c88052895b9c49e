"""Telling a CDN in front of citycert that public responses changed.

Public responses carry `Surrogate-Key` (PUBLIC_SURROGATE_KEY) and `Surrogate-Control`, so a CDN
(Varnish with the xkey module, docs/deploy.md) keeps them and can drop them all by that key.
When the public revision changes (`services.bump_revision`), `schedule_purge` queues two
purges as background tasks once the transaction commits: one at once, and one CDN_PURGE_DELAY
seconds later, for a page made from the old data while the change was committing (a process
may trust its copy of the revision for PUBLIC_REVISION_TTL seconds). No request waits on the
CDN, and a CDN that does not answer is logged, never raised: its copies expire by themselves
after CDN_MAX_AGE seconds.
"""

from __future__ import annotations

import datetime as dt
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)


def mark(response: HttpResponse) -> None:
    """Let a CDN keep this public response, under the public key."""
    response["Surrogate-Key"] = settings.PUBLIC_SURROGATE_KEY
    response["Surrogate-Control"] = f"max-age={settings.CDN_MAX_AGE}"


def purge(key: str) -> bool:
    """Ask the CDN to drop every response kept under `key`; False (logged) when it could not."""
    url = settings.CDN_PURGE_URL
    if not url:
        return False
    request = urllib.request.Request(url, method="PURGE", headers={"xkey-purge": key})  # noqa: S310 - the operator's URL
    try:
        with urllib.request.urlopen(request, timeout=settings.CDN_PURGE_TIMEOUT) as answer:  # noqa: S310
            ok: bool = 200 <= answer.status < 300
    except (urllib.error.URLError, OSError) as error:
        logger.warning("CDN purge of %s at %s failed: %s", key, url, error)
        return False
    if not ok:
        logger.warning("CDN purge of %s at %s answered %s", key, url, answer.status)
    return ok


def schedule_purge() -> None:
    """Queue the purge of the public key now and again after CDN_PURGE_DELAY seconds (call it
    once the change has committed). Does nothing without CDN_PURGE_URL."""
    if not settings.CDN_PURGE_URL:
        return
    from .tasks import purge_cdn

    key = settings.PUBLIC_SURROGATE_KEY
    try:
        purge_cdn.enqueue(key)
        later = timezone.now() + dt.timedelta(seconds=settings.CDN_PURGE_DELAY)
        purge_cdn.using(run_after=later).enqueue(key)
    except Exception:  # a purge that could not be queued must not fail the change made
        logger.exception("could not queue the CDN purge of %s", key)
