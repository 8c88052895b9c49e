"""Where each certified city stands in its cycle, and reminding it to renew.

A city's *current award* is its latest published, uncorrected certification with a level (a
"not re-certified" record is not an award: the earlier award stays valid until it ends). Its
status on a day:
- valid: no end date, or the end is still ahead ("renewal due" once the renewal window of the
  version's rules has opened);
- renewal in progress: the end has passed, but the city submitted its renewal (a new
  assessment) on or before the end and it is not decided yet; for the grace period of the
  rules after the end;
- expired: after that. It stays in the city's history and the open data, leaves current counts,
  and its badge says so.

`send_reminders(today)` reminds every lead and every coach of a city (never one person only)
at the configured days before the end (RENEWAL_REMINDER_DAYS: 180, 90, 30 and the day itself),
each person once for each point, in their language. It is idempotent: run it daily; a day
missed is caught up the next run, and a city that has submitted its renewal is not reminded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from citycert.accounts.models import Membership, User
from citycert.accounts.notifications import notify
from citycert.assessments.models import Assessment

from . import rules
from .models import Certification, RenewalReminder


class Status(StrEnum):
    VALID = "valid"
    DUE = "due"  # valid, in the renewal window
    RENEWAL = "renewal"  # ended, renewal submitted in time, in the grace period
    EXPIRED = "expired"


LABELS = {
    Status.VALID: _("Valid"),
    Status.DUE: _("Renewal due"),
    Status.RENEWAL: _("Renewal in progress"),
    Status.EXPIRED: _("Expired"),
}


def status(
    valid_until: dt.date | None,
    renewal_until: dt.date | None,
    today: dt.date,
    renewal_window_days: int = 0,
) -> Status:
    """A certification's status on `today` (see the module's description)."""
    if valid_until is None:
        return Status.VALID
    if today <= valid_until:
        if renewal_window_days and (valid_until - today).days <= renewal_window_days:
            return Status.DUE
        return Status.VALID
    if renewal_until is not None and today <= renewal_until:
        return Status.RENEWAL
    return Status.EXPIRED


@dataclass(frozen=True)
class Renewal:
    """A city's current award as renewal sees it."""

    certification: Certification
    renewal: Assessment | None  # submitted on or before the end, not decided yet
    renewal_until: dt.date | None  # the end of the grace period, if renewing in time
    status: Status

    @property
    def status_label(self) -> str:
        return str(LABELS[self.status])


def current_awards(
    city_ids: Iterable[int] | None = None, *, ending: tuple[dt.date, dt.date] | None = None
) -> dict[int, Certification]:
    """Each city's current award (one query), or only those that end between the two dates
    of `ending`. The database ranks each city's awards by cohort (labels, "2019" or "2019-08",
    sort as text in the order of time: a year alone before that year's months) and keeps the
    latest, so a city's whole history never reaches Python."""
    certs = (
        Certification.objects.filter(published_at__isnull=False, superseded_by__isnull=True)
        .exclude(event=Certification.Event.NOT_RECERTIFIED)
        .order_by()
    )
    if city_ids is not None:
        certs = certs.filter(city_id__in=list(city_ids))
    latest = certs.annotate(
        recency=Window(
            RowNumber(),
            partition_by=[F("city_id")],
            order_by=[F("cohort__label").desc(), F("pk").desc()],
        )
    ).filter(recency=1)
    chosen = Certification.objects.filter(pk__in=latest.values("pk"))
    if ending is not None:
        chosen = chosen.filter(valid_until__range=ending)
    # The few standard versions once each, not once per row (they carry the Standard's texts).
    rows = chosen.select_related("city", "cohort").prefetch_related("standard").order_by()
    return {cert.city_id: cert for cert in rows}


#: The states of a renewal still under way: in review, or its decision under appeal.
UNDER_WAY = (*Assessment.REVIEW_STATES, Assessment.State.APPEALED)


def renewing(city_ids: Iterable[int]) -> dict[int, Assessment]:
    """Each city's assessment submitted and not settled yet (its renewal, for a certified
    city): in review, or decided and under appeal."""
    return {
        a.city_id: a
        for a in Assessment.objects.filter(
            city_id__in=list(city_ids), state__in=UNDER_WAY, submitted_at__isnull=False
        ).only("id", "city_id", "state", "submitted_at")
    }


def last_submitted(city_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """When each city last submitted an assessment."""
    return dict(
        Assessment.objects.filter(city_id__in=list(city_ids), submitted_at__isnull=False)
        .values_list("city_id")
        .annotate(last=Max("submitted_at"))
        .order_by()
    )


def standings(
    city_ids: Iterable[int] | None = None,
    *,
    today: dt.date,
    ending: tuple[dt.date, dt.date] | None = None,
) -> list[Renewal]:
    """The current award of each city (of these cities; of those that end between the dates
    of `ending`), with its renewal and status; those with an end date first, soonest first."""
    awards = current_awards(city_ids, ending=ending)
    submitted = renewing(awards)
    by_standard = rules.for_standards({c.standard_id for c in awards.values()})
    found = []
    for city_id, cert in awards.items():
        rule = by_standard[cert.standard_id]
        renewal = submitted.get(city_id)
        in_time = (
            renewal is not None
            and cert.valid_until is not None
            and renewal.submitted_at is not None
            and renewal.submitted_at.date() <= cert.valid_until
        )
        until = (
            cert.valid_until + dt.timedelta(days=rule.grace_days)
            if in_time and cert.valid_until
            else None
        )
        found.append(
            Renewal(
                cert,
                renewal if in_time else None,
                until,
                status(cert.valid_until, until, today, rule.renewal_window_days),
            )
        )
    return sorted(
        found,
        key=lambda r: (r.certification.valid_until is None, r.certification.valid_until or today),
    )


def standing_of(city_id: int, today: dt.date) -> Renewal | None:
    found = standings([city_id], today=today)
    return found[0] if found else None


def _recipients(certification: Certification) -> list[User]:
    """Every lead and every coach of the city."""
    city = certification.city
    leads = [
        m.user
        for m in city.memberships.filter(role=Membership.Role.LEAD).select_related("user")
        if m.user.is_active
    ]
    from citycert.partners.queries import coaches_of

    return [*leads, *(c for c in coaches_of(city) if c not in leads)]


def send_reminders(today: dt.date) -> int:
    """Send the renewal reminders due on or before `today` that were not sent yet; returns
    how many people were reminded."""
    points = sorted(settings.RENEWAL_REMINDER_DAYS, reverse=True)
    if not points:
        return 0
    horizon = today + dt.timedelta(days=max(points))
    sent = 0
    due = [
        r
        for r in standings(today=today, ending=(today, horizon))
        if r.certification.valid_until is not None
        and today <= r.certification.valid_until <= horizon
    ]
    submitted = last_submitted(r.certification.city_id for r in due)
    for renewal in due:
        cert = renewal.certification
        last = submitted.get(cert.city_id)
        if last is not None and cert.awarded_on is not None and last.date() > cert.awarded_on:
            continue  # the city has submitted its renewal already
        days_left = ((cert.valid_until or today) - today).days
        # The latest point reached: one reminder per point, but only the nearest is sent
        # when several were missed (a new certification close to its end, a stopped task).
        point = min(p for p in points if p >= days_left)
        for person in _recipients(cert):
            if RenewalReminder.objects.filter(
                certification=cert, recipient=person, days_before__lte=point
            ).exists():
                continue
            try:
                with transaction.atomic():
                    RenewalReminder.objects.create(
                        certification=cert, days_before=point, recipient=person
                    )
                    notify(
                        "renewal_reminder",
                        [person],
                        {
                            "city": cert.city,
                            "certification": cert,
                            "days_left": days_left,
                        },
                        city=cert.city,
                        link=reverse("assessments:overview", args=[cert.city.slug]),
                    )
            except IntegrityError:
                continue  # another run sent it at the same moment
            sent += 1
    return sent
