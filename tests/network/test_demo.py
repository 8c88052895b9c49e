"""The demo data holds a portfolio: three cities consented, one is asked; loading it twice
changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from citycert.accounts.models import ApiToken, User
from citycert.accounts.services import create_token
from citycert.network.models import MemberProfile, PortfolioCity
from citycert.standards.services import load_files

pytestmark = pytest.mark.django_db


def test_the_demo_portfolio_shows_its_consenting_cities(settings: object) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]
    load_files()
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    states = sorted(PortfolioCity.objects.values_list("city__name", "state"))
    assert states == [
        ("Campinas", "consented"),
        ("Curitiba", "consented"),
        ("Guadalajara", "invited"),
        ("Rosario", "consented"),
    ]
    owner = User.objects.get(email="association@demo.citycert.invalid")
    token = create_token(owner, "demo", ApiToken.Scope.READ).secret
    found = Client().get(
        "/api/v1/portfolios/latam-data-cities", headers={"Authorization": f"Bearer {token}"}
    )
    assert sorted(r["name"] for r in found.json()["rows"]) == ["Campinas", "Curitiba", "Rosario"]
    assert MemberProfile.objects.filter(listed=True).count() == 2
