"""Changes to teams, roles and grants. Each is one function that checks the change is allowed by
the program's rules (a city always keeps a lead), writes it in a transaction, and tells the people
concerned by email. Authorization (who may ask for the change) is the views' call to policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citycert.cities.models import City

from . import emails, policy
from .models import ApiToken, Invitation, Membership, ProgramRole, User


class TeamError(Exception):
    """A change the program's rules do not allow; the message says why, in plain words."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str


def _leads(city: City) -> int:
    return city.memberships.filter(role=Membership.Role.LEAD).count()


@transaction.atomic
def invite(city: City, email: str, role: str, by: User) -> IssuedInvitation:
    """Invite `email` to `city` as `role`; a pending invitation to the same address is replaced."""
    email = email.strip().lower()
    if city.memberships.filter(user__email__iexact=email).exists():
        raise TeamError(_("%(email)s is already on this team.") % {"email": email})
    city.invitations.pending().filter(email__iexact=email).update(revoked_at=timezone.now())
    invitation = Invitation(city=city, email=email, role=role, invited_by=by)
    token = invitation.issue_token()
    invitation.save()
    transaction.on_commit(lambda: emails.send_invitation(invitation, token))
    return IssuedInvitation(invitation, token)


@transaction.atomic
def revoke_invitation(invitation: Invitation) -> None:
    if invitation.is_pending:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def accept_invitation(token: str, user: User) -> Membership:
    """Join the invitation's city with its role. The token works once and expires."""
    found = Invitation.objects.by_token(token)
    invitation = (
        Invitation.objects.select_for_update().filter(pk=found.pk).first() if found else None
    )
    if invitation is None or not invitation.is_pending:
        raise TeamError(
            _("This invitation has expired, was already used, or was withdrawn. Ask for a new one.")
        )
    if not has_verified_address(user, invitation.email):
        raise TeamError(
            _(
                "This invitation was sent to another email address. Sign in with that address, "
                "or add it to your account and confirm it, then open the invitation again."
            )
        )
    membership, created = Membership.objects.get_or_create(
        city=invitation.city, user=user, defaults={"role": invitation.role}
    )
    if not created and invitation.role == Membership.Role.LEAD:
        membership.role = Membership.Role.LEAD
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def change_role(membership: Membership, role: str, by: User) -> Membership:
    """Make a member lead or contributor; the last lead cannot be demoted."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == Membership.Role.LEAD and _leads(membership.city) <= 1:
        raise TeamError(
            _(
                "%(name)s is the only lead of %(city)s. Make someone else a lead first, or "
                "hand the lead role over."
            )
            % {"name": membership.user, "city": membership.city.name}
        )
    old = membership.get_role_display()
    membership.role = role
    membership.save(update_fields=["role"])
    transaction.on_commit(lambda: emails.send_role_changed(membership, old, by))
    return membership


@transaction.atomic
def remove_member(membership: Membership, by: User) -> None:
    """Take someone off a city's team; the last lead cannot be removed."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Membership.Role.LEAD and _leads(membership.city) <= 1:
        raise TeamError(
            _(
                "%(name)s is the only lead of %(city)s and cannot be removed. Hand the lead "
                "role to someone else first."
            )
            % {"name": membership.user, "city": membership.city.name}
        )
    user, city = membership.user, membership.city
    membership.delete()
    transaction.on_commit(lambda: emails.send_removed(user, city, by))


@transaction.atomic
def hand_over_lead(city: City, current: User, successor: Membership) -> None:
    """`current` passes the lead role to `successor` and stays on as a contributor."""
    if successor.city_id != city.pk:
        raise TeamError(_("That person is not on this team."))
    mine = Membership.objects.select_for_update().filter(city=city, user=current).first()
    if mine is None or mine.role != Membership.Role.LEAD:
        raise TeamError(
            _("Only a lead of %(city)s can hand over the lead role.") % {"city": city.name}
        )
    if successor.pk == mine.pk:
        raise TeamError(_("Choose someone else to hand the lead role to."))
    successor = Membership.objects.select_for_update().get(pk=successor.pk)
    successor.role = Membership.Role.LEAD
    successor.save(update_fields=["role"])
    mine.role = Membership.Role.CONTRIBUTOR
    mine.save(update_fields=["role"])
    transaction.on_commit(
        lambda: emails.send_role_changed(successor, str(Membership.Role.CONTRIBUTOR.label), current)
    )


@transaction.atomic
def grant_program_role(
    email: str, role: str, by: User | None, organisation: str = ""
) -> ProgramRole:
    """Give an existing account a program role (reviewer, admin, coach)."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise TeamError(
            _("No account uses %(email)s. Ask the person to sign up first.")
            % {"email": email.strip()}
        )
    program_role, _created = ProgramRole.objects.get_or_create(
        user=user, role=role, defaults={"granted_by": by, "organisation": organisation}
    )
    if role == ProgramRole.Role.COACH:
        # A coach works for a partner organisation: its engagements decide what they see.
        from citycert.partners import services as partners

        partners.join(organisation or program_role.organisation, user)
    return program_role


@transaction.atomic
def revoke_program_role(program_role: ProgramRole, by: User) -> None:
    if (
        program_role.role == ProgramRole.Role.ADMIN
        and ProgramRole.objects.filter(role=ProgramRole.Role.ADMIN).count() <= 1
    ):
        raise TeamError(_("The program must keep at least one admin."))
    if program_role.role == ProgramRole.Role.COACH:
        # No longer a partner coach: they stop coaching every city at once.
        from citycert.partners import services as partners

        partners.leave_all(program_role.user)
    program_role.delete()


# Personal API tokens --------------------------------------------------------------------------

MAX_ACTIVE_TOKENS = 20


@transaction.atomic
def create_token(user: User, name: str, scope: str) -> IssuedToken:
    """A new API token for `user`; the secret is returned once and only its hash is kept.
    Program staff must have two-factor authentication on before they get one."""
    name = name.strip()
    if not name:
        raise TeamError(_("Give the token a name, so you know later what uses it."))
    if scope not in ApiToken.Scope.values:
        raise TeamError(_("Choose whether the token may only read, or also write."))
    if policy.needs_mfa_setup(user):
        raise TeamError(
            _("Program staff must turn on two-factor authentication before creating API tokens.")
        )
    if user.api_tokens.active().count() >= MAX_ACTIVE_TOKENS:
        raise TeamError(
            _("You have %(n)s tokens already: revoke one you no longer use first.")
            % {"n": MAX_ACTIVE_TOKENS}
        )
    token = ApiToken(user=user, name=name[:100], scope=scope)
    secret = token.issue_token()
    token.save()
    return IssuedToken(token, secret)


@transaction.atomic
def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def set_language(user: User, language: str) -> User:
    """The language the person's emails come in (one of settings.LANGUAGES)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise TeamError(_("Choose one of the languages offered."))
    user.language = language
    user.save(update_fields=["language"])
    return user


def has_verified_address(user: User, email: str) -> bool:
    """Whether `user` has confirmed the address `email` (any of their addresses)."""
    from allauth.account.models import EmailAddress

    return bool(
        EmailAddress.objects.filter(user=user, email__iexact=email.strip(), verified=True).exists()
    )


def verified_domains(user: User) -> set[str]:
    """The domains of the addresses `user` has confirmed."""
    from allauth.account.models import EmailAddress

    return {
        address.rsplit("@", 1)[-1].lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
