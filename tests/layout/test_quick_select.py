"""The quick list draws exactly what Django's own list draws with the design system's class:
selected values, numbers, groups, empty values, translated labels and characters to escape."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from citycert.forms_renderer import QuickSelect

CHOICES: list[Any] = [
    ("", _("Any")),
    ("gold", _("Gold")),
    (2024, 2024),
    ("a&b", 'Quotes " and <tags>'),
    ("Regions", [("SP", "São Paulo"), ("RJ", "Rio de Janeiro")]),
]


@pytest.mark.parametrize("value", [None, "", "gold", 2024, "2024", "SP", "a&b", "nowhere"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_it_draws_what_django_draws(value: Any, language: str) -> None:
    class Form(forms.Form):
        plain = forms.ChoiceField(choices=CHOICES, required=False)
        quick = forms.ChoiceField(choices=CHOICES, required=False, widget=QuickSelect)

    with translation.override(language):
        form = Form({"plain": value, "quick": value})
        plain = str(form["plain"]).replace("plain", "field")
        quick = str(form["quick"]).replace("quick", "field")
    assert quick == plain
    assert 'class="usa-select"' in quick
