"""The pages for a refused form and for a server error.

The server-error page: in the site's layout and the reader's language when it can be drawn,
a plain page in four languages when it cannot (the fault may be in the layout itself)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponseForbidden, HttpResponseServerError
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponseServerError:
    # No request context: the context processors may need the database that just failed.
    try:
        html = render_to_string("500.html", {"tone": "error"})
    except Exception:
        logger.exception("The server-error page could not be drawn; the plain one is sent")
        html = render_to_string("500_fallback.html")
    return HttpResponseServerError(html)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseForbidden:
    """A form refused because its security token was missing or stale: most often a page left
    open for hours, or cookies refused. Said in plain words, in the layout; the technical
    reason goes to the log only."""
    logger.info("Form refused by the CSRF check: %s", reason)
    html = render_to_string("403_csrf.html", {"tone": "warning"}, request=request)
    return HttpResponseForbidden(html)
