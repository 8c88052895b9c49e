"""The directory's table rows, written in Python: with fifty rows of six cells, going through
the template engine cell by cell was most of the cost of a directory page."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from citycert.standards.models import Level, level_name

from .queries import ListingRow, country_name


def directory_rows(rows: Iterable[ListingRow], by_region: set[int], profiles: str) -> SafeString:
    """The <tr> elements of the directory for `rows` (`profiles`: the address profiles start
    with), each cell labelled for the stacked layout on phones."""
    region, country, level, year, standard = (
        escape(_("State, province or region")),
        escape(_("Country")),
        escape(_("Current level")),
        escape(_("Year awarded")),
        escape(_("Standard")),
    )
    names: dict[str, str] = {}
    levels: dict[str, str] = {}
    out = []
    for row in rows:
        place = names.get(row.country)
        if place is None:
            place = names[row.country] = escape(country_name(row.country))
        badge = levels.get(row.level)
        if badge is None:
            key = row.level if row.level in Level.values else "unknown"
            badge = levels[row.level] = (
                f'<span class="level level-{key}">{escape(level_name(row.level))}</span>'
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
    return mark_safe("\n    ".join(out))  # noqa: S308 - every value went through escape()
