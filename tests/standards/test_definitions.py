"""The shipped standard files, and the messages bad standard files get."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from citycert.standards.definitions import (
    DefinitionError,
    load_file,
    packaged,
    packaged_files,
    parse,
)

CODES_2022 = (
    [f"DM{i}" for i in range(1, 10)]
    + [f"LC{i}" for i in range(1, 8)]
    + [f"OD{i}" for i in range(1, 5)]
    + [f"PA{i}" for i in range(1, 6)]
    + [f"BF{i}" for i in range(1, 4)]
    + [f"RDC{i}" for i in range(1, 9)]
    + [f"CI{i}" for i in range(1, 4)]
    + [f"EVAL{i}" for i in range(1, 5)]
)


def raw_2022() -> dict:
    return yaml.safe_load(next(p for p in packaged_files() if p.stem == "2022").read_text())


def refusal(data: dict | str) -> str:
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    with pytest.raises(DefinitionError) as caught:
        parse(text, "2022.yaml")
    return str(caught.value)


def test_it_ships_the_three_versions() -> None:
    assert [p.stem for p in packaged_files()] == ["2017", "2018", "2022"]


def test_the_2022_standard_has_43_criteria_in_8_practice_areas() -> None:
    d = packaged("2022")
    assert [a.code for a in d.practice_areas] == ["DM", "LC", "OD", "PA", "BF", "RDC", "CI", "EVAL"]
    assert [c.code for _, c in d.criteria] == CODES_2022
    assert d.criteria_count == 43
    assert d.open_for_assessments and d.status == "current"
    assert [(lv.level, int(lv.min_percent)) for lv in d.levels] == [
        ("silver", 51),
        ("gold", 68),
        ("platinum", 85),
    ]
    assert d.outcome_gate is not None and d.outcome_gate.required
    assert [o.code for o in d.outcome_gate.options] == ["air_quality", "broadband", "sdg_outcome"]


def test_every_2022_criterion_is_complete() -> None:
    for _, c in packaged("2022").criteria:
        assert c.statement and c.guidance and c.documents, c.code
        assert c.checklist and 1 <= c.checklist.required <= len(c.checklist.items), c.code


def test_the_2018_standard_is_retired_and_lists_only_known_criteria() -> None:
    d = packaged("2018")
    assert (d.status, d.open_for_assessments, d.criteria_count) == ("retired", False, 45)
    assert [(lv.level, int(lv.min_percent)) for lv in d.levels] == [
        ("silver", 51),
        ("gold", 67),
        ("platinum", 84),
    ]
    assert len(d.practice_areas) == 8
    assert len(d.criteria) < 45
    dg1 = next(c for _, c in d.criteria if c.code == "DG1")
    assert dg1.checklist is not None
    assert (dg1.checklist.required, len(dg1.checklist.items)) == (3, 4)


def test_the_2017_standard_is_a_record_only() -> None:
    d = packaged("2017")
    assert (d.status, d.open_for_assessments, d.levels, d.criteria) == ("record", False, [], [])


def test_the_english_file_alone_leaves_slots_the_catalogues_fill() -> None:
    path = next(p for p in packaged_files() if p.stem == "2022")
    alone = parse(path.read_text(encoding="utf-8"), path.name).criteria[0][1]
    assert alone.statement is not None and alone.statement.get("es") is None
    dm1 = packaged("2022").criteria[0][1]
    assert dm1.title.get("es") and dm1.title.get("pt") and dm1.title.get("fr")
    assert dm1.statement is not None and dm1.statement.get("es") and dm1.statement.get("fr")


def test_it_names_the_line_of_malformed_yaml() -> None:
    message = refusal("code: '2022'\nlabel: {en: [unclosed\n")
    assert message.startswith("2022.yaml, line ")
    assert "not valid YAML" in message


def test_it_refuses_a_key_given_twice() -> None:
    assert "key 'code' appears twice" in refusal("code: '2022'\ncode: '2023'\n")


def test_it_refuses_a_duplicate_criterion_code() -> None:
    data = raw_2022()
    data["practice_areas"][1]["criteria"][0]["code"] = "DM3"
    message = refusal(data)
    assert "criterion DM3" in message and "field code" in message
    assert "appears more than once" in message


def test_it_refuses_an_unknown_prerequisite() -> None:
    data = raw_2022()
    data["practice_areas"][0]["criteria"][2]["prerequisites"] = ["DM99"]
    assert refusal(data) == (
        "2022.yaml: practice area DM, criterion DM3, field prerequisites: "
        "unknown prerequisite 'DM99'"
    )


def test_it_refuses_a_prerequisite_cycle() -> None:
    data = raw_2022()
    data["practice_areas"][0]["criteria"][0]["prerequisites"] = ["DM2"]
    data["practice_areas"][0]["criteria"][1]["prerequisites"] = ["DM1"]
    message = refusal(data)
    assert "field prerequisites" in message and "cycle" in message
    assert "DM1" in message and "DM2" in message


def test_it_refuses_thresholds_that_do_not_increase() -> None:
    data = raw_2022()
    data["levels"][1]["min_percent"] = 51
    message = refusal(data)
    assert "field levels" in message and "must increase" in message


def test_it_names_criterion_and_field_of_a_schema_error() -> None:
    data = raw_2022()
    data["practice_areas"][2]["criteria"][1]["checklist"]["required"] = 9
    message = refusal(data)
    assert message.startswith("2022.yaml: practice area OD, criterion OD2, field checklist:")
    assert "required is 9" in message


def test_it_requires_english_text() -> None:
    data = raw_2022()
    data["practice_areas"][0]["criteria"][4]["title"] = {"es": "Privacidad"}
    message = refusal(data)
    assert "criterion DM5, field title.en: Field required" in message


def test_it_refuses_unknown_fields() -> None:
    data = raw_2022()
    data["practice_areas"][0]["criteria"][0]["weight"] = 2
    assert "criterion DM1, field weight: Extra inputs are not permitted" in refusal(data)


def test_it_refuses_an_open_version_with_missing_criteria() -> None:
    data = raw_2022()
    data["practice_areas"][7]["criteria"].pop()
    assert "criteria_count is 43, 42 are listed" in refusal(data)


def test_it_checks_the_file_name_against_the_version_code(tmp_path: Path) -> None:
    path = tmp_path / "2025.yaml"
    path.write_text(yaml.safe_dump(raw_2022()))
    with pytest.raises(DefinitionError, match="file name says '2025'"):
        load_file(path)


def test_it_refuses_an_unknown_version() -> None:
    with pytest.raises(DefinitionError, match="unknown standard version '1999'"):
        packaged("1999")
