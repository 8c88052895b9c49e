from __future__ import annotations

import re
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


class RequestCityForm(ChoosePlaceForm):
    statement = forms.CharField(
        label=_("Your role in the city's government"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: “Chief data officer, Mayor's office”. It helps us confirm you."),
        error_messages={"required": _("Say what your role is in the city's government.")},
    )


class DecideRequestForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("decline", "decline")])


class DomainsField(forms.CharField):
    """Email domains, one per line (or separated by commas); cleans to a sorted list."""

    widget = forms.Textarea(attrs={"rows": 2})
    PATTERN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value) or ""
        domains = sorted({d.strip().lower().lstrip("@") for d in re.split(r"[\s,]+", text) if d})
        bad = [d for d in domains if not self.PATTERN.match(d)]
        if bad:
            raise forms.ValidationError(
                _("“%(domain)s” is not an email domain, such as rosario.gob.ar.")
                % {"domain": bad[0][:80]}
            )
        if len(domains) > 10:
            raise forms.ValidationError(_("Give at most 10 domains."))
        return domains


class CityFactsForm(forms.ModelForm):  # type: ignore[type-arg]
    """What the program may correct after registration: the type, and an official population."""

    official_domains = DomainsField(
        label=_("Official email domains"),
        required=False,
        help_text=_(
            "One per line, for example rosario.gob.ar. A person with a confirmed address there "
            "who asks to lead the city, while it has no team, becomes its lead at once."
        ),
    )

    class Meta:
        model = City
        fields = [
            "kind",
            "official_population",
            "population_source",
            "population_year",
            "official_domains",
        ]
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
