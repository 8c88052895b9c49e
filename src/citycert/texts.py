"""Texts that carry their own translations: {"en": "...", "es": "...", "pt": null, "fr": null}.

Standard texts (criterion titles, statements, checklists) are data, not gettext strings: each comes
with a value per language, and English is the one every text must have. Reading one picks the
reader's language and falls back to English, saying so, so that pages can mark the fallback with
lang="en" for screen readers and reports can flag missing translations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import get_language

FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class LocalizedText:
    text: str
    language: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text


def localize(values: Mapping[str, str | None] | None, language: str | None = None) -> LocalizedText:
    """The text for `language` (the active language by default), else the English one."""
    values = values or {}
    wanted = (language or get_language() or FALLBACK_LANGUAGE).split("-")[0]
    text = values.get(wanted)
    if text:
        return LocalizedText(text, wanted, is_fallback=False)
    return LocalizedText(
        values.get(FALLBACK_LANGUAGE) or "", FALLBACK_LANGUAGE, is_fallback=wanted != "en"
    )
