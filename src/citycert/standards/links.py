"""Links the apps above standards add to each criterion of the public Standard's pages.

A higher app (the learning resources) registers a page that lists what it has for one
criterion, reached with `?standard=<version>&criterion=<code>`; each criterion of the public
Standard links to it. This module never imports those apps: they register here when they
start (in their AppConfig.ready), so data still flows one way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CriterionLink:
    label: str  # what the link says, translated when the page is drawn
    url: str  # a page taking ?standard=<version>&criterion=<code>


Source = Callable[[], CriterionLink]
_sources: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Add (or replace, by name) a link every criterion gets."""
    _sources[name] = source


def collect() -> list[CriterionLink]:
    """Every registered link, in the order registered."""
    return [source() for source in _sources.values()]
