"""The quick list draws exactly what Django's own list draws with the design system's class:
selected values, numbers, groups, empty values, translated labels and characters to escape."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from citycert.forms_renderer import PreparedChoices, QuickSelect, QuickTextInput

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


FLAT: list[Any] = [c for c in CHOICES if not isinstance(c[1], list)]


@pytest.mark.parametrize("value", [None, "", "gold", 2024, "2024", "a&b", "nowhere"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_prepared_choices_draw_and_validate_as_django_s_own(value: Any, language: str) -> None:
    class Form(forms.Form):
        plain = forms.ChoiceField(choices=FLAT, required=False)
        quick = forms.ChoiceField(required=False, widget=QuickSelect)

    with translation.override(language):
        prepared = PreparedChoices(FLAT)  # labels resolved in the reader's language, once
        for _twice in range(2):  # drawn again from the options written the first time
            form = Form({"plain": value, "quick": value})
            form.fields["quick"].choices = prepared
            plain = str(form["plain"]).replace("plain", "field")
            quick = str(form["quick"]).replace("quick", "field")
            assert quick == plain
            assert ("plain" in form.errors) == ("quick" in form.errors)


@pytest.mark.parametrize("value", [None, "", "san", 'a "b" <c> & d', "toolongvalue"])
def test_the_quick_text_box_draws_what_django_draws(value: Any) -> None:
    class Form(forms.Form):
        plain = forms.CharField(required=False, max_length=8, help_text="Help")
        quick = forms.CharField(
            required=False, max_length=8, help_text="Help", widget=QuickTextInput
        )

    form = Form({"plain": value, "quick": value})
    form.is_valid()  # a value too long is an error: the box says so (aria-invalid)
    assert str(form["quick"]).replace("quick", "field") == str(form["plain"]).replace(
        "plain", "field"
    )
    assert 'class="usa-input"' in str(form["quick"])
