"""Loading the Standard into the database: idempotent, all-or-nothing, frozen once in use."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from citycert.standards.definitions import packaged_files
from citycert.standards.models import ChecklistItem, Criterion, StandardVersion
from citycert.standards.services import definition_from_db
from tests.usage.models import CriterionUse

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return list(Criterion.objects.order_by("pk").values_list("pk", "code", "title", "statement"))


def edited_2022(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    source = next(p for p in packaged_files() if p.stem == "2022")
    data = yaml.safe_load(source.read_text())
    change(data)
    path = tmp_path / "2022.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def test_it_loads_every_shipped_version(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_standard")
    out = capsys.readouterr().out
    assert "standard 2022: created" in out
    assert set(StandardVersion.objects.values_list("code", flat=True)) == {"2017", "2018", "2022"}
    v2022 = StandardVersion.objects.get(code="2022")
    assert v2022.criteria.count() == 43
    assert v2022.practice_areas.count() == 8
    assert ChecklistItem.objects.filter(criterion__version=v2022).count() >= 43 * 3
    assert list(v2022.level_rules.values_list("level", flat=True)) == ["silver", "gold", "platinum"]
    assert v2022.outcome_gate_required
    assert StandardVersion.objects.get(code="2018").criteria_count == 45


def test_loading_twice_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_standard")
    before = snapshot()
    capsys.readouterr()
    call_command("load_standard")
    assert capsys.readouterr().out.count("unchanged") == 3
    assert snapshot() == before


def test_the_database_gives_back_the_definition_it_was_loaded_from(standard: None) -> None:
    from citycert.standards.definitions import packaged

    for code in ("2017", "2018", "2022"):
        assert definition_from_db(StandardVersion.objects.get(code=code)) == packaged(code)


def test_a_bad_file_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    call_command("load_standard")
    before = snapshot()

    def break_it(data: dict) -> None:
        data["practice_areas"][0]["criteria"][0]["title"]["en"] = "A new title"
        data["practice_areas"][0]["criteria"][3]["prerequisites"] = ["NOPE1"]

    with pytest.raises(CommandError) as caught:
        call_command("load_standard", str(edited_2022(tmp_path, break_it)))
    assert "database is unchanged" in str(caught.value)
    assert "criterion DM4, field prerequisites: unknown prerequisite 'NOPE1'" in str(caught.value)
    assert snapshot() == before


def test_a_version_not_yet_in_use_can_be_corrected(tmp_path: Path) -> None:
    call_command("load_standard")

    def retitle(data: dict) -> None:
        data["practice_areas"][0]["criteria"][0]["title"]["en"] = "Data strategy, governed"

    call_command("load_standard", str(edited_2022(tmp_path, retitle)))
    assert Criterion.objects.get(version__code="2022", code="DM1").title["en"] == (
        "Data strategy, governed"
    )


def test_a_version_in_use_refuses_a_changed_text(tmp_path: Path) -> None:
    call_command("load_standard")
    CriterionUse.objects.create(criterion=Criterion.objects.get(version__code="2022", code="PA2"))
    before = snapshot()

    def reword(data: dict) -> None:
        data["practice_areas"][3]["criteria"][1]["statement"]["en"] = "Something else entirely."

    with pytest.raises(CommandError) as caught:
        call_command("load_standard", str(edited_2022(tmp_path, reword)))
    message = str(caught.value)
    assert "2022.yaml: practice area PA, criterion PA2, field statement.en: changed" in message
    assert "already used by assessments" in message
    assert snapshot() == before


def test_a_version_in_use_refuses_a_changed_rule(tmp_path: Path) -> None:
    call_command("load_standard")
    CriterionUse.objects.create(criterion=Criterion.objects.get(version__code="2022", code="DM1"))

    def loosen(data: dict) -> None:
        data["practice_areas"][1]["criteria"][0]["checklist"]["required"] = 1

    with pytest.raises(CommandError, match=r"criterion LC1, field checklist\.required: changed"):
        call_command("load_standard", str(edited_2022(tmp_path, loosen)))


def test_a_version_in_use_still_takes_translations_and_retirement(tmp_path: Path) -> None:
    call_command("load_standard")
    used = Criterion.objects.get(version__code="2022", code="DM1")
    CriterionUse.objects.create(criterion=used)

    def translate_and_retire(data: dict) -> None:
        data["practice_areas"][0]["criteria"][0]["statement"]["es"] = "Una declaración en español."
        data["status"] = "retired"
        data["open_for_assessments"] = False

    call_command("load_standard", str(edited_2022(tmp_path, translate_and_retire)))
    dm1 = Criterion.objects.get(version__code="2022", code="DM1")
    assert dm1.statement["es"] == "Una declaración en español."
    assert dm1.pk == used.pk  # rows kept, so whatever uses them still points at them
    version = StandardVersion.objects.get(code="2022")
    assert (version.status, version.open_for_assessments) == ("retired", False)


def test_the_database_spec_scores_like_the_shipped_one(standard: None) -> None:
    from citycert.standards.definitions import packaged_spec
    from citycert.standards.queries import scoring_spec

    for code in ("2018", "2022"):
        from_db = scoring_spec(StandardVersion.objects.get(code=code))
        shipped = packaged_spec(code)
        assert from_db == shipped
