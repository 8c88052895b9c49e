"""Team rules: a city always keeps a lead, the lead can hand over, invitations work once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from citycert.accounts import policy, services
from citycert.accounts.models import Invitation, Membership
from citycert.accounts.policy import Action
from citycert.partners.models import Organisation
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_last_lead_cannot_be_demoted() -> None:
    c = f.city("Portland")
    only = f.lead(c)
    with pytest.raises(services.TeamError, match="only lead of Portland"):
        services.change_role(only, Membership.Role.CONTRIBUTOR, only.user)
    only.refresh_from_db()
    assert only.role == Membership.Role.LEAD


def test_the_last_lead_cannot_be_removed() -> None:
    c = f.city()
    only = f.lead(c)
    with pytest.raises(services.TeamError, match="cannot be removed"):
        services.remove_member(only, only.user)
    assert Membership.objects.filter(pk=only.pk).exists()


def test_a_lead_can_be_demoted_when_another_remains(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    c = f.city()
    first, second = f.lead(c), f.lead(c)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_role(first, Membership.Role.CONTRIBUTOR, second.user)
    first.refresh_from_db()
    assert first.role == Membership.Role.CONTRIBUTOR
    assert mail.outbox[-1].to == [first.user.email]
    assert "from City lead to Contributor" in mail.outbox[-1].body


def test_the_lead_hands_over_and_stays_as_contributor(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    c = f.city()
    old = f.lead(c)
    new = f.member(c, f.person())
    with django_capture_on_commit_callbacks(execute=True):
        services.hand_over_lead(c, old.user, new)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.role, new.role) == (Membership.Role.CONTRIBUTOR, Membership.Role.LEAD)
    assert mail.outbox[-1].to == [new.user.email]


def test_only_a_lead_can_hand_over() -> None:
    c = f.city()
    f.lead(c)
    contributor = f.member(c, f.person())
    other = f.member(c, f.person())
    with pytest.raises(services.TeamError, match="Only a lead"):
        services.hand_over_lead(c, contributor.user, other)


def test_an_invitation_is_emailed_and_joins_the_team_once(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    c = f.city("Medellín", "CO")
    lead = f.lead(c, f.person(name="Lucía"))
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.invite(
            c, "New.Person@Example.org", Membership.Role.CONTRIBUTOR, lead.user
        )
    message = mail.outbox[-1]
    assert message.to == ["new.person@example.org"]
    assert "Medellín" in message.subject
    assert issued.token in message.body
    html = message.alternatives[0]
    assert html.mimetype == "text/html" and issued.token in html.content
    assert issued.token not in Invitation.objects.get().token_hash  # only a hash is stored

    newcomer = f.person("new.person@example.org")
    membership = services.accept_invitation(issued.token, newcomer)
    assert (membership.city, membership.role) == (c, Membership.Role.CONTRIBUTOR)
    with pytest.raises(services.TeamError, match="already used"):
        services.accept_invitation(issued.token, f.person())


def test_an_expired_invitation_does_not_work() -> None:
    c = f.city()
    lead = f.lead(c)
    issued = services.invite(c, "late@example.org", Membership.Role.CONTRIBUTOR, lead.user)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(services.TeamError, match="expired"):
        services.accept_invitation(issued.token, f.person())
    assert not c.memberships.filter(user__email="late@example.org").exists()


def test_inviting_again_replaces_the_pending_invitation() -> None:
    c = f.city()
    lead = f.lead(c)
    first = services.invite(c, "x@example.org", Membership.Role.CONTRIBUTOR, lead.user)
    services.invite(c, "x@example.org", Membership.Role.LEAD, lead.user)
    with pytest.raises(services.TeamError):
        services.accept_invitation(first.token, f.person())
    assert c.invitations.pending().count() == 1


def test_a_member_cannot_be_invited_again() -> None:
    c = f.city()
    lead = f.lead(c)
    with pytest.raises(services.TeamError, match="already on this team"):
        services.invite(c, lead.user.email.upper(), Membership.Role.CONTRIBUTOR, lead.user)


def test_a_person_can_belong_to_several_cities_with_different_roles() -> None:
    someone = f.person()
    a, b = f.city("Alpha"), f.city("Beta")
    f.lead(a, someone)
    f.member(b, someone)
    assert sorted(someone.memberships.values_list("city__name", "role")) == [
        ("Alpha", "lead"),
        ("Beta", "contributor"),
    ]


def test_a_partner_coach_works_for_their_organisation_until_the_role_is_withdrawn() -> None:
    admin = f.person(admin=True)
    coach = f.person()
    role = services.grant_program_role(coach.email, "coach", admin, "Data Academy")
    c = f.city()
    engagement = f.engagement(c, Organisation.objects.get(name="Data Academy"))
    assert policy.access(coach, c).can(Action.VIEW_CITY)
    services.revoke_program_role(role, admin)
    policy.forget(coach)
    assert not policy.access(coach, c).can(Action.VIEW_CITY)
    assert engagement.organisation.staff.get(user=coach).left_at is not None


def test_the_program_keeps_an_admin() -> None:
    admin = f.person(admin=True)
    with pytest.raises(services.TeamError, match="at least one admin"):
        services.revoke_program_role(admin.program_roles.get(), admin)


def test_an_invitation_works_only_for_the_address_it_was_sent_to() -> None:
    from allauth.account.models import EmailAddress

    c = f.city()
    lead = f.lead(c)
    issued = services.invite(c, "maria@city.example.org", Membership.Role.CONTRIBUTOR, lead.user)
    stranger = f.person("someone.else@example.org")
    with pytest.raises(services.TeamError, match="sent to another email address"):
        services.accept_invitation(issued.token, stranger)
    # Adding the address without confirming it is not enough.
    EmailAddress.objects.create(user=stranger, email="maria@city.example.org", verified=False)
    with pytest.raises(services.TeamError, match="sent to another email address"):
        services.accept_invitation(issued.token, stranger)
    assert not c.memberships.filter(user=stranger).exists()
    maria = f.person("Maria@City.example.org".lower())
    assert services.accept_invitation(issued.token, maria).user == maria
