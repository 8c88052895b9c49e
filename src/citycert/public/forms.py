"""Forms of the public pages: the directory's filters, and a city's public profile."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from citycert.forms_renderer import QuickSelect
from citycert.standards.models import LEVEL_NOT_PUBLISHED

from . import queries
from .models import Profile


class DirectoryForm(forms.Form):
    """The directory's filters, read from the address (GET). Every field is optional."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
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
        any_ = [("", _("Any"))]
        self._field("level").choices = [
            *any_,
            ("platinum", _("Platinum")),
            ("gold", _("Gold")),
            ("silver", _("Silver")),
            ("unknown", LEVEL_NOT_PUBLISHED),
        ]
        self._field("country").choices = [*any_, *facets.countries]
        # Regions are offered once a country is chosen: a few dozen, not thousands.
        chosen = (data or {}).get("country", "")
        self._field("region").choices = [
            *any_,
            *((area, area) for area, country in facets.regions if country == chosen),
        ]
        self.fields["region"].help_text = "" if chosen else _("Choose a country first.")
        self._field("standard").choices = [*any_, *((s, s) for s in facets.standards)]
        self._field("year").choices = [*any_, *((y, y) for y in facets.years)]
        self._field("sort").choices = [(k, label) for k, (label, _o) in queries.SORTS.items()]

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


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Profile
        fields = ["story", "story_language", "show_strengths"]
        widgets = {"story": forms.Textarea(attrs={"rows": 6})}
