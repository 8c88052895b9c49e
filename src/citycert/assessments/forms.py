from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from citycert.accounts.models import Membership
from citycert.texts import localize

from . import services, snapshot
from .models import Answer


class LinksField(forms.CharField):
    """Evidence links, one web address per line; cleans to a list."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("label", _("Evidence links"))
        kwargs.setdefault("help_text", _("One web address per line, starting with https://"))
        super().__init__(required=False, widget=forms.Textarea(attrs={"rows": 3}), **kwargs)

    def clean(self, value: Any) -> list[str]:
        try:
            return services.clean_links(super().clean(value) or "")
        except services.AssessmentError as exc:
            raise forms.ValidationError(str(exc)) from None


class SnapshotForm(forms.Form):
    """The questionnaire: one radio group per question, on the same scale."""

    city_name = forms.CharField(label=_("Your city"), max_length=200)
    join_network = forms.BooleanField(
        label=_("Keep me informed: the program may contact me about its network and resources."),
        required=False,
    )
    email = forms.EmailField(
        label=_("Your email (optional)"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "usa-input", "autocomplete": "email"}),
        help_text=_(
            "We email you the link to your result, so that you can find it again. We use the "
            "address for this email only."
        ),
    )

    def __init__(self, *args: Any, questionnaire: snapshot.Questionnaire, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for question in questionnaire.questions:
            self.fields[question.key] = forms.TypedChoiceField(
                label=localize(question.text.as_dict()).text,
                choices=[(value, label) for value, label in snapshot.SCALE],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one answer for this question.")},
            )
        self.questions = questionnaire.questions
        self.question_fields = [self[question.key] for question in questionnaire.questions]


class AnswerForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Answer.Status.CLAIMED, _("We meet these items")),
            (Answer.Status.NOT_MET, _("Not met yet")),
        ],
        widget=forms.RadioSelect,
        initial=Answer.Status.CLAIMED,
    )
    items = forms.MultipleChoiceField(
        label=_("Checklist items you meet"), required=False, widget=forms.CheckboxSelectMultiple
    )
    narrative = forms.CharField(
        label=_("How you meet it"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "A short description reviewers can check against the evidence "
            "(at most 5,000 characters)."
        ),
    )
    links = LinksField()

    def __init__(self, *args: Any, answer: Answer, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [  # type: ignore[attr-defined]
            (item.key, f"{item.key}) {localize(item.text).text}")
            for item in answer.criterion.checklist_items.all()
        ]


class OutcomeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    option = forms.ChoiceField(label=_("The outcome your city meets"), widget=forms.RadioSelect)
    narrative = forms.CharField(
        label=_("How you show it"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Which internationally recognised standard, the figures, and where they come from."
        ),
    )
    links = LinksField()

    def __init__(self, *args: Any, options: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = options  # type: ignore[attr-defined]


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a file"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX), CSV, PNG or JPEG, up to %(mb)s MB."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx) exported from this assessment"))


class AssignForm(forms.Form):
    """Who answers a criterion: a member of the city's team (by their person id), or no one
    (the lead). An id that is not a number, or too large for any row, is refused before any
    query."""

    person = forms.IntegerField(required=False, min_value=1, max_value=2**62)

    def __init__(self, *args: Any, team: QuerySet[Membership], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.team = team

    def clean_person(self) -> Membership | None:
        wanted = self.cleaned_data.get("person")
        if wanted is None:
            return None
        found = self.team.filter(user_id=wanted).first()
        if found is None:
            raise forms.ValidationError(_("Choose a member of the team."))
        return found
