"""The members' directory: for signed-in network members only, showing only the people who
listed themselves, and an email address only for those who chose to show it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from citycert.accounts.models import User
from citycert.assessments import services as assessment_services
from citycert.cities.models import City
from citycert.network.models import MemberProfile
from tests import factories as f

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def joined(name: str, country: str = "US") -> tuple[City, User]:
    """A city that started an assessment (so joined the network), with its lead."""
    city = f.city(name, country)
    lead = f.lead(city, f.person(name=f"Lead of {name}")).user
    assessment_services.start(city, lead, carry_forward=False)
    return city, lead


def listed(user: User, **fields: Any) -> MemberProfile:
    return MemberProfile.objects.create(user=user, listed=True, **fields)


def test_only_network_members_see_the_directory(standard: None) -> None:
    _city, member = joined("Quito", "EC")
    outsider = f.person()
    f.lead(f.city("Nowhere"), outsider)  # a city that never took a snapshot or an assessment
    url = reverse("network:directory")

    assert signed_in(member).get(url).status_code == 200
    refused = signed_in(outsider).get(url)
    assert refused.status_code == 403
    assert "a city joins when it keeps a data snapshot or starts an assessment" in refused.text
    assert Client().get(url).status_code == 302
    assert signed_in(outsider).get(reverse("network:profile")).status_code == 403


def test_it_lists_only_those_who_opted_in_and_their_email_only_if_they_chose(
    standard: None,
) -> None:
    _c, viewer = joined("Cuenca", "EC")
    _c, shy = joined("Loja", "EC")
    _c, open_ = joined("Ambato", "EC")
    _c, private = joined("Manta", "EC")
    MemberProfile.objects.create(user=shy, listed=False, role="Data lead")
    listed(open_, role="Chief data officer", show_email=True)
    listed(private, role="Analyst")

    page = signed_in(viewer).get(reverse("network:directory")).text
    assert "Lead of Ambato" in page and "Chief data officer" in page and "Ambato" in page
    assert open_.email in page
    assert "Lead of Manta" in page and private.email not in page
    assert "Lead of Loja" not in page and "Data lead" not in page
    assert viewer.email not in page


def test_it_filters_by_topic_language_and_country(standard: None) -> None:
    _c, viewer = joined("Lima", "PE")
    _c, spanish = joined("Cusco", "PE")
    _c, french = joined("Lyon", "FR")
    listed(spanish, languages=["es"], topics=["DM"])
    listed(french, languages=["fr", "en"], topics=["DG"])
    client = signed_in(viewer)
    url = reverse("network:directory")

    assert "Lead of Lyon" in client.get(url, {"language": "fr"}).text
    assert "Lead of Cusco" not in client.get(url, {"language": "fr"}).text
    by_country = client.get(url, {"country": "PE"}).text
    assert "Lead of Cusco" in by_country and "Lead of Lyon" not in by_country


def test_a_member_lists_themselves_from_their_profile(standard: None) -> None:
    _c, viewer = joined("Arica", "CL")
    _c, me = joined("Temuco", "CL")
    client = signed_in(me)
    response = client.post(
        reverse("network:profile"),
        {"listed": "on", "role": "Open data officer", "languages": ["es", "en"], "digest": "on"},
    )
    assert response.status_code == 302
    profile = MemberProfile.objects.get(user=me)
    assert profile.listed and profile.digest and profile.listed_at is not None
    assert "Open data officer" in signed_in(viewer).get(reverse("network:directory")).text
    # A language that is not offered is refused, naming the field; nothing changes.
    refused = client.post(reverse("network:profile"), {"listed": "", "languages": ["xx"]})
    assert refused.status_code == 400 and "Languages you speak" in refused.text
    assert MemberProfile.objects.get(user=me).listed


def test_someone_whose_city_left_is_no_longer_listed(standard: None) -> None:
    _c, viewer = joined("Osorno", "CL")
    city, gone = joined("Chillan", "CL")
    listed(gone, role="Analyst")
    city.memberships.filter(user=gone).delete()
    assert "Lead of Chillan" not in signed_in(viewer).get(reverse("network:directory")).text


def test_the_directory_reads_a_bounded_number_of_queries(
    standard: None, django_assert_max_num_queries: Any
) -> None:
    _c, viewer = joined("Valparaiso", "CL")
    client = signed_in(viewer)

    def grow(n: int) -> None:
        for i in range(n):
            _c, someone = joined(f"Town {i} {MemberProfile.objects.count()}", "CL")
            listed(someone, languages=["es"], topics=["DM"])

    grow(2)
    with django_assert_max_num_queries(30) as few:
        assert client.get(reverse("network:directory")).status_code == 200
    grow(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("network:directory")).status_code == 200


def test_members_at_once_are_those_asked_one_by_one(standard: None) -> None:
    from citycert.assessments.models import NetworkMembership, Snapshot
    from citycert.assessments.network import is_network_member, members
    from citycert.partners.models import Organisation, Staff

    _c, lead = joined("Iquique", "CL")
    kept = f.city("Talca", "CL")
    keeper = f.lead(kept).user
    Snapshot.objects.create(questionnaire="2022", answers={}, city=kept, person=keeper)
    on_their_own = f.person()
    NetworkMembership.objects.create(user=on_their_own)
    staff = f.person()
    Staff.objects.create(organisation=Organisation.objects.create(name="A", slug="a"), user=staff)
    left = f.person()
    Staff.objects.create(
        organisation=Organisation.objects.create(name="B", slug="b"),
        user=left,
        left_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    reviewer = f.person(reviewer=True)
    outsider = f.person()
    f.lead(f.city("Nowhere"), outsider)
    everyone = [lead, keeper, on_their_own, staff, left, reviewer, outsider]
    assert (
        set(members().filter(pk__in=[p.pk for p in everyone]))
        == {p for p in everyone if is_network_member(p)}
        == {lead, keeper, on_their_own, staff, reviewer}
    )
