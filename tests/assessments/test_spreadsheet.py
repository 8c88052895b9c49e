"""Exporting an assessment to XLSX and importing it back: layout, round trips, every refusal."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from io import BytesIO
from typing import Any

import openpyxl
import pytest
from django.utils import translation

from citycert.assessments import spreadsheet
from citycert.assessments.spreadsheet import (
    MAX_BYTES,
    SheetAnswer,
    SheetCriterion,
    SheetItem,
    SheetMeta,
    SpreadsheetError,
    export_workbook,
    import_workbook,
)


def _criterion(code: str, area: str, title: str, required: int, keys: str) -> SheetCriterion:
    items = tuple(SheetItem(key, f"{code} item {key}: the city does {key}.") for key in keys)
    return SheetCriterion(code=code, area=area, title=title, required=required, items=items)


# Items a..f span columns E..J; then K "Not met yet", L "Narrative", M "Evidence links".
# Rows: DM1 = 2, DM2 = 3, PE1 = 4, LC1 = 5.
CRITERIA = (
    _criterion("DM1", "Data management", "Inventory of datasets", 2, "abc"),
    _criterion("DM2", "Data management", "Open data policy", 3, "abcde"),
    _criterion("PE1", "Performance", "Targets and indicators", 1, "ab"),
    _criterion("LC1", "Leadership", "A named data leader", 4, "abcdef"),
)
META = SheetMeta(assessment_id=12, standard="2022", city="Medellín")


def answer(
    code: str,
    items: str = "",
    *,
    not_met: bool = False,
    narrative: str = "",
    links: tuple[str, ...] = (),
) -> SheetAnswer:
    return SheetAnswer(
        code=code, items=frozenset(items), not_met=not_met, narrative=narrative, links=links
    )


ANSWERS = {
    "DM1": answer(
        "DM1",
        "ac",
        narrative="We keep an inventory.\nIt is updated monthly.",
        links=("https://data.medellin.gov.co/inventory", "http://example.org/report.pdf?x=1,2"),
    ),
    "PE1": answer("PE1", not_met=True, narrative="Not yet: targets are drafted."),
    "LC1": answer("LC1", "abcdef"),
}


def export(answers: dict[str, SheetAnswer] | None = None) -> bytes:
    return export_workbook(META, CRITERIA, ANSWERS if answers is None else answers)


def edit(data: bytes, change: Callable[[Any], None]) -> bytes:
    """The workbook with `change(assessment_sheet)` applied, as Excel would save it."""
    workbook = openpyxl.load_workbook(BytesIO(data))
    change(workbook["Assessment"])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def fill(data: bytes, cells: dict[str, Any]) -> bytes:
    def change(ws: Any) -> None:
        for ref, value in cells.items():
            ws[ref] = value

    return edit(data, change)


def refusal(data: bytes, meta: SheetMeta = META) -> SpreadsheetError:
    with pytest.raises(SpreadsheetError) as raised:
        import_workbook(data, meta, CRITERIA)
    return raised.value


def only_error(data: bytes, meta: SheetMeta = META) -> spreadsheet.RowError:
    errors = refusal(data, meta).errors
    assert len(errors) == 1, errors
    return errors[0]


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename not in replace:
                target.writestr(info, source.read(info.filename))
        for name, content in replace.items():
            target.writestr(name, content)
    return out.getvalue()


# --- export ------------------------------------------------------------------------------------


def test_it_writes_a_valid_xlsx_that_openpyxl_opens() -> None:
    data = export()
    with zipfile.ZipFile(BytesIO(data)) as archive:
        assert b"macroEnabled" not in archive.read("[Content_Types].xml")
    workbook = openpyxl.load_workbook(BytesIO(data))
    assert workbook.sheetnames == ["Instructions", "Assessment", "Checklists", "citycert"]
    assert workbook.active.title == "Instructions"
    assert workbook["citycert"].sheet_state == "veryHidden"


def test_it_puts_instructions_first_mentioning_the_city_and_standard() -> None:
    workbook = openpyxl.load_workbook(BytesIO(export()))
    text = "\n".join(
        str(value) for row in workbook.worksheets[0].iter_rows(values_only=True) for value in row
    )
    assert "Medellín" in text
    assert "2022" in text
    assert "type x (or yes)" in text
    assert "one per line" in text
    assert "Do not change the codes" in text
    assert "Excel Workbook (.xlsx)" in text
    assert "Not met yet" in text


def test_it_writes_one_row_per_criterion_with_the_answers() -> None:
    ws = openpyxl.load_workbook(BytesIO(export()))["Assessment"]
    header = [cell.value for cell in ws[1]]
    assert header == [
        "Code",
        "Practice area",
        "Criterion",
        "Rule",
        "Item a",
        "Item b",
        "Item c",
        "Item d",
        "Item e",
        "Item f",
        "Not met yet",
        "Narrative",
        "Evidence links",
    ]
    assert [ws.cell(row=r, column=1).value for r in range(2, 6)] == ["DM1", "DM2", "PE1", "LC1"]
    assert ws.max_row == 5
    assert ws["D2"].value == "Meet 2 of 3"
    assert (ws["E2"].value, ws["F2"].value, ws["G2"].value) == ("x", None, "x")
    assert ws["K4"].value == "x"
    assert ws["L2"].value == "We keep an inventory.\nIt is updated monthly."
    assert ws["M2"].value.splitlines() == list(ANSWERS["DM1"].links)
    assert ws["L2"].alignment.wrap_text
    assert ws.freeze_panes == "D2"


def test_it_greys_and_locks_item_columns_a_criterion_does_not_have() -> None:
    ws = openpyxl.load_workbook(BytesIO(export()))["Assessment"]
    assert ws.protection.sheet
    # DM1 has items a..c: E2..G2 open, H2..J2 (items d..f) grey and locked.
    for ref in ("E2", "F2", "G2"):
        assert ws[ref].protection.locked is False, ref
        assert ws[ref].fill.fill_type is None, ref
    for ref in ("H2", "I2", "J2", "C4", "D4"):
        assert ws[ref].protection.locked is True, ref
    for ref in ("H2", "I2", "J2", "G4"):
        assert ws[ref].fill.fill_type == "solid", ref
        assert ws[ref].fill.fgColor.rgb == "00D9D9D9", ref
    # LC1 has all six: nothing grey on row 5.
    assert all(ws.cell(row=5, column=c).protection.locked is False for c in range(5, 14))
    assert ws["A2"].protection.locked is True


def test_it_shows_each_item_text_when_its_cell_is_selected() -> None:
    ws = openpyxl.load_workbook(BytesIO(export()))["Assessment"]
    prompts = {
        str(ref): (dv.prompt, dv.formula1)
        for dv in ws.data_validations.dataValidation
        for ref in dv.sqref.ranges
        if dv.type == "list"
    }
    assert prompts["F3"] == ("DM2 item b: the city does b.", '"x,yes"')
    assert "H2" not in prompts  # DM1 has no item d


def test_it_lists_every_checklist_item_on_the_checklists_sheet() -> None:
    ws = openpyxl.load_workbook(BytesIO(export()))["Checklists"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3 + 5 + 2 + 6
    assert rows[0] == ("DM1", "Inventory of datasets", "a", "DM1 item a: the city does a.")


def test_it_records_the_assessment_in_a_hidden_sheet() -> None:
    ws = openpyxl.load_workbook(BytesIO(export()))["citycert"]
    values = dict(ws.iter_rows(values_only=True))
    assert values["assessment_id"] == "12"
    assert values["standard"] == "2022"
    assert values["template_version"] == str(spreadsheet.TEMPLATE_VERSION)
    assert values["item_keys"] == '["a", "b", "c", "d", "e", "f"]'


def test_it_exports_text_starting_with_equals_as_text_not_a_formula() -> None:
    data = export({"DM1": answer("DM1", narrative='=HYPERLINK("http://evil")')})
    ws = openpyxl.load_workbook(BytesIO(data))["Assessment"]
    assert ws["L2"].data_type == "s"
    assert import_workbook(data, META, CRITERIA)["DM1"].narrative == '=HYPERLINK("http://evil")'


# --- import: round trips -----------------------------------------------------------------------


def test_it_round_trips_the_answers() -> None:
    assert import_workbook(export(), META, CRITERIA) == ANSWERS


def test_it_leaves_criteria_without_answers_out() -> None:
    assert import_workbook(export({}), META, CRITERIA) == {}


def test_it_imports_a_spanish_export_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = {
        "Instructions": "Instrucciones",
        "Assessment": "Evaluación",
        "Checklists": "Listas",
        "Code": "Código",
        "Narrative": "Narrativa",
        "Not met yet": "Aún no se cumple",
        "Item %(key)s": "Ítem %(key)s",
        "yes": "sí",
    }

    def spanish(message: str) -> str:
        if translation.get_language() == "es":
            return catalog.get(message, translation.gettext(message))
        return translation.gettext(message)

    monkeypatch.setattr(spreadsheet, "_", spanish)
    with translation.override("es"):
        data = export()
    workbook = openpyxl.load_workbook(BytesIO(data))
    assert workbook.sheetnames[1] == "Evaluación"
    ws = workbook["Evaluación"]
    assert ws["A1"].value == "Código"
    assert ws["E1"].value == "Ítem a"
    ws["F3"] = "sí"  # DM2 item b, ticked the Spanish way
    out = BytesIO()
    workbook.save(out)
    with translation.override("en"):
        result = import_workbook(out.getvalue(), META, CRITERIA)
    assert result == {**ANSWERS, "DM2": answer("DM2", "b")}


def test_it_finds_columns_by_position_not_by_header_text() -> None:
    def scramble(ws: Any) -> None:
        for column in range(1, 14):
            ws.cell(row=1, column=column, value="?")

    data = edit(export(), scramble)
    assert import_workbook(data, META, CRITERIA) == ANSWERS


@pytest.mark.parametrize(
    "value", ["x", "X", " yes ", "Y", "sí", "SI", "sim", "Oui", "✓", "1", "true", True, 1]
)
def test_it_accepts_every_way_of_ticking(value: object) -> None:
    data = fill(export({}), {"F3": value, "K4": value})
    assert import_workbook(data, META, CRITERIA) == {
        "DM2": answer("DM2", "b"),
        "PE1": answer("PE1", not_met=True),
    }


@pytest.mark.parametrize("value", ["", " ", "no", "NON", "não", "0", "false", False, 0])
def test_it_reads_blank_and_no_as_not_ticked(value: object) -> None:
    data = fill(export({}), {"F3": value, "K4": value, "J2": value})
    assert import_workbook(data, META, CRITERIA) == {}


def test_it_allows_missing_criterion_rows() -> None:
    data = edit(export(), lambda ws: ws.delete_rows(3, 2))  # DM2 and PE1 gone
    assert import_workbook(data, META, CRITERIA) == {"DM1": ANSWERS["DM1"], "LC1": ANSWERS["LC1"]}


def test_it_accepts_rows_in_another_order() -> None:
    def swap(ws: Any) -> None:
        for column in range(1, 14):
            top, bottom = ws.cell(row=2, column=column), ws.cell(row=5, column=column)
            top.value, bottom.value = bottom.value, top.value

    assert import_workbook(edit(export(), swap), META, CRITERIA) == ANSWERS


def test_it_normalises_line_ends_and_spaces_in_narrative_and_links() -> None:
    data = fill(
        export({}),
        {
            "L3": "  First line\r\nsecond_x000D_\nthird  ",
            "M3": " https://a.example.org/1 \n\nhttps://a.example.org/2  https://a.example.org/1\n",
        },
    )
    assert import_workbook(data, META, CRITERIA) == {
        "DM2": answer(
            "DM2",
            narrative="First line\nsecond\nthird",
            links=("https://a.example.org/1", "https://a.example.org/2"),
        )
    }


# --- import: row errors ------------------------------------------------------------------------


def test_it_refuses_an_unknown_code() -> None:
    error = only_error(fill(export(), {"A3": "DM9"}))
    assert (error.row, error.column, error.code) == (3, "A", None)
    assert error.message == (
        "Row 3, column A (Code): “DM9” is not a criterion of the 2022 Standard. "
        "Do not change the codes in column A or add rows."
    )


def test_it_refuses_a_repeated_code() -> None:
    error = only_error(fill(export(), {"A5": "dm1"}))
    assert (error.row, error.column, error.code) == (5, "A", "DM1")
    assert error.message.startswith("Row 5 (DM1), column A (Code): DM1 is already in row 2.")


def test_it_refuses_answers_in_a_row_without_a_code() -> None:
    error = only_error(fill(export(), {"A6": None, "L6": "An added row"}))
    assert (error.row, error.column) == (6, "A")
    assert "no criterion code" in error.message


def test_it_refuses_a_tick_in_an_item_the_criterion_does_not_have() -> None:
    error = only_error(fill(export(), {"H2": "x"}))
    assert (error.row, error.column, error.code) == (2, "H", "DM1")
    assert error.message == (
        "Row 2 (DM1), column H (Item d): DM1 has no checklist item d, so this cell must stay empty."
    )


def test_it_refuses_a_value_that_is_not_a_tick_quoting_it() -> None:
    errors = refusal(fill(export(), {"F3": "maybe", "K5": 2})).errors
    assert [(e.row, e.column) for e in errors] == [(3, "F"), (5, "K")]
    assert errors[0].message == (
        "Row 3 (DM2), column F (Item b): “maybe” is not a tick. "
        "Type x or yes to tick it, or leave the cell empty."
    )
    assert errors[1].message.startswith("Row 5 (LC1), column K (Not met yet): “2” is not a tick.")


def test_it_refuses_not_met_yet_together_with_ticked_items() -> None:
    error = only_error(fill(export(), {"K2": "x"}))  # DM1 has items a and c ticked
    assert (error.row, error.column, error.code) == (2, "K", "DM1")
    assert error.message == (
        "Row 2 (DM1), column K (Not met yet): “Not met yet” is ticked, and so are items a, c. "
        "Clear “Not met yet”, or clear the items."
    )


def test_it_refuses_a_narrative_over_5000_characters() -> None:
    assert import_workbook(fill(export({}), {"L3": "a" * 5000}), META, CRITERIA)
    error = only_error(fill(export(), {"L3": "a" * 5001}))
    assert (error.row, error.column, error.code) == (3, "L", "DM2")
    assert error.message == (
        "Row 3 (DM2), column L (Narrative): The narrative has 5001 characters; the limit is 5000. "
        "Shorten it by 1 characters."
    )


@pytest.mark.parametrize(
    "link",
    [
        "www.example.org/report",
        "ftp://example.org/report",
        "https:///no-host",
        "javascript:alert(1)",
        "http://example.org:port/",
    ],
)
def test_it_refuses_a_link_that_is_not_a_web_address_naming_it(link: str) -> None:
    data = fill(export(), {"M4": f"https://ok.example.org\n{link}"})
    error = only_error(data)
    assert (error.row, error.column, error.code) == (4, "M", "PE1")
    assert error.message == (
        f"Row 4 (PE1), column M (Evidence links): “{link}” is not a web address. "
        "Each link starts with http:// or https://, one link per line."
    )


def test_it_refuses_more_than_20_links() -> None:
    links = "\n".join(f"https://example.org/{n}" for n in range(21))
    error = only_error(fill(export(), {"M3": links}))
    assert (error.row, error.column) == (3, "M")
    assert "There are 21 links; the limit is 20 per criterion." in error.message
    twenty = "\n".join(f"https://example.org/{n}" for n in range(20))
    assert len(import_workbook(fill(export(), {"M3": twenty}), META, CRITERIA)["DM2"].links) == 20


def test_it_refuses_a_link_over_500_characters() -> None:
    long = "https://example.org/" + "a" * 481
    error = only_error(fill(export(), {"M3": long}))
    assert (error.row, error.column) == (3, "M")
    assert "This link is longer than 500 characters" in error.message


def test_it_refuses_formulas() -> None:
    errors = refusal(fill(export(), {"F3": "=1", "L5": '="a"&"b"'})).errors
    assert [(e.row, e.column, e.code) for e in errors] == [(3, "F", "DM2"), (5, "L", "LC1")]
    assert errors[0].message == (
        "Row 3 (DM2), column F (Item b): This cell holds a formula (=1). "
        "Type the value itself: formulas are not imported."
    )


def test_it_refuses_content_in_columns_that_are_not_part_of_the_sheet() -> None:
    error = only_error(fill(export(), {"N1": "Notes", "N3": "ask Ana"}))
    assert (error.row, error.column) == (None, "N")
    assert error.message.startswith(
        "Column N: This column is not part of the spreadsheet, but rows 1, 3 have something in "
        "them."
    )


def test_it_reports_every_problem_at_once_and_imports_nothing() -> None:
    data = fill(
        export(),
        {"F3": "x", "A4": "ZZ1", "H2": "yes", "L5": "b" * 6000, "M5": "example.org"},
    )
    result = None
    with pytest.raises(SpreadsheetError) as raised:
        result = import_workbook(data, META, CRITERIA)
    assert result is None
    assert [(e.row, e.column) for e in raised.value.errors] == [
        (2, "H"),
        (4, "A"),
        (5, "L"),
        (5, "M"),
    ]
    report = str(raised.value).splitlines()
    assert report[0] == "The spreadsheet was not imported. There are 4 problems to fix:"
    assert report[1].startswith("- Row 2 (DM1), column H (Item d):")
    assert len(report) == 5


def test_it_imports_nothing_when_one_row_is_bad_among_good_ones() -> None:
    good = fill(export(), {"F3": "x", "G3": "x", "L3": "Fine", "E4": "x", "K4": None})
    assert import_workbook(good, META, CRITERIA)["DM2"] == answer("DM2", "bc", narrative="Fine")
    error = only_error(fill(good, {"M5": "example.org/report"}))
    assert (error.row, error.column, error.code) == (5, "M", "LC1")


# --- import: file-level refusals ---------------------------------------------------------------


def test_it_refuses_a_file_over_10_mb_before_reading_it() -> None:
    error = only_error(b"\0" * (MAX_BYTES + 1))
    assert (error.row, error.column, error.code) == (None, None, None)
    assert error.message == "This file is 10.0 MB; the limit is 10 MB."


@pytest.mark.parametrize(
    ("data", "start"),
    [
        (b"Code,Narrative\nDM1,hello\n", "This file is not an Excel workbook (.xlsx)."),
        (b"", "This file is not an Excel workbook (.xlsx)."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "This file is in the old Excel"),
    ],
)
def test_it_refuses_a_file_that_is_not_an_xlsx(data: bytes, start: str) -> None:
    assert only_error(data).message.startswith(start)


def test_it_refuses_a_truncated_file() -> None:
    data = export()
    assert only_error(data[: len(data) // 2]).message.startswith(
        "This file is not an Excel workbook (.xlsx)."
    )


def test_it_refuses_a_corrupt_workbook() -> None:
    data = rezip(export(), {"xl/workbook.xml": b"<not really xml"})
    assert only_error(data).message.startswith("This file could not be read; it may be damaged.")


def test_it_refuses_xml_entities() -> None:
    # A workbook otherwise valid: only the entity declaration (the seed of a "billion laughs")
    # makes it unreadable, because openpyxl parses through defusedxml.
    data = export()
    with zipfile.ZipFile(BytesIO(data)) as archive:
        xml = archive.read("xl/workbook.xml")
    data = rezip(data, {"xl/workbook.xml": b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + xml})
    assert only_error(data).message.startswith("This file could not be read")


def test_it_refuses_an_opendocument_spreadsheet() -> None:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert only_error(out.getvalue()).message.startswith(
        "This file is an OpenDocument spreadsheet (.ods)."
    )


def test_it_refuses_a_macro_enabled_workbook() -> None:
    data = rezip(export(), {"xl/vbaProject.bin": b"\0" * 64})
    error = only_error(data)
    assert error.message.startswith("This file contains macros (.xlsm)")


def test_it_refuses_a_workbook_that_unpacks_too_large() -> None:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/sharedStrings.xml", b" " * (spreadsheet.MAX_UNPACKED + 1))
    assert len(out.getvalue()) < MAX_BYTES
    assert only_error(out.getvalue()).message.startswith("This file is too large once unpacked.")


def test_it_refuses_a_workbook_without_its_hidden_sheet() -> None:
    workbook = openpyxl.load_workbook(BytesIO(export()))
    del workbook["citycert"]
    out = BytesIO()
    workbook.save(out)
    assert only_error(out.getvalue()).message.startswith(
        "This workbook is not a citycert assessment spreadsheet"
    )


def test_it_refuses_a_workbook_made_from_scratch() -> None:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "DM1"
    out = BytesIO()
    workbook.save(out)
    assert only_error(out.getvalue()).message.startswith(
        "This workbook is not a citycert assessment spreadsheet"
    )


def test_it_refuses_a_workbook_whose_assessment_sheet_was_renamed() -> None:
    workbook = openpyxl.load_workbook(BytesIO(export()))
    workbook["Assessment"].title = "Ours"
    out = BytesIO()
    workbook.save(out)
    assert only_error(out.getvalue()).message.startswith("The “Assessment” sheet is missing.")


def test_it_refuses_another_template_version() -> None:
    workbook = openpyxl.load_workbook(BytesIO(export()))
    workbook["citycert"]["B2"] = "0"
    out = BytesIO()
    workbook.save(out)
    assert "another version of the template" in only_error(out.getvalue()).message


def test_it_refuses_a_spreadsheet_of_another_city() -> None:
    other = SheetMeta(assessment_id=40, standard="2022", city="Bogotá")
    error = only_error(export(), other)
    assert error.message == (
        "This spreadsheet is for the assessment of Medellín against the 2022 Standard; you are "
        "importing it into the assessment of Bogotá against the 2022 Standard. Export a "
        "spreadsheet from this assessment, fill that in and import it."
    )


def test_it_refuses_a_spreadsheet_of_another_standard() -> None:
    error = only_error(export(), SheetMeta(assessment_id=12, standard="2025", city="Medellín"))
    assert "is for the assessment of Medellín against the 2022 Standard" in error.message
    assert "into the assessment of Medellín against the 2025 Standard" in error.message


def test_it_tells_two_assessments_of_the_same_city_apart_by_number() -> None:
    error = only_error(export(), SheetMeta(assessment_id=13, standard="2022", city="Medellín"))
    assert "2022 Standard (number 12); you are importing it into" in error.message
    assert "(number 13)" in error.message


def test_it_refuses_more_than_1000_rows() -> None:
    assert import_workbook(fill(export(), {"A1000": None, "N1000": None}), META, CRITERIA)
    error = only_error(fill(export(), {"A1001": "note"}))
    assert error.message.startswith("The “Assessment” sheet has content below row 1000.")


def test_it_refuses_more_than_100_columns() -> None:
    error = only_error(fill(export(), {"CW2": "note"}))  # column 101
    assert error.message.startswith("The “Assessment” sheet has content beyond column CV")


def test_it_ignores_formatting_far_below_the_rows() -> None:
    def paint(ws: Any) -> None:
        ws["A5000"].fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")

    assert import_workbook(edit(export(), paint), META, CRITERIA) == ANSWERS


def test_it_reports_file_level_errors_as_a_readable_report() -> None:
    raised = refusal(b"nope")
    assert str(raised).splitlines() == [
        "The spreadsheet was not imported. There is 1 problem to fix:",
        "- This file is not an Excel workbook (.xlsx). Open it in your spreadsheet program and "
        "save it as “Excel Workbook (.xlsx)”.",
    ]


def test_it_reports_a_bad_link_once_naming_every_row_that_has_it() -> None:
    errors = refusal(
        fill(
            export({}),
            {"M2": "intranet/policy.pdf", "M3": "intranet/policy.pdf", "M5": "intranet/policy.pdf"},
        )
    ).errors
    assert len(errors) == 1
    assert (errors[0].row, errors[0].column, errors[0].code) == (2, "M", "DM1")
    assert errors[0].message == (
        "Row 2 (DM1), column M (Evidence links): “intranet/policy.pdf” is not a web address. "
        "Each link starts with http:// or https://, one link per line. "
        "The same link is in rows 3, 5 too."
    )


@pytest.mark.parametrize(
    ("link", "accepted"),
    [
        ("https://example.org/a", True),
        ("HTTPS://EXAMPLE.ORG/b", True),
        ("http://example.org:8080/c", True),
        ("ftp://example.org/d", False),
        ("mailto:data@example.org", False),
        ("www.example.org/e", False),
        ("https:///no-host", False),
        ("http://example.org:port/", False),
        ("javascript:alert(1)", False),
        ("https://example.org/" + "a" * 481, False),
    ],
)
def test_the_answer_form_and_the_import_accept_the_same_links(link: str, accepted: bool) -> None:
    from django import forms

    from citycert.assessments.forms import LinksField

    try:
        by_form = LinksField().clean(f"https://ok.example.org\n{link}")
    except forms.ValidationError:
        by_form = None
    try:
        by_sheet = list(
            import_workbook(
                fill(export({}), {"M4": f"https://ok.example.org\n{link}"}), META, CRITERIA
            )["PE1"].links
        )
    except SpreadsheetError:
        by_sheet = None
    assert by_form == by_sheet
    assert (by_form is not None) == accepted
