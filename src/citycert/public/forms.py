"""Forms of the public pages: the directory's filters, and a city's public profile."""

from __future__ import annotations

import html
from typing import Any, cast

from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from citycert.forms_renderer import PreparedChoices, QuickSelect, QuickTextInput
from citycert.standards.models import LEVEL_NOT_PUBLISHED

from . import queries
from .models import Profile


class DirectoryForm(forms.Form):
    """The directory's filters, read from the address (GET). Every field is optional."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100, widget=QuickTextInput)
    level = forms.ChoiceField(label=_("Current level"), required=False, widget=QuickSelect)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=QuickSelect)
    region = forms.ChoiceField(
        label=_("State, province or region"), required=False, widget=QuickSelect
    )
    standard = forms.ChoiceField(label=_("Standard version"), required=False, widget=QuickSelect)
    year = forms.TypedChoiceField(
        label=_("Year certified"), required=False, coerce=int, widget=QuickSelect
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, widget=QuickSelect)

    def __init__(self, data: Any, facets: queries.Facets) -> None:
        super().__init__(data)
        lists = _choices(facets)
        self._field("level").choices = lists["level"]
        self._field("country").choices = lists["country"]
        # Regions are offered once a country is chosen: a few dozen, not thousands.
        chosen = (data or {}).get("country", "")
        self._field("region").choices = lists.get(f"region:{chosen}", lists["region:"])
        self._texts = _texts(facets, self)
        self.fields["region"].help_text = "" if chosen else self._texts["help:region"]
        self._field("standard").choices = lists["standard"]
        self._field("year").choices = lists["year"]
        self._field("sort").choices = lists["sort"]

    def as_filters(self, *, show_sort: bool, clear_url: str) -> SafeString:
        """The filter form as the directory and the map show it (GET, a search landmark), with
        a summary of the filters that were not understood. Drawn in Python: through the
        template engine, its seven fields cost more than the rest of the directory's page."""
        e, texts = html.escape, self._texts
        out = [
            '<form method="get" class="filters" role="search" aria-labelledby="filters-h">\n'
            f'  <h2 id="filters-h" class="visually-hidden">{e(texts["find"])}</h2>\n'
        ]
        if self.errors:
            items = "".join(
                f'<li><a href="#{e(field.id_for_label)}">'
                f"{e(str(field.label))}: {e(str(error))}</a></li>"
                for field in self
                for error in field.errors
            )
            intro = e(str(_("Some filters were not understood and were left out:")))
            out.append(
                f'  <div class="error-summary" role="alert"><p>{intro}</p><ul>{items}</ul></div>\n'
            )
        out.append('  <div class="filter-grid">\n')
        for name, field in self.fields.items():
            if name == "sort" and not show_sort:
                continue
            auto_id = str(self.auto_id) % name
            help_text = str(field.help_text)
            if self.errors:  # Django's own path, which marks the fields in error
                widget = str(self[name])
            else:
                # As Django draws a field without an error (BoundField.as_widget), without the
                # bound field's machinery: seven fields on every directory page.
                attrs: dict[str, str] = {}
                if help_text:
                    attrs["aria-describedby"] = f"{auto_id}_helptext"
                attrs["id"] = auto_id
                value = self.data.get(name) if self.is_bound else None
                widget = field.widget.render(name, value, attrs)
            out.append(
                f'    <div>\n      <label for="{e(auto_id)}">{e(texts["label:" + name])}</label>\n'
            )
            if help_text:
                out.append(
                    f'      <p class="helptext" id="{e(auto_id)}_helptext">{e(help_text)}</p>\n'
                )
            out.append(f"      {widget}\n    </div>\n")
        out.append(
            "  </div>\n"
            f'  <button class="usa-button" type="submit">{e(texts["show"])}</button>\n'
            f'  <a href="{e(clear_url)}">{e(texts["clear"])}</a>\n'
            "</form>"
        )
        return mark_safe("".join(out))  # noqa: S308 - every value went through escape()

    def _field(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def query(self) -> queries.DirectoryQuery:
        """The valid filters; a field with an error is ignored (and shown as an error)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return queries.DirectoryQuery(
            q=data.get("q") or "",
            level=data.get("level") or "",
            country=data.get("country") or "",
            region=data.get("region") or "",
            standard=data.get("standard") or "",
            year=data.get("year") if isinstance(data.get("year"), int) else None,
            sort=data.get("sort") or "name",
        )


def _texts(facets: queries.Facets, form: forms.Form) -> dict[str, str]:
    """The form's own words in the reader's language (its labels, help and buttons), kept
    with `facets` as the lists are."""
    texts = cast(dict[str, str] | None, facets.memo.get("directory_form_texts"))
    if texts is None:
        words: dict[str, Any] = {f"label:{n}": field.label for n, field in form.fields.items()}
        words.update(
            {
                "help:region": _("Choose a country first."),
                "find": _("Find a certified city"),
                "show": _("Show cities"),
                "clear": _("Clear filters"),
            }
        )
        texts = {key: str(value) for key, value in words.items()}
        facets.memo["directory_form_texts"] = texts
    return texts


def _choices(facets: queries.Facets) -> dict[str, PreparedChoices]:
    """The filters' lists in the reader's language, made once and kept with `facets` (which
    are kept per public revision and language): a directory page builds its form from them
    without translating or normalising a hundred labels again."""
    lists = cast(dict[str, PreparedChoices] | None, facets.memo.get("directory_form"))
    if lists is None:
        any_ = [("", _("Any"))]
        lists = {
            "level": PreparedChoices(
                [
                    *any_,
                    ("platinum", _("Platinum")),
                    ("gold", _("Gold")),
                    ("silver", _("Silver")),
                    ("unknown", LEVEL_NOT_PUBLISHED),
                ]
            ),
            "country": PreparedChoices([*any_, *facets.countries]),
            "region:": PreparedChoices(any_),
            "standard": PreparedChoices([*any_, *((s, s) for s in facets.standards)]),
            "year": PreparedChoices([*any_, *((y, y) for y in facets.years)]),
            "sort": PreparedChoices([(k, label) for k, (label, _o) in queries.SORTS.items()]),
        }
        for code, _name in facets.countries:
            lists[f"region:{code}"] = PreparedChoices(
                [*any_, *((area, area) for area, country in facets.regions if country == code)]
            )
        facets.memo["directory_form"] = lists
    return lists


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Profile
        fields = ["story", "story_language", "show_strengths"]
        widgets = {"story": forms.Textarea(attrs={"rows": 6})}
