"""The data snapshot's result can be found again by the person who took it: by an emailed link,
in their account once they sign in or sign up from the browser that took it, and on their
dashboard; never by anyone else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from citycert.assessments import snapshot
from citycert.assessments.models import Snapshot
from tests import factories as f

pytestmark = pytest.mark.usefixtures("standard")
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
STRONG = "correct-horse-battery-staple-9"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def answers() -> dict[str, int]:
    return {q.key: 2 for q in snapshot.questionnaire().questions}


def take(client: Client, city: str = "Rosario", **extra: str) -> Snapshot:
    response = client.post("/snapshot/", {"city_name": city, **answers(), **extra})
    assert response.status_code == 302
    return Snapshot.objects.get(city_name=city)


def test_the_link_to_the_result_is_emailed_in_the_person_s_language(
    client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    client.post("/i18n/setlang/", {"language": "es"})
    with django_capture_on_commit_callbacks(execute=True):
        taken = take(client, email="ana@rosario.example.org")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@rosario.example.org"]
    html = next(body for body, kind in message.alternatives if kind == "text/html")
    assert '<html lang="es">' in html
    path = re.search(r"https?://[^/\s]+(/snapshot/\S+)", message.body).group(1)  # type: ignore[union-attr]
    assert path.startswith(f"/snapshot/{taken.pk}/?key=") and path in html
    # The address is not kept anywhere on the snapshot.
    assert "ana@" not in str(Snapshot.objects.filter(pk=taken.pk).values().get())

    elsewhere = Client()  # another browser: the link opens the result, the bare address does not
    assert elsewhere.get(f"/snapshot/{taken.pk}/").status_code == 404
    assert Client().get(f"/snapshot/{taken.pk}/?key=forged").status_code == 404
    other = take(Client(), "Córdoba")  # one snapshot's key opens no other
    assert Client().get(f"/snapshot/{other.pk}/?{path.split('?')[1]}").status_code == 404
    assert "Rosario" in elsewhere.get(path).text
    # Once opened with its link, this browser remembers it.
    assert elsewhere.get(f"/snapshot/{taken.pk}/").status_code == 200


def test_no_email_is_sent_without_an_address(
    client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        take(client)
    assert not mail.outbox
    response = client.post("/snapshot/", {"city_name": "X", **answers(), "email": "not-an-address"})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.text


def test_a_snapshot_taken_signed_in_is_the_person_s_at_once(client: Client) -> None:
    person = f.person()
    client.force_login(person, backend=BACKEND)
    assert take(client).person == person


def test_snapshots_taken_anonymously_are_kept_on_signing_in(client: Client) -> None:
    person = f.person("lucia@example.org")
    taken = take(client)
    owned = take(Client(), "Salta")  # another browser's: not this person's
    response = client.post("/accounts/login/", {"login": person.email, "password": f.PASSWORD})
    assert response.status_code == 302
    taken.refresh_from_db()
    owned.refresh_from_db()
    assert taken.person == person and owned.person is None


def test_snapshots_taken_anonymously_are_kept_on_signing_up(client: Client) -> None:
    taken = take(client)
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.org", "password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 302
    taken.refresh_from_db()
    assert taken.person is not None and taken.person.email == "new@example.org"


def test_the_dashboard_lists_the_person_s_snapshots_and_no_one_else_s(
    django_assert_max_num_queries: Any,
) -> None:
    person, stranger = f.person(), f.person()
    mine = Client()
    mine.force_login(person, backend=BACKEND)
    for n in range(5):
        take(mine, f"Rosario {n}")
    theirs = Client()
    theirs.force_login(stranger, backend=BACKEND)
    take(theirs, "Mendoza")
    with django_assert_max_num_queries(20):
        page = mine.get("/my/").text
    assert "Your data snapshots" in page
    for taken in Snapshot.objects.filter(person=person):
        assert f'href="/snapshot/{taken.pk}/"' in page
    assert "Mendoza" not in page
    other = theirs.get("/my/").text
    assert "Rosario" not in other and "Mendoza" in other
    # The stranger cannot open the person's result either.
    assert (
        theirs.get(f"/snapshot/{Snapshot.objects.filter(person=person)[0].pk}/").status_code == 404
    )


def test_the_emailed_link_in_someone_else_s_account_reads_the_result_and_keeps_nothing(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    person, stranger = f.person(), f.person()
    c = f.city("Salta", "AR")
    f.lead(c, stranger)
    mine = Client()
    mine.force_login(person, backend=BACKEND)
    with django_capture_on_commit_callbacks(execute=True):
        taken = take(mine, email=person.email)
    path = re.search(r"(/snapshot/\S+)", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    theirs = Client()
    theirs.force_login(stranger, backend=BACKEND)
    page = theirs.get(path)
    assert page.status_code == 200 and "Keep this snapshot" not in page.text
    theirs.post(path, {"city": c.slug})
    taken.refresh_from_db()
    assert (taken.person, taken.city) == (person, None)
