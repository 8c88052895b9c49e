"""Evidence links: the one rule for what a link may be, for the answer and outcome forms, the
API and the spreadsheet import alike.

A link is an http:// or https:// address with a host (the scheme in any case, as browsers
take it), at most `MAX_LINK_LENGTH` characters; an answer has at most `MAX_LINKS`. Typed text is
split on whitespace (an address has none), one link per line, each kept once. Pure: no
database, no request; messages in the active language.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

SCHEMES = frozenset({"http", "https"})
MAX_LINKS = 20
MAX_LINK_LENGTH = 500


def split(text: str | Iterable[str]) -> list[str]:
    """The links in typed text (or a list of them), in order, each once."""
    parts = text.split() if isinstance(text, str) else [p for t in text for p in t.split()]
    return list(dict.fromkeys(parts))


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def problem(link: str) -> str | None:
    """Why `link` is not an evidence link, as a sentence naming it; None when it is one."""
    if len(link) > MAX_LINK_LENGTH:
        return _("This link is longer than %(max)d characters: “%(link)s”.") % {
            "max": MAX_LINK_LENGTH,
            "link": _quote(link),
        }
    try:
        parts = urlsplit(link)
        good = parts.scheme.lower() in SCHEMES and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        good = False
    if not good:
        return _(
            "“%(link)s” is not a web address. Each link starts with http:// or https://, one "
            "link per line."
        ) % {"link": _quote(link)}
    return None


def too_many(count: int) -> str | None:
    """Why `count` links are too many for one answer; None when they are not."""
    if count <= MAX_LINKS:
        return None
    return _("There are %(count)d links; the limit is %(max)d per criterion.") % {
        "count": count,
        "max": MAX_LINKS,
    }
