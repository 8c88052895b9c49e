"""The server-error page: in the site's layout and the reader's language when it can be drawn,
a plain page in four languages when it cannot (the fault may be in the layout itself)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponseServerError
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
