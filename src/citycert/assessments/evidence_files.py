"""The checks an uploaded evidence file must pass before an assessment stores it.

Cities may upload PDF, Word (.docx), Excel (.xlsx), CSV, PNG and JPEG files, nothing else.
`check_file` decides the type from the content (libmagic, then structural checks of our own),
never from the name or the browser's Content-Type, and then requires the name's extension to
agree. It reads at most `max_bytes + 1` bytes, into a spooled temporary file (memory, then disk),
and never decompresses more than the small [Content_Types].xml part of a Word or Excel package.
A refused file raises `EvidenceFileError`, whose `message` is a plain sentence, in the active
language, for the person who uploaded it.

`sanitise_name` makes the name to show and to offer on download; the stored file's name never
comes from the uploader.

What this does not do: scan for malware, look inside PDFs for scripts or embedded files, or
check Word/Excel parts other than those named below. `download` serves a stored file as the
pages and the API both must: an attachment, with the `content_type` found here, `nosniff`, a
sandboxing Content-Security-Policy, and never cached.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Final

import magic
from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]
from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
    ParseError,
    fromstring,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

if TYPE_CHECKING:
    from django.http import FileResponse

    from .models import Evidence

__all__ = [
    "CONTENT_TYPES",
    "KINDS",
    "CheckedFile",
    "EvidenceFileError",
    "check_file",
    "download",
    "sanitise_name",
    "store",
]

KINDS: Final = ("pdf", "docx", "xlsx", "csv", "png", "jpeg")
CONTENT_TYPES: Final[dict[str, str]] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
# The first is the canonical one, given to the sanitised name.
EXTENSIONS: Final[dict[str, tuple[str, ...]]] = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "csv": (".csv",),
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
}

MB: Final = 1024 * 1024  # sizes in messages are in MB of 1,048,576 bytes, as Django shows them
SNIFF_BYTES: Final = 8 * 1024  # what libmagic is shown
SPOOL_IN_MEMORY: Final = 2_621_440  # as Django's FILE_UPLOAD_MAX_MEMORY_SIZE; beyond it, disk
CHUNK: Final = 64 * 1024

# ZIP packages (DOCX, XLSX), judged from the central directory without decompressing.
MAX_ZIP_ENTRIES: Final = 10_000
MAX_ZIP_TOTAL: Final = 200 * MB  # all entries, uncompressed
MAX_ZIP_RATIO: Final = 100  # uncompressed : compressed, for any entry above RATIO_FROM
RATIO_FROM: Final = 1 * MB
MAX_CONTENT_TYPES_PART: Final = 1 * MB  # the one part we do decompress: [Content_Types].xml

# Images: pixels as declared in the header (not decoded). Below Pillow's decompression-bomb
# error (about 179 million), so a thumbnailer could open any image accepted here.
MAX_IMAGE_PIXELS: Final = 150_000_000
MAX_JPEG_SEGMENTS: Final = 1_000  # markers before the frame header; real files have a few dozen

NAME_MAX_CHARS: Final = 100  # the base name, before the extension
DEFAULT_BASE: Final = "evidence"


@dataclass(frozen=True, slots=True)
class CheckedFile:
    name: str  # sanitised file name to show and to offer on download
    kind: str  # "pdf" | "docx" | "xlsx" | "csv" | "png" | "jpeg"
    content_type: str  # the canonical MIME type for that kind
    size: int
    sha256: str  # hex digest of the content


class EvidenceFileError(ValueError):
    """A refused file; `message` is a plain-language sentence for the person who uploaded it."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- descriptions used in messages (translated when a message is made) -----------------------

# "report.pdf is not <a PDF>: ..." — what the name's extension promised.
_EXPECTED = {
    "pdf": gettext_noop("a PDF"),
    "docx": gettext_noop("a Word document"),
    "xlsx": gettext_noop("an Excel workbook"),
    "csv": gettext_noop("a CSV file"),
    "png": gettext_noop("a PNG image"),
    "jpeg": gettext_noop("a JPEG image"),
}
# "...: its content is <a PNG image>." — what the content turned out to be.
_FOUND = {
    "pdf": gettext_noop("a PDF document"),
    "docx": gettext_noop("a Word document"),
    "xlsx": gettext_noop("an Excel workbook"),
    "csv": gettext_noop("plain text"),
    "png": gettext_noop("a PNG image"),
    "jpeg": gettext_noop("a JPEG image"),
}
_WEB_PAGE = gettext_noop("a web page or program code")
_PROGRAM = gettext_noop("a program or script")
_ZIP = gettext_noop("a ZIP archive")
_OTHER = gettext_noop("a type of file that is not accepted")
_FOUND_BY_MIME = {
    "text/html": _WEB_PAGE,
    "application/xhtml+xml": _WEB_PAGE,
    "text/javascript": _WEB_PAGE,
    "application/javascript": _WEB_PAGE,
    "image/svg+xml": gettext_noop("an SVG drawing"),
    "text/xml": gettext_noop("an XML file"),
    "application/xml": gettext_noop("an XML file"),
    "application/json": gettext_noop("a JSON data file"),
    "application/zip": _ZIP,
    "application/x-dosexec": _PROGRAM,
    "application/x-msdownload": _PROGRAM,
    "application/vnd.microsoft.portable-executable": _PROGRAM,
    "application/x-executable": _PROGRAM,
    "application/x-pie-executable": _PROGRAM,
    "application/x-sharedlib": _PROGRAM,
    "application/x-mach-binary": _PROGRAM,
    "application/x-elf": _PROGRAM,
    "application/java-archive": _PROGRAM,
    "application/vnd.android.package-archive": _PROGRAM,
    "application/x-msi": _PROGRAM,
    "text/x-shellscript": _PROGRAM,
    "text/x-msdos-batch": _PROGRAM,
    "text/x-python": _PROGRAM,
    "text/x-script.python": _PROGRAM,
    "text/x-perl": _PROGRAM,
    "text/x-php": _PROGRAM,
    "application/gzip": gettext_noop("a compressed archive"),
    "application/x-7z-compressed": gettext_noop("a compressed archive"),
    "application/x-rar": gettext_noop("a compressed archive"),
    "application/vnd.rar": gettext_noop("a compressed archive"),
    "application/x-tar": gettext_noop("a compressed archive"),
    "application/x-bzip2": gettext_noop("a compressed archive"),
    "application/x-xz": gettext_noop("a compressed archive"),
    "application/rtf": gettext_noop("an RTF document"),
    "text/rtf": gettext_noop("an RTF document"),
}
_FOUND_BY_MIME_PREFIX = (
    ("application/vnd.oasis.opendocument.", gettext_noop("an OpenDocument file (.odt or .ods)")),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.",
        gettext_noop("a PowerPoint presentation"),
    ),
    ("image/", gettext_noop("an image in a format other than PNG or JPEG")),
    ("video/", gettext_noop("a video")),
    ("audio/", gettext_noop("a sound recording")),
    ("text/", gettext_noop("text that is not a CSV table")),
)
# Compound-document (OLE) files: .doc, .xls, .ppt, .msg, and password-protected .docx/.xlsx.
_OLD_OFFICE_MIMES = frozenset(
    {
        "application/x-ole-storage",
        "application/cdfv2",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.ms-office",
        "application/vnd.ms-outlook",
    }
)


# --- messages ---------------------------------------------------------------------------------


def _refuse_not_accepted(name: str, found: str) -> EvidenceFileError:
    return EvidenceFileError(
        _(
            "%(name)s cannot be uploaded because its content is %(found)s. Only PDF, "
            "Word (.docx), Excel (.xlsx), CSV, PNG and JPEG files are accepted."
        )
        % {"name": name, "found": _(found)}
    )


def _refuse_damaged(name: str, kind: str) -> EvidenceFileError:
    return EvidenceFileError(
        _(
            "%(name)s could not be opened as %(kind)s: the file seems to be damaged or "
            "incomplete. Please save it again and upload the new copy."
        )
        % {"name": name, "kind": _(_EXPECTED[kind])}
    )


def _refuse_zip_unopenable(name: str) -> EvidenceFileError:
    return EvidenceFileError(
        _(
            "%(name)s could not be opened: the file seems to be damaged or incomplete. "
            "Please save it again from Word or Excel and upload the new copy."
        )
        % {"name": name}
    )


def _refuse_zip_unusual(name: str) -> EvidenceFileError:
    return EvidenceFileError(
        _(
            "%(name)s cannot be accepted because it is built in an unusual way: it has too "
            "many parts, or it would unpack to far more data than a normal document. Please "
            "save it again from Word or Excel and upload the new copy."
        )
        % {"name": name}
    )


def _refuse_macros(name: str) -> EvidenceFileError:
    return EvidenceFileError(
        _(
            "%(name)s contains macros or other active content, which cannot be accepted for "
            "security reasons. Please save it as an ordinary Word (.docx) or Excel (.xlsx) "
            "file without macros and upload it again."
        )
        % {"name": name}
    )


def _mb(size: int, *, round_up: bool = False) -> str:
    """`size` in MB with at most one decimal ("20", "23.4"); rounded up if asked, so that a
    size over a limit never shows as equal to it."""
    tenths = -(-size * 10 // MB) if round_up else round(size * 10 / MB)
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


# --- the check --------------------------------------------------------------------------------


def check_file(stream: BinaryIO, original_name: str, *, max_bytes: int) -> CheckedFile:
    """Check the file read from `stream` (from its current position) that was uploaded as
    `original_name`; return what to store about it, or raise `EvidenceFileError`.

    At most `max_bytes + 1` bytes are read. A seekable stream is left where it was found, so the
    caller can store it next."""
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive")
    shown = _display_name(original_name)
    start = _position(stream)
    try:
        declared = _remaining_size(stream, start)
        if declared is not None and declared > max_bytes:
            raise _refuse_too_big(shown, declared, max_bytes)
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
            size, sha256 = _copy_bounded(stream, spool, max_bytes)
            if size == 0:
                raise EvidenceFileError(
                    _("%(name)s is empty. Please check the file and upload it again.")
                    % {"name": shown}
                )
            if size > max_bytes:
                raise _refuse_too_big(shown, declared, max_bytes)
            kind = _kind_of(spool, size, shown, original_name)
    finally:
        if start is not None:
            stream.seek(start)
    return CheckedFile(
        name=sanitise_name(original_name, kind),
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        size=size,
        sha256=sha256,
    )


def _refuse_too_big(name: str, size: int | None, max_bytes: int) -> EvidenceFileError:
    if size is None or size <= max_bytes:  # a stream whose length could not be told
        return EvidenceFileError(
            _("%(name)s is larger than %(limit)s MB, the limit for one file.")
            % {"name": name, "limit": _mb(max_bytes)}
        )
    return EvidenceFileError(
        _("%(name)s is %(size)s MB; the limit is %(limit)s MB.")
        % {"name": name, "size": _mb(size, round_up=True), "limit": _mb(max_bytes)}
    )


def _position(stream: BinaryIO) -> int | None:
    try:
        return stream.tell() if stream.seekable() else None
    except (OSError, ValueError):
        return None


def _remaining_size(stream: BinaryIO, start: int | None) -> int | None:
    """The bytes left in a seekable stream, found by seeking (not reading); else None."""
    if start is None:
        return None
    try:
        end = stream.seek(0, os.SEEK_END)
    except (OSError, ValueError):
        return None
    finally:
        stream.seek(start)
    return end - start


def _copy_bounded(stream: BinaryIO, spool: IO[bytes], max_bytes: int) -> tuple[int, str]:
    """Copy at most `max_bytes + 1` bytes into `spool`; return the count and their SHA-256."""
    digest = hashlib.sha256()
    size = 0
    while size <= max_bytes:
        chunk = stream.read(min(CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        size += len(chunk)
        digest.update(chunk)
        spool.write(chunk)
    return size, digest.hexdigest()


def _kind_of(spool: IO[bytes], size: int, shown: str, original_name: str) -> str:
    spool.seek(0)
    head = spool.read(SNIFF_BYTES)
    try:
        mime = magic.from_buffer(head, mime=True).lower()
    except magic.MagicException:
        mime = "application/octet-stream"
    extension = _extension(original_name)

    if mime == "application/pdf":
        if not re.match(rb"%PDF-\d\.\d", head):  # libmagic also finds %PDF- a little way in
            raise _refuse_damaged(shown, "pdf")
        kind = "pdf"
    elif mime == "image/png":
        _check_png(head, shown)
        kind = "png"
    elif mime == "image/jpeg":
        _check_jpeg(spool, size, shown)
        kind = "jpeg"
    elif head.startswith(b"PK\x03\x04") and (
        mime == "application/zip"
        or mime.startswith("application/vnd.openxmlformats-officedocument.")
        or "macroenabled" in mime
    ):
        # libmagic names DOCX/XLSX only when it happens to see the right part names in the
        # head, which depends on the order of the package's entries: decide by the structure.
        kind = _check_package(spool, size, shown)
    elif mime in ("text/plain", "text/csv"):
        if extension != ".csv":
            if _kind_of_extension(extension) is not None:
                raise _refuse_mismatch(shown, extension, "csv")
            raise EvidenceFileError(
                _(
                    "%(name)s is a plain text file. Text is accepted only as a CSV file "
                    "whose name ends in .csv."
                )
                % {"name": shown}
            )
        _check_csv(spool, shown)
        kind = "csv"
    elif mime in _OLD_OFFICE_MIMES:
        raise EvidenceFileError(
            _(
                "%(name)s is an older Microsoft Office file (such as .doc or .xls) or a "
                "password-protected one, which cannot be accepted. Please save it as a Word "
                "(.docx) or Excel (.xlsx) file without a password and upload it again."
            )
            % {"name": shown}
        )
    else:
        raise _refuse_not_accepted(shown, _describe_mime(mime))

    if extension not in EXTENSIONS[kind]:
        raise _refuse_mismatch(shown, extension, kind)
    return kind


def _describe_mime(mime: str) -> str:
    if mime in _FOUND_BY_MIME:
        return _FOUND_BY_MIME[mime]
    for prefix, found in _FOUND_BY_MIME_PREFIX:
        if mime.startswith(prefix):
            return found
    return _OTHER


def _kind_of_extension(extension: str) -> str | None:
    return next((kind for kind, exts in EXTENSIONS.items() if extension in exts), None)


def _refuse_mismatch(name: str, extension: str, kind: str) -> EvidenceFileError:
    promised = _kind_of_extension(extension)
    if promised is not None:
        return EvidenceFileError(
            _("%(name)s is not %(expected)s: its content is %(found)s.")
            % {"name": name, "expected": _(_EXPECTED[promised]), "found": _(_FOUND[kind])}
        )
    return EvidenceFileError(
        _(
            "The name %(name)s does not end in %(extension)s, but its content is %(found)s. "
            "Please rename the file so that its name ends in %(extension)s and upload it again."
        )
        % {"name": name, "extension": EXTENSIONS[kind][0], "found": _(_FOUND[kind])}
    )


# --- PNG and JPEG: headers only, never the image data ------------------------------------------

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_PNG_BIT_DEPTHS: Final = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}


def _check_png(head: bytes, shown: str) -> None:
    """The signature and a well-formed IHDR chunk (the first, by the standard)."""
    if len(head) < 33 or not head.startswith(_PNG_SIGNATURE):
        raise _refuse_damaged(shown, "png")
    length, chunk_type = struct.unpack(">I4s", head[8:16])
    data, (crc,) = head[16:29], struct.unpack(">I", head[29:33])
    if length != 13 or chunk_type != b"IHDR" or zlib.crc32(chunk_type + data) != crc:
        raise _refuse_damaged(shown, "png")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", data
    )
    if (
        not (0 < width < 2**31 and 0 < height < 2**31)
        or depth not in _PNG_BIT_DEPTHS.get(colour, ())
        or (compression, filtering) != (0, 0)
        or interlace not in (0, 1)
    ):
        raise _refuse_damaged(shown, "png")
    _check_pixels(shown, width, height)


# Start-of-frame markers (they carry the dimensions); not C4 (DHT), C8 (JPG), CC (DAC).
_JPEG_SOF: Final = frozenset({*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC)}) | {
    0xCD,
    0xCE,
    0xCF,
}


def _check_jpeg(spool: IO[bytes], size: int, shown: str) -> None:
    """SOI, then the marker segments up to a frame header, each skipped by its length."""
    spool.seek(0)
    if spool.read(3) != b"\xff\xd8\xff":
        raise _refuse_damaged(shown, "jpeg")
    spool.seek(2)
    for _segment in range(MAX_JPEG_SEGMENTS):
        if spool.read(1) != b"\xff":
            break
        code = spool.read(1)
        for _fill in range(MAX_JPEG_SEGMENTS):  # fill bytes may pad a marker
            if code != b"\xff":
                break
            code = spool.read(1)
        if not code or code in (b"\xff", b"\xd8", b"\xd9", b"\xda"):
            break  # the end, a second SOI, or image data before any frame header
        if code == b"\x01" or b"\xd0" <= code <= b"\xd7":
            continue  # markers without a length
        segment = spool.tell()
        length_bytes = spool.read(2)
        if len(length_bytes) != 2:
            break
        (length,) = struct.unpack(">H", length_bytes)
        if length < 2 or segment + length > size:
            break
        if code[0] in _JPEG_SOF:
            if length < 8:
                break
            _precision, height, width = struct.unpack(">BHH", spool.read(5))
            if width == 0:  # a height of 0 is legal: a later DNL segment gives it
                break
            _check_pixels(shown, width, max(height, 1))
            return
        spool.seek(segment + length)
    raise _refuse_damaged(shown, "jpeg")


def _check_pixels(shown: str, width: int, height: int) -> None:
    if width * height > MAX_IMAGE_PIXELS:
        raise EvidenceFileError(
            _(
                "%(name)s is an image of %(width)s by %(height)s pixels, which is too large; "
                "the limit is %(limit)s million pixels. Please make it smaller and upload it "
                "again."
            )
            % {
                "name": shown,
                "width": width,
                "height": height,
                "limit": MAX_IMAGE_PIXELS // 1_000_000,
            }
        )


# --- DOCX and XLSX: ZIP packages ----------------------------------------------------------------

_WORD_MAIN: Final = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
_EXCEL_MAIN: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_PRESENTATION: Final = "application/vnd.openxmlformats-officedocument.presentationml."
# In a content type or a part's name: macros (VBA, Excel 4.0 macro sheets) or ActiveX controls.
_ACTIVE_CONTENT_TYPES: Final = ("macroenabled", "vbaproject", "vbadata", "macrosheet", "activex")
_ACTIVE_PART_NAMES: Final = re.compile(r"(^|/)(vbaproject|vbadata)|(^|/)(macrosheets|activex)/")


def _check_package(spool: IO[bytes], size: int, shown: str) -> str:
    """The kind, "docx" or "xlsx", of a ZIP that is one and has no macros, judged from the
    central directory and [Content_Types].xml; else raise."""
    spool.seek(0)
    try:
        with zipfile.ZipFile(spool) as package:
            entries = package.infolist()
            _check_zip_sizes(entries, size, shown)
            names = {entry.filename.replace("\\", "/").lower() for entry in entries}
            if any(_ACTIVE_PART_NAMES.search(name) for name in names):
                raise _refuse_macros(shown)
            if "[content_types].xml" not in names:
                raise _refuse_not_accepted(shown, _ZIP)
            defaults, overrides = _content_types(package, shown)
    except EvidenceFileError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        OSError,
        RuntimeError,  # an encrypted entry
        NotImplementedError,  # an unknown compression method
        ValueError,
        ParseError,
        DefusedXmlException,
    ):
        raise _refuse_zip_unopenable(shown) from None

    content_types = [*defaults.values(), *overrides.values()]
    if any(marker in ct for ct in content_types for marker in _ACTIVE_CONTENT_TYPES):
        raise _refuse_macros(shown)

    def has_main(part: str, content_type: str) -> bool:
        declared = overrides.get("/" + part, defaults.get(part.rpartition(".")[2]))
        return part in names and declared == content_type

    is_word = has_main("word/document.xml", _WORD_MAIN)
    is_excel = has_main("xl/workbook.xml", _EXCEL_MAIN)
    if is_word and not is_excel:
        return "docx"
    if is_excel and not is_word:
        return "xlsx"
    if any(ct.startswith(_PRESENTATION) for ct in content_types):
        raise _refuse_not_accepted(shown, _describe_mime(_PRESENTATION))
    raise _refuse_not_accepted(shown, _ZIP)


def _check_zip_sizes(entries: list[zipfile.ZipInfo], size: int, shown: str) -> None:
    """Zip-bomb guards, from the sizes the central directory declares (Python's zipfile never
    inflates an entry past its declared size, so a lie there cannot make it read more)."""
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _refuse_zip_unusual(shown)
    if sum(entry.file_size for entry in entries) > MAX_ZIP_TOTAL:
        raise _refuse_zip_unusual(shown)
    for entry in entries:
        if entry.file_size > RATIO_FROM and (
            entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1)
        ):
            raise _refuse_zip_unusual(shown)
        if entry.flag_bits & 0x1:  # encrypted: never in a Word or Excel package
            raise _refuse_zip_unopenable(shown)
    # Entries that overlap (one compressed stream counted many times) make a bomb out of few
    # bytes; honest entries cannot add up to more than the archive.
    if sum(entry.compress_size for entry in entries) > size:
        raise _refuse_zip_unusual(shown)


def _content_types(package: zipfile.ZipFile, shown: str) -> tuple[dict[str, str], dict[str, str]]:
    """[Content_Types].xml as (extension -> type, "/part/name" -> type), all lower case."""
    name = next(n for n in package.namelist() if n.lower() == "[content_types].xml")
    if package.getinfo(name).file_size > MAX_CONTENT_TYPES_PART:
        raise _refuse_zip_unusual(shown)
    with package.open(name) as part:
        data = part.read(MAX_CONTENT_TYPES_PART + 1)
    root = fromstring(data)  # defusedxml: no DTDs, no entities
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for element in root:
        tag = str(element.tag).rpartition("}")[2]
        content_type = (element.get("ContentType") or "").strip().lower()
        if tag == "Default":
            defaults[(element.get("Extension") or "").lower()] = content_type
        elif tag == "Override":
            overrides[(element.get("PartName") or "").lower()] = content_type
    return defaults, overrides


# --- CSV --------------------------------------------------------------------------------------

_TEXT_ENCODINGS: Final = ("utf-8-sig", "cp1252")  # then latin-1, which decodes any bytes


def _check_csv(spool: IO[bytes], shown: str) -> None:
    if _contains_nul(spool):
        raise EvidenceFileError(
            _(
                "%(name)s is not a plain-text CSV file: it contains binary data. If you "
                "exported it from a spreadsheet, choose the format “CSV UTF-8” or “CSV "
                "(comma delimited)” and upload the new file."
            )
            % {"name": shown}
        )
    encoding = next((e for e in _TEXT_ENCODINGS if _decodes(spool, e)), "latin-1")
    spool.seek(0)
    start = spool.read(SNIFF_BYTES).decode(encoding, errors="replace")
    if start.lstrip().startswith("<"):
        raise _refuse_not_accepted(shown, _WEB_PAGE)


def _contains_nul(spool: IO[bytes]) -> bool:
    spool.seek(0)
    while chunk := spool.read(CHUNK):
        if b"\x00" in chunk:
            return True
    return False


def _decodes(spool: IO[bytes], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    spool.seek(0)
    try:
        while chunk := spool.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# --- names ------------------------------------------------------------------------------------

_PUNCTUATION_KEPT: Final = frozenset(".-_(),'&+ ")
_APOSTROPHES: Final = frozenset("\u2018\u2019\u201b\u2032")
_WHITESPACE_CONTROLS: Final = frozenset("\t\n\r\v\f")
# Device names Windows will not let a file be called, whatever its extension.
_WINDOWS_RESERVED: Final = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{d}{n}" for d in ("com", "lpt") for n in "123456789"}
)


def _clean(original_name: str) -> str:
    """The last path component of `original_name`, in NFC, with only safe characters left and
    whitespace collapsed; leading dots and spaces, and trailing spaces, removed."""
    name = unicodedata.normalize("NFC", original_name)
    name = re.split(r"[/\\]", name)[-1]
    kept: list[str] = []
    for char in name:
        category = unicodedata.category(char)
        if char in _WHITESPACE_CONTROLS or category in ("Zs", "Zl", "Zp"):
            kept.append(" ")
        elif category.startswith("L") or category == "Nd" or char in _PUNCTUATION_KEPT:
            kept.append(char)
        elif category in ("Mn", "Mc") and kept and unicodedata.category(kept[-1])[0] in "LM":
            kept.append(char)  # a vowel sign or accent on the letter before (Devanagari, Thai)
        elif category == "Pd":
            kept.append("-")  # en and em dashes
        elif char in _APOSTROPHES:
            kept.append("'")
        # everything else goes: controls, bidi and other format characters, symbols, quotes,
        # < > : | ? * ; and the like
    cleaned = unicodedata.normalize("NFC", "".join(kept))  # a dropped char may have parted marks
    return re.sub(r" +", " ", cleaned).lstrip(". ").rstrip(" ")


def _extension(original_name: str) -> str:
    """The extension, lower case with its dot ("" if none), of the name as cleaned."""
    _stem, dot, suffix = _clean(original_name).rpartition(".")
    return f".{suffix.lower()}" if dot else ""


def _display_name(original_name: str) -> str:
    """The uploaded name as messages show it."""
    cleaned = _clean(original_name)
    if len(cleaned) > NAME_MAX_CHARS + 10:
        cleaned = cleaned[:NAME_MAX_CHARS] + "…"
    return cleaned or _("The file")


def sanitise_name(original_name: str, kind: str) -> str:
    """The name to show for, and to offer on downloading, a file of `kind` uploaded as
    `original_name`: readable (accents and other scripts kept), with no path, no control or
    direction-changing characters, nothing unsafe in a file name or a header, a base of at most
    100 characters, and the kind's canonical extension."""
    if kind not in EXTENSIONS:
        raise ValueError(f"unknown kind of evidence file: {kind!r}")
    base = _clean(original_name)
    stem, dot, suffix = base.rpartition(".")
    if dot and f".{suffix.lower()}" in EXTENSIONS[kind]:
        base = stem
    base = base.strip(". ")
    if base.partition(".")[0].rstrip(" ").lower() in _WINDOWS_RESERVED:
        base = f"_{base}"
    if len(base) > NAME_MAX_CHARS:
        cut = NAME_MAX_CHARS
        while cut > 0 and unicodedata.category(base[cut])[0] == "M":
            cut -= 1  # do not part a letter from its accents
        base = base[:cut].rstrip(". ")
    return (base or DEFAULT_BASE) + EXTENSIONS[kind][0]


def download(evidence: Evidence) -> FileResponse:
    """A stored evidence file for a person the policy allows: always a download, never shown
    inline, never kept by a cache; the download is recorded in the audit trail."""
    from django.http import FileResponse

    from citycert.accounts.audit import record_read

    from .models import Evidence

    record_read(evidence, "evidence" if isinstance(evidence, Evidence) else "appeal_file")

    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def store(instance: Any, stream: BinaryIO, original_name: str) -> Any:
    """Check an uploaded file and store it as `instance` (a row with `file`, `name`,
    `content_type`, `size` and `sha256`, like Evidence): the checked facts are set, the file is
    saved under a random name, and the row is written. A refused file raises EvidenceFileError;
    a file whose row cannot be written is deleted again: nothing is left behind."""
    from django.conf import settings
    from django.core.files.base import ContentFile

    checked = check_file(stream, original_name, max_bytes=settings.EVIDENCE_MAX_BYTES)
    stream.seek(0)
    instance.name, instance.content_type = checked.name, checked.content_type
    instance.size, instance.sha256 = checked.size, checked.sha256
    instance.file.save(
        checked.name, ContentFile(stream.read(checked.size + 1)[: checked.size]), save=False
    )
    try:
        instance.save()
    except Exception:
        instance.file.delete(save=False)
        raise
    return instance
