"""Reading settings from the environment: a value that is missing or cannot be read becomes one
ImproperlyConfigured sentence naming its variable, never a ValueError deep in the settings.

`cli.py` prints that sentence and exits; `wsgi.py` and `asgi.py` log it before the server stops.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "on", "yes", "y", "1"}
_FALSE = {"false", "off", "no", "n", "0", ""}
_KINDS = {bool: "true or false", int: "a whole number", float: "a number"}


class Env(environ.Env):  # type: ignore[misc]
    """django-environ's reader, strict about what it accepts."""

    def get_value(
        self,
        var: str,
        cast: Any = None,
        default: Any = environ.Env.NOTSET,
        parse_default: bool = False,
    ) -> Any:
        if var not in self.ENVIRON and default is self.NOTSET:
            raise ImproperlyConfigured(f"{var} is not set: set it in the environment.")
        # django-environ reads any unknown word ("ture") as false; a typo in DEBUG would then
        # silently mean production.
        if (
            cast is bool
            and var in self.ENVIRON
            and self.ENVIRON[var].strip().lower() not in _TRUE | _FALSE
        ):
            raise invalid(var, "it must be true or false")
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except (ValueError, TypeError) as exc:
            raise invalid(var, f"it must be {_KINDS.get(cast, 'readable')}") from exc

    def db_url(self, var: str = "DATABASE_URL", default: Any = environ.Env.NOTSET) -> Any:
        example = "postgres://user:password@host:5432/citycert"
        return self._url(var, default, self.DB_SCHEMES, self.db_url_config, example)

    def cache_url(self, var: str = "CACHE_URL", default: Any = environ.Env.NOTSET) -> Any:
        example = "redis://host:6379/1"
        return self._url(var, default, self.CACHE_SCHEMES, self.cache_url_config, example)

    def email_url(self, var: str = "EMAIL_URL", default: Any = environ.Env.NOTSET) -> Any:
        example = "smtp+tls://user:password@host:587"
        return self._url(var, default, self.EMAIL_SCHEMES, self.email_url_config, example)

    def _url(self, var: str, default: Any, schemes: Any, parse: Any, example: str) -> Any:
        value = self.str(var, default=default)
        reason = f"it must be a URL such as {example}"
        if urlsplit(value).scheme not in schemes:
            raise invalid(var, reason)
        try:
            return parse(value)
        except (ValueError, KeyError, TypeError, ImproperlyConfigured) as exc:
            raise invalid(var, reason) from exc


def invalid(var: str, reason: str) -> ImproperlyConfigured:
    """The error for a variable whose value cannot be used (the value itself is not repeated:
    it may hold a password)."""
    return ImproperlyConfigured(f"{var} is not valid: {reason}.")
