"""Telling people: emails about the program's steps, in each recipient's language, sent in the
background and kept for the recipient's dashboard.

`notify(kind, recipients, context)` renders accounts/email/<kind>_subject.txt, <kind>.txt and
<kind>.html once per recipient, in that person's language, stores each as a `Notification`
and, once the transaction commits, queues a task that sends it through Django's mailers. A
page therefore never waits on the mail server, and a step that is rolled back tells no one.

Kinds sent this way carry no secret; invitations and password links go out directly
(`emails.send`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification, User


def language_of(user: User) -> str:
    """The language a person reads emails in."""
    known = {code for code, _name in settings.LANGUAGES}
    return user.language if user.language in known else settings.LANGUAGE_CODE


def absolute(path: str) -> str:
    """A full address for links in emails: SITE_URL (e.g. https://certify.example.org) and the
    path. Never the request's host: emails are also sent by the worker and `citycert daily`,
    which have no request, and every link should point to the same address."""
    return str(settings.SITE_URL).rstrip("/") + path


def render(kind: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """The subject, text and HTML of an email of `kind`, in `language`."""
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"accounts/email/{kind}_subject.txt", context).split())
        text = render_to_string(f"accounts/email/{kind}.txt", context)
        html = render_to_string(f"accounts/email/{kind}.html", context)
    return subject, text, html


def notify(
    kind: str,
    recipients: Iterable[User],
    context: dict[str, Any],
    *,
    city: Any = None,
    link: str = "",
) -> list[Notification]:
    """Tell each recipient (once, however often they are listed) about `kind`. `link` is the
    path of the page the email points to; the templates get it as an absolute `link`."""
    seen: set[int] = set()
    made: list[Notification] = []
    for person in recipients:
        if person.pk in seen or not person.is_active or not person.email:
            continue
        seen.add(person.pk)
        language = language_of(person)
        subject, text, html = render(
            kind, {**context, "recipient": person, "link": absolute(link) if link else ""}, language
        )
        made.append(
            Notification.objects.create(
                recipient=person,
                kind=kind,
                city=city,
                language=language,
                subject=subject[:300],
                text=text,
                html=html,
                link=link[:500],
            )
        )
    if made:
        ids = [n.pk for n in made]
        transaction.on_commit(lambda: _enqueue(ids))
    return made


def _enqueue(ids: list[int]) -> None:
    from .tasks import deliver

    for pk in ids:
        deliver.enqueue(pk)


def send_now(notification_id: int) -> bool:
    """Send one stored notification that was not sent yet; returns whether it was sent now.
    The row is locked while it is sent, so two workers never send it twice. A failure is
    recorded on the notification and raised, so that the task shows it."""
    with transaction.atomic():
        found = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if found is None:
            return False
        message = EmailMultiAlternatives(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + found.subject,
            found.text,
            to=[found.recipient.email],
        )
        message.attach_alternative(found.html, "text/html")
        try:
            message.send()
        except Exception as exc:
            failure: Exception | None = exc
        else:
            failure = None
            Notification.objects.filter(pk=found.pk).update(sent_at=timezone.now(), error="")
    if failure is not None:
        Notification.objects.filter(pk=notification_id).update(error=str(failure)[:300])
        raise failure
    return True


def requeue(ids: list[int]) -> None:
    """Queue these notifications' sending again (after a worker stopped)."""
    _enqueue(ids)


def recent(user: User, limit: int = 10) -> list[Notification]:
    """The latest notifications sent to a person, newest first."""
    return list(user.notifications.select_related("city")[:limit])
