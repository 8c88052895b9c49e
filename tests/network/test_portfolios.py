"""Umbrella bodies' portfolios: a city is asked, consents or declines, and can withdraw; the
portfolio's page, CSV export and API show its consenting cities only."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from citycert.accounts.models import ApiToken, User
from citycert.accounts.services import create_token
from citycert.cities.models import City
from citycert.network import queries, sections, services
from citycert.network.models import Portfolio, PortfolioCity
from citycert.reviews.models import Certification, Cohort
from citycert.standards.models import StandardVersion
from tests import factories as f

pytestmark = pytest.mark.django_db

State = PortfolioCity.State


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def league(owner: User) -> Portfolio:
    return services.create_portfolio(
        name="Oregon League", slug="oregon-league", kind="state_league", owners=[owner], by=owner
    )


def entry_in(portfolio: Portfolio, name: str, state: str, owner: User) -> tuple[City, User]:
    """A city with a lead and an assessment, brought to `state` in the portfolio."""
    city = f.city(name)
    lead = f.lead(city).user
    f.assessment_of(city, lead, claimed=10)
    entry = services.invite(portfolio, city, owner)
    assert entry is not None
    if state == State.CONSENTED:
        services.consent(entry, lead)
    elif state == State.DECLINED:
        services.decline(entry, lead)
    elif state == State.WITHDRAWN:
        services.withdraw(services.consent(entry, lead), lead)
    return city, lead


def certify(city: City, level: str = "gold", valid_until: dt.date | None = None) -> Certification:
    cohort, _made = Cohort.objects.get_or_create(
        label="2025-06", defaults={"published_at": timezone.now()}
    )
    return Certification.objects.create(
        city=city,
        cohort=cohort,
        standard=StandardVersion.objects.get(code="2022"),
        level=level,
        event="new",
        awarded_on=dt.date(2025, 6, 1),
        valid_until=valid_until,
        published_at=timezone.now(),
    )


def test_it_walks_a_city_through_invitation_consent_and_withdrawal(standard: None) -> None:
    owner = f.person(name="League staff")
    portfolio = league(owner)
    city = f.city("Salem")
    lead = f.lead(city).user

    entry = services.invite(portfolio, city, owner)
    assert entry is not None and entry.state == State.INVITED and entry.invited_by == owner
    assert services.invite(portfolio, city, owner) is None  # asked already: left as it is
    with pytest.raises(services.StepRefusedError):
        services.withdraw(entry, lead)  # not in the portfolio yet

    entry = services.consent(entry, lead)
    assert entry.state == State.CONSENTED and entry.answered_by == lead and entry.answered_at
    assert queries.consenting(portfolio) == [city]
    with pytest.raises(services.StepRefusedError):
        services.decline(entry, lead)

    entry = services.withdraw(entry, lead)
    assert entry.state == State.WITHDRAWN and entry.withdrawn_by == lead and entry.withdrawn_at
    assert queries.consenting(portfolio) == []

    # Asked again after leaving, the city answers afresh; it can decline.
    again = services.invite(portfolio, city, owner)
    assert again is not None and again.state == State.INVITED and again.withdrawn_at is None
    assert services.decline(again, lead).state == State.DECLINED
    assert queries.consenting(portfolio) == []


def test_it_tells_the_city_s_lead_of_the_invitation(standard: None) -> None:
    owner = f.person()
    city = f.city("Eugene")
    lead = f.lead(city).user
    services.invite(league(owner), city, owner)
    f.deliver()
    assert [m.to for m in mail.outbox] == [[lead.email]]
    assert "Oregon League" in mail.outbox[0].subject
    assert reverse("network:city_portfolios", args=[city.slug]) in mail.outbox[0].body


def test_the_lead_consents_and_withdraws_from_the_city_s_page(standard: None) -> None:
    owner = f.person()
    portfolio = league(owner)
    city = f.city("Bend")
    lead = f.lead(city).user
    contributor = f.member(city, f.person()).user
    entry = services.invite(portfolio, city, owner)
    assert entry is not None
    url = reverse("network:city_portfolio_answer", args=[city.slug, entry.pk])

    page = signed_in(contributor).get(reverse("network:city_portfolios", args=[city.slug]))
    assert "Oregon League" in page.text and "Consent" not in page.text  # only the lead answers
    assert signed_in(contributor).post(url, {"decision": "consent"}).status_code == 403

    client = signed_in(lead)
    assert client.post(url, {"decision": "consent"}).status_code == 302
    assert PortfolioCity.objects.get(pk=entry.pk).state == State.CONSENTED
    # Consenting twice is refused with a message, nothing changes.
    response = client.post(url, {"decision": "consent"}, follow=True)
    assert "Only an invitation waiting for an answer can be accepted." in response.text
    assert client.post(url, {"decision": "withdraw"}).status_code == 302
    assert PortfolioCity.objects.get(pk=entry.pk).state == State.WITHDRAWN
    # A made-up answer names the field and changes nothing.
    response = client.post(url, {"decision": "delete"}, follow=True)
    assert "Answer:" in response.text
    assert PortfolioCity.objects.get(pk=entry.pk).state == State.WITHDRAWN


def test_a_portfolio_shows_only_consenting_cities_on_its_page_export_and_api(
    standard: None,
) -> None:
    owner = f.person()
    portfolio = league(owner)
    for name, state in (
        ("Astoria", State.CONSENTED),
        ("Bandon", State.INVITED),
        ("Coburg", State.DECLINED),
        ("Dallas", State.WITHDRAWN),
    ):
        entry_in(portfolio, name, state, owner)
    hidden = ("Bandon", "Coburg", "Dallas")

    page = signed_in(owner).get(reverse("network:portfolio", args=[portfolio.slug]))
    assert page.status_code == 200
    assert "Astoria" in page.text
    assert not [name for name in hidden if name in page.text]
    assert "1 invitation waits for an answer." in page.text  # counted, never named

    export = signed_in(owner).get(reverse("network:portfolio_csv", args=[portfolio.slug]))
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert [r["name"] for r in rows] == ["Astoria"]
    assert rows[0]["assessment_state"] == "draft" and rows[0]["met"] == "10"

    token = create_token(owner, "script", ApiToken.Scope.READ).secret
    headers = {"Authorization": f"Bearer {token}"}
    listed = Client().get("/api/v1/portfolios", headers=headers).json()
    assert listed == [
        {"slug": "oregon-league", "name": "Oregon League", "kind": "state_league", "cities": 1}
    ]
    detail = Client().get(f"/api/v1/portfolios/{portfolio.slug}", headers=headers).json()
    assert [r["name"] for r in detail["rows"]] == ["Astoria"]
    assert detail["rows"][0]["met"] == 10


def test_a_withdrawn_city_leaves_the_page_export_and_api_at_once(standard: None) -> None:
    owner = f.person()
    portfolio = league(owner)
    city, lead = entry_in(portfolio, "Newport", State.CONSENTED, owner)
    client = signed_in(owner)
    token = create_token(owner, "script", ApiToken.Scope.READ).secret
    api = f"/api/v1/portfolios/{portfolio.slug}"
    assert "Newport" in client.get(reverse("network:portfolio", args=[portfolio.slug])).text

    services.withdraw(PortfolioCity.objects.get(city=city), lead)

    assert "Newport" not in client.get(reverse("network:portfolio", args=[portfolio.slug])).text
    assert "Newport" not in client.get(reverse("network:portfolio_csv", args=[portfolio.slug])).text
    assert Client().get(api, headers={"Authorization": f"Bearer {token}"}).json()["rows"] == []


def test_a_portfolio_does_not_exist_for_anyone_but_its_owners_and_admins(standard: None) -> None:
    portfolio = league(f.person())
    someone = f.person()
    assert (
        signed_in(someone).get(reverse("network:portfolio", args=["oregon-league"])).status_code
        == 404
    )
    token = create_token(someone, "script", ApiToken.Scope.READ).secret
    response = Client().get(
        f"/api/v1/portfolios/{portfolio.slug}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 404
    assert (
        Client().get("/api/v1/portfolios", headers={"Authorization": f"Bearer {token}"}).json()
        == []
    )


def test_inviting_says_the_same_whether_or_not_the_city_takes_part(standard: None) -> None:
    owner = f.person()
    portfolio = league(owner)
    f.lead(f.city("Medford"))
    client = signed_in(owner)
    url = reverse("network:portfolio_invite", args=[portfolio.slug])
    known = client.post(url, {"name": "medford", "country": "US"}, follow=True)
    unknown = client.post(url, {"name": "Nowhere", "country": "US"}, follow=True)
    message = "If this city takes part in the program, its lead is asked to consent."
    assert message in known.text and message in unknown.text
    assert list(portfolio.entries.values_list("city__name", flat=True)) == ["Medford"]
    assert "Medford" not in known.text  # not shown before it consents


def test_admins_create_portfolios_and_name_their_owners(standard: None) -> None:
    admin = f.person(admin=True, mfa=True)
    owner = f.person()
    client = signed_in(admin)
    response = client.post(
        reverse("network:portfolios"),
        {"name": "Data Fund", "slug": "data-fund", "kind": "funder", "owner": owner.email},
    )
    assert response.status_code == 302
    made = Portfolio.objects.get(slug="data-fund")
    assert list(made.owners.all()) == [owner]
    refused = client.post(
        reverse("network:portfolios"),
        {"name": "Other", "slug": "other", "kind": "funder", "owner": "nobody@example.org"},
    )
    assert refused.status_code == 400
    assert "No one with this email address has an account." in refused.text
    assert not Portfolio.objects.filter(slug="other").exists()
    second = f.person()
    client.post(reverse("network:portfolio_owner", args=["data-fund"]), {"email": second.email})
    assert set(made.owners.all()) == {owner, second}


def test_it_shows_what_needs_attention_across_the_portfolio(standard: None) -> None:
    owner = f.person()
    portfolio = league(owner)
    today = timezone.localdate()
    ending, _lead = entry_in(portfolio, "Ashland", State.CONSENTED, owner)
    certify(ending, "gold", today + dt.timedelta(days=90))
    later, _lead = entry_in(portfolio, "Corvallis", State.CONSENTED, owner)
    certify(later, "silver", today + dt.timedelta(days=400))
    quiet, _lead = entry_in(portfolio, "Hood River", State.CONSENTED, owner)
    long_ago = timezone.now() - dt.timedelta(days=75)
    quiet.assessments.update(created_at=long_ago)
    from citycert.assessments.models import Answer

    Answer.objects.filter(assessment__city=quiet).update(updated_at=long_ago)
    outsider, _lead = entry_in(portfolio, "Lakeview", State.INVITED, owner)
    certify(outsider, "gold", today + dt.timedelta(days=30))

    cities = queries.consenting(portfolio)
    assert [r.certification.city.name for r in queries.expiring_certifications(cities, today)] == [
        "Ashland"
    ]
    assert [(s.city.name, s.days) for s in queries.stalled_assessments(cities, today)] == [
        ("Hood River", 75)
    ]
    potential = queries.improvement_potential(cities)
    assert potential and potential[0].not_met == 3 and potential[0].of == 3

    page = signed_in(owner).get(reverse("network:portfolio", args=[portfolio.slug])).text
    assert "Certifications ending in the next 180 days" in page and "Stalled assessments" in page
    assert "Lakeview" not in page
    rows = {r.city.name: r for r in queries.city_rows(cities, today)}
    assert rows["Ashland"].level == "gold" and rows["Hood River"].level == ""


def test_distributions_of_small_groups_are_not_shown(standard: None) -> None:
    owner = f.person()
    portfolio = league(owner)
    city, lead = entry_in(portfolio, "Tigard", State.CONSENTED, owner)
    from citycert.assessments import services as assessment_services

    assessment_services.submit(city.assessments.get(), lead)
    found = queries.distribution(queries.consenting(portfolio))
    mine, peers, program = found.groups
    assert mine.cities == 1 and mine.shares is not None and sum(mine.shares) == 100
    assert peers.shares is None and program.shares is None  # fewer than five cities


def test_other_apps_add_sections_and_columns(standard: None) -> None:
    owner = f.person()
    portfolio = league(owner)
    city, _lead = entry_in(portfolio, "Salem", State.CONSENTED, owner)
    entry_in(portfolio, "Keizer", State.INVITED, owner)
    seen: list[Any] = []

    def attendance(p: Portfolio, cities: Any, today: dt.date) -> sections.Section:
        seen.extend(cities)
        # Any template of the page's sections will do: this one shows the number it is given.
        return sections.Section("network/_portfolio_stalled.html", {"rows": [], "days": 4321}, 60)

    sections.register_portfolio("test.attendance", attendance)
    sections.register_columns(
        "test.engagements", ["engagements"], lambda ids: {pk: {"engagements": 2} for pk in ids}
    )
    try:
        client = signed_in(owner)
        page = client.get(reverse("network:portfolio", args=[portfolio.slug])).text
        export = client.get(reverse("network:portfolio_csv", args=[portfolio.slug])).text
    finally:
        sections.unregister("test.attendance")
        sections.unregister("test.engagements")
    assert seen == [city]  # consenting cities only
    assert "4321 days" in page
    assert export.splitlines()[0].endswith(",engagements") and export.splitlines()[1].endswith(",2")


def test_the_portfolio_page_reads_a_bounded_number_of_queries(
    standard: None, django_assert_max_num_queries: Any
) -> None:
    owner = f.person()
    portfolio = league(owner)
    client = signed_in(owner)
    url = reverse("network:portfolio", args=[portfolio.slug])

    def grow(n: int) -> None:
        for i in range(n):
            city, _lead = entry_in(
                portfolio, f"Town {i} {portfolio.entries.count()}", State.CONSENTED, owner
            )
            certify(city, "silver", timezone.localdate() + dt.timedelta(days=60))

    grow(2)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    grow(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_city_s_home_points_its_lead_to_the_portfolios(standard: None) -> None:
    city = f.city("Albany")
    lead = f.lead(city).user
    contributor = f.member(city, f.person()).user
    home = reverse("accounts:team", args=[city.slug])
    answer = reverse("network:city_portfolios", args=[city.slug])
    assert answer in signed_in(lead).get(home).text
    assert answer not in signed_in(contributor).get(home).text
