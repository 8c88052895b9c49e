"""People's pages: my cities, a city's team, invitations; for admins, program roles and the audit
trail. Views parse, ask the policy, call a service or query, and render."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citycert.cities.models import City
from citycert.web import authorized, authorized_city, current_user

from . import home, policy, queries, services
from .audit import READS
from .forms import (
    ApiTokenForm,
    AuditFilterForm,
    HandOverForm,
    InviteForm,
    LanguageForm,
    ProgramRoleForm,
    RoleForm,
)
from .models import ApiToken, Invitation, Membership, ProgramRole, User
from .policy import Action


def _refused(request: HttpRequest, error: services.TeamError) -> None:
    messages.error(request, str(error))


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    policy.authorize(request.user, Action.VIEW_DASHBOARD)
    context = queries.dashboard(current_user(request))
    context["roles"] = policy.program_roles(request.user)
    context["language_form"] = LanguageForm(
        initial={"language": current_user(request).language or request.LANGUAGE_CODE}
    )
    return render(request, "accounts/dashboard.html", context)


@login_required
@require_safe
def team(request: HttpRequest, slug: str) -> HttpResponse:
    access = authorized(request, slug, Action.VIEW_CITY)
    city = access.city
    can_manage = access.can(Action.MANAGE_TEAM)
    members = queries.team(city)
    mine = next((m for m in members if m.user_id == request.user.pk), None)
    others = city.memberships.exclude(user=current_user(request)).select_related("user")
    return render(
        request,
        "accounts/team.html",
        {
            "city": city,
            "members": members,
            "can_manage": can_manage,
            "can_invite_partner": access.can(Action.INVITE_PARTNER),
            "can_see_engagements": access.can(Action.VIEW_ENGAGEMENTS),
            "sections": home.collect(request, access, city),
            "is_lead": mine is not None and mine.role == Membership.Role.LEAD,
            "invitations": city.invitations.pending().select_related("invited_by")
            if can_manage
            else [],
            "join_requests": city.requests.filter(claim=False, status="pending").select_related(
                "person"
            )
            if can_manage
            else [],
            "engagements": queries.open_engagements(city),
            "invite_form": InviteForm(),
            "handover_form": HandOverForm(members=others),
            "has_others": others.exists(),
            "roles": Membership.Role.choices,
        },
    )


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    city = authorized_city(request, slug, Action.MANAGE_TEAM)
    form = InviteForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
    else:
        try:
            issued = services.invite(
                city, form.cleaned_data["email"], form.cleaned_data["role"], current_user(request)
            )
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": issued.invitation.email},
            )
        except services.TeamError as error:
            _refused(request, error)
    return redirect("accounts:team", city.slug)


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    city = authorized_city(request, slug, Action.MANAGE_TEAM)
    invitation = get_object_or_404(Invitation, pk=pk, city=city)
    services.revoke_invitation(invitation)
    messages.success(
        request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
    )
    return redirect("accounts:team", city.slug)


@login_required
@require_POST
def change_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    city = authorized_city(request, slug, Action.MANAGE_TEAM)
    membership = get_object_or_404(Membership, pk=pk, city=city)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
    else:
        try:
            services.change_role(membership, form.cleaned_data["role"], current_user(request))
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": membership.user, "role": membership.get_role_display()},
            )
        except services.TeamError as error:
            _refused(request, error)
    return redirect("accounts:team", city.slug)


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    city = authorized_city(request, slug, Action.MANAGE_TEAM)
    membership = get_object_or_404(Membership, pk=pk, city=city)
    try:
        services.remove_member(membership, current_user(request))
        messages.success(
            request, _("%(name)s is no longer on the team.") % {"name": membership.user}
        )
    except services.TeamError as error:
        _refused(request, error)
    return redirect("accounts:team", city.slug)


@login_required
@require_POST
def hand_over(request: HttpRequest, slug: str) -> HttpResponse:
    city = authorized_city(request, slug, Action.MANAGE_TEAM)
    form = HandOverForm(request.POST, members=city.memberships.exclude(user=current_user(request)))
    if not form.is_valid():
        messages.error(request, _("Choose the person who will lead the team."))
        return redirect("accounts:team", city.slug)
    try:
        services.hand_over_lead(city, current_user(request), form.cleaned_data["successor"])
        messages.success(
            request,
            _("%(name)s now leads the team; you stay on as a contributor.")
            % {"name": form.cleaned_data["successor"].user},
        )
    except services.TeamError as error:
        _refused(request, error)
    return redirect("accounts:team", city.slug)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone holding the link may see the invitation; accepting needs an account."""
    found = Invitation.objects.by_token(token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect("account_login")
        try:
            membership = services.accept_invitation(token, current_user(request))
        except services.TeamError as error:
            _refused(request, error)
            return redirect("accounts:dashboard")
        messages.success(
            request,
            _("You joined the %(city)s team as %(role)s.")
            % {"city": membership.city.name, "role": membership.get_role_display()},
        )
        return redirect("accounts:team", membership.city.slug)
    if found is not None and found.is_pending and not request.user.is_authenticated:
        # After signing up or in, bring the person back here.
        request.session["invitation_token"] = token
    status = 404 if found is None else (200 if found.is_pending else 410)
    return render(
        request, "accounts/invitation.html", {"invitation": found, "token": token}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_PEOPLE)
    form = ProgramRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role = services.grant_program_role(
                form.cleaned_data["email"],
                form.cleaned_data["role"],
                current_user(request),
                form.cleaned_data["organisation"],
            )
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": role.user, "role": role.get_role_display()},
            )
            return redirect("accounts:people")
        except services.TeamError as error:
            _refused(request, error)
    roles = ProgramRole.objects.select_related("user").order_by("role", "user__email")
    return render(request, "accounts/people.html", {"form": form, "roles": roles})


@login_required
@require_POST
def revoke_role(request: HttpRequest, pk: int) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_PEOPLE)
    role = get_object_or_404(ProgramRole, pk=pk)
    try:
        services.revoke_program_role(role, current_user(request))
        messages.success(
            request,
            _("%(name)s is no longer %(role)s.")
            % {"name": role.user, "role": role.get_role_display()},
        )
    except services.TeamError as error:
        _refused(request, error)
    return redirect("accounts:people")


@login_required
@require_safe
def audit(request: HttpRequest) -> HttpResponse:
    policy.authorize(request.user, Action.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None)
    city = person = None
    if form.is_valid():
        if form.cleaned_data["city"]:
            city = City.objects.filter(slug=form.cleaned_data["city"].strip()).first()
            if city is None:
                form.add_error("city", _("No registered city has that short name."))
        if form.cleaned_data["person"]:
            person = User.objects.filter(email__iexact=form.cleaned_data["person"].strip()).first()
            if person is None:
                form.add_error("person", _("No account uses that address."))
    kind = form.cleaned_data.get("kind", "") if form.is_valid() else ""
    entries = queries.audit_trail(city=city, person=person, kind=kind) if not form.errors else None
    page = Paginator(entries, 50).get_page(request.GET.get("page")) if entries is not None else None
    for entry in page or []:
        read = (
            (entry.additional_data or {}).get("read")
            if entry.action == LogEntry.Action.ACCESS
            else None
        )
        entry.read_label = READS.get(read) if read else None
    return render(request, "accounts/audit.html", {"form": form, "page": page})


@login_required
@require_POST
def honor_roll(request: HttpRequest, slug: str) -> HttpResponse:
    """The lead agrees, or stops agreeing, to the city being named on an honor roll."""
    city = authorized_city(request, slug, Action.MANAGE_TEAM)
    city.honor_roll_opt_in = request.POST.get("opt_in") == "yes"
    city.save(update_fields=["honor_roll_opt_in"])
    messages.success(
        request,
        _("%(city)s may be named on an honor roll.") % {"city": city.name}
        if city.honor_roll_opt_in
        else _("%(city)s will not be named on an honor roll.") % {"city": city.name},
    )
    return redirect("accounts:team", city.slug)


@login_required
@require_POST
def email_language(request: HttpRequest) -> HttpResponse:
    """The language a person's emails and notifications come in."""
    policy.authorize(request.user, Action.VIEW_DASHBOARD)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages offered."))
        return redirect("accounts:dashboard")
    services.set_language(current_user(request), form.cleaned_data["language"])
    messages.success(request, _("Your emails will come in the language you chose."))
    return redirect("accounts:dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """Personal API tokens: create one (its secret is shown on this response only), see and
    revoke the others."""
    policy.authorize(request.user, Action.MANAGE_OWN_TOKENS)
    user = current_user(request)
    form = ApiTokenForm(request.POST or None)
    issued = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                issued = services.create_token(
                    user, form.cleaned_data["name"], form.cleaned_data["scope"]
                )
                form = ApiTokenForm()
            except services.TeamError as error:
                form.add_error(None, str(error))
                status = 400
        else:
            status = 400
    response = render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "issued": issued,
            "tokens": user.api_tokens.all(),
            "needs_mfa": policy.needs_mfa_setup(user),
        },
        status=status,
    )
    if issued is not None:
        response["Cache-Control"] = "no-store"  # the secret must not linger in any cache
    return response


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_OWN_TOKENS)
    token = get_object_or_404(ApiToken, pk=pk, user=current_user(request))
    services.revoke_token(token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
