"""A corpus of bad, broken and hostile files, generated (never hand-edited binaries).

    python -m tests.corpus OUT_DIR     # writes every file, for trying them by hand

Each entry is ``(file name, bytes)``. ``tests/test_hostile.py`` feeds every one to the reader,
the batch and the report writers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

HEADER = ["full_name", "a_number", "mpp_enrolled", "mpp_enrollment_date", "current_country", "case_status"]
ROW = ["Corpus Person", "A012345678", "yes", "2019-07-15", "Mexico", "terminated"]


def _xlsx(build: Callable[[Workbook], None]) -> bytes:
    workbook = Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, member: str, change: Callable[[bytes], bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """Copy a ZIP, changing one member and adding others."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, change(content) if info.filename == member else content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def plain_rows(workbook: Workbook) -> None:
    workbook.active.append(HEADER)
    workbook.active.append(ROW)


def wide_workbook() -> bytes:
    def build(workbook: Workbook) -> None:
        sheet = workbook.active
        sheet.append([f"c{i}" for i in range(16_384)])
        sheet.append(["x"] * 16_384)

    return _xlsx(build)


def formulas_workbook() -> bytes:
    """Formulas with cached values (as Excel saves them): read as the values, never evaluated."""

    def build(workbook: Workbook) -> None:
        sheet = workbook.active
        sheet.append([*HEADER, "total"])
        sheet.append([*ROW, "=1+1"])
        sheet.append(["=HYPERLINK(\"http://example.invalid\",\"x\")", "A012345679", "yes", "2019-08-01", "Mexico", "terminated", "=cmd|'/c calc'!A0"])

    data = _xlsx(build)
    return _rewrite(data, "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb"<f>([^<]*)</f><v\s*/?>(</v>)?", rb"<f>\1</f><v>2</v>", xml))


def macro_workbook() -> bytes:
    """An .xlsm with a VBA project part: the macro is data to the tool and is never run."""

    data = _xlsx(plain_rows)
    content_types = lambda xml: xml.replace(  # noqa: E731
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    return _rewrite(data, "[Content_Types].xml", content_types, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 Sub AutoOpen(): Shell \"calc\" End Sub"})


def merged_header_workbook() -> bytes:
    def build(workbook: Workbook) -> None:
        sheet = workbook.active
        sheet.append(["Client", None, "MPP", None, "Case", None])
        sheet.merge_cells("A1:B1")
        sheet.merge_cells("C1:D1")
        sheet.merge_cells("E1:F1")
        sheet.append(HEADER)
        sheet.append(ROW)

    return _xlsx(build)


def hidden_sheet_workbook() -> bytes:
    def build(workbook: Workbook) -> None:
        hidden = workbook.active
        hidden.title = "Secret"
        hidden.append(HEADER)
        hidden.append(["Hidden Person", "A099999999", "yes", "2019-07-15", "Mexico", "terminated"])
        hidden.sheet_state = "hidden"
        visible = workbook.create_sheet("Visible")
        visible.append(HEADER)
        visible.append(ROW)

    return _xlsx(build)


def extreme_dates_workbook() -> bytes:
    def build(workbook: Workbook) -> None:
        sheet = workbook.active
        sheet.append(HEADER)
        for value in (dt.datetime(1900, 1, 1), dt.datetime(1899, 12, 31), dt.datetime(2999, 12, 31), "1850-01-01", "9999-12-31", 60, 59, 61):
            sheet.append(["Date Person", "", "yes", value, "Mexico", "terminated"])
        for cell in sheet["D"][1:4]:
            cell.number_format = "yyyy-mm-dd"

    return _xlsx(build)


def leap_bug_workbook() -> bytes:
    """Excel's 1900 leap-year bug: serial 60 is 1900-02-29, a day that never existed."""
    data = _xlsx(lambda w: (w.active.append(HEADER), w.active.append(["Leap Person", "", "yes", 1, "Mexico", "terminated"])))
    return _rewrite(data, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<v>1</v>", b"<v>60</v>", 1).replace(b'<c r="D2" t="n"', b'<c r="D2" s="0" t="n"'))


def zip_bomb() -> bytes:
    """A small .xlsx whose sheet inflates to 200 MB."""
    data = _xlsx(plain_rows)
    padding = b" " * (200 * 1024 * 1024)
    return _rewrite(data, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + padding, 1))


def size_claim() -> bytes:
    """A tiny .xlsx whose ZIP directory claims a 2 GB member."""
    data = bytearray(_xlsx(plain_rows))
    start = data.rfind(b"PK\x01\x02")
    while start != -1:
        data[start + 24 : start + 28] = struct.pack("<I", 2_000_000_000)  # uncompressed size in the central directory
        start = data.rfind(b"PK\x01\x02", 0, start)
    return bytes(data)


def zip_of_other() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photos/img001.jpg", b"\xff\xd8\xff" + b"0" * 100)
    return buffer.getvalue()


def password_protected() -> bytes:
    """A real encrypted workbook (ECMA-376 agile encryption via msoffcrypto-tool)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(_xlsx(plain_rows))
    encrypted = io.BytesIO()
    office = OOXMLFile(plain)
    office.encrypt("secret", encrypted)
    return encrypted.getvalue()


def csv_text(*rows: list[str], sep: str = ",") -> bytes:
    return "\n".join(sep.join(r) for r in rows).encode("utf-8")


def corpus() -> list[tuple[str, Callable[[], bytes]]]:
    """Every file, as (name, maker)."""
    header, row = ",".join(HEADER), ",".join(ROW)
    return [
        ("empty.csv", lambda: b""),
        ("blank-lines.csv", lambda: b"\n\n\r\n  \n"),
        ("header-only.csv", lambda: header.encode()),
        ("header-only.xlsx", lambda: _xlsx(lambda w: w.active.append(HEADER))),
        ("empty-workbook.xlsx", lambda: _xlsx(lambda w: None)),
        ("one-column.csv", lambda: b"full_name\nSolo Person\nOtra Persona\n"),
        ("wide-16384.csv", lambda: csv_text([f"c{i}" for i in range(16_384)], ["x"] * 16_384)),
        ("wide-16384.xlsx", wide_workbook),
        ("long-cell.csv", lambda: f"{header}\n{row.replace('Corpus Person', 'N' * 100_000)}\n".encode()),
        ("long-cell-ok.csv", lambda: f"{header},notes\n{row},{'n' * 30_000}\n".encode()),
        ("nul-bytes.csv", lambda: f"{header}\n{row}\n".encode().replace(b"Corpus", b"Cor\x00pus")),
        ("mixed-encodings.csv", lambda: f"{header}\n".encode() + "José Núñez,,yes,2019-07,México,terminado\n".encode() + "María Peña,,yes,2019-08,México,terminado\n".encode("cp1252")),
        ("unbalanced-quotes.csv", lambda: f'{header}\n"Quote Person,A012345678,yes,2019-07-15,Mexico,terminated\nOther,,yes,2019,Mexico,pending\n'.encode()),
        ("zip-of-other.xlsx", zip_of_other),
        ("zip-bomb.xlsx", zip_bomb),
        ("size-claim-2gb.xlsx", size_claim),
        ("password.xlsx", password_protected),
        ("macros.xlsm", macro_workbook),
        ("formulas.xlsx", formulas_workbook),
        ("merged-header.xlsx", merged_header_workbook),
        ("duplicate-headers.csv", lambda: b"full_name,full_name,mpp_enrolled,mpp_enrolled\nA,B,yes,no\n"),
        ("hidden-sheet.xlsx", hidden_sheet_workbook),
        ("extreme-dates.xlsx", extreme_dates_workbook),
        ("extreme-dates.csv", lambda: f"{header}\nFar Past,,yes,0001-01-01,Mexico,terminated\nFar Future,,yes,9999-12-31,Mexico,terminated\n".encode()),
        ("leap-bug-1900.xlsx", leap_bug_workbook),
        ("binary-garbage.csv", lambda: bytes(range(256)) * 64),
        ("pdf-renamed.xlsx", lambda: b"%PDF-1.7\n" + b"\x00\x01" * 500),
        ("formula-text.csv", lambda: f"=cmd header,{header}\n=1+1,{row}\n@SUM(A1),{row}\n".encode()),
    ]


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name, make in corpus():
        (out / name).write_bytes(make())
    print(f"wrote {len(corpus())} files to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
