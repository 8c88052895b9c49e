"""Who is a member of the network: the people of a city that kept a snapshot or started an
assessment, people who joined on their own, and the program's own people."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from citycert.assessments import services
from citycert.assessments.models import NetworkMembership, Snapshot
from citycert.assessments.network import is_network_member
from citycert.partners.models import Organisation, Staff
from citycert.standards.services import load_files
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_it_counts_a_city_s_people_once_the_city_joined() -> None:
    load_files()
    city = f.city("Rosario", "AR")
    lead = f.lead(city).user
    helper = f.member(city, f.person()).user
    assert not is_network_member(lead)
    services.start(city, lead, carry_forward=False)
    assert is_network_member(lead) and is_network_member(helper)


def test_it_counts_a_city_that_kept_its_snapshot() -> None:
    city = f.city("Olinda", "BR")
    lead = f.lead(city).user
    Snapshot.objects.create(questionnaire="2022", answers={}, city=city, person=lead)
    assert is_network_member(lead)


def test_it_counts_people_who_joined_and_the_program_s_own() -> None:
    joined = f.person()
    NetworkMembership.objects.create(user=joined)
    coach = f.person()
    Staff.objects.create(
        organisation=Organisation.objects.create(name="Academy", slug="a"), user=coach
    )
    assert is_network_member(joined)
    assert is_network_member(coach)
    assert is_network_member(f.person(reviewer=True))
    assert not is_network_member(f.person())
    assert not is_network_member(AnonymousUser())
