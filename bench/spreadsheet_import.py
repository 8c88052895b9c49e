"""Benchmark: how long a spreadsheet import takes for a real workbook and for hostile ones.

Baseline: importing a filled, exported 2022 workbook (43 criteria). Beside it, in the same run:
- a "cell bomb": the same workbook with a million empty styled cells in its assessment sheet
  (a few MB packed, under the 50 MB unpacked limit), refused from its bytes;
- the same bomb with the byte checks switched off, parsed by openpyxl until it is refused or
  the reading time limit stops it (what a server process would otherwise spend).
Prints medians and the ratio to the baseline.

    uv run python bench/spreadsheet_import.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from citycert.assessments import spreadsheet  # noqa: E402
from citycert.assessments.spreadsheet import (  # noqa: E402
    SheetAnswer,
    SheetCriterion,
    SheetItem,
    SheetMeta,
    SpreadsheetError,
    export_workbook,
    import_workbook,
)
from citycert.standards.definitions import packaged  # noqa: E402


def workbook() -> tuple[bytes, SheetMeta, list[SheetCriterion]]:
    standard = packaged("2022")
    criteria = [
        SheetCriterion(
            code=c.code,
            area=area.code,
            title=c.title.en,
            required=c.checklist.required if c.checklist else 1,
            items=tuple(SheetItem(i.key, i.text.en) for i in c.checklist.items)
            if c.checklist
            else (),
        )
        for area in standard.practice_areas
        for c in area.criteria
    ]
    meta = SheetMeta(assessment_id=1, standard="2022", city="Benchmark City")
    answers = {
        c.code: SheetAnswer(c.code, frozenset(i.key for i in c.items), False, "We do it.", ())
        for c in criteria
    }
    return export_workbook(meta, criteria, answers), meta, criteria


def bomb(data: bytes, cells: int) -> bytes:
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            body = source.read(info)
            if info.filename.startswith("xl/worksheets/") and b"Narrative" in body:
                rows = cells // 10
                filler = b"".join(
                    b'<row r="%d">' % r
                    + b"".join(b'<c r="%s%d" s="1"/>' % (bytes([65 + k]), r) for k in range(10))
                    + b"</row>"
                    for r in range(100, 100 + rows)
                )
                body = body.replace(b"</sheetData>", filler + b"</sheetData>")
            target.writestr(info.filename, body)
    return out.getvalue()


def timed(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cells", type=int, default=1_000_000)
    args = parser.parse_args()
    data, meta, criteria = workbook()
    hostile = bomb(data, args.cells)
    with zipfile.ZipFile(BytesIO(hostile)) as archive:
        unpacked = sum(i.file_size for i in archive.infolist())

    def refused() -> None:
        try:
            import_workbook(hostile, meta, criteria)
        except SpreadsheetError:
            return
        raise AssertionError("the bomb was accepted")

    def unbounded() -> None:
        checks = spreadsheet._check_parts
        spreadsheet._check_parts = lambda archive, infos: None  # type: ignore[assignment]
        try:
            import_workbook(hostile, meta, criteria)
        except SpreadsheetError:
            pass
        finally:
            spreadsheet._check_parts = checks  # type: ignore[assignment]

    base = timed(lambda: import_workbook(data, meta, criteria), args.rounds)
    fast = timed(refused, args.rounds)
    slow = timed(unbounded, 1)
    print(
        f"workbook: {len(data) / 1024:.0f} KB; bomb: {len(hostile) / 1e6:.1f} MB packed, "
        f"{unpacked / 1e6:.0f} MB unpacked, {args.cells:,} empty cells"
    )
    print(f"import of a filled 2022 workbook (baseline): {base * 1000:.1f} ms (median)")
    print(
        f"the bomb, refused from its bytes:            {fast * 1000:.1f} ms "
        f"({fast / base:.1f}x the baseline)"
    )
    print(
        f"the bomb, without the byte checks:           {slow:.1f} s "
        f"(parsed until refused; reading stops at {spreadsheet.MAX_SECONDS:.0f} s; one round)"
    )


if __name__ == "__main__":
    main()
