"""Is everything translated? The checks behind `citycert check_translations` and its test.

- The shipped Standard: every text of every version in `standards/data/` has a translation in
  each language's catalogue (`<code>.<lang>.po`), not fuzzy, not the English copied, with the
  English's placeholders; and the glossary's terms are used (`glossary_gaps`).
- Brazilian Portuguese throughout: every string of Django and of django-allauth's pages that
  their (European) Portuguese catalogues translate has our Brazilian one in `overrides/locale/pt`.
- The interface: every entry of each language's `django.po` is translated, not fuzzy, not the
  English copied (a single shared word aside), with the same placeholders, and every language
  has the same entries.

Each gap is one line naming the file, the place (criterion and field, or the msgid) and what is
wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polib
import yaml

from citycert.standards.catalogue import (
    catalogue_path,
    open_catalogue,
    placeholders,
    targets,
    texts,
)
from citycert.standards.definitions import DefinitionError, StandardDefinition, parse

PACKAGE = Path(__file__).resolve().parent
OVERRIDES = PACKAGE / "overrides" / "locale"
STANDARDS = PACKAGE / "standards" / "data"
GLOSSARY = STANDARDS / "glossary.yaml"
LOCALE = PACKAGE / "locale"
PYTHON_FORMAT = re.compile(r"%\([A-Za-z_]+\)[sdrif]|%[sdrif]|\{[A-Za-z_][A-Za-z0-9_]*\}")


def copied(english: str, translation: str) -> bool:
    """The translation is the English left as it was. A single word or a format the languages
    share ("Date", "Population", "%(where)s: %(problem)s", "j F Y") does not count: only a text
    of two words or more can be told apart from a shared word."""
    words = re.findall(r"[^\W\d_]{2,}", PYTHON_FORMAT.sub(" ", english))
    return translation.strip() == english.strip() and len(words) >= 2


def keeps_placeholders(entry: polib.POEntry, translations: list[str]) -> bool:
    """Each translation of an interface entry has the English's placeholders; a plural form may
    leave the number out ("one city"), nothing else may."""
    wanted = set(PYTHON_FORMAT.findall(entry.msgid))
    if entry.msgid_plural:
        wanted |= set(PYTHON_FORMAT.findall(entry.msgid_plural))
    for translation in translations:
        found = set(PYTHON_FORMAT.findall(translation))
        if found != wanted and not (entry.msgid_plural and found <= wanted):
            return False
    return True


# ---------------------------------------------------------------------------- the Standard


def _english_only(path: Path) -> StandardDefinition:
    """A version file's English, without its catalogues (to check them against it)."""
    return parse(path.read_text(encoding="utf-8"), path.name)


def standard_gaps(folder: Path = STANDARDS) -> list[str]:
    gaps: list[str] = []
    for path in sorted(folder.glob("[0-9]*.yaml")):
        try:
            definition = _english_only(path)
        except DefinitionError as exc:
            gaps.append(str(exc))
            continue
        english = {context: text.en for context, text in texts(definition)}
        for lang in targets():
            po_path = catalogue_path(folder, definition.code, lang)
            if not po_path.exists():
                gaps.append(f"{po_path.name}: missing: version {definition.code} has no {lang}")
                continue
            try:
                po = open_catalogue(po_path)
            except DefinitionError as exc:
                gaps.append(str(exc))
                continue
            entries = {entry.msgctxt: entry for entry in po if not entry.obsolete}
            for context, text in english.items():
                entry = entries.get(context)
                where = f"{po_path.name}: {context}"
                if entry is None or not entry.msgstr.strip():
                    gaps.append(f"{where}: not translated")
                elif "fuzzy" in entry.flags:
                    gaps.append(f"{where}: fuzzy")
                elif entry.msgid.strip() != text:
                    gaps.append(f"{where}: translates an older English (export it again)")
                elif copied(text, entry.msgstr):
                    gaps.append(f"{where}: the English copied")
                elif placeholders(entry.msgstr) != placeholders(text):
                    gaps.append(f"{where}: placeholders differ from the English")
            for context in entries.keys() - english.keys():
                gaps.append(f"{po_path.name}: {context}: no such text in {path.name}")
    return gaps


@dataclass(frozen=True)
class Term:
    en: tuple[str, ...]
    forms: dict[str, tuple[str, ...]]
    note: str


@cache
def glossary(path: Path = GLOSSARY) -> tuple[Term, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(
        Term(
            en=tuple(f.lower() for f in term["en"]),
            forms={
                lang: tuple(f.lower() for f in forms)
                for lang, forms in term.items()
                if lang not in ("en", "note")
            },
            note=term["note"],
        )
        for term in data["terms"]
    )


def glossary_gaps(folder: Path = STANDARDS, terms: tuple[Term, ...] | None = None) -> list[str]:
    """Texts whose English uses a glossary term and whose translation uses none of its forms."""
    terms = terms if terms is not None else glossary()
    gaps: list[str] = [
        f"glossary.yaml: “{term.en[0]}”: no {lang} term"
        for lang in targets()
        for term in terms
        if lang not in term.forms
    ]
    for path in sorted(folder.glob("[0-9]*.yaml")):
        code = path.stem
        for lang in targets():
            po_path = catalogue_path(folder, code, lang)
            if not po_path.exists():
                continue
            for entry in open_catalogue(po_path):
                english, translation = entry.msgid.lower(), entry.msgstr.lower()
                if not translation:
                    continue
                for term in terms:
                    if lang not in term.forms:
                        continue
                    if any(f in english for f in term.en) and not any(
                        f in translation for f in term.forms[lang]
                    ):
                        gaps.append(
                            f"{po_path.name}: {entry.msgctxt}: says “{term.en[0]}” in English "
                            f"but none of {', '.join(term.forms[lang])}"
                        )
    return gaps


# ---------------------------------------------------------------------------- the interface


def catalogue_gaps(locale: Path = LOCALE, languages: tuple[str, ...] | None = None) -> list[str]:
    languages = languages if languages is not None else targets()
    gaps: list[str] = []
    ids: dict[str, set[tuple[str | None, str]]] = {}
    for lang in languages:
        path = locale / lang / "LC_MESSAGES" / "django.po"
        name = f"{lang}/LC_MESSAGES/django.po"
        if not path.exists():
            gaps.append(f"{name}: missing")
            continue
        po = polib.pofile(str(path))
        ids[lang] = set()
        for entry in po:
            if entry.obsolete:
                continue
            ids[lang].add((entry.msgctxt, entry.msgid))
            where = f"{name}: {entry.msgid[:60]!r}"
            translations = (
                list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            )
            if "fuzzy" in entry.flags:
                gaps.append(f"{where}: fuzzy")
            elif not all(t.strip() for t in translations):
                gaps.append(f"{where}: not translated")
            elif not entry.msgid_plural and copied(entry.msgid, entry.msgstr):
                gaps.append(f"{where}: the English copied")
            elif (
                "python-format" in entry.flags or "python-brace-format" in entry.flags
            ) and not keeps_placeholders(entry, translations):
                gaps.append(f"{where}: placeholders differ from the English")
    if ids:
        every = set().union(*ids.values())
        for lang, have in ids.items():
            for _, msgid in sorted(every - have, key=lambda pair: pair[1]):
                gaps.append(f"{lang}/LC_MESSAGES/django.po: {msgid[:60]!r}: missing")
    return gaps


# ------------------------------------------------------------------ third-party strings


def _third_party_strings() -> list[polib.POEntry]:
    """The strings of Django (forms, validators, dates, passwords) and of allauth's account and
    two-factor pages that their "pt" catalogues translate, into European Portuguese: each
    would show so without ours."""
    import allauth
    import django

    def catalogue(package: str, *parts: str) -> polib.POFile:
        return polib.pofile(str(Path(package).parent.joinpath(*parts, "LC_MESSAGES", "django.po")))

    pages = ("templates/account/", "templates/mfa/", "templates/allauth/", "account/", "mfa/")
    found = [
        entry
        for entry in catalogue(allauth.__file__, "locale", "pt_PT")
        if any(
            where.startswith(pages) and not where.startswith("account/admin")
            for where, _ in entry.occurrences
        )
    ]
    found += catalogue(django.__file__, "conf", "locale", "pt")
    found += catalogue(django.__file__, "contrib", "auth", "locale", "pt")
    unique = {(e.msgctxt, e.msgid): e for e in found if e.translated() and not e.obsolete}
    return list(unique.values())


def override_gaps(locale: Path = OVERRIDES) -> list[str]:
    name = "overrides/pt/LC_MESSAGES/django.po"
    path = locale / "pt" / "LC_MESSAGES" / "django.po"
    if not path.exists():
        return [f"{name}: missing"]
    ours = {
        (entry.msgctxt, entry.msgid): entry
        for entry in polib.pofile(str(path))
        if not entry.obsolete
    }
    gaps = []
    for theirs in _third_party_strings():
        entry = ours.get((theirs.msgctxt, theirs.msgid))
        where = f"{name}: {theirs.msgid[:60]!r}"
        if entry is None:
            gaps.append(f"{where}: missing (it would show in European Portuguese)")
            continue
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if "fuzzy" in entry.flags or not all(form.strip() for form in forms):
            gaps.append(f"{where}: not translated")
            continue
        if not keeps_placeholders(entry, forms):
            gaps.append(f"{where}: placeholders differ from the English")
    return gaps


def all_gaps() -> list[str]:
    return standard_gaps() + glossary_gaps() + catalogue_gaps() + override_gaps()
