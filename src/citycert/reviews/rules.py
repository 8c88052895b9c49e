"""How long certifications last, and the windows around them, per Standard version.

Program admins set them in the app (`save`, audited); a version without its own rules takes
the settings' defaults. A certification is published with its end date and keeps it: new
rules apply to certifications published after they change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from citycert.accounts.models import User
from citycert.standards.models import StandardVersion

from .models import CertificationRules


@dataclass(frozen=True)
class Rules:
    valid_years: int | None  # None: no end date
    renewal_window_days: int
    grace_days: int
    appeal_window_days: int
    custom: bool = False  # set by an admin, not the defaults

    def valid_until(self, awarded_on: dt.date) -> dt.date | None:
        return years_after(awarded_on, self.valid_years) if self.valid_years else None


def defaults() -> Rules:
    return Rules(
        valid_years=settings.CERTIFICATION_VALID_YEARS,
        renewal_window_days=settings.CERTIFICATION_RENEWAL_WINDOW_DAYS,
        grace_days=settings.CERTIFICATION_GRACE_DAYS,
        appeal_window_days=settings.APPEAL_WINDOW_DAYS,
    )


def _of(row: CertificationRules) -> Rules:
    return Rules(
        row.valid_years, row.renewal_window_days, row.grace_days, row.appeal_window_days, True
    )


def for_standard(standard: StandardVersion) -> Rules:
    row = CertificationRules.objects.filter(standard=standard).first()
    return _of(row) if row is not None else defaults()


def for_standards(ids: set[int]) -> dict[int, Rules]:
    """`for_standard` for several versions in one query."""
    rows = {r.standard_id: _of(r) for r in CertificationRules.objects.filter(standard_id__in=ids)}
    return {pk: rows.get(pk) or defaults() for pk in ids}


@transaction.atomic
def save(
    standard: StandardVersion,
    *,
    valid_years: int | None,
    renewal_window_days: int,
    grace_days: int,
    appeal_window_days: int,
    by: User,
) -> CertificationRules:
    row, _created = CertificationRules.objects.update_or_create(
        standard=standard,
        defaults={
            "valid_years": valid_years,
            "renewal_window_days": renewal_window_days,
            "grace_days": grace_days,
            "appeal_window_days": appeal_window_days,
            "updated_by": by,
        },
    )
    return row


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
