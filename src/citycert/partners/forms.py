"""Forms for coaching engagements: the lead's invitation, and a session logged by a coach."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from citycert.texts import localize

from .models import CoachingSession, Organisation

#: The largest primary key the database stores: a larger number is junk, refused before a query.
_MAX_PK = 2**63 - 1


class BoundedChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Several rows chosen by id; an id that is not a number the database can hold is refused
    with the field's message, never sent to the database (which would fail)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            text = str(pk).strip()
            if not text.isascii() or not text.isdigit() or int(text) > _MAX_PK:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]


class CriterionChoiceField(BoundedChoiceField):
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
    attendees: forms.ModelMultipleChoiceField[Any] = BoundedChoiceField(
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
