"""The certification badge, as a small SVG other sites embed."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from citycert.standards.models import level_name

from .models import Listing

#: Fill colours: white text on each has a contrast of at least 4.5:1.
COLOURS = {"platinum": "#3d4b5c", "gold": "#7a5200", "silver": "#4f5b66", "": "#4f5b66"}
EXPIRED = "#6b6b6b"
LABEL = "#1f2a44"
#: A shape per level, so that colour is never the only signal.
GLYPHS = {"platinum": "\u2605", "gold": "\u25c6", "silver": "\u25cf", "": ""}
HEIGHT = 20
#: The language of the badge's plain address (/badge/<slug>.svg, without ?lang=).
DEFAULT_LANGUAGE = "en"


def text_width(text: str) -> int:
    """An estimate, in pixels, of `text` in 11px DejaVu Sans / Verdana."""
    width = 0.0
    for ch in text:
        if ch in "iljtf.,:;'!| ":
            width += 3.6
        elif ch in "mwMW":
            width += 9.8
        elif ch.isupper() or ch in "\u2605\u25c6\u25cf":
            width += 7.6
        else:
            width += 6.6
    return int(width + 0.5)


def alt_text(row: Listing) -> str:
    """What the badge says, as one sentence for an image's alt text (in the active language).
    A certification announced without a level has a sentence of its own: it must not read
    "Certified certified city"."""
    if row.level:
        return _("%(city)s: certified city, %(level)s level") % {
            "city": row.name,
            "level": level_name(row.level),
        }
    return _("%(city)s: certified city") % {"city": row.name}


def page_language() -> str:
    """The active language, for a page's badge: one the site speaks, else English."""
    language = get_language() or DEFAULT_LANGUAGE
    return language if language in dict(settings.LANGUAGES) else DEFAULT_LANGUAGE


def badge_path(slug: str, language: str) -> str:
    """The badge's address in `language`; English is the plain address (kept as it always was)."""
    path = reverse("public:badge_svg", args=[slug])
    return path if language == DEFAULT_LANGUAGE else f"{path}?lang={language}"


def embed_code(row: Listing, request: HttpRequest, language: str = DEFAULT_LANGUAGE) -> str:
    """The HTML a city puts on its website to show its badge, linked to its profile: the badge
    and its text in `language`."""
    badge_url = request.build_absolute_uri(badge_path(row.slug, language))
    profile_url = request.build_absolute_uri(reverse("public:profile", args=[row.slug]))
    with override(language):
        alt = alt_text(row)
    return (
        f'<a href="{escape(profile_url)}"><img src="{escape(badge_url)}" alt="{escape(alt)}"></a>'
    )


def shields(row: Listing, *, status: str, language: str) -> dict[str, object]:
    """The badge as a shields.io endpoint (https://shields.io/badges/endpoint-badge)."""
    expired = status == "expired"
    with override(language):
        facts = {"level": level_name(row.level)}
        message = str(facts["level"])
        if expired:
            message = _("%(level)s, expired") % facts
        elif status == "renewal":
            message = _("%(level)s, renewing") % facts
    colour = EXPIRED if expired else COLOURS.get(row.level, COLOURS[""])
    return {
        "schemaVersion": 1,
        "label": "citycert",
        "message": message,
        "color": colour.removeprefix("#"),
        "labelColor": LABEL.removeprefix("#"),
        # shields.io keeps a badge at least 300 seconds, however little we ask.
        "cacheSeconds": max(settings.PUBLIC_MAX_AGE, 300),
    }


def render(row: Listing, *, status: str, language: str) -> str:
    """The badge of a certified city, in `language`: its level and year, and whether the
    certification has expired or is being renewed after its end."""
    expired = status == "expired"
    with override(language):
        glyph = GLYPHS.get(row.level, "")
        facts = {"level": level_name(row.level), "year": row.year, "city": row.name}
        value = f"{glyph} {level_name(row.level)} {row.year}".strip()
        if row.level:
            title = _("%(city)s: %(level)s, certified in %(year)s") % facts
        else:  # never "Certified, certified in 2019"
            title = _("%(city)s: certified in %(year)s") % facts
        if expired:
            value = _("%(level)s %(year)s, expired") % facts
            if row.level:
                title = _("%(city)s: certification expired (was %(level)s, %(year)s)") % facts
            else:
                title = _("%(city)s: certification expired (certified in %(year)s)") % facts
        elif status == "renewal":
            value = _("%(level)s %(year)s, renewing") % facts
            title = _("%(city)s: %(level)s since %(year)s, renewal in progress") % facts
        label = "citycert"
    left = text_width(label) + 12
    right = text_width(value) + 12
    width = left + right
    fill = EXPIRED if expired else COLOURS.get(row.level, COLOURS[""])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'lang="{escape(language)}">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{left}" height="{HEIGHT}" fill="{LABEL}"/>'
        f'<rect x="{left}" width="{right}" height="{HEIGHT}" fill="{fill}"/>'
        f'<g fill="#fff" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="11" '
        f'text-anchor="middle">'
        f'<text x="{left / 2:g}" y="14">{label}</text>'
        f'<text x="{left + right / 2:g}" y="14">{escape(value)}</text>'
        f"</g></svg>"
    )
