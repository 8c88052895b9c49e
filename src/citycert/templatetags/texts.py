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
