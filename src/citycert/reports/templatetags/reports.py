"""Template helpers for the report (page and PDF)."""

from __future__ import annotations

from collections.abc import Mapping

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from citycert.standards.models import level_name as standard_level_name
from citycert.texts import localize

register = template.Library()


@register.simple_tag
def trm(values: Mapping[str, str | None] | None) -> str:
    """A standard text in the reader's language; an English fallback says so, in words and
    with lang="en"."""
    text = localize(values)
    if text.is_fallback and text.text:
        return format_html(
            '<span lang="{}">{}</span> <span class="fallback">({})</span>',
            text.language,
            text.text,
            _("in English"),
        )
    return format_html("{}", text.text)


@register.filter
def level_name(level: str | None) -> str:
    """The level's name in the reader's language."""
    return standard_level_name(level)


@register.filter
def bar(percent: float, scale: float = 4.0) -> float:
    """A share (0-100) as a length in the chart's units."""
    return round(max(0.0, min(100.0, float(percent))) * scale, 1)


@register.filter
def plus(value: float, offset: float) -> float:
    return round(float(value) + float(offset), 1)


@register.filter
def times(value: float, factor: float) -> float:
    return round(float(value) * float(factor), 1)
