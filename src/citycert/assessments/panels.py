"""Panels on the city's assessment overview that the parts above assessments contribute.

The overview belongs to this app, but some of what a city team must see there is owned higher
up: the certification team's questions, the decision and any appeal, the certification and its
badge. Those apps register a *panel source* when they start (in their AppConfig.ready); the
overview asks every source for its panel. Data still flows one way: this module never imports
them, they import it.

A source is `source(request, access, city, assessment) -> Panel | None`; `assessment` is the
city's open assessment, or None when it has none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50  # lower comes first


Source = Callable[[HttpRequest, Any, Any, Any], "Panel | None"]
_sources: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Add (or replace, by name) a panel source."""
    _sources[name] = source


def collect(request: HttpRequest, access: Any, city: Any, assessment: Any) -> list[Panel]:
    """Every registered source's panel for this page, in order."""
    found = [source(request, access, city, assessment) for source in _sources.values()]
    return sorted((p for p in found if p is not None), key=lambda p: p.order)


# Panels on one criterion's page of the assessment ----------------------------------------------

#: A criterion source is `source(request, access, answer) -> Panel | None`, for the page of one
#: answer (its criterion is `answer.criterion`); the learning resources register one.
CriterionSource = Callable[[HttpRequest, Any, Any], "Panel | None"]
_criterion_sources: dict[str, CriterionSource] = {}


def register_criterion(name: str, source: CriterionSource) -> None:
    """Add (or replace, by name) a panel source for the criterion page."""
    _criterion_sources[name] = source


def collect_criterion(request: HttpRequest, access: Any, answer: Any) -> list[Panel]:
    """Every registered criterion source's panel for this answer's page, in order."""
    found = [source(request, access, answer) for source in _criterion_sources.values()]
    return sorted((p for p in found if p is not None), key=lambda p: p.order)
