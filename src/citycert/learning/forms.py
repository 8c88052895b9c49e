"""Every input of the learning pages goes through a form: a code that is not one, a choice not
offered or a bad link is a field error, never a crash."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from citycert.partners.models import Organisation
from citycert.standards.models import Criterion, PracticeArea, StandardVersion

from .models import LANGUAGES, Audience, Kind, Resource

CODES = re.compile(r"[\s,;]+")


def _versions() -> list[tuple[str, str]]:
    return [(code, code) for code in StandardVersion.objects.values_list("code", flat=True)]


class FilterForm(forms.Form):
    """The filters of /learn/ (and of the API's list): all optional."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    standard = forms.ChoiceField(label=_("Standard version"), required=False, choices=())
    criterion = forms.RegexField(
        label=_("Criterion code"),
        required=False,
        max_length=16,
        regex=r"^[A-Za-z0-9._-]{1,16}$",
        error_messages={"invalid": _("Give a criterion code, for example DM1.")},
    )
    area = forms.ChoiceField(label=_("Practice area"), required=False, choices=())
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *Kind.choices]
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *LANGUAGES]
    )

    def __init__(self, *args: Any, version: StandardVersion | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.default_version = version
        self.fields["standard"].choices = [("", _("Current")), *_versions()]  # type: ignore[attr-defined]
        areas = PracticeArea.objects.order_by("version__effective_from", "position")
        self.fields["area"].choices = [  # type: ignore[attr-defined]
            ("", _("Any area")),
            *sorted({(a.code, a.code) for a in areas.only("code")}),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = data.get("standard")
        version = (
            StandardVersion.objects.filter(code=code).first() if code else self.default_version
        )
        data["version"] = version
        criterion = data.get("criterion")
        if (
            criterion
            and version is not None
            and not Criterion.objects.filter(version=version, code=criterion).exists()
        ):
            self.add_error(
                "criterion",
                _("No criterion %(code)s in the %(version)s Standard.")
                % {"code": criterion, "version": version.code},
            )
        return data


class ResourceForm(forms.Form):
    """A resource's content, who offers it, who it is for, and what it helps with."""

    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences shown in lists and panels."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the resource is, if it is elsewhere."),
    )
    body = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The resource itself, or what it covers. A link, a description, or both."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language.")},
    )
    organisation = forms.ModelChoiceField(
        label=_("Offered by"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("The program itself"),
    )
    audience = forms.ChoiceField(
        label=_("Who may see it"), choices=Audience.choices, widget=forms.RadioSelect
    )
    standard = forms.ChoiceField(label=_("Standard version of the criteria"), choices=())
    criteria = forms.CharField(
        label=_("Criteria it helps with"),
        required=False,
        max_length=500,
        help_text=_(
            "Criterion codes separated by spaces or commas, for example DM1 DM2. Resources "
            "linked to an earlier version's criteria show on their successors too."
        ),
    )
    areas = forms.CharField(
        label=_("Practice areas it helps with"),
        required=False,
        max_length=200,
        help_text=_("Area codes separated by spaces or commas."),
    )

    def __init__(self, *args: Any, organisations: Any, admin: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisation"]
        field.queryset = organisations
        if not admin:  # partner staff write for their own organisation, never the program's
            field.required = True
            field.empty_label = None
        versions = _versions()
        self.fields["standard"].choices = versions  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(resource: Resource) -> dict[str, Any]:
        criteria = list(resource.criteria.select_related("version"))
        areas = list(resource.areas.select_related("version"))
        version = (criteria or areas)[0].version.code if (criteria or areas) else None
        return {
            "title": resource.title,
            "summary": resource.summary,
            "kind": resource.kind,
            "url": resource.url,
            "body": resource.body,
            "languages": resource.language_codes,
            "organisation": resource.organisation_id,
            "audience": resource.audience,
            "standard": version,
            "criteria": " ".join(c.code for c in criteria),
            "areas": " ".join(a.code for a in areas),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        version = StandardVersion.objects.filter(code=data.get("standard") or "").first()
        for name, model in (("criteria", Criterion), ("areas", PracticeArea)):
            codes = [c for c in CODES.split(data.get(name) or "") if c]
            if version is None:
                data[name] = []
                continue
            found = {row.code: row for row in model.objects.filter(version=version, code__in=codes)}
            unknown = [c for c in codes if c not in found]
            if unknown:
                self.add_error(
                    name,
                    _("Not in the %(version)s Standard: %(codes)s.")
                    % {"version": version.code, "codes": ", ".join(unknown)},
                )
            data[name] = list(found.values())
        if not data.get("url") and not data.get("body") and not self.has_error("url"):
            self.add_error("url", _("Give a link, a description, or both."))
        return data
