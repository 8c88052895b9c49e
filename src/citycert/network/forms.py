"""The network's inputs: a directory profile, the directory's filters, portfolios, owners,
invitations and a city's answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from citycert.public.queries import country_name
from citycert.texts import localize

from .models import MemberProfile, Portfolio
from .queries import directory_countries, language_choices, topic_choices


class ProfileForm(forms.ModelForm[MemberProfile]):
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The practice areas of the Standard you work on or can talk about."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = MemberProfile
        fields = ("listed", "role", "topics", "languages", "show_email", "digest")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [  # type: ignore[attr-defined]
            (code, localize(name).text) for code, name in topic_choices()
        ]
        self.fields["languages"].choices = language_choices()  # type: ignore[attr-defined]


class DirectoryFilterForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = [("", _("Any"))]
        self.fields["topic"].choices = [  # type: ignore[attr-defined]
            *any_,
            *((code, localize(name).text) for code, name in topic_choices()),
        ]
        self.fields["language"].choices = [*any_, *language_choices()]  # type: ignore[attr-defined]
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            *any_,
            *((code, country_name(code)) for code in directory_countries()),
        ]


class PortfolioForm(forms.ModelForm[Portfolio]):
    owner = forms.EmailField(
        label=_("First owner's email address"),
        help_text=_("A person with an account on citycert who holds the portfolio."),
    )

    class Meta:
        model = Portfolio
        fields = ("name", "slug", "kind")


class OwnerForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), help_text=_("A person with an account on citycert.")
    )


class InviteCityForm(forms.Form):
    name = forms.CharField(label=_("City name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No country chosen for the owner: a blank first choice, required.
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a country")),
            *countries,
        ]


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            ("consent", _("Consent")),
            ("decline", _("Decline")),
            ("withdraw", _("Withdraw")),
        ],
    )
