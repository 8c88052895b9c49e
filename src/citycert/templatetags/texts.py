"""Template tags for texts that carry their own translations (see citycert.texts)."""

from __future__ import annotations

from collections.abc import Mapping

from django import template
from django.utils.html import format_html

from citycert.texts import localize

register = template.Library()


@register.simple_tag
def tr(values: Mapping[str, str | None] | None) -> str:
    """The text in the reader's language; an English fallback is wrapped in lang="en"."""
    text = localize(values)
    if text.is_fallback:
        return format_html('<span lang="{}">{}</span>', text.language, text.text)
    return format_html("{}", text.text)


@register.filter
def localized(values: Mapping[str, str | None] | None) -> str:
    """The plain text in the reader's language (for attributes and titles)."""
    return localize(values).text


@register.filter
def country_name(code: str) -> str:
    """An ISO country code as the country's name in the reader's language."""
    from citycert.public.queries import country_name as name

    return name(code)


@register.filter
def level_badge(level: str) -> str:
    """A level as text in its colour (the same markup as public/_level.html, without the cost
    of an include in long tables)."""
    from django.utils.html import format_html

    from citycert.standards.models import Level, level_name

    key = level if level in Level.values else "unknown"
    return format_html('<span class="level level-{}">{}</span>', key, level_name(level))
