"""Junk in any field of any page never makes a server error (on SQLite and on PostgreSQL): every
URL of the authorization matrix, as a person who may use it, gets NUL characters, overlong
text, numbers that are not numbers or do not fit, and odd Unicode in each of its form fields
and query parameters, one at a time."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.accounts.test_authorization_matrix import ROLES, TABLE, Route, World
from tests.accounts.test_authorization_matrix import (  # the same world, built once
    shared_world as shared_world,
)

#: Tried one field at a time. A NUL character is tried once per page, in every field at once:
#: the request guard refuses it before any view runs (a public file kept in the cache, which
#: reads no field, is served before the guard).
JUNK = (
    "x" * 20_000,
    "abc",
    "9" * 25,
    "-1",
    "\uff11\uff12",  # full-width digits
    "\u202e\ud7ff\ufeff",
    "2026-02-30",
    "😀" * 50,
)
#: Query parameters the list pages read, besides those their forms show.
QUERY = ("q", "page", "state", "older_than", "country", "standard", "level", "sort", "year", "show")
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
#: Who tries each page: the first of these the matrix lets in.
TRIERS = ("admin", "lead_a", "contributor_a", "reviewer_a", "panelist_a", "coach_a", "anonymous")


def client_for(world: World, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world.users[role], backend=BACKEND)
    return client


def fields_on(html: str) -> set[str]:
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', html))
    return {n for n in names if n != "csrfmiddlewaretoken"}


def query_fields_on(html: str) -> set[str]:
    """The fields of the page's forms sent by GET: those its views read from the address."""
    forms = re.findall(r'<form\b[^>]*\bmethod="get"[^>]*>(.*?)</form>', html, re.S | re.I)
    return set().union(*(fields_on(form) for form in forms)) if forms else set()


def tried(world: World, role: str, method: str, url: str, data: dict[str, Any]) -> int:
    with transaction.atomic():
        client = client_for(world, role)
        response = client.get(url, data) if method == "get" else client.post(url, data)
        transaction.set_rollback(True)
    return response.status_code


def first_allowed(statuses: dict[str, int]) -> str | None:
    return next((role for role in TRIERS if statuses[role] < 400), None)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_no_junk_makes_a_server_error(db: None, shared_world: World, name: str) -> None:
    world = shared_world
    route: Route = TABLE[name]
    url = reverse(name, kwargs=route.kwargs(world))
    failures: list[str] = []
    role = first_allowed(route.get)
    page_fields: set[str] = set()
    query_fields: set[str] = set()
    if role is not None:
        with transaction.atomic():
            response = client_for(world, role).get(url)
            transaction.set_rollback(True)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            page_fields = fields_on(response.content.decode())
            query_fields = query_fields_on(response.content.decode())
        # In the address: the page's GET forms' fields and the parameters list pages read;
        # the fields of forms sent by POST are tried in the body below.
        fields = sorted(query_fields | set(QUERY))[:14]
        for field in fields:
            for junk in JUNK:
                status = tried(world, role, "get", url, {field: junk})
                if status >= 500:
                    failures.append(f"GET ?{field}={junk[:12]!r} as {role}: {status}")
        status = tried(world, role, "get", url, dict.fromkeys(fields, "a\x00b"))
        if status >= 500:
            failures.append(f"GET with a NUL in every field as {role}: {status}")
    if route.post is not None:
        role = first_allowed(route.post)
        if role is not None:
            base = route.data(world)
            fields = sorted(set(base) | page_fields)[:14]
            for field in fields:
                for junk in JUNK:
                    status = tried(world, role, "post", url, {**base, field: junk})
                    if status >= 500:
                        failures.append(f"POST {field}={junk[:12]!r} as {role}: {status}")
            nul = {**base, **dict.fromkeys(fields, "a\x00b")}
            status = tried(world, role, "post", url, nul)
            if status >= 500:
                failures.append(f"POST with a NUL in every field as {role}: {status}")
    assert failures == [], f"{name}: {failures}"


def test_the_roles_tried_cover_the_matrix() -> None:
    assert set(TRIERS) <= set(ROLES)


def test_a_nul_anywhere_in_the_address_is_refused_with_a_400(db: None, shared_world: World) -> None:
    world = shared_world
    admin = client_for(world, "admin")
    lead = client_for(world, "lead_a")
    for client, url in (
        (Client(), "/standard/%00/"),
        (lead, f"/my/cities/{world.a.slug}/assessment/criteria/%00/"),
        (admin, "/program/reviews/?standard=%00"),
        (admin, "/program/reviews/?country=a%00"),
        (Client(), "/cities/?q=%00"),
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "NUL" in response.content.decode()
    api = Client().get("/api/v1/cities?q=%00")
    assert api.status_code == 400 and api.json()["error"]["code"] == "invalid"


def test_a_nul_in_a_posted_field_is_refused_and_nothing_changes(
    db: None, shared_world: World
) -> None:
    world = shared_world
    lead = client_for(world, "lead_a")
    url = (
        f"/my/cities/{world.a.slug}/assessment/clarifications/{world.ids['clarification']}/answer/"
    )
    response = lead.post(url, {"reply": "Done\x00."})
    assert response.status_code == 400
    from citycert.reviews.models import Clarification

    assert Clarification.objects.get(pk=world.ids["clarification"]).is_open
