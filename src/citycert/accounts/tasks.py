"""Background tasks of the accounts app, run by the database worker (`citycert db_worker`)."""

from __future__ import annotations

from django.tasks import task


@task()
def deliver(notification_id: int) -> None:
    """Send one notification by email (see notifications.send_now)."""
    from .notifications import send_now

    send_now(notification_id)
