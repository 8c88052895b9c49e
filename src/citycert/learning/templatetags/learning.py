"""Learn links in pages of other apps (the report's opportunities and roadmap): the view puts
the resources found per criterion code in the context as `learning`; pages without it (the
PDF) show nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("learning/_links.html")
def learn_links(
    learning: Mapping[str, Any] | str | None, code: str, version: str, heading: int = 0
) -> dict[str, Any]:
    """The resources for criterion `code` as a short list of links, with the way to all of
    them; nothing when `learning` is not given."""
    shown = isinstance(learning, Mapping)
    return {
        "shown": shown,
        "resources": learning.get(code, []) if isinstance(learning, Mapping) else [],
        "code": code,
        "version": version,
        "heading": heading,
    }
