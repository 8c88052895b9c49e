"""Starting the site under a server: a setting that is missing or cannot be read is logged as
one sentence, the first thing an operator sees, before the server stops."""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured


def configured[App](make: Callable[[], App]) -> App:
    """`make()` (Django's get_wsgi_application or get_asgi_application), or, when the settings
    are wrong, the reason on standard error (the server's log) and the error raised again so
    that the server refuses to start rather than serve a broken site."""
    try:
        return make()
    except ImproperlyConfigured as exc:
        # Logging is not set up yet (it comes from the settings), so write the line directly.
        message = " ".join(str(exc).split())
        print(f"citycert cannot start: {message}", file=sys.stderr, flush=True)
        raise ImproperlyConfigured(message) from None
