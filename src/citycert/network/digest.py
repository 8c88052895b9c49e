"""The weekly digest: new resources, upcoming events and network news, emailed to the network
members who asked for it (`MemberProfile.digest`).

`send_digest(today)` runs from `citycert daily`. It sends on the digest's weekday
(NETWORK_DIGEST_WEEKDAY, Monday by default) or, if that run was missed, on a later day of the
same ISO week; each person receives one digest per week (`DigestSent`), however often it runs.
The digest covers the seven days before the week's digest day, and is made of the sections other
apps register (sections.py). A week with nothing to say sends nothing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from citycert.accounts.notifications import language_of, notify
from citycert.assessments.network import members

from . import sections
from .models import DigestSent, MemberProfile


def week_of(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_day(today: dt.date) -> dt.date | None:
    """The digest day of `today`'s week, if it has come (None before it)."""
    weekday = int(getattr(settings, "NETWORK_DIGEST_WEEKDAY", 0))
    if today.weekday() < weekday:
        return None
    return today - dt.timedelta(days=today.weekday() - weekday)


def send_digest(today: dt.date) -> int:
    """Send this week's digest to every opted-in member who has not received it; returns how
    many were sent."""
    day = digest_day(today)
    if day is None:
        return 0
    week = week_of(day)
    until = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    since = until - dt.timedelta(days=7)
    recipients = (
        MemberProfile.objects.filter(
            digest=True, user__is_active=True, user__in=members().values("pk")
        )
        .exclude(user__in=DigestSent.objects.filter(week=week).values("recipient"))
        .select_related("user")
        .order_by("user_id")
    )
    # Each language's sections are made once: their titles in that language.
    made: dict[str, list[sections.DigestSection]] = {}
    sent = 0
    for profile in recipients:
        person = profile.user
        language = language_of(person)
        if language not in made:
            with translation.override(language):
                made[language] = sections.digest_sections(since, until)
        if not made[language]:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(week=week, recipient=person)
                notify(
                    "network_digest",
                    [person],
                    {"sections": made[language], "week": week},
                    link=reverse("network:profile"),
                )
        except IntegrityError:
            continue  # another run sent it at the same moment
        sent += 1
    return sent
