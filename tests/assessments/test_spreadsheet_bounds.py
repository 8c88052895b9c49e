"""A spreadsheet import is bounded in the work it can ask for: a workbook full of empty cells,
formats or strings is refused from its bytes before it is parsed, reading stops at a time
limit, and no upload is ever written to a temporary file."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import pytest

from citycert.assessments import spreadsheet
from citycert.assessments.spreadsheet import SpreadsheetError, import_workbook
from tests.assessments.test_spreadsheet import CRITERIA, META, export

TOO_MUCH = "This file holds far more than an assessment spreadsheet does"


def rebuilt(data: bytes, change: dict[str, bytes | None]) -> bytes:
    """The workbook with some parts replaced (None: the part as it was), or added."""
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            body = change.get(info.filename)
            target.writestr(info.filename, body if body is not None else source.read(info))
        for name, body in change.items():
            if name not in source.namelist() and body is not None:
                target.writestr(name, body)
    return out.getvalue()


def assessment_part(data: bytes) -> tuple[str, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and b"Narrative" in archive.read(name):
                return name, archive.read(name)
    raise AssertionError("no assessment sheet")


def refused(data: bytes) -> str:
    with pytest.raises(SpreadsheetError) as caught:
        import_workbook(data, META, CRITERIA)
    return caught.value.errors[0].message


def test_a_sheet_of_empty_cells_is_refused_before_it_is_parsed() -> None:
    data = export()
    name, sheet = assessment_part(data)
    # 60,000 empty but styled cells below the rows: tens of MB unpacked, a few hundred KB packed.
    empty = b"".join(
        b'<row r="%d">' % row
        + b"".join(b'<c r="%s%d" s="1"/>' % (col, row) for col in (b"A", b"B", b"C", b"D"))
        + b"</row>"
        for row in range(20, 15_020)
    )
    inflated = sheet.replace(b"</sheetData>", empty + b"</sheetData>")
    bomb = rebuilt(data, {name: inflated})
    assert len(bomb) < spreadsheet.MAX_BYTES
    assert refused(bomb).startswith(TOO_MUCH)


def test_thousands_of_cell_formats_are_refused() -> None:
    data = export()
    with zipfile.ZipFile(BytesIO(data)) as archive:
        styles = archive.read("xl/styles.xml")
    many = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * 5000
    inflated = re.sub(rb"(<cellXfs[^>]*>)", rb"\1" + many, styles, count=1)
    assert refused(rebuilt(data, {"xl/styles.xml": inflated})).startswith(TOO_MUCH)


def test_a_flood_of_shared_strings_is_refused() -> None:
    data = export()
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main">' + b"<si><t>x</t></si>" * 30_000 + b"</sst>"
    )
    assert refused(rebuilt(data, {"xl/sharedStrings.xml": strings})).startswith(TOO_MUCH)


def test_reading_stops_at_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheet, "MAX_SECONDS", -1.0)  # no time at all
    assert refused(export()).startswith(TOO_MUCH)


def test_an_exported_workbook_is_well_within_the_bounds() -> None:
    assert set(import_workbook(export(), META, CRITERIA)) == {"DM1", "PE1", "LC1"}


def test_uploads_are_kept_in_memory_never_in_a_temporary_file(settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
    from django.test import RequestFactory

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # Django's own handlers would use a file
    request = RequestFactory().post(
        "/", {"file": SimpleUploadedFile("filled.xlsx", b"x" * (200 * 1024))}
    )
    uploaded = request.FILES["file"]
    assert isinstance(uploaded, InMemoryUploadedFile) and uploaded.size == 200 * 1024


@pytest.mark.django_db
def test_an_upload_past_the_limit_is_refused_plainly(settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from tests import factories as f

    settings.UPLOAD_MAX_BYTES = 300 * 1024
    c = f.city()
    client = Client()
    client.force_login(
        f.lead(c).user, backend="allauth.account.auth_backends.AuthenticationBackend"
    )
    too_big = SimpleUploadedFile("filled.xlsx", b"x" * (400 * 1024))
    response = client.post(f"/my/cities/{c.slug}/assessment/import/", {"file": too_big})
    assert response.status_code == 413 and "too large" in response.content.decode()
