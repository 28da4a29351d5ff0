"""Every limit applies on every reading path; the reports take any value a reader can produce.

Reading paths: Python's csv module (small CSVs), pyarrow (CSVs of 4 MB or more, from bytes or
from a file), and the workbook readers (XLSX, ODS, XLS). Reports: XLSX, CSV and the one-person PDF.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import subprocess

import pytest
from openpyxl import Workbook, load_workbook

from eligibility import InputFileError, Normalizer, evaluate
from eligibility.batch import screen_table
from eligibility.errors import ReportError
from eligibility.read import Limits, Table, read_table
from eligibility.read import csvfile as csv_module
from eligibility.report import batch_csv, batch_workbook, screening_pdf

from .conftest import AS_OF, require_binary
from .corpus import biff_label, ods_cell, ods_from_content, ods_rows, ods_table, xls_workbook

LONG = 40_000  # characters: more than Limits.max_cell_chars (32,000)


def _rows(width: int, height: int, long_cell: bool = False) -> list[list[str]]:
    rows = [["full_name", *[f"c{i}" for i in range(1, width)]]]
    rows += [[f"P{r}", *["x"] * (width - 1)] for r in range(height)]
    if long_cell:
        rows[-1][-1] = "n" * LONG
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ods(rows: list[list[str]]) -> bytes:
    return ods_from_content(ods_table("".join(ods_rows("".join(ods_cell(v) for v in row)) for row in rows)))


def _xls(rows: list[list[str]]) -> bytes:
    records = b"".join(biff_label(r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row))
    return xls_workbook([("Clients", records)])


def _read(path_kind: str, rows: list[list[str]], limits: Limits, tmp_path, monkeypatch) -> Table:
    if path_kind == "small-csv":
        return read_table(_csv(rows), "t.csv", limits=limits)
    if path_kind in ("arrow-csv-bytes", "arrow-csv-file"):
        monkeypatch.setattr(csv_module, "ARROW_MIN_BYTES", 0)
        data = _csv(rows)
        if path_kind == "arrow-csv-bytes":
            return read_table(data, "t.csv", limits=limits)
        (tmp_path / "t.csv").write_bytes(data)
        return read_table(tmp_path / "t.csv", limits=limits)
    maker, name = {"xlsx": (_xlsx, "t.xlsx"), "ods": (_ods, "t.ods"), "xls": (_xls, "t.xls")}[path_kind]
    return read_table(maker(rows), name, limits=limits)


PATHS = ["small-csv", "arrow-csv-bytes", "arrow-csv-file", "xlsx", "ods", "xls"]
LIMITS = [
    ("cell_too_long", lambda: _rows(3, 5, long_cell=True), Limits()),
    ("too_many_rows", lambda: _rows(3, 80), Limits(max_rows=20)),
    ("too_many_columns", lambda: _rows(8, 5), Limits(max_columns=5)),
    ("too_large", lambda: _rows(3, 400), Limits(max_bytes=2_000)),
]


@pytest.mark.parametrize("path_kind", PATHS)
@pytest.mark.parametrize(("code", "make", "limits"), LIMITS, ids=[code for code, _, _ in LIMITS])
def test_every_limit_applies_on_every_reading_path(path_kind, code, make, limits, tmp_path, monkeypatch):
    """A 40,000-character cell, too many rows, too many columns, too many bytes: the same refusal
    on every path (the same file within the limits is read: see the next test)."""
    with pytest.raises(InputFileError) as info:
        _read(path_kind, make(), limits, tmp_path, monkeypatch)
    assert info.value.code == code
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("path_kind", PATHS)
def test_the_cell_limit_counts_characters_not_bytes(path_kind, tmp_path, monkeypatch):
    """A cell of 20,000 two-byte characters (40,000 bytes) is within the 32,000-character limit on
    every path (the fast path reads bytes from Arrow's offsets first); one character more than the
    limit, in a column of short cells beside it, is not."""
    rows = _rows(3, 5)
    rows[2][1] = "é" * 20_000
    assert len(_read(path_kind, rows, Limits(), tmp_path, monkeypatch)) == 5
    rows[3][2] = "ñ" * (Limits().max_cell_chars + 1)
    with pytest.raises(InputFileError) as info:
        _read(path_kind, rows, Limits(), tmp_path, monkeypatch)
    assert info.value.code == "cell_too_long"


@pytest.mark.parametrize("path_kind", PATHS)
def test_the_same_files_within_the_limits_are_read(path_kind, tmp_path, monkeypatch):
    """So the refusals above come from the limits, not from the files."""
    table = _read(path_kind, _rows(3, 5), Limits(), tmp_path, monkeypatch)
    assert len(table) == 5 and table.headers == ["full_name", "c1", "c2"]


# ---------------------------------------------------------------------------------- reports

ODD_VALUES = [
    ("time then a huge number", [dt.time(10, 30), 10**19, 1.0e19]),
    ("integers a spreadsheet cannot hold exactly", [2**70, -(2**63), 2**53 + 1]),
    ("infinities and NaN", [math.inf, -math.inf, math.nan]),
    ("times, durations, zoned datetimes",
     [dt.time(1, 2, 3), dt.timedelta(days=2, hours=3), dt.datetime(2020, 1, 2, 3, tzinfo=dt.UTC)]),
    ("all times", [dt.time(8, 0), dt.time(9, 15), dt.time(23, 59, 59)]),
    ("mixed", [1, "x", dt.date(2020, 1, 2), True, 2.5]),
    ("text up to the limit", ["t" * 32_000, "", "ok"]),
]


def _table(values: list) -> Table:
    names = [f"Person {i}" for i in range(len(values))]
    return Table(["full_name", "odd"], [names, values], range(2, 2 + len(values)), "odd.xlsx", "xlsx")


@pytest.mark.parametrize(("label", "values"), ODD_VALUES, ids=[label for label, _ in ODD_VALUES])
def test_the_reports_take_any_value_a_reader_can_produce(label, values, ruleset):
    """The XLSX and CSV reports are written, with every value as a person would read it: times
    and durations as text, integers past 2**53 as their digits, infinities as "inf", NaN blank."""
    result = screen_table(_table(values), ruleset, as_of=AS_OF)
    book = load_workbook(io.BytesIO(batch_workbook(result, ruleset)))
    written = [row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    rows = list(csv.reader(io.StringIO(batch_csv(result).decode("utf-8-sig"))))
    csv_values = [row[1] for row in rows[1:]]
    assert len(written) == len(csv_values) == len(values)
    for value, cell, text in zip(values, written, csv_values, strict=True):
        if isinstance(value, float) and math.isnan(value):
            assert cell is None and text == ""
        elif isinstance(value, float) and math.isinf(value):
            assert cell == str(value) and text.lstrip("'") == str(value)  # "-inf" is neutralised in CSV
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
            assert cell == str(value) and text.lstrip("'") == str(value)
        elif isinstance(value, dt.time | dt.timedelta):
            assert cell == str(value)
        elif isinstance(value, dt.datetime) and value.tzinfo is not None:
            assert cell == value.isoformat(sep=" ")
        elif isinstance(value, bool):
            assert cell is value
        elif isinstance(value, int | float):
            assert cell == value
        elif isinstance(value, dt.date):  # a date among numbers goes in as text (the numbers keep theirs)
            assert cell in (value, dt.datetime(value.year, value.month, value.day), value.isoformat())
        else:
            assert cell == (value or None) and text == value


def test_the_issue_time_then_huge_number_workbook_gets_its_report(ruleset):
    """The issue's reproduction through the reader: a time-of-day cell, then 1e19, in one column."""
    table = read_table(_xlsx([["full_name", "intake_time"], ["A", dt.time(10, 30)], ["B", 10**19]]), "t.xlsx")
    result = screen_table(table, ruleset, as_of=AS_OF)
    book = load_workbook(io.BytesIO(batch_workbook(result, ruleset)))
    assert [row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)] == ["10:30:00", 1e19]


def test_a_cell_longer_than_a_spreadsheet_holds_makes_one_sentence_not_a_broken_report(ruleset, capfd):
    """Past 32,767 characters the XLSX report cannot be written: one sentence naming the cell,
    nothing printed by the writer; the CSV report still has the whole value."""
    result = screen_table(_table(["n" * 40_000]), ruleset, as_of=AS_OF)
    with pytest.raises(ReportError) as info:
        batch_workbook(result, ruleset)
    message = str(info.value)
    assert info.value.code == "report_cell_too_long" and "\n" not in message
    assert '"odd"' in message and "row 2" in message and "40,000 characters" in message
    assert "Ignoring" not in capfd.readouterr().err
    previous = csv.field_size_limit(10**6)  # the small-CSV reader sets the module's limit for the process
    try:
        rows = list(csv.reader(io.StringIO(batch_csv(result).decode("utf-8-sig"))))
    finally:
        csv.field_size_limit(previous)
    assert rows[1][1] == "n" * 40_000


@pytest.mark.parametrize(
    ("label", "notes"),
    [
        ("2,600 characters", "word " * 520),
        ("one 10,000-character word", "W" * 10_000),
        ("40,000 characters", "lorem ipsum " * 3_334),
    ],
)
def test_the_pdf_wraps_any_text_over_as_many_pages_as_it_needs(label, notes, ruleset, tmp_path):
    """Notes (and a name) of any length, even one long word, are wrapped and run on over pages;
    every character is in the PDF."""
    pdftotext = require_binary("pdftotext")
    record = Normalizer(ruleset).to_record({"full_name": "Ana " + "Z" * 3_000, "notes": notes, "mpp_enrolled": "yes"})
    path = tmp_path / "record.pdf"
    path.write_bytes(screening_pdf(record, evaluate(record, ruleset, as_of=AS_OF), ruleset))
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "".join(text.split()).count("Z" * 3_000) == 1
    flat = "".join(text.split())
    assert flat.count("W" * 10_000) == (1 if label.startswith("one") else 0)
    assert flat.count("word") >= (520 if label.startswith("2,600") else 0)
    assert flat.count("lorem") >= (3_334 if label.startswith("40,000") else 0)
    assert text.count("\f") > 1  # more than one page
