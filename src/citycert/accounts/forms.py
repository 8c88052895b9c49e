from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from citycert import languages

from .models import ApiToken, Membership, ProgramRole


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.CONTRIBUTOR
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class HandOverForm(forms.Form):
    successor = forms.ModelChoiceField(
        queryset=Membership.objects.none(), label=_("New lead"), empty_label=None
    )

    def __init__(self, *args: Any, members: QuerySet[Membership], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["successor"]
        field.queryset = members  # type: ignore[attr-defined]
        field.label_from_instance = lambda m: str(m.user)  # type: ignore[attr-defined]


class ProgramRoleForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=ProgramRole.Role.choices)
    organisation = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=200,
        help_text=_("For partner coaches: the organisation they coach for."),
    )


class AuditFilterForm(forms.Form):
    city = forms.CharField(label=_("City (short name)"), required=False, max_length=120)
    person = forms.CharField(label=_("Person (email address)"), required=False, max_length=254)
    kind = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Changes and downloads")),
            ("changes", _("Changes")),
            ("reads", _("Downloads")),
        ],
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the emails we send you"), choices=languages.choices
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use the token, for example “monthly report script”."),
    )
    scope = forms.ChoiceField(
        label=_("What the token may do"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
    )


class _ThrottledSecondFactor:
    """The second-factor step (an authenticator code or a recovery code), limited per person
    and address: each wrong code counts toward the same lockout as a wrong password
    (django-axes), and a locked-out person gets the lockout page (429) instead of a form."""

    user: Any

    def clean_code(self) -> str:
        from allauth.core import context
        from axes.handlers.proxy import AxesProxyHandler
        from django.contrib.auth.signals import user_login_failed

        request = context.request
        credentials = {"email": self.user.email}
        if AxesProxyHandler.is_locked(request, credentials):
            request.axes_locked_out = True  # AxesMiddleware answers with the lockout page
            raise forms.ValidationError(_("Too many attempts."))
        try:
            code: str = super().clean_code()  # type: ignore[misc]
        except forms.ValidationError:
            user_login_failed.send(sender=type(self), credentials=credentials, request=request)
            raise
        return code


def _second_factor_forms() -> tuple[type, type]:
    from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm

    class Authenticate(_ThrottledSecondFactor, AuthenticateForm):  # type: ignore[misc]
        pass

    class Reauthenticate(_ThrottledSecondFactor, ReauthenticateForm):  # type: ignore[misc]
        pass

    return Authenticate, Reauthenticate


SecondFactorForm, SecondFactorReauthenticateForm = _second_factor_forms()
