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
import zlib
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from eligibility.read.table import column_letter

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


# ------------------------------------------------------------ workbooks built from their parts
# The files below are written part by part (XML and BIFF records), so each says exactly what a
# hostile or careless writer could put in a file: far-away cells, lying sizes, repeat counts.

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def xlsx_from_parts(
    sheets: list[tuple[str, bytes]], *, shared: list[str] | bytes | None = None, styles: bytes | None = None,
    method: int = zipfile.ZIP_DEFLATED, level: int | None = None,
) -> bytes:
    """A minimal XLSX: each sheet is (name, the XML inside <worksheet>, e.g. <dimension/><sheetData>...)."""
    sheet_entries = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, (name, _) in enumerate(sheets, 1))
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    parts: dict[str, bytes] = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"
        ).encode(),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}">'
            f"<sheets>{sheet_entries}</sheets></workbook>"
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">{sheet_rels}</Relationships>'
        ).encode(),
    }
    for i, (_, body) in enumerate(sheets, 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}">'.encode()
            + body + b"</worksheet>"
        )
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared if isinstance(shared, bytes) else (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_MAIN}" count="{len(shared)}" uniqueCount="{len(shared)}">'
            + "".join(f"<si><t>{text}</t></si>" for text in shared) + "</sst>"
        ).encode()
    if styles is not None:
        parts["xl/styles.xml"] = styles
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method, compresslevel=level) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return buffer.getvalue()


def inline_cells(row: int, values: list[str]) -> bytes:
    """One <row> of inline-string cells from column A."""
    cells = "".join(f'<c r="{column_letter(i)}{row}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{row}">{cells}</row>'.encode()


def three_cells_and(far: bytes, dimension: str = "A1:C2") -> bytes:
    """The issue's 1.6 KB workbook: a header, one person, and then ``far`` (a row with one far-away cell)."""
    body = inline_cells(1, ["full_name", "mpp_enrolled"]) + inline_cells(2, ["Far Person"]) + far
    return xlsx_from_parts([("Sheet1", f'<dimension ref="{dimension}"/>'.encode() + b"<sheetData>" + body + b"</sheetData>")])


def far_cell(ref: str, *, value: bool = True, dimension: str | None = None) -> bytes:
    """Three real cells and one at ``ref`` (with a value, or only a style)."""
    row = int(re.sub("[A-Z]", "", ref))
    cell = f'<c r="{ref}"><v>1</v></c>' if value else f'<c r="{ref}" s="1"/>'
    return three_cells_and(f'<row r="{row}">{cell}</row>'.encode(), dimension or f"A1:{ref}")


def dense_sheet(columns: int, rows: int, *, refs: bool = False, vary: int = 1, period: int = 10) -> bytes:
    """A sheet of ``rows`` x ``columns`` one-digit numbers (the dense, highly compressible bomb).

    Written the way a ZIP bomb is: a block of rows is deflated once, with a full flush so that it
    stands alone, and the ZIP member repeats that block; so even a 1.5 GB sheet takes a second or two
    and little memory to make. ``vary`` rows differ within a block (more variety: a lower ratio).
    Without ``refs`` the cells carry no reference (each takes the next column, as the format allows).
    """
    letters = [column_letter(i) for i in range(columns)]
    block_rows = max(1, min(rows, (1 << 20) // (columns * (28 if refs else 16) + 20)))
    block_rows -= block_rows % vary if block_rows > vary else 0
    head = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
        f'<dimension ref="A1:{letters[-1]}{rows}"/><sheetData>'
    ).encode() + (b'<row r="1">' if refs else b"<row>") + b"".join(
        (f'<c r="{letters[i]}1"' if refs else "<c").encode() + f' t="inlineStr"><is><t>c{i}</t></is></c>'.encode() for i in range(columns)
    ) + b"</row>"

    templates: dict[int, bytes] = {}

    def row(number: int, kind: int) -> bytes:
        if kind not in templates:
            values = [str((i * 7 + kind * 13) % period) for i in range(columns)]
            if refs:  # the row number goes in with one formatting per row
                cells = "".join(f'<c r="{c}%(n)d"><v>{v}</v></c>' for c, v in zip(letters, values, strict=True))
                templates[kind] = f'<row r="%(n)d">{cells}</row>'.encode()
            else:
                templates[kind] = b"<row>" + "".join(f"<c><v>{v}</v></c>" for v in values).encode() + b"</row>"
        return templates[kind] % {b"n": number} if refs else templates[kind]

    pieces: list[tuple[bytes, int]] = [(head, 1)]
    if refs:  # references differ on every row: nothing repeats, so rows are written a block at a time
        for start in range(2, rows + 1, block_rows):
            pieces.append((b"".join(row(r, r % vary) for r in range(start, min(start + block_rows, rows + 1))), 1))
    else:
        block = b"".join(row(0, k % vary) for k in range(block_rows))
        full, rest = divmod(rows - 1, block_rows)
        pieces += [(block, full), (b"".join(row(0, k % vary) for k in range(rest)), 1)]
    pieces.append((b"</sheetData></worksheet>", 1))
    return _zip_with_repeats(_minimal_package(), "xl/worksheets/sheet1.xml", pieces, level=1 if refs else 9)


def _zip_with_repeats(parts: dict[str, bytes], name: str, pieces: list[tuple[bytes, int]], level: int = 9) -> bytes:
    """A ZIP of ``parts`` plus member ``name`` made of each piece repeated its count of times,
    deflated piece by piece (a repeated piece is compressed once)."""
    deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
    data, crc, size = bytearray(), 0, 0
    for piece, count in pieces:
        if not count or not piece:
            continue
        packed = deflate.compress(piece) + deflate.flush(zlib.Z_FULL_FLUSH)
        once = zlib.crc32(piece)
        data += packed
        crc, size = zlib.crc32(piece, crc), size + len(piece)
        for _ in range(count - 1):
            data += packed
            crc = zlib.crc32(piece, crc)
            size += len(piece)
        _ = once
    data += deflate.flush(zlib.Z_FINISH)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    listing = bytearray(out.getvalue())
    # append the member by hand: local header, the deflate stream, then a new central directory
    end = listing.rfind(b"PK\x05\x06")
    entries, directory_size, directory_offset = struct.unpack_from("<HII", listing, end + 10)
    directory = bytes(listing[directory_offset : directory_offset + directory_size])
    body = bytes(listing[:directory_offset])
    encoded = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0) + encoded
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, len(body)
    ) + encoded
    directory += central
    tail = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, entries + 1, entries + 1, len(directory), len(body) + len(local) + len(data), 0)
    return body + local + bytes(data) + directory + tail


def _minimal_package() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlsx_from_parts([("Sheet1", b"<sheetData/>")]))) as archive:
        return {n: archive.read(n) for n in archive.namelist() if not n.startswith("xl/worksheets/")}


def huge_shared_strings(count: int) -> bytes:
    """A sheet of two cells whose shared-strings part holds ``count`` tiny strings."""
    body = b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData>'
    shared = (f'<sst xmlns="{_MAIN}">'.encode() + b"<si><t>full_name</t></si><si><t>x</t></si>" + b"<si><t>a</t></si>" * count + b"</sst>")
    return xlsx_from_parts([("Sheet1", body)], shared=shared, level=9)


def many_sheets(count: int) -> bytes:
    """``count`` sheets, each a header and one person."""
    body = b"<sheetData>" + inline_cells(1, ["full_name", "mpp_enrolled"]) + inline_cells(2, ["Sheet Person", "yes"]) + b"</sheetData>"
    return xlsx_from_parts([(f"S{i}", body) for i in range(count)])


def ods_from_content(tables: str) -> bytes:
    """An ODS whose content.xml body is ``tables`` (table:table elements)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return buffer.getvalue()


def ods_cell(text: str, repeat: int = 1) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell office:value-type="string"{repeated}><text:p>{text}</text:p></table:table-cell>'


def ods_rows(*rows: str, repeat: int = 1) -> str:
    repeated = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return "".join(f"<table:table-row{repeated}>{cells}</table:table-row>" for cells in rows)


def ods_table(body: str, name: str = "Sheet1") -> str:
    return f'<table:table table:name="{name}">{body}</table:table>'


def ods_person_table(extra: str = "", name: str = "Sheet1") -> str:
    """A header and one person, then ``extra`` rows."""
    return ods_table(ods_rows(ods_cell("full_name") + ods_cell("mpp_enrolled"), ods_cell("ODS Person") + ods_cell("yes")) + extra, name)


# XLS: BIFF8 records in a Compound File (the OLE container), written here sector by sector.

def biff(kind: int, payload: bytes) -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def biff_label(row: int, col: int, text: str) -> bytes:
    return biff(0x0204, struct.pack("<HHHHB", row, col, 15, len(text), 0) + text.encode("latin-1"))


def biff_number(row: int, col: int, value: float) -> bytes:
    return biff(0x0203, struct.pack("<HHHd", row, col, 15, value))


def biff_dimensions(rows: int, cols: int) -> bytes:
    return biff(0x0200, struct.pack("<IIHHH", 0, rows, 0, cols, 0))


def xls_workbook(sheets: list[tuple[str, bytes]]) -> bytes:
    """A BIFF8 workbook stream (globals, then each sheet's records between BOF and EOF) in a CFB file."""
    bof = lambda kind: biff(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))  # noqa: E731
    sheet_streams = [bof(0x0010) + records + biff(0x000A, b"") for _, records in sheets]
    def bound(name: str, offset: int) -> bytes:
        return biff(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 0) + name.encode("latin-1"))

    globals_size = len(bof(0x0005)) + sum(len(bound(n, 0)) for n, _ in sheets) + len(biff(0x000A, b""))
    offset, bounds = globals_size, b""
    for (name, _), stream in zip(sheets, sheet_streams, strict=True):
        bounds += bound(name, offset)
        offset += len(stream)
    workbook = bof(0x0005) + bounds + biff(0x000A, b"") + b"".join(sheet_streams)
    return cfb_file({"Workbook": workbook.ljust(4096, b"\x00")})


def cfb_file(streams: dict[str, bytes], *, header_patch: dict[int, bytes] | None = None) -> bytes:
    """A version-3 Compound File (512-byte sectors) holding ``streams`` (each at least 4096 bytes)."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    sectors: list[bytes] = []
    chains: list[tuple[int, int]] = []
    for data in streams.values():
        start = len(sectors)
        for i in range(0, len(data), 512):
            sectors.append(data[i : i + 512].ljust(512, b"\x00"))
        chains.append((start, len(sectors) - start))
    directory = [("Root Entry", 5, end, 0, 1)] + [
        (name, 2, 0, len(data), 0) for name, data in streams.items()
    ]
    dir_bytes = b""
    for index, (name, kind, start, size, child) in enumerate(directory):
        encoded = (name + "\x00").encode("utf-16-le")
        right = index + 1 if 0 < index < len(directory) - 1 else free
        entry = encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
        entry += struct.pack("<III", free, right, child if kind == 5 else free) + b"\x00" * 36
        entry += struct.pack("<IQ", start, size)
        dir_bytes += entry
    dir_bytes = dir_bytes.ljust(-(-len(dir_bytes) // 512) * 512, b"\x00")
    dir_start = len(sectors)
    dir_count = len(dir_bytes) // 512
    sectors += [dir_bytes[i : i + 512] for i in range(0, len(dir_bytes), 512)]
    fat_count = -(-(len(sectors) + 1) // 127) if len(sectors) else 1
    fat_start = len(sectors)
    fat = [free] * (fat_count * 128)
    for (stream_start, stream_count) in chains:
        for i in range(stream_count):
            fat[stream_start + i] = stream_start + i + 1 if i < stream_count - 1 else end
    for i in range(dir_count):
        fat[dir_start + i] = dir_start + i + 1 if i < dir_count - 1 else end
    for i in range(fat_count):
        fat[fat_start + i] = fat_sector
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    sectors += [fat_bytes[i : i + 512] for i in range(0, len(fat_bytes), 512)]
    difat = [fat_start + i for i in range(fat_count)] + [free] * (109 - fat_count)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack("<IIIIIIIII", 0, fat_count, dir_start, 0, 4096, end, 0, end, 0) + struct.pack("<109I", *difat)
    if header_patch:
        patched = bytearray(header)
        for offset, value in header_patch.items():
            patched[offset : offset + len(value)] = value
        header = bytes(patched)
    return header + b"".join(sectors)


def xls_person_sheet(*extra: bytes, dimensions: tuple[int, int] = (2, 2)) -> bytes:
    """A header and one person (BIFF8 records), then ``extra`` records."""
    records = biff_dimensions(*dimensions) + biff_label(0, 0, "full_name") + biff_label(0, 1, "mpp_enrolled")
    records += biff_label(1, 0, "XLS Person") + biff_label(1, 1, "yes")
    return records + b"".join(extra)


def shared_string_everywhere(cells: int, length: int = 30_000) -> bytes:
    """One long shared string used by ``cells`` cells: calamine copies it into every one of them."""
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>1</v></c></row>' for r in range(2, cells + 2))
    body = f'<dimension ref="A1:A{cells + 1}"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>{rows}</sheetData>'.encode()
    return xlsx_from_parts([("Sheet1", body)], shared=["notes", "n" * length], level=9)


def cell_xml(cells: str, dimension: str = "A1:B2") -> bytes:
    """A workbook whose one sheet has a header and one person, then the cell XML ``cells`` (a row)."""
    body = inline_cells(1, ["full_name", "mpp_enrolled"]) + inline_cells(2, ["Odd Person", "yes"]) + cells.encode()
    return xlsx_from_parts([("Sheet1", f'<dimension ref="{dimension}"/>'.encode() + b"<sheetData>" + body + b"</sheetData>")])


def prefixed_workbook() -> bytes:
    """Every element with the x: prefix, as the .NET Open XML SDK writes it (calamine reads it)."""
    rows = '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>full_name</x:t></x:is></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>mpp_enrolled</x:t></x:is></x:c></x:row>'
    rows += '<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>Prefixed Person</x:t></x:is></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>yes</x:t></x:is></x:c></x:row>'
    data = xlsx_from_parts([("Sheet1", b"")])
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{_MAIN}"><x:dimension ref="A1:B2"/>'
             f"<x:sheetData>{rows}</x:sheetData></x:worksheet>").encode()
    return _rewrite(data, "xl/worksheets/sheet1.xml", lambda _: sheet)


def unreferenced_workbook() -> bytes:
    """Rows and cells without references (the format allows it: each cell takes the next column)."""
    rows = "".join(f"<row>{cells}</row>" for cells in (
        '<c t="inlineStr"><is><t>full_name</t></is></c><c t="inlineStr"><is><t>mpp_enrolled</t></is></c>',
        '<c t="inlineStr"><is><t>Plain Person</t></is></c><c t="inlineStr"><is><t>yes</t></is></c>',
    ))
    return xlsx_from_parts([("Sheet1", f"<sheetData>{rows}</sheetData>".encode())])


def size_understated() -> bytes:
    """A sheet whose ZIP entry says it unpacks to less than it does (a reader trusting it reads on)."""
    data = bytearray(_xlsx(plain_rows))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        while start != -1:
            name_length = struct.unpack_from("<H", data, start + (26 if signature == b"PK\x03\x04" else 28))[0]
            name = bytes(data[start + (30 if signature == b"PK\x03\x04" else 46) :][:name_length])
            if name == b"xl/worksheets/sheet1.xml":
                size = struct.unpack_from("<I", data, start + offset)[0]
                struct.pack_into("<I", data, start + offset, size // 2)
            start = data.find(signature, start + 4)
    return bytes(data)


def xlsb_renamed() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.bin"/></Relationships>')
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return buffer.getvalue()


def xls_directory_loop() -> bytes:
    """An .xls whose directory chain points back at itself (a reader following it never stops)."""
    data = bytearray(xls_workbook([("Clients", xls_person_sheet())]))
    fat_sector, dir_sector = struct.unpack_from("<I", data, 76)[0], struct.unpack_from("<I", data, 48)[0]
    struct.pack_into("<I", data, 512 + fat_sector * 512 + dir_sector * 4, dir_sector)
    return bytes(data)


def hostile_workbooks() -> list[tuple[str, Callable[[], bytes], str | None]]:
    """Workbooks built to exhaust a reader (name, maker, the refusal's code or None when read).

    The far-away cells, lying sizes and repeat counts are the security issue's reproductions.
    """
    person = ods_cell("ODS Person") + ods_cell("yes")
    return [
        ("far-cell-xfd50000.xlsx", lambda: far_cell("XFD50000"), "too_many_cells"),  # the 1.6 KB file
        ("far-cell-all200000.xlsx", lambda: far_cell("ALL200000"), "too_many_cells"),
        ("far-styled-cell.xlsx", lambda: far_cell("XFD1048576", value=False), None),  # no value: calamine skips it
        ("lying-dimension.xlsx", lambda: three_cells_and(b"", "A1:XFD1048576"), None),
        ("dimension-too-small.xlsx", lambda: far_cell("ALL200000", dimension="A1:B2"), "too_many_cells"),
        ("duplicate-reference.xlsx", lambda: cell_xml('<row r="3"><c r="A3" r="XFD1048576"><v>1</v></c></row>'), "too_many_cells"),
        ("foreign-prefix-cell.xlsx", lambda: cell_xml('<row r="3"><y:c xmlns:y="urn:y" r="XFD50000"><y:v>1</y:v></y:c></row>'), "too_many_cells"),
        ("unreferenced-far-cell.xlsx", lambda: cell_xml("<row>" + "<c/>" * 16_383 + "<c><v>1</v></c></row>" * 700), "too_many_cells"),
        ("prefixed-elements.xlsx", prefixed_workbook, None),
        ("unreferenced-cells.xlsx", unreferenced_workbook, None),
        ("dense-390x.xlsx", lambda: dense_sheet(1000, 92_500, period=3), "zip_bomb"),  # 4.2 MB unpacking to 1.4 GB
        ("dense-over-budget.xlsx", lambda: dense_sheet(1000, 12_000, period=3), "too_many_cells"),
        ("dense-referenced-over-budget.xlsx", lambda: dense_sheet(1000, 10_050, refs=True), "too_many_cells"),
        ("shared-strings-12m.xlsx", lambda: huge_shared_strings(12_000_000), "zip_bomb"),  # 204 MB of strings
        ("shared-string-everywhere.xlsx", lambda: shared_string_everywhere(20_000), "workbook_too_big"),
        ("size-understated.xlsx", size_understated, "zip_bomb"),
        ("xlsb-renamed.xlsx", xlsb_renamed, "unsupported_type"),
        ("sheets-5000.xlsx", lambda: many_sheets(5000), None),
        ("ods-columns-repeated.ods", lambda: ods_from_content(ods_person_table(ods_rows(ods_cell("x", 16384)) * 3000)), "too_many_cells"),
        ("ods-rows-repeated.ods", lambda: ods_from_content(ods_person_table(ods_rows(ods_cell("x", 16384), repeat=1_000_000))), "too_many_cells"),
        ("ods-spaces.ods", lambda: ods_from_content(ods_person_table(ods_rows(
            '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/></text:p></table:table-cell>'))), "workbook_too_big"),
        ("ods-long-text-repeated.ods", lambda: ods_from_content(ods_person_table(ods_rows(ods_cell("n" * 30_000), repeat=20_000))), "workbook_too_big"),
        ("ods-trailing-repeats.ods", lambda: ods_from_content(ods_person_table(  # as LibreOffice pads every sheet
            ods_rows(person + '<table:table-cell table:number-columns-repeated="1022"/>') +
            ods_rows('<table:table-cell table:number-columns-repeated="1024"/>', repeat=1_048_000))), None),
        ("xls-dimensions-lie.xls", lambda: xls_workbook([("Clients", xls_person_sheet(dimensions=(0xFFFFFFF0, 256)))]), "corrupt"),
        ("xls-dimensions-whole-sheet.xls", lambda: xls_workbook([("Clients", xls_person_sheet(dimensions=(65_536, 256)))]), "too_many_cells"),
        ("xls-far-cell.xls", lambda: xls_workbook([("Clients", xls_person_sheet(biff_number(65_535, 255, 1.0)))]), "too_many_cells"),
        ("xls-directory-loop.xls", xls_directory_loop, "corrupt"),
        ("xls-plain.xls", lambda: xls_workbook([("Clients", xls_person_sheet())]), None),
    ]


def laughing_profile(levels: int = 9, width: int = 9) -> bytes:
    """A mapping profile of nested YAML aliases ("billion laughs"): a few hundred bytes that expand
    to width ** levels strings when built."""
    lines = ["a: &a [" + ",".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        name, previous = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * width) + "]")
    lines.append(f'columns: {{"Client name": *{chr(96 + levels)}}}')
    return "\n".join(lines).encode()


def hostile_profiles() -> list[tuple[str, Callable[[], bytes], str]]:
    """Mapping profiles built to exhaust the loader (name, maker, the refusal's code): the issue's reproductions."""
    return [
        ("laughs-360.yaml", lambda: laughing_profile(9, 9), "profile_aliases"),
        ("laughs-458.yaml", lambda: laughing_profile(10, 10), "profile_aliases"),
        ("merge-key.yaml", lambda: b"base: &b {Client name: full_name}\ncolumns:\n  <<: *b\n", "profile_aliases"),
        ("nested-lists-40k.yaml", lambda: b"columns: " + b"[" * 20_000 + b"]" * 20_000, "profile_too_deep"),
        ("nested-json-40k.json", lambda: b'{"columns": ' + b'{"a": ' * 6_000 + b"1" + b"}" * 6_001, "profile_too_deep"),
        ("huge-50mb.yaml", lambda: b"columns:\n" + b"  Column header number one: full_name\n" * 1_400_000, "profile_too_large"),
        ("huge-number.yaml", lambda: b"columns:\n  a: " + b"9" * 100_000 + b"\n", "profile_unreadable"),
        ("nested-entry.yaml", lambda: b"columns:\n  Client name: {first: full_name}\n", "profile_bad_entry"),
        ("python-object.yaml", lambda: b"columns: !!python/object/apply:os.system ['true']\n", "profile_unreadable"),
    ]


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
        ("long-cell.xlsx", lambda: _xlsx(lambda w: (w.active.append(HEADER), w.active.append([*ROW[:-1], "t" * 40_000])))),
        ("long-cell-big.csv", lambda: f"{header},notes\n".encode() + f"{row},ok\n".encode() * 80_000 + f"{row},{'n' * 40_000}\n".encode()),
        ("time-then-huge-number.xlsx", lambda: _xlsx(lambda w: [w.active.append(r) for r in (
            [*HEADER, "intake_time"], [*ROW, dt.time(10, 30)], [*ROW, 10**19], [*ROW, float("inf")], [*ROW, dt.timedelta(hours=5)])])),
        *[(name, make) for name, make, _ in hostile_workbooks()],
    ]


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name, make in corpus():
        (out / name).write_bytes(make())
    print(f"wrote {len(corpus())} files to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
