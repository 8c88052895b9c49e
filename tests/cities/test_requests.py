"""Asking to take part for a city: the answer never says whether the city already takes part;
a lead is confirmed by a program admin or by an address on the city's official domain; a team
decides who joins it."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from citycert.accounts.models import Membership, Notification
from citycert.cities import gazetteer
from citycert.cities.models import City, CityRequest
from tests import factories as f

pytestmark = pytest.mark.django_db

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
PORTLAND_OR = "geonames:5746545"
MAR_DEL_PLATA = next(p for p in gazetteer.search("Mar del Plata") if p.country == "AR")


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def ask(client: Client, place: str, statement: str = "I lead the open data office.") -> str:
    """Ask for `place`; the text the person is shown next, without the city's name."""
    response = client.post("/my/cities/register/", {"place": place, "statement": statement})
    assert response.status_code == 302, response.content
    page = client.get(response["Location"])
    assert page.status_code == 200
    shown = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.text)
    city = City.objects.get(gazetteer_id=place)
    return shown.replace(str(city), "CITY").replace(city.name, "CITY")


def test_the_answer_is_the_same_whether_or_not_the_city_has_a_team() -> None:
    claimed = City.from_place(MAR_DEL_PLATA, slug="mar-del-plata-ar", created_by=None)
    claimed.save()
    f.lead(claimed)
    unclaimed = gazetteer.get(PORTLAND_OR)
    assert unclaimed is not None

    first, second = f.person(), f.person()
    to_claimed = ask(signed_in(first), MAR_DEL_PLATA.gazetteer_id)
    to_unclaimed = ask(signed_in(second), PORTLAND_OR)
    # The pages differ only by the person's own address (in the header).
    assert to_claimed.replace(first.email, "ME") == to_unclaimed.replace(second.email, "ME")
    assert "already has a team" not in to_claimed

    # Behind the answer: a request to join for the claimed city, a claim for the other.
    join = CityRequest.objects.get(person=first)
    claim = CityRequest.objects.get(person=second)
    assert (join.claim, claim.claim) == (False, True)
    assert not claimed.memberships.filter(user=first).exists()
    assert not City.objects.get(gazetteer_id=PORTLAND_OR).memberships.exists()
    # The lead of the claimed city is told; program admins are told of the claim.
    lead = claimed.memberships.get().user
    assert Notification.objects.filter(recipient=lead, kind="city_request_received").exists()


def test_until_confirmed_the_claimant_sees_nothing_of_the_city_but_can_take_the_snapshot() -> None:
    person = f.person()
    client = signed_in(person)
    ask(client, PORTLAND_OR)
    city = City.objects.get(gazetteer_id=PORTLAND_OR)
    assert client.get(f"/my/cities/{city.slug}/").status_code == 404
    assert client.get(f"/my/cities/{city.slug}/assessment/").status_code == 404
    assert client.post(f"/my/cities/{city.slug}/assessment/submit/").status_code == 404
    dashboard = client.get("/my/").text
    assert "waiting for an answer" in dashboard and 'href="/snapshot/"' in dashboard
    assert client.get("/snapshot/").status_code == 200


def test_a_program_admin_confirms_or_declines_a_claim_with_what_the_person_said() -> None:
    admin = signed_in(f.person(admin=True, mfa=True))
    mayor, stranger = f.person(), f.person()
    ask(signed_in(mayor), PORTLAND_OR, "Chief of staff, mayor's office")
    ask(signed_in(stranger), PORTLAND_OR, "I like maps")
    page = admin.get("/program/claims/").text
    assert "Chief of staff, mayor&#x27;s office" in page and "I like maps" in page

    city = City.objects.get(gazetteer_id=PORTLAND_OR)
    good = CityRequest.objects.get(person=mayor)
    bad = CityRequest.objects.get(person=stranger)
    admin.post(f"/program/claims/{good.pk}/decide/", {"decision": "approve"})
    admin.post(f"/program/claims/{bad.pk}/decide/", {"decision": "decline"})
    assert list(city.memberships.values_list("user", "role")) == [(mayor.pk, Membership.Role.LEAD)]
    bad.refresh_from_db()
    assert bad.status == CityRequest.Status.DECLINED
    assert Notification.objects.filter(recipient=stranger, kind="city_request_decided").exists()

    # A second answer to the same request (a double click) changes nothing.
    again = admin.post(f"/program/claims/{bad.pk}/decide/", {"decision": "approve"}, follow=True)
    assert "already answered" in again.text
    assert not city.memberships.filter(user=stranger).exists()
    # Junk for a decision is refused with a message.
    junk = admin.post(f"/program/claims/{good.pk}/decide/", {"decision": "\u00b2"}, follow=True)
    assert junk.status_code == 200 and "accept or to decline" in junk.text


def test_a_confirmed_address_on_an_official_domain_leads_at_once() -> None:
    place = gazetteer.get(PORTLAND_OR)
    assert place is not None
    city = City.from_place(place, slug="portland-us", created_by=None)
    city.official_domains = ["portlandoregon.gov"]
    city.save()

    official = f.person("data@portlandoregon.gov")
    response = signed_in(official).post(
        "/my/cities/register/", {"place": PORTLAND_OR, "statement": "Open data lead"}
    )
    assert response["Location"] == f"/my/cities/{city.slug}/"
    assert city.memberships.get().user == official

    # The same domain on an address not confirmed yet, or a look-alike domain: an admin decides.
    unconfirmed = f.person("gis@portlandoregon.gov")
    EmailAddress.objects.filter(user=unconfirmed).update(verified=False)
    lookalike = f.person("x@portlandoregon.gov.example.com")
    city.memberships.all().delete()
    for person in (unconfirmed, lookalike):
        signed_in(person).post(
            "/my/cities/register/", {"place": PORTLAND_OR, "statement": "GIS team"}
        )
    assert not city.memberships.exists()
    assert CityRequest.objects.filter(status="pending", claim=True).count() == 2


def test_the_lead_decides_who_joins_the_team() -> None:
    claimed = City.from_place(MAR_DEL_PLATA, slug="mar-del-plata-ar", created_by=None)
    claimed.save()
    lead = f.lead(claimed).user
    colleague, stranger = f.person(), f.person()
    ask(signed_in(colleague), MAR_DEL_PLATA.gazetteer_id, "Analyst, budget office")
    ask(signed_in(stranger), MAR_DEL_PLATA.gazetteer_id, "Curious")

    team = signed_in(lead)
    page = team.get(f"/my/cities/{claimed.slug}/").text
    assert "Analyst, budget office" in page and colleague.email in page
    welcome = CityRequest.objects.get(person=colleague)
    refuse = CityRequest.objects.get(person=stranger)
    team.post(f"/my/cities/{claimed.slug}/requests/{welcome.pk}/decide/", {"decision": "approve"})
    team.post(f"/my/cities/{claimed.slug}/requests/{refuse.pk}/decide/", {"decision": "decline"})
    assert claimed.memberships.get(user=colleague).role == Membership.Role.CONTRIBUTOR
    assert not claimed.memberships.filter(user=stranger).exists()

    # A contributor cannot decide; another city's lead cannot even see the request.
    again = CityRequest.objects.create(city=claimed, person=f.person(), statement="x", claim=False)
    url = f"/my/cities/{claimed.slug}/requests/{again.pk}/decide/"
    assert signed_in(colleague).post(url, {"decision": "approve"}).status_code == 403
    elsewhere = f.city("Elsewhere")
    other_lead = f.lead(elsewhere).user
    assert signed_in(other_lead).post(url, {"decision": "approve"}).status_code == 404


def test_asking_twice_keeps_one_request_and_an_empty_statement_is_refused() -> None:
    person = f.person()
    client = signed_in(person)
    empty = client.post("/my/cities/register/", {"place": PORTLAND_OR, "statement": "  "})
    assert empty.status_code == 400 and "errorlist" in empty.text
    assert not CityRequest.objects.exists()
    ask(client, PORTLAND_OR)
    ask(client, PORTLAND_OR)
    assert CityRequest.objects.filter(person=person).count() == 1
