"""Workbooks are checked before calamine builds them: far-away cells, lying sizes, repeat counts.

The checks must never let through a block larger than the limits (they are compared with what
python-calamine really builds), must refuse with one sentence, and must stay cheap for ordinary files.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from eligibility import InputFileError
from eligibility.read import Limits, extent, odsfile, read_table
from eligibility.read.table import column_letter

from .conftest import ROOT, SAMPLES
from .corpus import far_cell, hostile_workbooks, ods_cell, ods_from_content, ods_rows, ods_table, xlsx_from_parts

CAP_GB = 1.5


def test_hostile_workbooks_are_read_or_refused_under_a_memory_cap_and_quickly():
    """Each hostile workbook, read in one process capped at 1.5 GB of address space, gets its
    sentence (or its rows) in seconds; so does one just inside the cell limit, which is read."""
    script = f"""
import resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
from tests.corpus import far_cell, hostile_workbooks
import numpy, pandas, pyarrow, python_calamine  # what the app has loaded anyway
resource.setrlimit(resource.RLIMIT_AS, (int({CAP_GB} * 1024**3),) * 2)
from eligibility import InputFileError
from eligibility.read import read_table
cases = [("just-inside-the-limit.xlsx", lambda: far_cell("T499999"), None), *hostile_workbooks()]
for name, make, code in cases:
    data = make()
    start = time.process_time()
    try:
        table = read_table(data, name)
        got = None
    except InputFileError as error:
        got = error.code
    print(name, got, round(time.process_time() - start, 2), flush=True)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    expected = {"just-inside-the-limit.xlsx": None, **{name: code for name, _, code in hostile_workbooks()}}
    seen = {}
    for line in done.stdout.splitlines():
        name, got, seconds = line.split()
        seen[name] = got if got != "None" else None
        print(f"[timing] {name}: {got} in {seconds} s CPU")
        assert float(seconds) < 20, f"{name} took {seconds} s"
    assert seen == expected


def test_the_issue_workbook_is_refused_with_a_sentence_that_says_where_its_cells_reach():
    """The 1.6 KB workbook with a cell at XFD50000: one sentence naming the row and the column."""
    data = far_cell("XFD50000")
    assert len(data) < 2000
    with pytest.raises(InputFileError) as info:
        read_table(data, "clients.xlsx")
    message = str(info.value)
    assert info.value.code == "too_many_cells"
    assert "row 50,000 and column XFD" in message and "\n" not in message and message.endswith(".")
    spanish = info.value.sentence("es")
    assert "fila 50,000" in spanish and "columna XFD" in spanish


def _openpyxl_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["full_name", "a_number", "mpp_enrolled", "notes"])
    for i in range(300):
        sheet.append([f"Person {i}", f"A{i:09d}", "yes" if i % 2 else "no", 1.5 * i])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _writer_workbook() -> bytes:
    import rustpy_xlsxwriter as rx

    buffer = io.BytesIO()
    rx.write_worksheets([("Clients", [{"full_name": f"P {i}", "n": i, "notes": "=1+1"} for i in range(300)])], buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "make", [_openpyxl_workbook, _writer_workbook, lambda: (SAMPLES / "messy_english.xlsx").read_bytes()],
    ids=["openpyxl", "rustpy-xlsxwriter", "sample"],
)
def test_ordinary_workbooks_are_confirmed_by_the_fast_pass(make):
    """Workbooks as spreadsheet programs write them never need the slow, exact pass."""
    data = make()
    book = extent.check_zip_workbook(data, "book.xlsx", ".xlsx", Limits())
    for sheet, info in book.sheets.items():
        reach = extent._fast_reach(book, info, sheet, Limits())
        assert reach is not None, f"sheet {sheet!r} fell back to the exact pass"
        exact = extent._exact_reach(book, info, sheet, Limits())
        assert (reach.row, reach.column) >= (exact.row, exact.column)


# ------------------------------------------------------------------ checked against calamine


def _calamine_block(data: bytes) -> tuple[int, int] | None:
    """Rows and columns of the block python-calamine builds for the first sheet (None: it fails)."""
    import python_calamine as calamine

    try:
        sheet = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        grid = sheet.to_python(skip_empty_area=False)
    except Exception:
        return None
    return len(grid), max((len(r) for r in grid), default=0)


cell_kind = st.sampled_from(["value", "styled", "shared", "inline", "formula"])
reference = st.tuples(st.integers(1, 400), st.integers(1, 60))
cells = st.lists(st.tuples(st.one_of(st.none(), reference), cell_kind), min_size=1, max_size=25)
rows = st.lists(st.tuples(st.one_of(st.none(), st.integers(1, 400)), cells), min_size=1, max_size=8)


def _sheet_xml(rows_: list, prefix: str, duplicate: bool) -> bytes:
    out = []
    for row_ref, row_cells in rows_:
        row_attr = f' r="{row_ref}"' if row_ref else ""
        parts = []
        for ref, kind in row_cells:
            attr = f' r="{column_letter(ref[1] - 1)}{ref[0]}"' if ref else ""
            if duplicate and ref:
                attr = f' r="A1"{attr}'
            tag = f"{prefix}c"
            if kind == "styled":
                parts.append(f'<{tag}{attr} s="1"/>')
            elif kind == "shared":
                parts.append(f'<{tag}{attr} t="s"><{prefix}v>0</{prefix}v></{tag}>')
            elif kind == "inline":
                parts.append(f'<{tag}{attr} t="inlineStr"><{prefix}is><{prefix}t>x</{prefix}t></{prefix}is></{tag}>')
            elif kind == "formula":
                parts.append(f"<{tag}{attr}><{prefix}f>1+1</{prefix}f><{prefix}v>2</{prefix}v></{tag}>")
            else:
                parts.append(f"<{tag}{attr}><{prefix}v>1</{prefix}v></{tag}>")
        out.append(f"<{prefix}row{row_attr}>{''.join(parts)}</{prefix}row>")
    return "".join(out).encode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows_=rows, prefix=st.sampled_from(["", "x:"]), duplicate=st.booleans(),
    dimension=st.sampled_from([None, "A1:B2", "A1:XFD1048576"]),
)
def test_the_xlsx_check_never_sees_less_than_calamine_builds(rows_, prefix, duplicate, dimension):
    """Cells with and without references, styled, shared, inline, prefixed, with a second reference:
    the check's block is never smaller than calamine's, and equals it when every cell holds a value."""
    body = _sheet_xml(rows_, prefix, duplicate)
    dimension_xml = f'<{prefix}dimension ref="{dimension}"/>' if dimension else ""
    head = f'<?xml version="1.0"?><{prefix}worksheet xmlns{":x" if prefix else ""}="{extent_main()}">'
    tail = f"</{prefix}sheetData></{prefix}worksheet>".encode()
    sheet = f"{head}{dimension_xml}<{prefix}sheetData>".encode() + body + tail
    data = xlsx_from_parts([("Sheet1", b"")], shared=["s"])
    data = _replace_member(data, "xl/worksheets/sheet1.xml", sheet)
    built = _calamine_block(data)
    limits = Limits()
    book = extent.check_zip_workbook(data, "t.xlsx", ".xlsx", limits)
    try:
        reach = extent.check_xlsx_sheet(book, "Sheet1", limits)
    except InputFileError:
        return  # refused (a damaged reference): calamine builds nothing
    if built is None or built == (0, 0):
        return
    assert reach.row >= built[0] and reach.column >= built[1], (reach, built)
    if all(kind != "styled" for _, cells_ in rows_ for _, kind in cells_) and dimension is None:
        assert (reach.row, reach.column) == built


def extent_main() -> str:
    return "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _replace_member(data: bytes, member: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == member else source.read(info))
    return out.getvalue()


ods_cell_st = st.tuples(st.sampled_from(["value", "empty", "styled"]), st.integers(1, 40))
ods_row_st = st.tuples(st.lists(ods_cell_st, max_size=6), st.integers(1, 30))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=st.lists(st.lists(ods_row_st, max_size=8), min_size=1, max_size=3))
def test_the_ods_check_expands_repeats_as_calamine_does(tables):
    """Repeated cells and rows, empty and styled cells: the vector pass, the tag-by-tag pass and
    calamine agree on every table's block."""
    xml = []
    for t, rows_ in enumerate(tables):
        body = []
        for cells_, row_repeat in rows_:
            parts = []
            for kind, repeat in cells_:
                rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
                if kind == "value":
                    value = f'<table:table-cell office:value-type="float" office:value="1"{rep}>'
                    parts.append(value + "<text:p>1</text:p></table:table-cell>")
                elif kind == "styled":
                    parts.append(f'<table:table-cell table:style-name="ce1"{rep}/>')
                else:
                    parts.append(f"<table:table-cell{rep}/>")
            body.append(ods_rows("".join(parts), repeat=row_repeat))
        xml.append(ods_table("".join(body), name=f"T{t}"))
    data = ods_from_content("".join(xml))
    package = extent.Package(data, "t.ods", Limits())
    content = package.find("content.xml")
    vector, per_tag = odsfile._Vector("t.ods", Limits()), odsfile._PerTag("t.ods", Limits())
    blocks_vector, blocks_tag = [], []
    vector_end, tag_end = vector._end_table, per_tag._end_table
    vector._end_table = lambda: (blocks_vector.append((vector.height, vector.width, vector.pushed)), vector_end())[1]
    per_tag._end_table = lambda: (blocks_tag.append((per_tag.height, per_tag.width, per_tag.pushed)), tag_end())[1]
    for window in extent.windows(package.chunks(content), "t.ods"):
        assert vector.window(window)
        per_tag.window(window)
    vector.finish()
    assert blocks_vector == blocks_tag
    built = _calamine_block(data)
    first = blocks_vector[0][:2] if blocks_vector else (0, 0)
    assert built is not None and (first if first[0] else (0, 0)) == (built if built[0] else (0, 0))


def test_a_huge_number_of_shared_strings_is_refused():
    """More shared strings than a sheet has cells: refused before calamine loads them."""
    data = xlsx_from_parts([("Sheet1", b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>')],
                           shared=[f"s{i}" for i in range(50)])
    with pytest.raises(InputFileError) as info:
        read_table(data, "s.xlsx", limits=Limits(max_sheet_cells=40))
    assert info.value.code == "workbook_too_big"


def test_a_sheet_that_must_be_read_tag_by_tag_is_refused_past_its_tag_limit(monkeypatch):
    """Unusual XML is read tag by tag, but never for ever: past the limit, one sentence."""
    monkeypatch.setattr(extent, "PER_TAG_MAX", 50)
    cells_ = "".join(f'<row r="{r}"><c r="A{r}" foo="1" r="A{r}"><v>1</v></c></row>' for r in range(3, 200))
    data = xlsx_from_parts([("Sheet1", f"<sheetData>{cells_}</sheetData>".encode())])
    with pytest.raises(InputFileError) as info:
        read_table(data, "odd.xlsx")
    assert info.value.code == "workbook_too_big"


def test_text_a_sheet_copies_is_limited():
    """A short file whose cells would copy out more text than the limit is refused."""
    data = ods_from_content(ods_table(ods_rows(ods_cell("full_name") + ods_cell("x" * 1000, 50), repeat=100)))
    assert len(read_table(data, "t.ods").rows) == 99
    with pytest.raises(InputFileError) as info:
        read_table(data, "t.ods", limits=Limits(max_sheet_text=1_000_000))
    assert info.value.code == "workbook_too_big"


def test_a_small_xls_whose_workbook_lives_in_the_mini_stream_is_read(tmp_path):
    """A workbook stream under 4,096 bytes sits in the container's mini stream (as LibreOffice
    writes a small .xls); the container check follows that chain too."""
    from .conftest import require_binary

    soffice = require_binary("soffice")
    book = Workbook()
    book.active.append(["full_name", "mpp_enrolled"])
    book.active.append(["Mini Person", "yes"])
    book.save(tmp_path / "tiny.xlsx")
    convert = [soffice, "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(tmp_path / "tiny.xlsx")]
    subprocess.run(convert, check=True, capture_output=True, timeout=120)
    data = (tmp_path / "tiny.xls").read_bytes()
    from eligibility.read import biff

    assert len(biff.workbook_stream(data)) < 4096
    assert read_table(data, "tiny.xls").rows == [["Mini Person", "yes"]]
