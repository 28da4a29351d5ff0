"""Reading real files: encodings, delimiters, title rows, sheets, and one clear sentence for bad files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import zipfile

import numpy as np
import pytest
from openpyxl import Workbook

from eligibility import InputFileError
from eligibility.read import Limits, read_table
from eligibility.report.csvfile import neutralize, write_csv

from .conftest import SAMPLES, require_binary

CSV = "full_name,mpp_enrolled,current_country\nJosé Núñez,sí,México\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [(CSV.encode("utf-8"), "utf-8"), (b"\xef\xbb\xbf" + CSV.encode("utf-8"), "utf-8"), (CSV.encode("cp1252"), "cp1252")],
    ids=["utf-8", "utf-8 with BOM", "cp1252"],
)
def test_csv_encodings_are_detected(data, encoding):
    """UTF-8 with or without BOM and Windows cp1252 all read to the same text."""
    table = read_table(data, "people.csv")
    assert table.headers == ["full_name", "mpp_enrolled", "current_country"]
    assert table.rows == [["José Núñez", "sí", "México"]]
    assert table.encoding == encoding


def test_a_csv_mixing_encodings_line_by_line_still_reads():
    """A file pasted together from UTF-8 and cp1252 parts is read line by line."""
    data = b"full_name,current_country\n" + "José,México\n".encode() + "Núñez,México\n".encode("cp1252")
    table = read_table(data, "mixed.csv")
    assert [r[0] for r in table.rows] == ["José", "Núñez"]
    assert table.encoding.startswith("mixed")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_are_sniffed(delimiter):
    """Commas, semicolons, tabs and pipes are recognised."""
    data = CSV.replace(",", delimiter).encode()
    table = read_table(data, "people.csv")
    assert table.delimiter == delimiter and len(table.headers) == 3


def test_title_and_blank_rows_above_the_header_are_skipped():
    """The header row is found below title rows; row numbers stay those of the sheet."""
    data = b"Client export,,\n\n,,\nfull_name,mpp_enrolled,case_status\nUno,yes,terminated\n,,\nDos,no,pending\n"
    table = read_table(data, "export.csv")
    assert table.header_row == 4
    assert table.row_numbers == [5, 7]
    assert table.blank_rows_skipped == 1


def test_a_header_row_can_be_given():
    """--header-row overrides detection."""
    table = read_table(b"a,b\nfull_name,x\nUno,1\n", "t.csv", header_row=2)
    assert table.headers == ["full_name", "x"] and table.rows == [["Uno", "1"]]


def test_blank_and_duplicate_headers_get_names():
    """A blank header becomes "Column C"; a repeated one gets " (2)"."""
    table = read_table(b"Name,Name,,mpp\nA,B,C,yes\n", "t.csv")
    assert table.headers == ["Name", "Name (2)", "Column C", "mpp"]


def _workbook(*sheets: tuple[str, list[list]], hidden: str | None = None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets:
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name == hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_reads_the_first_non_empty_visible_sheet_with_real_dates():
    """Empty and hidden sheets are passed over; real Excel dates stay dates."""
    clients = [["full_name", "mpp_enrollment_date"], ["Uno", dt.datetime(2019, 7, 15)]]
    data = _workbook(("Empty", []), ("Secret", [["full_name"], ["Hidden"]]), ("Clients", clients), hidden="Secret")
    table = read_table(data, "book.xlsx")
    assert table.sheet == "Clients" and table.sheets == ["Empty", "Secret", "Clients"]
    assert table.rows[0][1] in (dt.datetime(2019, 7, 15), dt.date(2019, 7, 15))


def test_a_sheet_can_be_chosen_by_name():
    """--sheet NAME reads that sheet; an unknown name lists the sheets."""
    data = _workbook(("A", [["full_name"], ["Uno"]]), ("B", [["full_name"], ["Dos"]]))
    assert read_table(data, "book.xlsx", sheet="B").rows == [["Dos"]]
    with pytest.raises(InputFileError, match='no sheet named "C"; its sheets are: A, B'):
        read_table(data, "book.xlsx", sheet="C")


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "empty.csv", "empty_file"),
        (b"full_name,mpp_enrolled\n", "header.csv", "header_only"),
        (b"%PDF-1.4 binary", "file.pdf", "unsupported_type"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" * 20, "image.csv", "binary_csv"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", "corrupt"),
        (b"just some text", "fake.xlsx", "corrupt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "locked.xlsx", "password_protected"),
    ],
    ids=["empty", "header only", "wrong type", "binary named csv", "damaged zip", "text named xlsx", "encrypted xlsx container"],
)
def test_files_the_tool_cannot_read_get_one_plain_sentence(data, name, code):
    """Each unreadable file raises InputFileError with a stable code and a one-sentence message."""
    with pytest.raises(InputFileError) as info:
        read_table(data, name)
    assert info.value.code == code
    message = str(info.value)
    assert "\n" not in message and message.endswith(".") and "Traceback" not in message


def test_a_zip_that_is_not_a_workbook_is_refused():
    """A ZIP of something else, named .xlsx, is not a spreadsheet."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(InputFileError) as info:
        read_table(buffer.getvalue(), "other.xlsx")
    assert info.value.code == "zip_not_spreadsheet"


def test_limits_on_size_rows_and_columns_are_plain_sentences():
    """Too large, too many rows and too many columns are refused with their limit named."""
    with pytest.raises(InputFileError, match="larger than 1 MB"):
        read_table(b"x" * (1024 * 1024 + 1), "big.csv", limits=Limits(max_bytes=1024 * 1024))
    with pytest.raises(InputFileError, match="more than 3 rows"):
        read_table(b"full_name\n" + b"a\n" * 60, "rows.csv", limits=Limits(max_rows=3))
    with pytest.raises(InputFileError, match="at most 5"):
        read_table(b",".join([b"c%d" % i for i in range(6)]) + b"\n" + b"1,2,3,4,5,6\n", "wide.csv", limits=Limits(max_columns=5))


def test_formula_injection_is_neutralised_in_csv():
    """Cells that start with = + - @ tab or CR are written as text."""
    assert [neutralize(v) for v in ("=1+1", "+1", "-1", "@SUM", "\tx", "\rx", "ok", 3)] == ["'=1+1", "'+1", "'-1", "'@SUM", "'\tx", "'\rx", "ok", 3]
    data = write_csv(["=bad header", "ok"], [["=HYPERLINK(\"http://x\")", "-5"], ["plain", "@x"]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(data))) == [["'=bad header", "ok"], ["'=HYPERLINK(\"http://x\")", "plain"], ["'-5", "'@x"]]


def test_a_csv_written_in_slices_on_two_threads_keeps_every_row_in_order(tmp_path):
    """Past one slice of rows, slices are converted on two threads and written as they finish in
    order: every row comes out once, in order, neutralised, whether to a file or as bytes."""
    import pyarrow as pa

    from eligibility.columnar import coded
    from eligibility.report.csvfile import WRITE_BATCH_ROWS

    n = WRITE_BATCH_ROWS * 5 + 17
    ids = [f"row {i}" for i in range(n)]
    risky = pa.chunked_array([[f"={i}" if i % 7 == 0 else f"v{i}" for i in range(start, min(start + 9_000, n))] for start in range(0, n, 9_000)])
    texts = coded(np.arange(n, dtype=np.int32) % 3, ["plain", "+1 risky", 'with "quotes", a comma'])
    columns = [ids, risky, texts, [None] * n, [""] * n]
    written = write_csv(["id", "cell", "text", "nobody", "blank"], columns, tmp_path / "out.csv")
    assert written is None
    data = (tmp_path / "out.csv").read_bytes()
    assert data == write_csv(["id", "cell", "text", "nobody", "blank"], columns)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["id", "cell", "text", "nobody", "blank"]
    assert [r[0] for r in rows[1:]] == ids
    assert [r[1] for r in rows[1:]] == [f"'={i}" if i % 7 == 0 else f"v{i}" for i in range(n)]
    assert [r[2] for r in rows[1:]] == [["plain", "'+1 risky", 'with "quotes", a comma'][i % 3] for i in range(n)]
    assert {(r[3], r[4]) for r in rows[1:]} == {("", "")}


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """The English sample converted by LibreOffice to XLS and ODS."""
    soffice = require_binary("soffice")
    out = tmp_path_factory.mktemp("lo")
    for fmt in ("xls", "ods"):
        subprocess.run([soffice, "--headless", "--convert-to", fmt, "--outdir", str(out), str(SAMPLES / "messy_english.xlsx")],
                       check=True, capture_output=True, timeout=120)
    return out


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_xls_and_ods_read_like_xlsx(converted, fmt):
    """The same workbook saved as XLS or ODS gives the same headers and rows."""
    original = read_table(SAMPLES / "messy_english.xlsx")
    other = read_table(converted / f"messy_english.{fmt}")
    assert other.headers == original.headers
    assert len(other) == len(original)
    assert [r[1] for r in other.rows] == [r[1] for r in original.rows]


BIG_CSV_ROWS = (
    'Client name;A#;Notes;Fecha de regreso\r\n'
    '"Núñez, José";A012345678;"line one\nline two";15/07/2019\r\n'
    ';;;\r\n'
    '   ;;;\r\n'
    'Ana Pérez;;=1+1;2019\r\n'
    ';;;\r\n'
)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("from_file", [False, True], ids=["upload", "file"])
def test_the_fast_reader_for_big_csvs_reads_what_the_small_one_reads(monkeypatch, tmp_path, bom, from_file):
    """Above a few megabytes pyarrow reads the CSV (an upload's bytes, or straight from a file):
    same headers, cells, kept rows and row numbers as Python's csv module (blank rows and rows of
    spaces skipped, quoted newlines, BOM)."""
    from eligibility.read import csvfile as io_module

    data = bom + ("Title row of the export;;;\r\n;;;\r\n" + BIG_CSV_ROWS).encode("utf-8")  # as Excel writes them
    small = read_table(data, "clients.csv")
    monkeypatch.setattr(io_module, "ARROW_MIN_BYTES", 0)
    (tmp_path / "clients.csv").write_bytes(data)
    big = read_table(tmp_path / "clients.csv" if from_file else data, "clients.csv")
    assert not isinstance(big.columns[0], list), "the pyarrow path was taken"
    assert big.headers == small.headers == ["Client name", "A#", "Notes", "Fecha de regreso"]
    assert [big.values(i) for i in range(4)] == [small.values(i) for i in range(4)]
    assert list(big.row_numbers) == list(small.row_numbers) == [4, 7]
    assert big.values(2)[0] == "line one\nline two"
    assert (big.header_row, big.blank_rows_skipped, big.delimiter) == (small.header_row, small.blank_rows_skipped, ";")


def test_a_big_csv_file_with_nul_bytes_is_read_without_them(monkeypatch, tmp_path):
    """NUL bytes (from a broken export) are removed with a notice, on the fast path's file read too."""
    from eligibility.read import csvfile as io_module

    monkeypatch.setattr(io_module, "ARROW_MIN_BYTES", 0)
    path = tmp_path / "clients.csv"
    path.write_bytes(b"Client name,A#\n" + b"Ana P\x00erez,A012345678\n" * 3000)
    table = read_table(path)
    assert table.values(0)[0] == "Ana Perez" and "nul_bytes_removed" in table.notices and len(table) == 3000


def test_on_parse_comes_after_the_checks_and_always_comes(monkeypatch, tmp_path):
    """The CLI loads the rules on its own thread only once ``on_parse`` says the reading thread is
    done with its checks: for a workbook, after the sheet's extent check and before python-calamine
    parses it; for a big CSV, before pyarrow reads it; and whenever reading fails."""
    from eligibility.read import csvfile as io_module
    from eligibility.read import workbook as workbook_module

    events: list[str] = []
    checked = workbook_module.check_xlsx_sheet
    monkeypatch.setattr(workbook_module, "check_xlsx_sheet", lambda *a: (events.append("checked"), checked(*a))[1])
    book = Workbook()
    book.active.append(["Client name", "A#"])
    book.active.append(["Ana", "A012345678"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "clients.xlsx", on_parse=lambda: events.append("parse"))
    assert table.values(0) == ["Ana"]
    assert events[:2] == ["checked", "parse"], events  # (and once more when reading ends)

    monkeypatch.setattr(io_module, "ARROW_MIN_BYTES", 0)
    path = tmp_path / "clients.csv"
    path.write_bytes(b"Client name,A#\n" + b"Ana,A012345678\n" * 100)
    calls: list[int] = []
    assert len(read_table(path, on_parse=lambda: calls.append(1))) == 100 and calls

    calls.clear()
    with pytest.raises(InputFileError):
        read_table(b"PK\x03\x04 not a workbook", "clients.xlsx", on_parse=lambda: calls.append(1))
    assert calls, "a caller waiting for on_parse is never left waiting"
