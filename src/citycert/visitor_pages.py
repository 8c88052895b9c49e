"""Whole pages drawn once per language for visitors who are not signed in, with the parts that
change from one request to the next filled in each time.

The directory is asked for in thousands of forms (every page, order, filter and search), so the
page cache rarely holds the one a crawler or a searching visitor wants. Yet around its rows and
filters the page is the same for every visitor: the head, the header and menus, the headings,
the table's head, the footer. A view that opts in names its changing parts ("slots": strings it
has already escaped) and keeps everything else in its template, which stays the one place the
page's markup is written. The template is drawn once per language with a marker standing for
each slot; later requests join the kept pieces with their own slot values.

Only visitors get a kept copy: signed-in people see their own menus and CSRF tokens, and a page
with a message waiting ("you have signed out") is drawn for its reader alone. The template must
not depend on anything else than its slots, the language and the visitor being signed out (the
language form's return address is put in afterwards, as the shared header does).
"""

from __future__ import annotations

import re
import threading
from typing import Any

from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from citycert.templatetags.layout import HERE, return_address

_SLOT = re.compile("\x00slot:([a-z_]+)\x00")
#: (template, language) -> the page cut at its slots: text, slot name, text, ..., text.
_kept: dict[tuple[str, str], list[str]] = {}
_lock = threading.Lock()


def render_for_visitors(
    request: HttpRequest, template_name: str, slots: dict[str, SafeString | str]
) -> HttpResponse:
    """`template_name` drawn with `slots` as its context (values already escaped, or marked
    safe). For a visitor who is not signed in and has no message waiting, the page is joined
    from the copy kept for the language."""
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated or len(get_messages(request)):
        return render(request, template_name, slots)
    key = (template_name, get_language() or "")
    pieces = _kept.get(key)
    if pieces is None:
        pieces = _cut(request, template_name, list(slots))
        with _lock:
            _kept[key] = pieces
    here = str(escape(return_address(request)))
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(str(slots[piece]))
        else:
            out.append(piece.replace(HERE, here) if HERE in piece else piece)
    return HttpResponse("".join(out))


def _cut(request: HttpRequest, template_name: str, names: list[str]) -> list[str]:
    marks = {name: mark_safe(f"\x00slot:{name}\x00") for name in names}  # noqa: S308 - markers
    # The return address is the one thing the shared header takes from the request.
    had = getattr(request, "public_path", None)
    request.public_path = HERE  # type: ignore[attr-defined]
    try:
        page = render_to_string(template_name, marks, request)
    finally:
        if had is None:
            del request.public_path  # type: ignore[attr-defined]
        else:
            request.public_path = had  # type: ignore[attr-defined]
    return _SLOT.split(page)


def forget(**_kwargs: Any) -> None:
    """Drop the kept pages (a setting they were drawn under changed: tests)."""
    with _lock:
        _kept.clear()


setting_changed.connect(forget, dispatch_uid="citycert.visitor_pages.forget")
