"""The program's languages as model choices: a callable, so that the migrations name it rather
than copy today's list, and adding a language (settings.LANGUAGES) changes no migration."""

from __future__ import annotations

from django.conf import settings


def choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]
