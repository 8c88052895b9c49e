"""What the public face shows a city's own team on its assessment overview (see
`citycert.assessments.panels`): its certification, congratulations once it is announced, where
it stands in its cycle, and the badge code to put on the city's website."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from citycert.assessments.panels import Panel
from citycert.reviews import renewal

from . import badge
from .models import Listing


def certification(request: HttpRequest, access: Any, city: Any, assessment: Any) -> Panel | None:
    if not access.relations:  # the city's own people and admins; not its reviewers
        return None
    row = Listing.objects.filter(city=city).first()
    if row is None:
        return None
    today = timezone.localdate()
    standing = renewal.standing_of(city.pk, today)
    return Panel(
        "public/_certification_panel.html",
        {
            "row": row,
            "standing": standing,
            "fresh": row.awarded_on is not None and (today - row.awarded_on).days <= 90,
            "embed": badge.embed_code(row, request, badge.page_language()),
        },
        order=5,
    )
