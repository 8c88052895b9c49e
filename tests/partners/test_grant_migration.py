"""The migration that turns each person's coach access into an engagement of their
organisation: a live grant an open engagement, a revoked one a closed engagement."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from citycert.accounts import policy
from citycert.accounts.models import CoachGrant, ProgramRole
from citycert.accounts.policy import Action
from citycert.partners.models import Engagement, Organisation, Staff
from tests import factories as f

pytestmark = pytest.mark.django_db

migration = importlib.import_module("citycert.partners.migrations.0003_coach_grants_to_engagements")


def coach(organisation: str = ""):  # type: ignore[no-untyped-def]
    person = f.person()
    ProgramRole.objects.create(user=person, role="coach", organisation=organisation)
    return person


def test_live_grants_become_open_engagements_and_revoked_ones_closed() -> None:
    lead = f.person()
    alpha, beta = f.city("Alpha"), f.city("Beta")
    academy, colleague = coach("Data Academy"), coach("Data Academy")
    independent, other_independent = coach(), coach()
    live = CoachGrant.objects.create(city=alpha, coach=academy, granted_by=lead)
    CoachGrant.objects.create(city=alpha, coach=colleague, granted_by=lead)  # same partner
    revoked_at = timezone.now()
    CoachGrant.objects.create(
        city=beta, coach=academy, granted_by=lead, revoked_at=revoked_at, revoked_by=lead
    )
    CoachGrant.objects.create(city=beta, coach=independent, granted_by=lead)

    migration.grants_to_engagements(apps, None)

    partner = Organisation.objects.get(name="Data Academy")
    assert set(partner.staff.values_list("user", flat=True)) == {academy.pk, colleague.pk}
    opened = Engagement.objects.get(city=alpha)  # two grants, one partner: one engagement
    assert (opened.organisation, opened.state) == (partner, Engagement.State.ACCEPTED)
    assert (opened.invited_by, opened.invited_at) == (lead, live.created_at)
    closed = Engagement.objects.get(city=beta, organisation=partner)
    assert (closed.state, closed.ended_at, closed.ended_by) == (
        Engagement.State.CLOSED,
        revoked_at,
        lead,
    )
    # Coaches without an organisation get one each: they never see each other's cities.
    own = Staff.objects.get(user=independent).organisation
    assert own != Staff.objects.get(user=other_independent).organisation
    assert Engagement.objects.get(city=beta, organisation=own).state == Engagement.State.ACCEPTED

    assert policy.can(academy, Action.VIEW_CITY, alpha)
    assert policy.can(independent, Action.VIEW_CITY, beta)
    assert not policy.can(academy, Action.VIEW_CITY, beta)
    assert not policy.can(other_independent, Action.VIEW_CITY, beta)
