"""Adding a language is data and catalogues, not code: German, from fixtures, joins the four
languages with LANGUAGES, its interface catalogue and a Standard catalogue, and shows at once;
what it has not translated falls back to English, marked, and the checks name the gaps."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client

from citycert import translations
from citycert.standards.services import load_files
from tests.api.conftest import ApiClient

FIXTURES = Path(__file__).parent / "fixtures" / "fifth-language"

pytestmark = pytest.mark.django_db


@pytest.fixture
def german(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    # The interface catalogue, compiled as `make install` compiles ours.
    messages = tmp_path / "locale" / "de" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    source = polib.pofile(str(FIXTURES / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    source.save_as_mofile(str(messages / "django.mo"))
    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "Deutsch")]
    settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]
    # The Standard's files, with the German catalogue beside them.
    data = tmp_path / "data"
    shutil.copytree(translations.STANDARDS, data)
    shutil.copy(FIXTURES / "2022.de.po", data)
    load_files(sorted(data.glob("[0-9]*.yaml")))
    return data


def test_a_fifth_language_shows_in_the_pages_and_the_api(german: Path) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "de", "next": "/standard/2022/"})
    html = client.get("/standard/2022/").text
    assert '<html lang="de">' in html
    assert '<option value="de" lang="de" selected>' in html  # in the language menu
    assert "Der Standard" in html and "Wie eine Stufe vergeben wird" in html  # interface
    assert "Standard 2022 (Version 3.0)" in html  # the Standard's own texts
    assert "Datenstrategie und Daten-Governance" in html
    assert '<span lang="en">' in html  # the rest in English, marked for screen readers
    label = ApiClient().get("/standards/2022").json()["label"]
    assert label["de"] == "Standard 2022 (Version 3.0)" and label["es"]


def test_its_translators_get_a_catalogue_and_the_checks_name_its_gaps(
    german: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "de.po"
    call_command("standard_translations", "export", str(exported), "--lang", "de")
    po = polib.pofile(str(exported))
    assert len(po) == 388 and len(po.untranslated_entries()) == 385
    gaps = translations.standard_gaps(german)
    assert "2022.de.po: criterion.DM1.statement: not translated" in gaps
    assert "2018.de.po: missing: version 2018 has no de" in gaps
    assert not any(gap.startswith(("2022.es", "2022.pt", "2022.fr")) for gap in gaps)
    assert "glossary.yaml: “criterion”: no de term" in translations.glossary_gaps(german)
