"""Background tasks of the assessments app, run by the database worker (`citycert db_worker`)."""

from __future__ import annotations

from django.tasks import task


@task()
def email_snapshot_link(snapshot_id: str, email: str, language: str) -> None:
    """Email the link to a data snapshot's result (see keeping.email_link)."""
    from .keeping import send_link

    send_link(snapshot_id, email, language)
