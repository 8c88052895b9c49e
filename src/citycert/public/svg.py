"""What the map and the charts share: text made safe for SVG, and element ids unique in a page."""

from __future__ import annotations

import re
from hashlib import blake2s
from html import escape

# Characters XML 1.0 does not allow at all: C0 controls but tab, newline and carriage return,
# lone surrogates, and the two non-characters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")


# Anything xml_text must change; most names have none of it, and one scan tells.
_TO_CHANGE = re.compile("[&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """`value` as text safe inside an XML or HTML element or a quoted attribute: markup
    characters escaped, characters XML cannot carry dropped."""
    text = str(value)
    if _TO_CHANGE.search(text) is None:
        return text
    return escape(_NOT_XML.sub("", text), quote=True)


def text_width(text: str, size: float) -> float:
    """About how wide `text` is drawn at font size `size`: enough to leave room for it, not
    to measure it (the reader's font decides)."""
    return len(text) * size * 0.6


def id_prefix(kind: str, title: str, given: str | None) -> str:
    """The start of every id in one drawing: `given` (reduced to letters, digits, - and _), or
    else `kind` and a digest of `title`, so that drawings with different titles on one page
    never share an id (an aria-labelledby pointing at the wrong title) and the same drawing
    always gets the same ids."""
    if given is not None:
        return _NOT_ID.sub("", given) or kind
    return f"{kind}-{blake2s(title.encode(), digest_size=3).hexdigest()}"
