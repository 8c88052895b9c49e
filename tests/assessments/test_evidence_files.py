"""The checks an uploaded evidence file must pass, on real files built here."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import unicodedata
import zipfile
import zlib

import magic
import openpyxl  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st

from citycert.assessments.evidence_files import (
    MAX_ZIP_ENTRIES,
    CheckedFile,
    EvidenceFileError,
    check_file,
    sanitise_name,
)

MB = 1024 * 1024
LIMIT = 20 * MB
ACCEPTED = "Only PDF, Word (.docx), Excel (.xlsx), CSV, PNG and JPEG files are accepted."

# --- real files ---------------------------------------------------------------------------------

PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>> endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000056 00000 n \n"
    b"0000000111 00000 n \ntrailer <</Size 4 /Root 1 0 R>>\nstartxref\n178\n%%EOF\n"
)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png(width: int = 1, height: int = 1) -> bytes:
    """An RGB PNG; its pixel data is real for small images, one row for huge declared ones."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = min(height, 4)
    pixels = b"".join(b"\x00" + b"\xff\x00\x00" * min(width, 4) for _ in range(rows))
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(pixels))
        + png_chunk(b"IEND", b"")
    )


def jpeg_segment(marker: int, data: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(data) + 2) + data


JFIF = jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
QUANTISATION = jpeg_segment(0xDB, b"\x00" + bytes(range(1, 65)))
HUFFMAN = jpeg_segment(0xC4, b"\x00" + b"\x01" + bytes(15) + b"\x00")
SCAN = jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\xd2\xcf\x20\xff\x00\x8a"


def make_jpeg(width: int = 1, height: int = 1, *, frame: bool = True) -> bytes:
    """A baseline greyscale JPEG: SOI, JFIF, tables, frame header, scan, EOI."""
    sof = jpeg_segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    return (
        b"\xff\xd8" + JFIF + QUANTISATION + (sof if frame else b"") + HUFFMAN + SCAN + b"\xff\xd9"
    )


WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Open data policy, adopted 2024</w:t></w:r></w:p></w:body>"
    "</w:document>"
)


def content_types(*overrides: tuple[str, str], defaults: tuple[tuple[str, str], ...] = ()) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Default Extension="{e}" ContentType="{t}"/>' for e, t in defaults)
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
        + "</Types>"
    )


def make_zip(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def make_docx(main_type: str = WORD_MAIN, extra: dict[str, bytes | str] | None = None) -> bytes:
    """A Word package as Word lays it out: [Content_Types].xml first."""
    return make_zip(
        {
            "[Content_Types].xml": content_types(("/word/document.xml", main_type)),
            "_rels/.rels": RELS,
            "word/document.xml": DOCUMENT,
            **(extra or {}),
        }
    )


def make_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["City", "Datasets published"])
    sheet.append(["São Paulo", 412])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def check(data: bytes, name: str, *, max_bytes: int = LIMIT) -> CheckedFile:
    return check_file(io.BytesIO(data), name, max_bytes=max_bytes)


def refusal(data: bytes, name: str, *, max_bytes: int = LIMIT) -> str:
    with pytest.raises(EvidenceFileError) as refused:
        check(data, name, max_bytes=max_bytes)
    assert str(refused.value) == refused.value.message
    return refused.value.message


class OneWayStream(io.RawIOBase):
    """A stream that cannot seek (its length cannot be told) and counts what is read."""

    def __init__(self, data: bytes | None = None) -> None:
        self.data = data  # None: endless zeros
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        wanted = len(buffer)
        if self.data is None:
            chunk = bytes(wanted)
        else:
            chunk = self.data[self.read_so_far : self.read_so_far + wanted]
        buffer[: len(chunk)] = chunk
        self.read_so_far += len(chunk)
        return len(chunk)


# --- accepted files -----------------------------------------------------------------------------


def test_it_accepts_a_pdf_and_describes_it() -> None:
    checked = check(PDF, "Open data policy.pdf")

    assert checked == CheckedFile(
        name="Open data policy.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
    )


@pytest.mark.parametrize(
    ("data", "name", "kind", "content_type", "stored_name"),
    [
        (make_png(), "chart.png", "png", "image/png", "chart.png"),
        (make_png(640, 480), "Chart.PNG", "png", "image/png", "Chart.png"),
        (make_jpeg(), "photo.jpg", "jpeg", "image/jpeg", "photo.jpg"),
        (make_jpeg(4000, 3000), "photo.JPEG", "jpeg", "image/jpeg", "photo.jpg"),
        (
            make_docx(),
            "Policy.docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Policy.docx",
        ),
        (
            make_xlsx(),
            "Inventory.XLSX",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Inventory.xlsx",
        ),
        (b"city,datasets\nBoston,310\nDenver,122\n", "counts.csv", "csv", "text/csv", "counts.csv"),
    ],
)
def test_it_accepts_each_kind_by_its_content(
    data: bytes, name: str, kind: str, content_type: str, stored_name: str
) -> None:
    checked = check(data, name)

    assert (checked.kind, checked.content_type, checked.name) == (kind, content_type, stored_name)
    assert checked.size == len(data)


def test_it_accepts_a_jpeg_whose_frame_header_follows_a_large_exif_block() -> None:
    exif = jpeg_segment(0xE1, b"Exif\x00\x00" + bytes(60_000))
    data = make_jpeg()
    data = data[:2] + exif + data[2:]

    assert check(data, "site visit.jpeg").kind == "jpeg"


def test_it_accepts_a_docx_whose_parts_libmagic_does_not_name() -> None:
    # Word puts [Content_Types].xml first, which is how libmagic recognises a DOCX; other
    # programs put it last, and libmagic then sees a plain ZIP. The structure decides.
    photo = random.Random(4).randbytes(20_000)  # noqa: S311 - does not compress
    data = make_zip(
        {
            "docProps/thumbnail.jpeg": photo,
            "word/document.xml": DOCUMENT,
            "_rels/.rels": RELS,
            "[Content_Types].xml": content_types(("/word/document.xml", WORD_MAIN)),
        }
    )
    assert magic.from_buffer(data[:8192], mime=True) == "application/zip"

    assert check(data, "minutes.docx").kind == "docx"


def test_it_accepts_an_xlsx_whatever_libmagic_makes_of_its_first_kilobytes() -> None:
    # openpyxl writes [Content_Types].xml last; libmagic says application/zip for the first
    # 2 KB of its workbooks and the spreadsheet type for the first 4 KB.
    data = make_xlsx()
    assert magic.from_buffer(data[:2048], mime=True) == "application/zip"

    assert check(data, "inventory.xlsx").kind == "xlsx"


def test_it_accepts_a_main_part_typed_by_a_default_rather_than_an_override() -> None:
    data = make_zip(
        {
            "[Content_Types].xml": content_types(defaults=()).replace(
                'ContentType="application/xml"', f'ContentType="{WORD_MAIN}"'
            ),
            "_rels/.rels": RELS,
            "word/document.xml": DOCUMENT,
        }
    )

    assert check(data, "minutes.docx").kind == "docx"


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ("city;name\n3550308;São Paulo\n".encode("latin-1"), "Latin-1"),
        ("item,cost\npaper,€20\n".encode("cp1252"), "Windows-1252 with a euro sign"),
        ("\ufeffcity,name\n3550308,São Paulo\n".encode(), "UTF-8 with a BOM (Excel's CSV UTF-8)"),
        ("city,name\n3550308,São Paulo\n".encode(), "UTF-8"),
        (
            ("name,value\n" + "".join(f"City {i},{i}\n" for i in range(2000))).encode(),
            "longer than what libmagic is shown",
        ),
    ],
)
def test_it_accepts_csv_text_in_the_encodings_spreadsheets_write(data: bytes, why: str) -> None:
    checked = check(data, "data.csv")

    assert (checked.kind, checked.content_type) == ("csv", "text/csv"), why


def test_it_accepts_a_file_of_exactly_the_limit() -> None:
    data = PDF + b"%" * (1000 - len(PDF))

    assert check(data, "a.pdf", max_bytes=1000).size == 1000


def test_it_leaves_a_seekable_stream_where_it_found_it() -> None:
    stream = io.BytesIO(b"prefix" + PDF)
    stream.seek(6)

    checked = check_file(stream, "policy.pdf", max_bytes=LIMIT)

    assert stream.tell() == 6
    assert checked.sha256 == hashlib.sha256(PDF).hexdigest()


def test_it_reads_a_stream_that_cannot_seek() -> None:
    stream = io.BufferedReader(OneWayStream(PDF))

    assert check_file(stream, "policy.pdf", max_bytes=LIMIT).size == len(PDF)


# --- size -------------------------------------------------------------------------------------


def test_it_refuses_an_empty_file() -> None:
    assert refusal(b"", "report.pdf") == (
        "report.pdf is empty. Please check the file and upload it again."
    )


def test_it_refuses_a_file_over_the_limit_giving_both_sizes_in_mb() -> None:
    data = PDF + bytes(23 * MB + 400 * 1024 - len(PDF))

    assert refusal(data, "scan.pdf") == "scan.pdf is 23.4 MB; the limit is 20 MB."


def test_it_never_shows_an_oversize_file_as_the_same_size_as_the_limit() -> None:
    assert refusal(bytes(LIMIT + 1), "scan.pdf") == "scan.pdf is 20.1 MB; the limit is 20 MB."


def test_it_reads_no_more_than_one_byte_past_the_limit_of_an_endless_stream() -> None:
    raw = OneWayStream()

    with pytest.raises(EvidenceFileError) as refused:
        check_file(raw, "endless.pdf", max_bytes=5 * MB)  # type: ignore[arg-type]

    assert refused.value.message == "endless.pdf is larger than 5 MB, the limit for one file."
    assert raw.read_so_far == 5 * MB + 1


def test_it_refuses_a_bad_limit() -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        check(PDF, "a.pdf", max_bytes=0)


# --- the type comes from the content, and the name must agree ----------------------------------


def test_it_refuses_a_png_named_as_a_pdf() -> None:
    assert (
        refusal(make_png(), "report.pdf") == "report.pdf is not a PDF: its content is a PNG image."
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (PDF, "policy.docx", "policy.docx is not a Word document: its content is a PDF document."),
        (
            make_docx(),
            "budget.xlsx",
            "budget.xlsx is not an Excel workbook: its content is a Word document.",
        ),
        (
            make_xlsx(),
            "photo.jpg",
            "photo.jpg is not a JPEG image: its content is an Excel workbook.",
        ),
        (make_jpeg(), "data.csv", "data.csv is not a CSV file: its content is a JPEG image."),
        (b"a,b\n1,2\n", "report.pdf", "report.pdf is not a PDF: its content is plain text."),
    ],
)
def test_it_refuses_a_name_that_promises_another_accepted_kind(
    data: bytes, name: str, message: str
) -> None:
    assert refusal(data, name) == message


@pytest.mark.parametrize("name", ["report", "report.exe", "report.pdf.exe", "report.pdf."])
def test_it_refuses_an_accepted_kind_whose_name_does_not_end_in_its_extension(name: str) -> None:
    assert refusal(PDF, name) == (
        f"The name {name} does not end in .pdf, but its content is a PDF document. "
        "Please rename the file so that its name ends in .pdf and upload it again."
    )


def test_it_refuses_text_that_is_not_named_as_csv() -> None:
    assert refusal(b"Notes from the data council meeting\n", "notes.txt") == (
        "notes.txt is a plain text file. Text is accepted only as a CSV file whose name ends "
        "in .csv."
    )


@pytest.mark.parametrize(
    ("data", "name", "found"),
    [
        (
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200),
            "tool.pdf",
            "a program or script",
        ),
        (b"#!/bin/sh\nrm -rf /\n", "run.csv", "a program or script"),
        (
            b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
            "data.csv",
            "a web page or program code",
        ),
        (b"  \n<script>fetch('/steal')</script>", "data.csv", "a web page or program code"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "logo.png",
            "an SVG drawing",
        ),
        (
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
            "logo.gif",
            "an image in a format other than PNG or JPEG",
        ),
        (b'{"datasets": 12}', "data.csv", "a JSON data file"),
        (b"\x1f\x8b\x08\x00" + bytes(20), "evidence.pdf", "a compressed archive"),
        (b"\x13\x37\x00\x01" * 500, "blob.pdf", "a type of file that is not accepted"),
    ],
)
def test_it_refuses_content_of_other_types_listing_the_accepted_ones(
    data: bytes, name: str, found: str
) -> None:
    message = f"{name} cannot be uploaded because its content is {found}. {ACCEPTED}"

    assert refusal(data, name) == message


def test_it_refuses_text_named_csv_that_starts_like_markup() -> None:
    # libmagic calls this plain text; the first character gives it away.
    assert refusal(b" \t\n<b>Budget</b>,2024\n1,2\n", "budget.csv") == (
        f"budget.csv cannot be uploaded because its content is a web page or program code. "
        f"{ACCEPTED}"
    )


@pytest.mark.parametrize(
    "data",
    [
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),  # .doc, .xls, or an encrypted .docx
    ],
)
@pytest.mark.parametrize("name", ["minutes.doc", "budget.xls", "budget.xlsx"])
def test_it_refuses_old_office_files_saying_how_to_save_them(data: bytes, name: str) -> None:
    assert refusal(data, name) == (
        f"{name} is an older Microsoft Office file (such as .doc or .xls) or a "
        "password-protected one, which cannot be accepted. Please save it as a Word (.docx) or "
        "Excel (.xlsx) file without a password and upload it again."
    )


# --- PDF, PNG, JPEG structure ---------------------------------------------------------------------

DAMAGED = (
    "could not be opened as {kind}: the file seems to be damaged or incomplete. Please save it "
    "again and upload the new copy."
)


def test_it_refuses_a_pdf_that_does_not_start_with_its_header() -> None:
    # libmagic still says application/pdf when %PDF- comes a little way in.
    assert refusal(b"<html>\n" + PDF, "policy.pdf") == "policy.pdf " + DAMAGED.format(kind="a PDF")


def test_it_refuses_a_png_whose_header_is_corrupt() -> None:
    data = bytearray(make_png())
    data[20] ^= 0xFF  # inside IHDR: its checksum no longer matches

    assert refusal(bytes(data), "chart.png") == "chart.png " + DAMAGED.format(kind="a PNG image")


def test_it_refuses_a_jpeg_without_a_frame_header() -> None:
    assert refusal(make_jpeg(frame=False), "photo.jpg") == "photo.jpg " + DAMAGED.format(
        kind="a JPEG image"
    )


def test_it_refuses_a_truncated_jpeg() -> None:
    assert refusal(make_jpeg()[:30], "photo.jpg") == "photo.jpg " + DAMAGED.format(
        kind="a JPEG image"
    )


@pytest.mark.parametrize(
    ("data", "name"),
    [(make_png(20_000, 10_000), "map.png"), (make_jpeg(65_000, 65_000), "map.jpg")],
)
def test_it_refuses_an_image_declaring_too_many_pixels_without_decoding_it(
    data: bytes, name: str
) -> None:
    message = refusal(data, name)

    assert message.startswith(f"{name} is an image of ")
    assert message.endswith(
        "pixels, which is too large; the limit is 150 million pixels. Please make it smaller "
        "and upload it again."
    )


# --- DOCX and XLSX packages -----------------------------------------------------------------------

MACROS = (
    " contains macros or other active content, which cannot be accepted for security reasons. "
    "Please save it as an ordinary Word (.docx) or Excel (.xlsx) file without macros and upload "
    "it again."
)
UNUSUAL = (
    " cannot be accepted because it is built in an unusual way: it has too many parts, or it "
    "would unpack to far more data than a normal document. Please save it again from Word or "
    "Excel and upload the new copy."
)
UNOPENABLE = (
    " could not be opened: the file seems to be damaged or incomplete. Please save it again "
    "from Word or Excel and upload the new copy."
)


def test_it_refuses_a_docm_with_a_vba_project() -> None:
    data = make_docx(WORD_MACRO_MAIN, {"word/vbaProject.bin": b"\xcc\x61" * 100})

    assert refusal(data, "letter.docx") == "letter.docx" + MACROS


def test_it_refuses_a_vba_project_anywhere_even_under_a_plain_word_content_type() -> None:
    data = make_docx(extra={"customXml/vbaProject.bin": b"\xcc\x61" * 100})

    assert refusal(data, "letter.docx") == "letter.docx" + MACROS


def test_it_refuses_a_macro_enabled_content_type_without_a_vba_project() -> None:
    data = make_zip(
        {
            "[Content_Types].xml": content_types(
                ("/xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            ),
            "xl/workbook.xml": "<workbook/>",
        }
    )

    assert refusal(data, "budget.xlsx") == "budget.xlsx" + MACROS


def test_it_refuses_activex_controls() -> None:
    data = make_docx(extra={"word/activeX/activeX1.xml": "<ax/>"})

    assert refusal(data, "form.docx") == "form.docx" + MACROS


def test_it_refuses_an_entry_that_would_unpack_far_beyond_its_size() -> None:
    buffer = io.BytesIO(make_docx())
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package,
        package.open("word/media/image1.png", "w") as entry,
    ):
        for _ in range(50):
            entry.write(bytes(MB))  # 50 MB of zeros deflate to about 50 KB
    data = buffer.getvalue()
    assert len(data) < 100 * 1024

    assert refusal(data, "bomb.docx") == "bomb.docx" + UNUSUAL


def test_it_refuses_a_package_that_would_unpack_to_more_than_200_mb_in_all() -> None:
    # Entries of 1 MB are below the size at which the ratio is judged; 201 of them are not.
    parts: dict[str, bytes | str] = {f"word/media/{i}.bin": bytes(MB) for i in range(201)}
    data = make_docx(extra=parts)

    assert refusal(data, "bomb.docx") == "bomb.docx" + UNUSUAL


def test_it_refuses_a_package_with_too_many_entries() -> None:
    buffer = io.BytesIO(make_docx())
    with zipfile.ZipFile(buffer, "a") as package:
        for i in range(MAX_ZIP_ENTRIES):
            package.writestr(f"word/media/{i}.xml", b"")

    assert refusal(buffer.getvalue(), "many.docx") == "many.docx" + UNUSUAL


def test_it_refuses_entries_that_overlap() -> None:
    # Two central-directory records for one stored entry: a non-recursive zip bomb's trick.
    noise = random.Random(1).randbytes(300_000)  # noqa: S311 - incompressible
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", content_types(("/word/document.xml", WORD_MAIN)))
        package.writestr("word/document.xml", DOCUMENT)
        package.writestr("word/media/aaaa.bin", noise)
    data = buffer.getvalue()
    end = data.rindex(b"PK\x05\x06")
    _disk, _start_disk, _here, entries, directory_size, directory_start = struct.unpack(
        "<HHHHII", data[end + 4 : end + 20]
    )
    record = data.rindex(b"PK\x01\x02", directory_start, end)
    duplicate = data[record:end].replace(b"aaaa.bin", b"bbbb.bin")
    tail = struct.pack(
        "<4sHHHHIIH",
        b"PK\x05\x06",
        0,
        0,
        entries + 1,
        entries + 1,
        directory_size + len(duplicate),
        directory_start,
        0,
    )
    data = data[:end] + duplicate + tail
    assert len(zipfile.ZipFile(io.BytesIO(data)).infolist()) == 4

    assert refusal(data, "overlap.docx") == "overlap.docx" + UNUSUAL


def garbled(data: bytes) -> bytes:
    """`data` with the compressed bytes of its first entry ([Content_Types].xml) overwritten."""
    start = 30 + len("[Content_Types].xml")
    return data[:start] + b"\xff" * 40 + data[start + 40 :]


@pytest.mark.parametrize(
    "data",
    [
        garbled(make_docx()),
        make_docx()[:-40],  # cut before the end of its central directory
        make_docx().replace(b"[Content_Types].xml", b"[Content_Typos].xml", 1),  # names disagree
    ],
    ids=["garbled", "truncated", "inconsistent"],
)
def test_it_refuses_a_corrupt_package(data: bytes) -> None:
    assert refusal(data, "minutes.docx") == "minutes.docx" + UNOPENABLE


def test_it_refuses_content_types_with_an_entity_expansion() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&b;</Types>'
    )
    data = make_zip({"[Content_Types].xml": bomb, "word/document.xml": DOCUMENT})

    assert refusal(data, "minutes.docx") == "minutes.docx" + UNOPENABLE


@pytest.mark.parametrize(
    ("parts", "found"),
    [
        ({"budget.csv": "a,b\n1,2\n", "photo.jpg": bytes(100)}, "a ZIP archive"),
        (
            {
                "[Content_Types].xml": content_types(("/word/other.xml", WORD_MAIN)),
                "word/other.xml": DOCUMENT,
            },
            "a ZIP archive",
        ),
        (
            {
                "[Content_Types].xml": content_types(
                    (
                        "/ppt/presentation.xml",
                        "application/vnd.openxmlformats-officedocument.presentationml."
                        "presentation.main+xml",
                    )
                ),
                "ppt/presentation.xml": "<p/>",
            },
            "a PowerPoint presentation",
        ),
    ],
    ids=["plain zip", "no main part", "pptx"],
)
def test_it_refuses_a_zip_that_is_not_a_word_or_excel_file(
    parts: dict[str, bytes | str], found: str
) -> None:
    assert refusal(make_zip(parts), "evidence.docx") == (
        f"evidence.docx cannot be uploaded because its content is {found}. {ACCEPTED}"
    )


# --- CSV --------------------------------------------------------------------------------------

BINARY_CSV = (
    " is not a plain-text CSV file: it contains binary data. If you exported it from a "
    "spreadsheet, choose the format “CSV UTF-8” or “CSV (comma delimited)” and upload the new "
    "file."
)


def test_it_refuses_a_csv_with_a_nul_byte_past_what_libmagic_sees() -> None:
    data = b"city,count\n" + b"Boston,1\n" * 2000 + b"Den\x00ver,2\n"

    assert refusal(data, "data.csv") == "data.csv" + BINARY_CSV


def test_it_refuses_a_utf16_csv() -> None:
    data = "city,count\nBoston,1\n".encode("utf-16")

    assert refusal(data, "data.csv") == "data.csv" + BINARY_CSV


# --- names in messages --------------------------------------------------------------------------


def test_it_shows_the_uploaded_name_cleaned_in_messages() -> None:
    message = refusal(b"", "C:\\fakepath\\<b>re\u202eport.pdf")

    assert message == "breport.pdf is empty. Please check the file and upload it again."


def test_it_names_a_nameless_file_plainly() -> None:
    assert refusal(b"", "") == "The file is empty. Please check the file and upload it again."


# --- sanitise_name ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "kind", "expected"),
    [
        ("São Paulo – relatório 2024.pdf", "pdf", "São Paulo - relatório 2024.pdf"),  # noqa: RUF001
        (
            "Informe d’avancement (v2), Montréal & Québec+.docx",  # noqa: RUF001
            "docx",
            "Informe d'avancement (v2), Montréal & Québec+.docx",
        ),
        ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
        ("C:\\Users\\x\\evil.pdf", "pdf", "evil.pdf"),
        ("/var/www/../shell.php.pdf", "pdf", "shell.php.pdf"),
        ("dir/", "pdf", "evidence.pdf"),
        ("re\x00po\x07rt\x1b[31m\x7f.pdf", "pdf", "report31m.pdf"),
        ("line\nbreak\ttab.csv", "csv", "line break tab.csv"),
        ("invoice\u202efdp.exe", "pdf", "invoicefdp.exe.pdf"),
        ("\u2066zero\u200bwidth\ufeff.png", "png", "zerowidth.png"),
        ('a"b<c>d:e|f?g*h;i\\j/k.pdf', "pdf", "k.pdf"),
        ('a"b<c>d:e|f?g*h;i%j$k@l=m!n#o{p}q[r]s~t`u^v.pdf', "pdf", "abcdefghijklmnopqrstuv.pdf"),
        ("   ...hidden.pdf", "pdf", "hidden.pdf"),
        ("..", "pdf", "evidence.pdf"),
        ("", "xlsx", "evidence.xlsx"),
        ("<>:|?*", "csv", "evidence.csv"),
        ("annual report", "pdf", "annual report.pdf"),
        ("photo.JPEG", "jpeg", "photo.jpg"),
        ("photo.jpg", "jpeg", "photo.jpg"),
        ("photo.png", "jpeg", "photo.png.jpg"),
        ("Report.PDF", "pdf", "Report.pdf"),
        ("report. . .pdf", "pdf", "report.pdf"),
        ("a   lot \u00a0 of\u3000space.pdf", "pdf", "a lot of space.pdf"),
        ("CON.pdf", "pdf", "_CON.pdf"),
        ("lpt1.backup.csv", "csv", "_lpt1.backup.csv"),
        ("मुंबई डेटा.pdf", "pdf", "मुंबई डेटा.pdf"),
        ("北京 数据 报告.xlsx", "xlsx", "北京 数据 报告.xlsx"),
        ("emoji 📊 chart ✅.png", "png", "emoji chart.png"),
    ],
)
def test_it_sanitises_names(original: str, kind: str, expected: str) -> None:
    assert sanitise_name(original, kind) == expected


def test_it_normalises_names_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Bogotá.pdf")

    assert sanitise_name(decomposed, "pdf") == "Bogotá.pdf"
    assert len(sanitise_name(decomposed, "pdf")) == len("Bogotá.pdf")


def test_it_caps_a_long_base_name_at_100_characters() -> None:
    name = sanitise_name("relatório " * 30 + ".pdf", "pdf")

    assert name == ("relatório " * 10).rstrip() + ".pdf"
    assert len(sanitise_name("x" * 500 + ".docx", "docx")) == 100 + len(".docx")


def test_it_does_not_part_a_letter_from_its_accent_when_cutting() -> None:
    base = "a" * 99 + "e\u0301\u0301"  # no single precomposed character for e with two acutes

    assert sanitise_name(base + ".pdf", "pdf") == "a" * 99 + ".pdf"


def test_it_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        sanitise_name("a.gif", "gif")


def is_safe(char: str) -> bool:
    return (
        unicodedata.category(char)[0] in "LM"
        or unicodedata.category(char) == "Nd"
        or (char in " .-_(),'&+")
    )


@given(original=st.text(max_size=300), kind=st.sampled_from(["pdf", "docx", "csv", "jpeg"]))
def test_it_always_gives_a_safe_name_with_the_kinds_extension(original: str, kind: str) -> None:
    name = sanitise_name(original, kind)
    base, _dot, extension = name.rpartition(".")

    assert all(is_safe(char) for char in name), name
    assert extension == {"jpeg": "jpg"}.get(kind, kind)
    assert 0 < len(base) <= 100
    assert not base.startswith((".", " ")) and not base.endswith((".", " "))
    assert unicodedata.is_normalized("NFC", name)
    assert not any(unicodedata.category(c)[0] in "CZ" and c != " " for c in name)
