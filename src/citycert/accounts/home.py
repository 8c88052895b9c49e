"""Sections of a city's home (its team page) that the apps above accounts contribute.

The home belongs to this app, but where the city stands is owned higher up: its assessment's
progress, the review, the certification and its renewal. Those apps register a *section
source* when they start (in their AppConfig.ready); the home asks every source for its section.
Data still flows one way: this module never imports them, they import it.

A source is `source(request, access, city) -> Section | None`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Section:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50  # lower comes first


Source = Callable[[HttpRequest, Any, Any], "Section | None"]
_sources: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Add (or replace, by name) a section source."""
    _sources[name] = source


def collect(request: HttpRequest, access: Any, city: Any) -> list[Section]:
    """Every registered source's section for this page, in order."""
    found = [source(request, access, city) for source in _sources.values()]
    return sorted((s for s in found if s is not None), key=lambda s: s.order)
