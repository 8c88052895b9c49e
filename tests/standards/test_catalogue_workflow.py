"""The translation workflow for the next Standard: export a version's texts as a gettext
catalogue, translate it in any tool, import it back, checked, even once assessments use it."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.core.management import CommandError, call_command

from citycert.standards.models import ChecklistItem, Criterion, StandardVersion
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(standard: None, tmp_path: Path) -> Path:
    path = tmp_path / "2022.es.po"
    call_command("standard_translations", "export", str(path), "--lang", "es")
    return path


def entry(po: polib.POFile, context: str) -> polib.POEntry:
    return next(e for e in po if e.msgctxt == context)


def test_export_names_each_text_by_criterion_and_field(exported: Path) -> None:
    po = polib.pofile(str(exported))
    assert len(po) == 388
    statement = entry(po, "criterion.DM1.statement")
    assert (
        statement.msgid == Criterion.objects.get(version__code="2022", code="DM1").statement["en"]
    )
    assert statement.msgstr  # the shipped Spanish comes along
    assert entry(po, "criterion.DM1.checklist.a") and entry(po, "criterion.DM1.document.1")
    assert entry(po, "version.outcome_gate") and entry(po, "outcome.air_quality.description")


def test_import_updates_a_version_in_use_and_export_gives_it_back(
    exported: Path, tmp_path: Path
) -> None:
    f.submitted_assessment()  # the 2022 version is now in use: its English is frozen
    po = polib.pofile(str(exported))
    entry(po, "criterion.DM1.checklist.a").msgstr = "Un documento escrito define los roles."
    po.save(str(exported))
    call_command("standard_translations", "import", str(exported), "--lang", "es")
    item = ChecklistItem.objects.get(
        criterion__version__code="2022", criterion__code="DM1", key="a"
    )
    assert item.text["es"] == "Un documento escrito define los roles."
    assert item.text["en"].startswith("A written data strategy")
    again = tmp_path / "again.po"
    call_command(
        "standard_translations", "export", str(again), "--lang", "es", "--standard", "2022"
    )
    assert entry(polib.pofile(str(again)), "criterion.DM1.checklist.a").msgstr == item.text["es"]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            lambda po: setattr(entry(po, "criterion.DM1.title"), "msgctxt", "criterion.ZZ9.title"),
            "no text of version 2022 has this context",
        ),
        (lambda po: setattr(entry(po, "criterion.DM1.title"), "msgstr", ""), "no translation"),
        (
            lambda po: setattr(entry(po, "criterion.DM1.title"), "msgstr", "Hola %(nombre)s"),
            "placeholders differ",
        ),
        (
            lambda po: setattr(entry(po, "criterion.DM1.title"), "msgid", "Another English"),
            "the English differs",
        ),
        (lambda po: entry(po, "criterion.DM1.title").flags.append("fuzzy"), "fuzzy"),
    ],
)
def test_a_bad_catalogue_is_refused_whole_and_nothing_changes(exported: Path, change, said) -> None:  # type: ignore[no-untyped-def]
    po = polib.pofile(str(exported))
    entry(po, "criterion.DM2.title").msgstr = "Inventario cambiado"
    change(po)
    po.save(str(exported))
    before = {c.code: c.title for c in Criterion.objects.filter(version__code="2022")}
    with pytest.raises(CommandError, match=said):
        call_command("standard_translations", "import", str(exported), "--lang", "es")
    assert {c.code: c.title for c in Criterion.objects.filter(version__code="2022")} == before


def test_junk_files_are_refused_plainly(standard: None, tmp_path: Path) -> None:
    junk = tmp_path / "junk.po"
    junk.write_bytes(b"\xff\xfe not a catalogue \x00")
    with pytest.raises(CommandError):
        call_command("standard_translations", "import", str(junk), "--lang", "es")
    with pytest.raises(CommandError, match="no such file"):
        call_command("standard_translations", "import", str(tmp_path / "none.po"), "--lang", "fr")
    with pytest.raises(CommandError, match="No standard version '1999'"):
        call_command(
            "standard_translations", "export", str(junk), "--lang", "fr", "--standard", "1999"
        )
    assert StandardVersion.objects.filter(code="2022").exists()
