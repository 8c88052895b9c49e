"""The directory's table rows, written in Python: with fifty rows of six cells, going through
the template engine cell by cell was most of the cost of a directory page.

Values are escaped with the standard library's `html.escape`, which Django's `escape` wraps
(the same five characters replaced): the wrapper's checks for lazy text cost four times the
escaping itself, 250 times a page. Everything escaped here is plain text read from the database
or already translated."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from citycert.standards.models import Level, level_name

from .queries import ListingRow, country_name


def directory_rows(rows: Iterable[ListingRow], by_region: set[int], profiles: str) -> SafeString:
    """The <tr> elements of the directory for `rows` (`profiles`: the address profiles start
    with), each cell labelled for the stacked layout on phones."""
    words = _words(get_language() or "")
    region, country, level, year, standard = words["labels"]
    names: dict[str, str] = words["countries"]
    levels: dict[str, str] = words["levels"]
    out = []
    for row in rows:
        place = names.get(row.country)
        if place is None:
            place = names[row.country] = escape(country_name(row.country))
        badge = levels.get(row.level)
        if badge is None:
            key = row.level if row.level in Level.values else "unknown"
            badge = levels[row.level] = (
                f'<span class="level level-{key}">{escape(str(level_name(row.level)))}</span>'
            )
        note = ""
        if row.pk in by_region:
            text = _("(matches region: %(region)s)") % {"region": row.admin_area}
            note = f' <span class="region-match">{escape(text)}</span>'
        out.append(
            f'<tr>\n      <th scope="row"><a href="{escape(profiles)}{escape(row.slug)}/">'
            f"{escape(row.name)}</a>{note}</th>\n"
            f'      <td data-label="{region}">{escape(row.admin_area)}</td>\n'
            f'      <td data-label="{country}">{place}</td>\n'
            f'      <td data-label="{level}">{badge}</td>\n'
            f'      <td data-label="{year}">{row.year}</td>\n'
            f'      <td data-label="{standard}">{escape(row.standard)}</td>\n'
            "    </tr>"
        )
    if not out:
        return mark_safe(f'<tr><td colspan="6">{words["none"]}</td></tr>')  # noqa: S308 - escaped
    return mark_safe("\n    ".join(out))  # noqa: S308 - every value went through escape()


def directory_caption(count: int, filtered: bool) -> str:
    """The directory table's caption: how many cities it lists, or how many match."""
    if filtered:
        text = ngettext(
            "%(counter)s certified city matches", "%(counter)s certified cities match", count
        )
    else:
        text = ngettext("%(counter)s certified city", "%(counter)s certified cities", count)
    return escape(text % {"counter": count})


#: Per language: the cells' labels, and each country's name and level's badge once written.
#: Translations do not change while a process runs; four languages, a few hundred entries.
_WORDS: dict[str, dict[str, Any]] = {}


def _words(language: str) -> dict[str, Any]:
    found = _WORDS.get(language)
    if found is None:
        labels = (
            _("State, province or region"),
            _("Country"),
            _("Current level"),
            _("Year awarded"),
            _("Standard"),
        )
        found = _WORDS[language] = {
            "labels": tuple(escape(label) for label in labels),
            "none": escape(_("No certified city matches these filters.")),
            "countries": {},
            "levels": {},
        }
    return found
