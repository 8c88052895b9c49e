"""Every input of the certification team's pages (and of the city's appeal) goes through a form:
a bad number, a date that is not one or a choice not offered is a field error, never a crash."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from citycert.accounts.models import ProgramRole, User
from citycert.assessments.models import Assessment
from citycert.standards.models import Level
from citycert.texts import localize

from .models import Appeal, Cohort, Interaction, Validation

LEVEL_OR_NONE = [*Level.choices, ("", _("Not certified"))]


def reviewers() -> QuerySet[User]:
    return (
        User.objects.filter(program_roles__role=ProgramRole.Role.REVIEWER, is_active=True)
        .distinct()
        .order_by("email")
    )


class ReviewerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class AssignReviewerForm(forms.Form):
    reviewer = ReviewerChoiceField(
        queryset=User.objects.none(),
        label=_("Reviewer"),
        error_messages={
            "required": _("Choose a reviewer from the list."),
            "invalid_choice": _("Choose a reviewer from the list."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers()  # type: ignore[attr-defined]


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Not decided"))]
        + [(v, label) for v, label in Assessment.State.choices if v != "draft"],
    )
    standard = forms.CharField(label=_("Standard"), required=False, max_length=16)
    country = forms.RegexField(
        label=_("Country (ISO code)"),
        required=False,
        regex=r"^[A-Za-z]{2}$",
        error_messages={"invalid": _("Give a two-letter country code, for example AR.")},
    )
    older_than = forms.IntegerField(
        label=_("Waiting at least (days)"), required=False, min_value=0, max_value=36500
    )


class DeclarationForm(forms.Form):
    conflict = forms.ChoiceField(
        label=_("Your declaration"),
        choices=[
            ("no", _("I have no conflict of interest with this city")),
            ("yes", _("I have a conflict of interest")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the two declarations.")},
    )
    note = forms.CharField(
        label=_("If you have one, what it is"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VerdictsForm(forms.Form):
    """A verdict and a comment for each claimed criterion (verdict-<code>, comment-<code>);
    criteria left without a verdict are not changed."""

    def __init__(self, *args: Any, codes: Sequence[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.codes = list(codes)
        for code in self.codes:
            self.fields[f"verdict-{code}"] = forms.ChoiceField(
                required=False, choices=[("", "—"), *Validation.Verdict.choices]
            )
            self.fields[f"comment-{code}"] = forms.CharField(required=False, max_length=3000)

    def verdicts(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            code: (data[f"verdict-{code}"], data[f"comment-{code}"])
            for code in self.codes
            if data.get(f"verdict-{code}")
        }


class SettleForm(forms.Form):
    settle = forms.IntegerField(min_value=1, max_value=2**62)
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=[(v, label) for v, label in Validation.Verdict.choices if v != "clarify"],
    )
    comment = forms.CharField(required=False, max_length=3000)


class DecisionForm(forms.Form):
    """The decision, and the cohort that announces it: the next announcement after today,
    unless the admin confirms another label and says why."""

    level = forms.ChoiceField(
        label=_("Level"), choices=LEVEL_OR_NONE, required=False, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label=_("Rationale"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    difference_reason = forms.CharField(
        label=_("If it differs from the computed level, why"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    cohort = forms.ChoiceField(
        label=_("Cohort"),
        error_messages={
            "required": _("Choose the cohort from the list."),
            "invalid_choice": _("Choose the cohort from the list."),
        },
    )
    cohort_anyway = forms.BooleanField(label=_("Use this label anyway"), required=False)
    cohort_reason = forms.CharField(
        label=_("Why this cohort and not the next announcement"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, labels: Sequence[str], expected: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.fields["cohort"].choices = [(label, label) for label in labels]  # type: ignore[attr-defined]
        self.initial.setdefault("cohort", expected)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        label = data.get("cohort")
        if not label or label == self.expected:
            data["cohort_reason"] = ""
            return data
        if not data.get("cohort_anyway"):
            self.add_error(
                "cohort",
                _(
                    "A decision made today is announced in cohort %(expected)s. To use "
                    "%(label)s, tick “Use this label anyway” and say why."
                )
                % {"expected": self.expected, "label": label},
            )
        elif not (data.get("cohort_reason") or "").strip():
            self.add_error(
                "cohort_reason",
                _("Say why the decision is announced in cohort %(label)s.") % {"label": label},
            )
        return data


def criteria_by_area(criteria: Iterable[Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices of criteria grouped by practice area, in the Standard's order (criteria with
    their area selected)."""
    groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for criterion in criteria:
        area = criterion.area
        group = groups.setdefault(area.pk, (localize(area.name).text, []))
        group[1].append((criterion.code, f"{criterion.code} {localize(criterion.title).text}"))
    return list(groups.values())


class GroupedCriteria:
    """A form whose `codes` field offers criteria as checkboxes grouped by practice area."""

    fields: dict[str, forms.Field]

    def _group_codes(self, criteria: Iterable[Any]) -> None:
        grouped = criteria_by_area(criteria)
        self.fields["codes"].choices = grouped  # type: ignore[attr-defined]
        self._area_of = {code: area for area, options in grouped for code, _label in options}
        self._areas = [area for area, _options in grouped]

    def groups(self) -> list[tuple[str, list[Any]]]:
        """Each practice area with its checkboxes (bound widgets), for fieldsets."""
        found: dict[str, list[Any]] = {area: [] for area in self._areas}
        for box in self["codes"]:  # type: ignore[index]
            found[self._area_of[str(box.data["value"])]].append(box)
        return list(found.items())


class ClarificationForm(GroupedCriteria, forms.Form):
    codes = forms.MultipleChoiceField(
        label=_("Criteria it is about"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose the criteria the question is about."),
            "invalid_choice": _("Choose the criteria the question is about."),
        },
    )
    message = forms.CharField(
        label=_("What is unclear"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(
        label=_("Answer by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give the due date as a date.")},
    )

    def __init__(self, *args: Any, criteria: Iterable[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._group_codes(criteria)


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Your answer to the team"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InteractionForm(GroupedCriteria, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Interaction.Kind.choices)
    held_on = forms.DateField(
        label=_("Date"),
        error_messages={"invalid": _("Give the date of the interview or visit.")},
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    people_met = forms.CharField(label=_("People met"), max_length=2000)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=10000)
    codes = forms.MultipleChoiceField(
        label=_("Criteria it informed"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, criteria: Iterable[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._group_codes(criteria)


class PublishCohortForm(forms.Form):
    # Published ones too: the view says a cohort is published already (a second click).
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.all(),
        error_messages={
            "required": _("Choose a cohort in preparation."),
            "invalid_choice": _("Choose a cohort in preparation."),
        },
    )


class CorrectionForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Correct level"),
        choices=Level.choices,
        error_messages={
            "required": _("Choose the correct level."),
            "invalid_choice": _("Choose the correct level."),
        },
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the certification is corrected.")},
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class AppealForm(forms.Form):
    grounds = forms.MultipleChoiceField(
        label=_("Grounds of the appeal"),
        choices=Appeal.Ground.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the grounds of the appeal.")},
    )
    statement = forms.CharField(
        label=_("What the appeal is about"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Say which criteria or which step of the review you contest, and why. "
            "The panel reads this first."
        ),
    )
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Supporting files (optional)"),
        required=False,
        help_text=_("PDF, Word, Excel, CSV, PNG or JPEG; up to 10 files."),
    )


class PanelistForm(AssignReviewerForm):
    """A reviewer for an appeal's panel: not one who reviewed the assessment, nor one seated."""

    def __init__(self, *args: Any, appeal: Appeal, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        field.queryset = field.queryset.exclude(  # type: ignore[attr-defined]
            review_assignments__assessment=appeal.assessment
        ).exclude(panels__appeal=appeal)


class AppealFileForm(forms.Form):
    file = forms.FileField(
        label=_("Add a file"),
        help_text=_("PDF, Word, Excel, CSV, PNG or JPEG."),
        error_messages={"required": _("Choose a file to upload.")},
    )


NOT_CERTIFIED = "none"


class _OutcomeForm(forms.Form):
    """An appeal's outcome: upheld, or modified / overturned to a level the form names
    ("none": not certified)."""

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Appeal.Outcome.choices, widget=forms.RadioSelect
    )
    level = forms.ChoiceField(
        label=_("Level after the appeal"),
        required=False,
        choices=[("", "—"), *Level.choices, (NOT_CERTIFIED, _("Not certified"))],
        help_text=_("For a modified or overturned decision."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome, level = data.get("outcome"), data.get("level", "")
        if outcome and outcome != Appeal.Outcome.UPHELD and not level:
            self.add_error("level", _("Choose the level after the appeal."))
        data["level"] = "" if level == NOT_CERTIFIED else level
        return data


class RecommendationForm(_OutcomeForm):
    comment = forms.CharField(
        label=_("Reasons"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AppealOutcomeForm(_OutcomeForm):
    rationale = forms.CharField(
        label=_("Rationale"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RulesForm(forms.Form):
    valid_years = forms.IntegerField(
        label=_("Valid for (years)"),
        required=False,
        min_value=1,
        max_value=20,
        help_text=_("Empty: certifications against this version do not end."),
    )
    renewal_window_days = forms.IntegerField(
        label=_("Renewal window (days before the end)"), min_value=0, max_value=730
    )
    grace_days = forms.IntegerField(
        label=_("Grace period (days after the end)"),
        min_value=0,
        max_value=365,
        help_text=_(
            "A city that submitted its renewal before the end shows “renewal in progress” "
            "this long; then “expired”."
        ),
    )
    appeal_window_days = forms.IntegerField(
        label=_("Appeal window (days after a decision)"), min_value=1, max_value=365
    )
