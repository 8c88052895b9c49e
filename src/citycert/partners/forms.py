"""Forms for coaching engagements: the lead's invitation, and a session logged by a coach."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from citycert.texts import localize

from .models import CoachingSession, Organisation


class CriterionChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Criteria shown with their code and title in the reader's language."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {localize(obj.title)}"


class InviteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(),
        label=_("Partner organisation"),
        empty_label=_("Choose a partner"),
    )
    goals = forms.CharField(
        label=_("Goals"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What your city wants to achieve with the partner's help."),
    )
    criteria = CriterionChoiceField(
        queryset=None,
        label=_("Criteria targeted"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, criteria: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = criteria  # type: ignore[attr-defined]


class SessionForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For example 2026-03-31."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=CoachingSession.Kind.choices)
    attendees: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Who attended from the city"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(
        label=_("Others who attended"),
        max_length=500,
        required=False,
        help_text=_("Names or roles of people without an account, separated by commas."),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    criteria = CriterionChoiceField(
        queryset=None,
        label=_("Criteria worked on"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, people: QuerySet[Any], criteria: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = people  # type: ignore[attr-defined]
        self.fields["criteria"].queryset = criteria  # type: ignore[attr-defined]
