"""The site's header and footer, made once per language and page for visitors who are not
signed in.

For such a visitor the header and footer are the same for everyone: the menu, the sign-in
links, the language form. Only the address the language form returns to differs, and it is
put in afterwards. Building them through the template engine was a large share of every public
page that the page cache did not already hold; signed-in people get them built for them (their
menus, their name, a CSRF token).
"""

from __future__ import annotations

import html
import threading
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.http import QueryDict
from django.template.base import Parser, Token
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

#: Stands in for the return address while the shared copy is made; never in a real address.
HERE = "\x00here\x00"
#: How many shared copies a process keeps (pages x languages x parts: a few hundred at most).
_LIMIT = 1000
_lock = threading.Lock()
_kept: dict[tuple[str, ...], str] = {}


def return_address(request: Any) -> str:
    """Where the language form sends the reader back to: the page as cached pages know it
    (only the query parameters the page reads), else the full address."""
    return str(getattr(request, "public_path", None) or request.get_full_path())


class SharedNode(template.Node):
    def __init__(self, name: str, nodelist: template.NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        request = context.get("request")
        user = context.get("user")
        if request is None or user is None or user.is_authenticated:
            with context.push(return_address=return_address(request) if request else ""):
                return mark_safe(self.nodelist.render(context))  # noqa: S308 - template output
        here = getattr(request, "resolver_match", None)
        key = (
            self.name,
            get_language() or "",
            getattr(here, "namespace", "") or "",
            getattr(here, "url_name", "") or "",
        )
        shared = _kept.get(key)
        if shared is None:
            with context.push(return_address=HERE):
                shared = self.nodelist.render(context)
            with _lock:
                if len(_kept) >= _LIMIT:
                    _kept.clear()
                _kept[key] = shared
        return mark_safe(shared.replace(HERE, escape(return_address(request))))  # noqa: S308


@register.tag("shared_for_visitors")
def shared_for_visitors(parser: Parser, token: Token) -> SharedNode:
    """{% shared_for_visitors "header" %} ... {% endshared_for_visitors %}: the content is made
    once per language and page for visitors who are not signed in (it must depend on nothing
    else: `return_address` stands for the page's address)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("shared_for_visitors takes one name")
    nodelist = parser.parse(("endshared_for_visitors",))
    parser.delete_first_token()
    return SharedNode(bits[1].strip("\"'"), nodelist)


@register.simple_tag(takes_context=True)
def pagination(context: template.Context) -> SafeString:
    """{% pagination %}: the links to the previous and next pages of `page` (a Django Page in
    the context), keeping the query parameters `page_query` names (the request's own when the
    context has none)."""
    query = context.get("page_query")
    return pagination_links(context.get("page"), context["request"].GET if query is None else query)


def pagination_links(page: Any, query: QueryDict) -> SafeString:
    """The links to the pages before and after `page`, keeping the parameters of `query`;
    nothing for a list on one page. Written in Python: every list page draws it, and through
    the template engine it cost as much as the rest of the directory's table."""
    if page is None or page.paginator.num_pages <= 1:
        return mark_safe("")

    def link(number: int, text: str) -> str:
        kept = query.copy()
        kept["page"] = str(number)
        return f'<a href="?{html.escape(kept.urlencode())}">{html.escape(text)}</a>'

    parts = [f'\n<nav aria-label="{html.escape(_("Pages"))}" class="pagination">\n  ']
    if page.has_previous():
        parts.append(link(page.previous_page_number(), _("Previous page")))
    where = _("Page %(n)s of %(total)s") % {"n": page.number, "total": page.paginator.num_pages}
    parts.append(f"\n  <span>{html.escape(where)}</span>\n  ")
    if page.has_next():
        parts.append(link(page.next_page_number(), _("Next page")))
    parts.append("\n</nav>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value went through escape()


def _forget(**_kwargs: Any) -> None:
    """Drop the shared copies (a setting they were made under changed: tests)."""
    with _lock:
        _kept.clear()


setting_changed.connect(_forget, dispatch_uid="citycert.templatetags.layout.forget")
