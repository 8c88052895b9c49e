from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import City


class GazetteerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("City name"),
        max_length=100,
        help_text=_("Accents and capitals do not matter: “Bogota” finds Bogotá."),
    )


class ChoosePlaceForm(forms.Form):
    place = forms.CharField(widget=forms.HiddenInput, max_length=100)


class CityFactsForm(forms.ModelForm):  # type: ignore[type-arg]
    """What the program may correct after registration: the type, and an official population."""

    class Meta:
        model = City
        fields = ["kind", "official_population", "population_source", "population_year"]
        help_texts = {
            "official_population": _("Leave empty to use the gazetteer's figure."),
            "population_source": _("For example: national census 2020."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("official_population") is not None:
            if not data.get("population_source"):
                self.add_error("population_source", _("Say where the official figure comes from."))
            if not data.get("population_year"):
                self.add_error("population_year", _("Give the year of the official figure."))
        else:
            data["population_source"] = ""
            data["population_year"] = None
        year = data.get("population_year")
        if year is not None and not 1900 <= year <= 2100:
            self.add_error("population_year", _("Enter a year between 1900 and 2100."))
        return data
