"""An assessment as an Excel workbook: export it for a team to fill in, import it back.

`export_workbook` writes four sheets:

- "Instructions" (first, active): the city, the Standard version and plain-language steps.
- "Assessment": a header row, then one row per criterion. Columns: code, practice area, criterion
  title, rule ("Meet 3 of 5"), one column per checklist item key ("Item a", "Item b", ...: every
  key any criterion has), "Not met yet", "Narrative", "Evidence links". Item cells a criterion does
  not have are grey and locked; the sheet is protected without a password, so only answer cells
  can be edited (people can still unprotect it). Each item cell shows its checklist text when
  selected (a data-validation prompt) and offers "x" in a drop-down.
- "Checklists": every checklist item's full text, one row per item.
- "citycert" (very hidden): what import needs, as key/value rows: the template version, the
  assessment id, the Standard version, the city, and the item key of each item column.

`import_workbook` reads the answers back, all or nothing: it checks the whole file and raises
`SpreadsheetError` carrying every problem found, each a sentence naming the row, the column and
the criterion. Columns are found by position (recorded in the hidden sheet), never by header text,
so a workbook exported in one language imports in any other. A file-level problem (not a
workbook, too large, macros, another template, another assessment) is reported alone: once the
file itself is wrong, row-by-row problems would be noise.

The module is pure: no database, no request. Messages use the active language (gettext).
"""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from io import BytesIO
from time import monotonic
from typing import Any

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill, Protection  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from . import links as link_rules

__all__ = [
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_LINKS",
    "MAX_LINK_LENGTH",
    "MAX_NARRATIVE",
    "MAX_ROWS",
    "TEMPLATE_VERSION",
    "RowError",
    "SheetAnswer",
    "SheetCriterion",
    "SheetItem",
    "SheetMeta",
    "SpreadsheetError",
    "export_workbook",
    "import_workbook",
]

#: Bump when the layout changes; import refuses workbooks made with another version.
TEMPLATE_VERSION = 1
TEMPLATE_NAME = "citycert-assessment"
META_SHEET = "citycert"

MAX_BYTES = 10 * 1024 * 1024  # the file as uploaded
MAX_UNPACKED = 50 * 1024 * 1024  # all its parts once unzipped (a zip bomb stops here)
MAX_PARTS = 2_000
# Bounds on the work a workbook can ask for, checked by reading its XML as bytes before any
# parsing: an exported 2022 workbook has about 2,000 cells, 15 cell styles, a few hundred
# strings and worksheets of a few dozen KB.
MAX_CELLS = 50_000  # cells in all worksheets together
MAX_SHEET_PART = 8 * 1024 * 1024  # one worksheet's XML, unpacked
MAX_STYLES = 2_000  # cell formats (<xf>) in styles.xml
MAX_STYLES_PART = 2 * 1024 * 1024
MAX_SHARED_STRINGS = 20_000
MAX_STRINGS_PART = 8 * 1024 * 1024
#: Reading the sheet stops after this many seconds (a workbook that still passes the bounds
#: above but is slow to read is refused, rather than holding a server process).
MAX_SECONDS = 10.0
MAX_ROWS = 1_000  # of the Assessment sheet, header included
MAX_COLUMNS = 100
MAX_NARRATIVE = 5_000
MAX_LINKS = link_rules.MAX_LINKS
MAX_LINK_LENGTH = link_rules.MAX_LINK_LENGTH

FIRST_ROW = 2  # row 1 is the header
FIXED_COLUMNS = 4  # code, practice area, criterion, rule
MAX_ITEM_COLUMNS = MAX_COLUMNS - FIXED_COLUMNS - 3

#: Cell values that tick an item or "Not met yet", and those that leave it unticked, compared
#: after trimming and case-folding. Real booleans and the numbers 1 and 0 count too.
TICKED = frozenset({"x", "yes", "y", "sí", "si", "sim", "oui", "✓", "✔", "1", "true"})
UNTICKED = frozenset({"", "no", "n", "non", "não", "nao", "0", "false"})

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx
_ESCAPED_CR = re.compile("_x000d_", re.IGNORECASE)  # how Excel stores a carriage return

_GREY = PatternFill("solid", fgColor="D9D9D9")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOP_WRAP = Alignment(vertical="top", wrap_text=True)
_TOP = Alignment(vertical="top")
_CENTER = Alignment(horizontal="center", vertical="top")
_LOCKED = Protection(locked=True)
_UNLOCKED = Protection(locked=False)


@dataclass(frozen=True, slots=True)
class SheetItem:
    key: str
    text: str


@dataclass(frozen=True, slots=True)
class SheetCriterion:
    code: str
    area: str
    title: str
    required: int
    items: tuple[SheetItem, ...]


@dataclass(frozen=True, slots=True)
class SheetAnswer:
    """One criterion's answer: items ticked, or "not met yet"; a narrative; evidence links."""

    code: str
    items: frozenset[str]
    not_met: bool
    narrative: str
    links: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SheetMeta:
    """Which assessment a workbook belongs to. Import compares `assessment_id` and `standard`;
    `city` is shown to people."""

    assessment_id: int
    standard: str
    city: str


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem. `row` is the spreadsheet row number as shown in Excel, `column` the column
    letter ("G"), `code` the criterion code of the row; each is None when it does not apply.
    `message` is the whole sentence a person reads, place included."""

    row: int | None
    column: str | None
    code: str | None
    message: str

    def __str__(self) -> str:
        return self.message


class SpreadsheetError(ValueError):
    """The workbook was not imported; `errors` holds every problem found."""

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors: tuple[RowError, ...] = tuple(errors)
        super().__init__(*(error.message for error in self.errors))

    def __str__(self) -> str:
        count = len(self.errors)
        head = ngettext(
            "The spreadsheet was not imported. There is %(count)d problem to fix:",
            "The spreadsheet was not imported. There are %(count)d problems to fix:",
            count,
        ) % {"count": count}
        return "\n".join([head, *(f"- {error.message}" for error in self.errors)])


# --- layout ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where everything is on the Assessment sheet: the same for export and import."""

    item_keys: tuple[str, ...]

    CODE = 1
    AREA = 2
    TITLE = 3
    RULE = 4

    def item_column(self, index: int) -> int:
        return FIXED_COLUMNS + 1 + index

    @property
    def not_met(self) -> int:
        return FIXED_COLUMNS + len(self.item_keys) + 1

    @property
    def narrative(self) -> int:
        return self.not_met + 1

    @property
    def links(self) -> int:
        return self.not_met + 2

    @property
    def last(self) -> int:
        return self.links

    def labels(self) -> dict[int, str]:
        """Header text by column number, in the active language."""
        labels = {
            self.CODE: _("Code"),
            self.AREA: _("Practice area"),
            self.TITLE: _("Criterion"),
            self.RULE: _("Rule"),
            self.not_met: _("Not met yet"),
            self.narrative: _("Narrative"),
            self.links: _("Evidence links"),
        }
        for index, key in enumerate(self.item_keys):
            labels[self.item_column(index)] = _("Item %(key)s") % {"key": key}
        return labels


def _item_keys(criteria: Sequence[SheetCriterion]) -> tuple[str, ...]:
    """Every item key any criterion has, in natural order (a..z, aa..; 1..9, 10..)."""
    keys = {item.key for criterion in criteria for item in criterion.items}
    return tuple(sorted(keys, key=lambda key: (len(key), key)))


# --- export ------------------------------------------------------------------------------------


def export_workbook(
    meta: SheetMeta, criteria: Sequence[SheetCriterion], answers: Mapping[str, SheetAnswer]
) -> bytes:
    """The assessment as an .xlsx workbook, answers filled in, in the active language."""
    layout = _Layout(_item_keys(criteria))
    if len(layout.item_keys) > MAX_ITEM_COLUMNS:
        raise ValueError(f"too many checklist item keys for one sheet: {len(layout.item_keys)}")
    titles = _sheet_titles()

    workbook = Workbook()
    instructions = workbook.active
    instructions.title = titles["instructions"]
    assessment = workbook.create_sheet(titles["assessment"])
    checklists = workbook.create_sheet(titles["checklists"])
    hidden = workbook.create_sheet(META_SHEET)

    _write_instructions(instructions, meta, titles, layout)
    _write_assessment(assessment, criteria, answers, layout)
    _write_checklists(checklists, criteria)
    _write_meta(hidden, meta, titles, layout)

    workbook.active = 0
    workbook.properties.title = _("Assessment of %(city)s against the %(standard)s Standard") % {
        "city": meta.city,
        "standard": meta.standard,
    }
    workbook.properties.creator = "citycert"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_titles() -> dict[str, str]:
    fallback = {
        "instructions": "Instructions",
        "assessment": "Assessment",
        "checklists": "Checklists",
    }
    wanted = {
        "instructions": _("Instructions"),
        "assessment": _("Assessment"),
        "checklists": _("Checklists"),
    }
    titles: dict[str, str] = {}
    for name, title in wanted.items():
        clean = re.sub(r"[\[\]:*?/\\']", "", title).strip()[:31]
        taken = {t.casefold() for t in titles.values()} | {META_SHEET}
        titles[name] = fallback[name] if not clean or clean.casefold() in taken else clean
    return titles


def _text(cell: Any, value: str) -> None:
    """Store `value` as text, never as a formula, even when it starts with "="."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    cell.value = value
    cell.data_type = "s"
    if value.startswith(("=", "+", "-", "@")):
        cell.quotePrefix = True  # Excel keeps it text when someone edits the cell


def _write_instructions(ws: Any, meta: SheetMeta, titles: dict[str, str], layout: _Layout) -> None:
    labels = layout.labels()
    assessment = titles["assessment"]
    checklists = titles["checklists"]
    yes = _tick_word()
    steps = [
        _(
            "Fill in the “%(sheet)s” sheet: one row per criterion. When you are done, import the "
            "file on the assessment's page in citycert."
        )
        % {"sheet": assessment},
        _(
            "To say your city meets a checklist item, type x (or %(yes)s) in that item's column "
            "(“%(first)s”, “%(second)s”...). Leave the cell empty when it does not. Grey cells are "
            "items that criterion does not have."
        )
        % {
            "yes": yes,
            "first": _("Item %(key)s") % {"key": "a"},
            "second": _("Item %(key)s") % {"key": "b"},
        },
        _(
            "Select an item cell to see what the item asks. The “%(sheet)s” sheet lists every "
            "item of every criterion in full."
        )
        % {"sheet": checklists},
        _(
            "The “%(rule)s” column says how many items a criterion needs: “Meet 3 of 5” means at "
            "least 3 of its 5 items."
        )
        % {"rule": labels[layout.RULE]},
        _(
            "“%(not_met)s”: type x when you have looked at a criterion and your city does not "
            "meet it today. Leave that criterion's items empty."
        )
        % {"not_met": labels[layout.not_met]},
        _(
            "“%(narrative)s”: in a few sentences, how your city meets the criterion (at most "
            "%(max)d characters)."
        )
        % {"narrative": labels[layout.narrative], "max": MAX_NARRATIVE},
        _(
            "“%(links)s”: paste the web address of each piece of evidence, one per line (for a new "
            "line inside a cell press Alt+Enter, or Option+Return on a Mac). Each starts with "
            "http:// or https://; at most %(max)d per criterion."
        )
        % {"links": labels[layout.links], "max": MAX_LINKS},
        _(
            "Do not change the codes in column A, and do not add rows or columns or rename the "
            "sheets. Type values, not formulas."
        ),
        _(
            "Save the file as “Excel Workbook (.xlsx)”, not .xlsm, .xls, .csv or .ods, and import "
            "it. If something needs fixing, nothing is imported and you get the list of rows and "
            "columns to fix."
        ),
        _(
            "This file is for the assessment of %(city)s against the %(standard)s Standard only. "
            "For another assessment, export its own spreadsheet."
        )
        % {"city": meta.city, "standard": meta.standard},
    ]

    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 100
    title = ws.cell(row=1, column=1)
    _text(title, _("citycert assessment spreadsheet"))
    title.font = Font(bold=True, size=16)
    facts = [
        (_("City"), meta.city),
        (_("Standard"), meta.standard),
        (_("Assessment"), str(meta.assessment_id)),
    ]
    row = 3
    for label, value in facts:
        _text(ws.cell(row=row, column=1), label)
        ws.cell(row=row, column=1).font = Font(bold=True)
        _text(ws.cell(row=row, column=2), value)
        ws.cell(row=row, column=2).alignment = Alignment(horizontal="left")
        row += 1
    row += 1
    heading = ws.cell(row=row, column=1)
    _text(heading, _("How to fill it in"))
    heading.font = Font(bold=True, size=13)
    row += 1
    for number, step in enumerate(steps, start=1):
        ws.cell(row=row, column=1, value=number).alignment = Alignment(
            horizontal="right", vertical="top"
        )
        _text(ws.cell(row=row, column=2), step)
        ws.cell(row=row, column=2).alignment = _TOP_WRAP
        row += 1
    ws.sheet_view.showGridLines = False


def _tick_word() -> str:
    """The word for "yes" in the active language, when import accepts it; else "yes"."""
    word = _("yes")
    return word if _normal(word) in TICKED and "," not in word else "yes"


def _write_assessment(
    ws: Any,
    criteria: Sequence[SheetCriterion],
    answers: Mapping[str, SheetAnswer],
    layout: _Layout,
) -> None:
    labels = layout.labels()
    for column, label in labels.items():
        cell = ws.cell(row=1, column=column)
        _text(cell, label)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        cell.protection = _LOCKED
    ws.row_dimensions[1].height = 32

    widths = {layout.CODE: 9, layout.AREA: 20, layout.TITLE: 45, layout.RULE: 14}
    widths |= {layout.item_column(i): 8 for i in range(len(layout.item_keys))}
    widths |= {layout.not_met: 11, layout.narrative: 60, layout.links: 45}
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width

    choices = ",".join(dict.fromkeys(["x", _tick_word()]))
    tick_error = {
        "errorStyle": "warning",
        "errorTitle": _("Not a tick")[:32],
        "error": _("Type x or yes to tick, or leave the cell empty.")[:255],
        "showErrorMessage": True,
    }
    not_met_validation = DataValidation(
        type="list",
        formula1=f'"{choices}"',
        allow_blank=True,
        promptTitle=labels[layout.not_met][:32],
        prompt=_("Type x when your city does not meet this criterion yet.")[:255],
        showInputMessage=True,
        **tick_error,
    )
    narrative_validation = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(MAX_NARRATIVE),
        allow_blank=True,
        errorStyle="stop",
        errorTitle=_("Too long")[:32],
        error=(_("A narrative has at most %(max)d characters.") % {"max": MAX_NARRATIVE})[:255],
        showErrorMessage=True,
    )
    ws.add_data_validation(not_met_validation)
    ws.add_data_validation(narrative_validation)

    for offset, criterion in enumerate(criteria):
        row = FIRST_ROW + offset
        answer = answers.get(criterion.code)
        texts = {item.key: item.text for item in criterion.items}

        _text(ws.cell(row=row, column=layout.CODE), criterion.code)
        ws.cell(row=row, column=layout.CODE).font = Font(bold=True)
        _text(ws.cell(row=row, column=layout.AREA), criterion.area)
        _text(ws.cell(row=row, column=layout.TITLE), criterion.title)
        rule = _("Meet %(required)d of %(total)d") % {
            "required": criterion.required,
            "total": len(criterion.items),
        }
        _text(ws.cell(row=row, column=layout.RULE), rule)
        for column in (layout.CODE, layout.AREA, layout.TITLE, layout.RULE):
            cell = ws.cell(row=row, column=column)
            cell.alignment = _TOP_WRAP
            cell.protection = _LOCKED

        for index, key in enumerate(layout.item_keys):
            cell = ws.cell(row=row, column=layout.item_column(index))
            cell.alignment = _CENTER
            if key not in texts:
                cell.fill = _GREY
                cell.protection = _LOCKED
                continue
            cell.protection = _UNLOCKED
            if answer is not None and key in answer.items:
                _text(cell, "x")
            validation = DataValidation(
                type="list",
                formula1=f'"{choices}"',
                allow_blank=True,
                promptTitle=_clip(f"{criterion.code} · {labels[cell.column]}", 32),
                prompt=_clip(texts[key], 255),
                showInputMessage=True,
                **tick_error,
            )
            ws.add_data_validation(validation)
            validation.add(cell)

        not_met = ws.cell(row=row, column=layout.not_met)
        not_met.alignment = _CENTER
        not_met.protection = _UNLOCKED
        not_met_validation.add(not_met)
        if answer is not None and answer.not_met:
            _text(not_met, "x")

        narrative = ws.cell(row=row, column=layout.narrative)
        links = ws.cell(row=row, column=layout.links)
        for cell in (narrative, links):
            cell.alignment = _TOP_WRAP
            cell.protection = _UNLOCKED
        narrative_validation.add(narrative)
        if answer is not None:
            if answer.narrative:
                _text(narrative, answer.narrative)
            if answer.links:
                _text(links, "\n".join(answer.links))

    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=layout.RULE)
    last_row = max(1, FIRST_ROW + len(criteria) - 1)
    ws.auto_filter.ref = f"A1:{get_column_letter(layout.last)}{last_row}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    # No password: the protection guards against slips, not people.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.insertHyperlinks = False


def _write_checklists(ws: Any, criteria: Sequence[SheetCriterion]) -> None:
    headers = [_("Code"), _("Criterion"), _("Item"), _("What the item asks")]
    for column, label in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=column)
        _text(cell, label)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for letter, width in zip("ABCD", (9, 40, 7, 90), strict=True):
        ws.column_dimensions[letter].width = width
    row = 2
    for criterion in criteria:
        for item in criterion.items:
            for column, value in enumerate((criterion.code, criterion.title, item.key, item.text)):
                cell = ws.cell(row=row, column=column + 1)
                _text(cell, value)
                cell.alignment = _TOP_WRAP if column in (1, 3) else _TOP
            row += 1
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:D{max(1, row - 1)}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False


def _write_meta(ws: Any, meta: SheetMeta, titles: dict[str, str], layout: _Layout) -> None:
    rows = [
        ("template", TEMPLATE_NAME),
        ("template_version", str(TEMPLATE_VERSION)),
        ("assessment_id", str(meta.assessment_id)),
        ("standard", meta.standard),
        ("city", meta.city),
        ("language", get_language() or ""),
        ("assessment_sheet", titles["assessment"]),
        ("item_keys", json.dumps(list(layout.item_keys))),
    ]
    for row, (key, value) in enumerate(rows, start=1):
        _text(ws.cell(row=row, column=1), key)
        _text(ws.cell(row=row, column=2), value)
    ws.protection.sheet = True
    ws.sheet_state = "veryHidden"


def _clip(text: str, limit: int) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", " ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- import ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cell:
    value: Any
    formula: bool


@dataclass(frozen=True, slots=True)
class _Sheet:
    """The Assessment sheet's content, read while the workbook was open: row -> column -> cell."""

    rows: dict[int, dict[int, _Cell]]


class _RefusedError(Exception):
    """A file-level problem: reported alone."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def import_workbook(
    data: bytes, meta: SheetMeta, criteria: Sequence[SheetCriterion]
) -> dict[str, SheetAnswer]:
    """The answers in an exported-then-filled workbook, by criterion code.

    Criteria whose row is missing or left entirely empty are absent from the result. Raises
    `SpreadsheetError` with every problem when anything is wrong; then nothing is imported.
    """
    try:
        layout, sheet = _open(data, meta)
    except _RefusedError as refused:
        raise SpreadsheetError([RowError(None, None, None, refused.message)]) from None
    errors: list[RowError] = []
    answers = _read_answers(sheet, layout, meta, criteria, errors)
    if errors:
        raise SpreadsheetError(errors)
    return answers


def _open(data: bytes, meta: SheetMeta) -> tuple[_Layout, _Sheet]:
    _check_package(data)
    try:
        workbook = load_workbook(
            BytesIO(data), read_only=True, data_only=False, keep_vba=False, keep_links=False
        )
    except Exception as exc:
        raise _RefusedError(_damaged()) from exc
    try:
        values = _read_meta(workbook)
        layout = _check_meta(values, meta)
        name = values.get("assessment_sheet", "")
        if name not in workbook.sheetnames:
            raise _RefusedError(
                _(
                    "The “%(sheet)s” sheet is missing. Do not rename or delete sheets: export a "
                    "new spreadsheet and fill that in."
                )
                % {"sheet": name}
            )
        sheet = _read_sheet(workbook[name], layout)
    finally:
        workbook.close()
    return layout, sheet


def _damaged() -> str:
    return _(
        "This file could not be read; it may be damaged. Open it in your spreadsheet program, "
        "save it again as “Excel Workbook (.xlsx)” and import it again."
    )


def _not_xlsx() -> str:
    return _(
        "This file is not an Excel workbook (.xlsx). Open it in your spreadsheet program and save "
        "it as “Excel Workbook (.xlsx)”."
    )


def _check_package(data: bytes) -> None:
    """Refuse what is not a plain .xlsx before any XML is parsed."""
    if len(data) > MAX_BYTES:
        raise _RefusedError(
            _("This file is %(size).1f MB; the limit is %(max)d MB.")
            % {"size": len(data) / (1024 * 1024), "max": MAX_BYTES // (1024 * 1024)}
        )
    if data.startswith(_OLE_MAGIC):
        raise _RefusedError(
            _(
                "This file is in the old Excel format (.xls), or it is protected with a password. "
                "Save it as “Excel Workbook (.xlsx)” without a password."
            )
        )
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_PARTS or sum(info.file_size for info in infos) > MAX_UNPACKED:
                raise _RefusedError(
                    _(
                        "This file is too large once unpacked. Remove pictures and anything else "
                        "you added, or export a new spreadsheet."
                    )
                )
            _check_parts(archive, infos)
            names = {info.filename for info in infos}
            if "mimetype" in names and archive.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument"
            ):
                raise _RefusedError(
                    _(
                        "This file is an OpenDocument spreadsheet (.ods). Save it as “Excel "
                        "Workbook (.xlsx)” and import it again."
                    )
                )
            if "[Content_Types].xml" not in names:
                raise _RefusedError(_not_xlsx())
            content_types = archive.read("[Content_Types].xml")
    except zipfile.BadZipFile as exc:
        raise _RefusedError(_not_xlsx()) from exc
    except (OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise _RefusedError(_damaged()) from exc
    if b"macroenabled" in content_types.lower() or any(
        name.lower().endswith("vbaproject.bin") for name in names
    ):
        raise _RefusedError(
            _(
                "This file contains macros (.xlsm), and files with macros are not accepted. Save "
                "it as “Excel Workbook (.xlsx)” and import it again."
            )
        )


def _too_much() -> str:
    return _(
        "This file holds far more than an assessment spreadsheet does (cells, formats or "
        "texts). Export a new spreadsheet from the assessment's page and fill that in."
    )


def _count(archive: zipfile.ZipFile, info: zipfile.ZipInfo, marks: tuple[bytes, ...]) -> int:
    """How often the byte strings `marks` occur in a part, read in chunks (never whole)."""
    found, tail = 0, b""
    longest = max(len(m) for m in marks)
    with archive.open(info) as part:
        while chunk := part.read(1024 * 1024):
            window = tail + chunk
            found += sum(window.count(m) for m in marks)
            # A mark cut by the chunk's end is counted in the next window; one wholly inside the
            # kept tail must not be counted twice.
            tail = window[-(longest - 1) :] if longest > 1 else b""
            found -= sum(tail.count(m) for m in marks)
    return found


def _check_parts(archive: zipfile.ZipFile, infos: Sequence[zipfile.ZipInfo]) -> None:
    """Refuse, before openpyxl parses anything, a workbook that would make it do far more work
    than an assessment spreadsheet needs: too many cells (empty ones count: they cost as much
    to read), formats or strings, or parts too large. The sheets' declared dimensions are not
    trusted either way (see `_read_sheet`)."""
    cells = 0
    for info in infos:
        name = info.filename
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            if info.file_size > MAX_SHEET_PART:
                raise _RefusedError(_too_much())
            cells += _count(archive, info, (b"<c ", b"<c>"))
            if cells > MAX_CELLS:
                raise _RefusedError(_too_much())
        elif (
            name == "xl/styles.xml"
            and (
                info.file_size > MAX_STYLES_PART
                or _count(archive, info, (b"<xf ", b"<xf>")) > MAX_STYLES
            )
        ) or (
            name == "xl/sharedStrings.xml"
            and (
                info.file_size > MAX_STRINGS_PART
                or _count(archive, info, (b"<si>", b"<si ")) > MAX_SHARED_STRINGS
            )
        ):
            raise _RefusedError(_too_much())


def _wrong_template() -> str:
    return _(
        "This workbook is not a citycert assessment spreadsheet, or its hidden “%(sheet)s” sheet "
        "was changed. Export a spreadsheet from the assessment's page, fill that in and import it."
    ) % {"sheet": META_SHEET}


def _read_meta(workbook: Any) -> dict[str, str]:
    if META_SHEET not in workbook.sheetnames:
        raise _RefusedError(_wrong_template())
    values: dict[str, str] = {}
    try:
        for row in workbook[META_SHEET].iter_rows(
            min_row=1, max_row=50, min_col=1, max_col=2, values_only=True
        ):
            key, value = (*row, None, None)[:2]
            if isinstance(key, str) and value is not None:
                values[key] = _as_text(value)
    except Exception as exc:
        raise _RefusedError(_damaged()) from exc
    return values


def _check_meta(values: dict[str, str], meta: SheetMeta) -> _Layout:
    if values.get("template") != TEMPLATE_NAME:
        raise _RefusedError(_wrong_template())
    if values.get("template_version") != str(TEMPLATE_VERSION):
        raise _RefusedError(
            _(
                "This spreadsheet was made with another version of the template (%(found)s; "
                "this is %(version)d). Export a new spreadsheet, fill that in and import it."
            )
            % {"found": values.get("template_version") or "?", "version": TEMPLATE_VERSION}
        )
    try:
        keys = json.loads(values.get("item_keys", ""))
        assessment_id = int(values.get("assessment_id", ""))
    except ValueError as exc:
        raise _RefusedError(_wrong_template()) from exc
    if (
        not isinstance(keys, list)
        or len(keys) > MAX_ITEM_COLUMNS
        or not all(isinstance(key, str) and 0 < len(key) <= 10 for key in keys)
        or len(set(keys)) != len(keys)
    ):
        raise _RefusedError(_wrong_template())
    standard = values.get("standard", "")
    city = values.get("city", "")
    if assessment_id != meta.assessment_id or standard != meta.standard:
        theirs = {"city": city, "standard": standard, "id": assessment_id}
        ours = {"city": meta.city, "standard": meta.standard, "id": meta.assessment_id}
        if (city, standard) == (meta.city, meta.standard):
            where = _(
                "the assessment of %(city)s against the %(standard)s Standard (number %(id)s)"
            )
        else:
            where = _("the assessment of %(city)s against the %(standard)s Standard")
        raise _RefusedError(
            _(
                "This spreadsheet is for %(theirs)s; you are importing it into %(ours)s. Export a "
                "spreadsheet from this assessment, fill that in and import it."
            )
            % {"theirs": where % theirs, "ours": where % ours}
        )
    return _Layout(tuple(keys))


def _read_sheet(ws: Any, layout: _Layout) -> _Sheet:
    """The sheet's non-empty cells; refuses sheets beyond MAX_ROWS rows or MAX_COLUMNS columns.

    The sheet's recorded dimensions are ignored (they may be stale): every row is read.
    """
    rows: dict[int, dict[int, _Cell]] = {}
    too_far = ""
    deadline = monotonic() + MAX_SECONDS
    try:
        ws.reset_dimensions()
        for number, row in enumerate(ws.iter_rows(), start=1):
            if monotonic() > deadline:
                too_far = "time"
                break
            cells: dict[int, _Cell] = {}
            for cell in row:
                if cell.value is None or cell.value == "":
                    continue
                if cell.column > MAX_COLUMNS:
                    too_far = "columns"
                    break
                cells[cell.column] = _Cell(cell.value, cell.data_type == "f")
            if too_far:
                break
            if cells and number > MAX_ROWS:
                too_far = "rows"
                break
            if cells:
                rows[number] = cells
    except Exception as exc:
        raise _RefusedError(_damaged()) from exc
    if too_far == "time":
        raise _RefusedError(_too_much())
    if too_far == "rows":
        raise _RefusedError(
            _(
                "The “%(sheet)s” sheet has content below row %(max)d. It should have one row per "
                "criterion: delete the rows you added."
            )
            % {"sheet": ws.title, "max": MAX_ROWS}
        )
    if too_far == "columns":
        raise _RefusedError(
            _(
                "The “%(sheet)s” sheet has content beyond column %(column)s (%(max)d columns). "
                "Delete the columns you added."
            )
            % {"sheet": ws.title, "column": get_column_letter(MAX_COLUMNS), "max": MAX_COLUMNS}
        )
    return _Sheet(rows)


class _Problems:
    """Collects RowErrors, composing where each is."""

    def __init__(self, errors: list[RowError], labels: dict[int, str]) -> None:
        self.errors = errors
        self.labels = labels
        # Each bad link is reported once, where it is first found, naming the other rows that
        # have it: {link: (index of its error, its place and problem, the other rows)}.
        self._bad_links: dict[str, tuple[int, tuple[int, int, str, str], list[int]]] = {}

    def add_bad_link(self, link: str, row: int, column: int, code: str, problem: str) -> None:
        known = self._bad_links.get(link)
        if known is not None:
            known[2].append(row)
            return
        self._bad_links[link] = (len(self.errors), (row, column, code, problem), [])
        self.add(row, column, code, problem)

    def name_other_rows(self) -> None:
        """Complete the report of each bad link found in several rows with the other rows."""
        for index, (row, column, code, problem), others in self._bad_links.values():
            if not others:
                continue
            rows = ", ".join(str(n) for n in others[:10]) + (", …" if len(others) > 10 else "")
            also = ngettext(
                "The same link is in row %(rows)s too.",
                "The same link is in rows %(rows)s too.",
                len(others),
            ) % {"rows": rows}
            self.errors[index] = self._compose(row, column, code, f"{problem} {also}")

    def add(self, row: int | None, column: int | None, code: str | None, problem: str) -> None:
        self.errors.append(self._compose(row, column, code, problem))

    def _compose(
        self, row: int | None, column: int | None, code: str | None, problem: str
    ) -> RowError:
        letter = get_column_letter(column) if column else None
        place = {"row": row, "code": code, "column": letter, "label": self.labels.get(column or 0)}
        if row is not None and column is not None and place["label"]:
            where = (
                _("Row %(row)d (%(code)s), column %(column)s (%(label)s)")
                if code
                else _("Row %(row)d, column %(column)s (%(label)s)")
            )
        elif row is not None and column is not None:
            where = (
                _("Row %(row)d (%(code)s), column %(column)s")
                if code
                else _("Row %(row)d, column %(column)s")
            )
        elif row is not None:
            where = _("Row %(row)d (%(code)s)") if code else _("Row %(row)d")
        elif column is not None:
            where = _("Column %(column)s")
        else:
            return RowError(None, None, code, problem)
        message = _("%(where)s: %(problem)s") % {"where": where % place, "problem": problem}
        return RowError(row, letter, code, message)


def _read_answers(
    sheet: _Sheet,
    layout: _Layout,
    meta: SheetMeta,
    criteria: Sequence[SheetCriterion],
    errors: list[RowError],
) -> dict[str, SheetAnswer]:
    problems = _Problems(errors, layout.labels())
    by_code = {criterion.code.strip().casefold(): criterion for criterion in criteria}
    seen: dict[str, int] = {}
    answers: dict[str, SheetAnswer] = {}
    extra: dict[int, list[int]] = {}

    for number in sorted(sheet.rows):
        cells = sheet.rows[number]
        for column in cells:
            if column > layout.last:
                extra.setdefault(column, []).append(number)
        if number < FIRST_ROW:
            continue
        criterion = _row_criterion(number, cells, layout, meta, by_code, seen, problems)
        if criterion is None:
            continue
        answer = _row_answer(number, cells, layout, criterion, problems)
        if answer is not None:
            answers[criterion.code] = answer

    for column, numbers in sorted(extra.items()):
        shown = ", ".join(str(n) for n in numbers[:10]) + (", …" if len(numbers) > 10 else "")
        problems.add(
            None,
            column,
            None,
            ngettext(
                "This column is not part of the spreadsheet, but row %(rows)s has something in "
                "it. Move what you need into “%(narrative)s” and clear the column.",
                "This column is not part of the spreadsheet, but rows %(rows)s have something in "
                "them. Move what you need into “%(narrative)s” and clear the column.",
                len(numbers),
            )
            % {"rows": shown, "narrative": problems.labels[layout.narrative]},
        )
    problems.name_other_rows()
    return answers


def _row_criterion(
    number: int,
    cells: dict[int, _Cell],
    layout: _Layout,
    meta: SheetMeta,
    by_code: dict[str, SheetCriterion],
    seen: dict[str, int],
    problems: _Problems,
) -> SheetCriterion | None:
    """The criterion a row answers, or None (a problem is recorded unless the row is empty)."""
    if not any(column <= layout.last for column in cells):
        return None
    code_cell = cells.get(layout.CODE)
    if code_cell is not None and code_cell.formula:
        problems.add(number, layout.CODE, None, _formula_problem(code_cell))
        return None
    code = _as_text(code_cell.value) if code_cell else ""
    if not code:
        if any(column in cells for column in _answer_columns(layout)):
            problems.add(
                number,
                layout.CODE,
                None,
                _(
                    "This row has answers but no criterion code. Put the code back, or clear the "
                    "row."
                ),
            )
        return None
    criterion = by_code.get(code.casefold())
    if criterion is None:
        problems.add(
            number,
            layout.CODE,
            None,
            _(
                "“%(code)s” is not a criterion of the %(standard)s Standard. Do not change the "
                "codes in column A or add rows."
            )
            % {"code": _quote(code), "standard": meta.standard},
        )
        return None
    if criterion.code in seen:
        problems.add(
            number,
            layout.CODE,
            criterion.code,
            _(
                "%(code)s is already in row %(first)d. Keep one row per criterion: put the answers "
                "together in one row and delete the other."
            )
            % {"code": criterion.code, "first": seen[criterion.code]},
        )
        return None
    seen[criterion.code] = number
    return criterion


def _answer_columns(layout: _Layout) -> list[int]:
    items = [layout.item_column(i) for i in range(len(layout.item_keys))]
    return [*items, layout.not_met, layout.narrative, layout.links]


def _row_answer(
    number: int,
    cells: dict[int, _Cell],
    layout: _Layout,
    criterion: SheetCriterion,
    problems: _Problems,
) -> SheetAnswer | None:
    """The row's answer, None when it is empty; problems are recorded as found."""
    code = criterion.code
    before = len(problems.errors)
    for column in (layout.AREA, layout.TITLE, layout.RULE):
        cell = cells.get(column)
        if cell is not None and cell.formula:
            problems.add(number, column, code, _formula_problem(cell))

    own_keys = {item.key for item in criterion.items}
    ticked: list[str] = []
    for index, key in enumerate(layout.item_keys):
        column = layout.item_column(index)
        tick = _tick_cell(number, column, code, cells.get(column), problems)
        if not tick:
            continue
        if key not in own_keys:
            problems.add(
                number,
                column,
                code,
                _("%(code)s has no checklist item %(key)s, so this cell must stay empty.")
                % {"code": code, "key": key},
            )
            continue
        ticked.append(key)

    not_met = bool(_tick_cell(number, layout.not_met, code, cells.get(layout.not_met), problems))
    if not_met and ticked:
        problems.add(
            number,
            layout.not_met,
            code,
            _(
                "“%(not_met)s” is ticked, and so are items %(items)s. Clear “%(not_met)s”, or "
                "clear the items."
            )
            % {"not_met": problems.labels[layout.not_met], "items": ", ".join(ticked)},
        )

    narrative = _text_cell(number, layout.narrative, code, cells.get(layout.narrative), problems)
    if len(narrative) > MAX_NARRATIVE:
        problems.add(
            number,
            layout.narrative,
            code,
            _(
                "The narrative has %(count)d characters; the limit is %(max)d. Shorten it by "
                "%(over)d characters."
            )
            % {
                "count": len(narrative),
                "max": MAX_NARRATIVE,
                "over": len(narrative) - MAX_NARRATIVE,
            },
        )

    links_text = _text_cell(number, layout.links, code, cells.get(layout.links), problems)
    links = tuple(link_rules.split(links_text))
    too_many = link_rules.too_many(len(links))
    if too_many:
        problems.add(number, layout.links, code, too_many)
    for link in links:
        problem = link_rules.problem(link)
        if problem:
            problems.add_bad_link(link, number, layout.links, code, problem)

    if len(problems.errors) > before:
        return None
    if not (ticked or not_met or narrative or links):
        return None
    return SheetAnswer(
        code=code,
        items=frozenset(ticked),
        not_met=not_met,
        narrative=narrative,
        links=links,
    )


def _formula_problem(cell: _Cell) -> str:
    return _(
        "This cell holds a formula (%(formula)s). Type the value itself: formulas are not imported."
    ) % {"formula": _quote(str(cell.value))}


def _tick_cell(
    number: int, column: int, code: str, cell: _Cell | None, problems: _Problems
) -> bool | None:
    """True when ticked, False when not, None when the cell holds something else (recorded)."""
    if cell is None:
        return False
    if cell.formula:
        problems.add(number, column, code, _formula_problem(cell))
        return None
    tick = _tick(cell.value)
    if tick is None:
        problems.add(
            number,
            column,
            code,
            _("“%(value)s” is not a tick. Type x or yes to tick it, or leave the cell empty.")
            % {"value": _quote(_as_text(cell.value))},
        )
    return tick


def _tick(value: Any) -> bool | None:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return True if value == 1 else False if value == 0 else None
    word = _normal(_as_text(value))
    if word in TICKED:
        return True
    if word in UNTICKED:
        return False
    return None


def _normal(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip().casefold())


def _text_cell(number: int, column: int, code: str, cell: _Cell | None, problems: _Problems) -> str:
    if cell is None:
        return ""
    if cell.formula:
        problems.add(number, column, code, _formula_problem(cell))
        return ""
    return _as_text(cell.value)


def _as_text(value: Any) -> str:
    """A cell value as trimmed text with "\\n" line ends."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime | date | time):
        text = value.isoformat()
    else:
        text = str(value)
    text = _ESCAPED_CR.sub("\r", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
