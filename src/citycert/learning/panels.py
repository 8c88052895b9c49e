"""The Learn panel on a criterion's page of a city's assessment (see
`citycert.assessments.panels`): the top resources for that criterion, for this reader."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from citycert.assessments.panels import Panel
from citycert.standards.links import CriterionLink

from . import queries


def criterion(request: HttpRequest, access: Any, answer: Any) -> Panel:
    found = answer.criterion
    version = answer.assessment.standard
    found.version = version  # already read with the answer: no query for it
    return Panel(
        "learning/_criterion_panel.html",
        {
            "resources": queries.resources_for(
                found, members=queries.is_member(request.user, access)
            ),
            "code": found.code,
            "version": version.code,
        },
        order=60,
    )


def standard_link() -> CriterionLink:
    """The link from each criterion of the public Standard to its resources."""
    return CriterionLink(_("Learning resources for this criterion"), reverse("learning:list"))
