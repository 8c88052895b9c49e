"""Background tasks of the public app, run by the database worker (`citycert db_worker`)."""

from __future__ import annotations

from django.tasks import task


@task()
def purge_cdn(key: str) -> bool:
    """Ask the CDN to drop the public responses kept under `key` (see cdn.schedule_purge)."""
    from .cdn import purge

    return purge(key)
