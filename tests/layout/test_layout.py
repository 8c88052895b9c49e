"""The site's layout: a menu for each kind of person that folds on phones without script,
forms and tables in the design system, and error pages in the layout and the reader's
language."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def header(html: str) -> str:
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def test_the_menu_folds_into_a_disclosure_that_needs_no_script() -> None:
    html = Client().get(reverse("public:home")).content.decode()
    top = header(html)
    assert '<details class="site-menu">' in top and "<summary" in top
    # The same links, once in the row for wide screens and once in the folded menu.
    assert top.count(f'href="{reverse("public:directory")}"') == 2
    assert top.count('id="language-select"') == 1 and top.count('id="language-select-menu"') == 1


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("anonymous", ["Data snapshot", "Sign in"], ["Review queue", "My reviews", "My cities"]),
        ("city", ["My cities", "Sign out"], ["Review queue", "My reviews", "Audit trail"]),
        ("reviewer", ["My reviews", "Sign out"], ["Review queue", "Audit trail", "Data snapshot"]),
        ("admin", ["Review queue", "Cohorts", "Appeals", "Audit trail"], ["My reviews"]),
    ],
)
def test_each_kind_of_person_gets_a_menu_made_for_them(
    who: str, shown: list[str], hidden: list[str]
) -> None:
    if who == "anonymous":
        client = Client()
    elif who == "city":
        person = f.person()
        f.lead(f.city(), person)
        client = signed_in(person)
    else:
        client = signed_in(f.person(**{who: True}, mfa=True))
    top = header(client.get(reverse("public:home")).content.decode())
    for label in shown:
        assert f">{label}<" in top, label
    for label in hidden:
        assert f">{label}<" not in top, label


def test_the_account_pages_buttons_are_the_design_systems() -> None:
    page = Client().get("/accounts/login/").text
    main = page.split("<main", 1)[1]
    assert '<button class="usa-button" type="submit">' in main  # the main action, solid
    signup = Client().get("/accounts/signup/").text.split("<main", 1)[1]
    assert "<button>" not in signup and 'class="usa-button' in signup


def test_django_forms_draw_with_the_design_system() -> None:
    html = Client().get(reverse("account_signup")).content.decode()
    assert 'class="usa-input"' in html
    assert 'class="usa-label"' in html


def test_tables_scroll_inside_a_labelled_region(standard: None) -> None:
    html = Client().get(reverse("standards:list")).content.decode()
    region = html.index('class="usa-table-container--scrollable"')
    opening = html[region : html.index(">", region)]
    assert 'role="region"' in opening and 'tabindex="0"' in opening
    labelled_by = opening.split('aria-labelledby="')[1].split('"')[0]
    assert f'<caption id="{labelled_by}"' in html


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "There is no page at this address"), ("es", "No hay ninguna página en esta dirección")],
)
def test_not_found_is_in_the_layout_and_the_readers_language(language: str, words: str) -> None:
    response = Client(headers={"accept-language": language}).get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<header class="site-header">' in html and f'lang="{language}"' in html
    assert words in html


def test_forbidden_says_what_to_do_next() -> None:
    client = signed_in(f.person())
    response = client.get(reverse("cities:registry"))
    assert response.status_code == 403
    html = response.content.decode()
    assert '<header class="site-header">' in html
    assert reverse("accounts:dashboard") in html.split("<main", 1)[1]


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "The request could not be read"), ("es", "No se pudo leer la solicitud")],
)
def test_a_bad_request_is_in_the_layout_and_the_readers_language(language: str, words: str) -> None:
    response = Client(headers={"accept-language": language}).get("/cities/?q=%00")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<header class="site-header">' in html and f'lang="{language}"' in html
    assert words in html


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "This form has expired"), ("es", "Este formulario ha caducado")],
)
def test_a_form_refused_by_the_csrf_check_is_in_the_layout_and_changes_nothing(
    language: str, words: str
) -> None:
    from citycert.accounts.models import User

    person = f.person()
    before = User.objects.get(pk=person.pk).language
    client = Client(enforce_csrf_checks=True, headers={"accept-language": language})
    client.force_login(person, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.post(reverse("accounts:email_language"), {"language": "fr"})
    assert response.status_code == 403
    html = response.content.decode()
    assert '<header class="site-header">' in html and f'lang="{language}"' in html
    assert words in html and "CSRF" not in html.split("<main", 1)[1]
    assert User.objects.get(pk=person.pk).language == before != "fr"


@override_settings(ROOT_URLCONF="tests.layout.error_urls", DEBUG=False)
@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Something went wrong"), ("fr", "Un problème est survenu")],
)
def test_a_server_error_is_in_the_layout_and_the_readers_language(
    language: str, words: str
) -> None:
    client = Client(raise_request_exception=False, headers={"accept-language": language})
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<header class="site-header">' in html and words in html


@override_settings(ROOT_URLCONF="tests.layout.broken_urls", DEBUG=False)
def test_a_server_error_still_answers_when_the_layout_cannot_be_drawn() -> None:
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and "site-header" not in html
