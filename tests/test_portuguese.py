"""One Portuguese: the sign-in and account pages (django-allauth's) and Django's own messages
(password rules, form errors, dates) speak Brazilian Portuguese like the rest of the site."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.test import Client

from citycert import translations
from tests import factories as f

EUROPEAN = ("Palavra-passe", "palavra-passe", "Iniciar sessão", "Terminar sessão", "utilizador")


def in_portuguese() -> Client:
    client = Client()
    client.post("/i18n/setlang/", {"language": "pt", "next": "/"})
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"],
)
def test_the_account_pages_are_in_brazilian_portuguese(path: str) -> None:
    html = in_portuguese().get(path).text
    assert '<html lang="pt">' in html
    assert "Senha" in html or "senha" in html
    for word in EUROPEAN:
        assert word not in html, (path, word)


@pytest.mark.django_db
def test_a_wrong_password_is_said_in_brazilian_portuguese() -> None:
    f.person("ana@example.org")
    client = in_portuguese()
    html = client.post(
        "/accounts/login/", {"login": "ana@example.org", "password": "not-her-password"}
    ).text
    assert "senha" in html.lower()
    for word in EUROPEAN:
        assert word not in html


def test_every_allauth_string_shown_has_our_brazilian_version() -> None:
    assert translations.override_gaps() == []


def test_a_missing_override_is_named(tmp_path: Path) -> None:
    source = translations.OVERRIDES / "pt" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(source))
    password = next(e for e in po if e.msgid == "Password" and not e.msgctxt)
    po.remove(password)
    folder = tmp_path / "pt" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po.save(str(folder / "django.po"))
    gaps = translations.override_gaps(tmp_path)
    assert gaps == [
        "overrides/pt/LC_MESSAGES/django.po: 'Password': missing (it would show in "
        "European Portuguese)"
    ]
