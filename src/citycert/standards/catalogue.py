"""A Standard version's texts as a gettext catalogue, for translators and their usual tools.

Each text of a version has a context naming where it stands (msgctxt), its English as msgid and
one language's translation as msgstr:

    version.label  version.summary  version.notes  version.outcome_gate
    outcome.<code>.title  outcome.<code>.description
    area.<code>.name  area.<code>.summary
    criterion.<code>.title  criterion.<code>.statement  criterion.<code>.guidance
    criterion.<code>.checklist.<key>  criterion.<code>.document.<n>   (n counts from 1)

`catalogue()` writes one; `read()` checks one against the version and returns its
translations, or raises `CatalogueError` listing every problem; `translated()` gives the
version with them. Parsing and writing the format is polib's.

The shipped versions keep their English in `data/<code>.yaml` and each language's texts in
`data/<code>.<lang>.po` beside it: one owner per language, in the format translators use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib

from .definitions import DefinitionError, StandardDefinition, Text, languages


def targets() -> tuple[str, ...]:
    """The languages a version's texts are translated into (English is the source)."""
    return languages()[1:]


#: printf-style and brace placeholders a translation must keep.
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sd]|%[sd]|\{[A-Za-z_][A-Za-z0-9_]*\}")


class CatalogueError(ValueError):
    """A catalogue that cannot be imported; `problems` names each entry and what is wrong."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def texts(definition: StandardDefinition) -> Iterator[tuple[str, Text]]:
    """Every text of the version with its context, in the order a reader meets them."""
    yield "version.label", definition.label
    if definition.summary:
        yield "version.summary", definition.summary
    if definition.notes:
        yield "version.notes", definition.notes
    if gate := definition.outcome_gate:
        yield "version.outcome_gate", gate.statement
        for option in gate.options:
            yield f"outcome.{option.code}.title", option.title
            if option.description:
                yield f"outcome.{option.code}.description", option.description
    for area in definition.practice_areas:
        yield f"area.{area.code}.name", area.name
        if area.summary:
            yield f"area.{area.code}.summary", area.summary
        for criterion in area.criteria:
            where = f"criterion.{criterion.code}"
            yield f"{where}.title", criterion.title
            if criterion.statement:
                yield f"{where}.statement", criterion.statement
            if criterion.checklist:
                for item in criterion.checklist.items:
                    yield f"{where}.checklist.{item.key}", item.text
            for n, document in enumerate(criterion.documents, start=1):
                yield f"{where}.document.{n}", document
            if criterion.guidance:
                yield f"{where}.guidance", criterion.guidance


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def catalogue(definition: StandardDefinition, lang: str) -> polib.POFile:
    """The version's texts with their `lang` translations (empty where there is none)."""
    po = polib.POFile(wrapwidth=100)
    po.metadata = {
        "Project-Id-Version": f"citycert Standard {definition.code}",
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    for context, text in texts(definition):
        po.append(polib.POEntry(msgctxt=context, msgid=text.en, msgstr=text.get(lang) or ""))
    return po


def read(definition: StandardDefinition, lang: str, po: polib.POFile) -> dict[str, str]:
    """The translations a catalogue gives for `definition`, by context, once all of it is good:
    every context known, its English the version's, no fuzzy or empty entry, placeholders
    kept. Raises CatalogueError naming every entry that is not."""
    if lang not in targets():
        raise CatalogueError([f"{lang!r} is not a language to translate into {targets()}"])
    english = {context: text.en for context, text in texts(definition)}
    problems: list[str] = []
    found: dict[str, str] = {}
    for entry in po:
        if entry.obsolete:
            continue
        where = f"line {entry.linenum}, {entry.msgctxt or '(no context)'}"
        if entry.msgctxt not in english:
            problems.append(f"{where}: no text of version {definition.code} has this context")
            continue
        if entry.msgid.strip() != english[entry.msgctxt]:
            problems.append(
                f"{where}: the English differs from the version's (export the catalogue again)"
            )
            continue
        if entry.msgctxt in found:
            problems.append(f"{where}: the context appears twice")
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: marked fuzzy (check it, then remove the mark)")
            continue
        if not entry.msgstr.strip():
            problems.append(f"{where}: no translation")
            continue
        if placeholders(entry.msgstr) != placeholders(entry.msgid):
            problems.append(f"{where}: the placeholders differ from the English")
            continue
        found[entry.msgctxt] = entry.msgstr.strip()
    if problems:
        raise CatalogueError(problems)
    return found


def translated(
    definition: StandardDefinition, lang: str, translations: dict[str, str]
) -> StandardDefinition:
    """The version with `translations` (by context) as its `lang` texts; others unchanged."""
    data: dict[str, Any] = definition.model_dump(mode="python")

    def put(text: dict[str, Any] | None, context: str) -> None:
        if text is not None and context in translations:
            text[lang] = translations[context]

    put(data["label"], "version.label")
    put(data["summary"], "version.summary")
    put(data["notes"], "version.notes")
    if gate := data["outcome_gate"]:
        put(gate["statement"], "version.outcome_gate")
        for option in gate["options"]:
            put(option["title"], f"outcome.{option['code']}.title")
            put(option["description"], f"outcome.{option['code']}.description")
    for area in data["practice_areas"]:
        put(area["name"], f"area.{area['code']}.name")
        put(area["summary"], f"area.{area['code']}.summary")
        for criterion in area["criteria"]:
            where = f"criterion.{criterion['code']}"
            for field in ("title", "statement", "guidance"):
                put(criterion[field], f"{where}.{field}")
            if criterion["checklist"]:
                for item in criterion["checklist"]["items"]:
                    put(item["text"], f"{where}.checklist.{item['key']}")
            for n, document in enumerate(criterion["documents"], start=1):
                put(document, f"{where}.document.{n}")
    return StandardDefinition.model_validate(data)


def catalogue_path(folder: Path, code: str, lang: str) -> Path:
    return folder / f"{code}.{lang}.po"


def open_catalogue(path: Path) -> polib.POFile:
    """A catalogue file, or DefinitionError saying why it cannot be read."""
    try:
        return polib.pofile(str(path), encoding="utf-8", wrapwidth=100)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DefinitionError(f"{path.name}: cannot be read: {exc}") from None


def with_catalogues(definition: StandardDefinition, folder: Path) -> StandardDefinition:
    """`definition` with the translations of the catalogues found in `folder` for its code."""
    for lang in targets():
        path = catalogue_path(folder, definition.code, lang)
        if not path.exists():
            continue
        try:
            found = read(definition, lang, open_catalogue(path))
        except CatalogueError as exc:
            raise DefinitionError(
                "\n".join(f"{path.name}: {problem}" for problem in exc.problems)
            ) from None
        definition = translated(definition, lang, found)
    return definition
