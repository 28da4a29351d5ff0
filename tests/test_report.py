"""Reports open cleanly, carry the stamp, neutralise formulas and redact for sharing."""

from __future__ import annotations

import csv
import io
import subprocess

import pytest
from openpyxl import load_workbook

from eligibility import Normalizer, evaluate
from eligibility.batch import screen_table
from eligibility.read import read_table
from eligibility.report import batch_workbook, screening_pdf

from .conftest import AS_OF, SAMPLES, require_binary


@pytest.fixture(scope="module")
def english(ruleset):
    return screen_table(read_table(SAMPLES / "messy_english.xlsx"), ruleset, as_of=AS_OF)


def test_the_workbook_has_six_sheets_a_frozen_filtered_header_and_the_stamp(english, ruleset):
    """Results, Summary, Follow-up, Re-check, Data issues and Rules; the summary names rules version, hash and as-of."""
    book = load_workbook(io.BytesIO(batch_workbook(english, ruleset)))
    assert book.sheetnames == ["Results", "Summary", "Follow-up", "Re-check", "Data issues", "Rules"]
    results = book["Results"]
    assert results.freeze_panes == "A2" and results.auto_filter.ref
    assert results.max_row == len(english) + 1
    assert results.conditional_formatting, "rows are coloured by determination"
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Rules version"] == ruleset.version and summary["Rules hash (SHA-256)"] == ruleset.hash
    assert summary["As of"] == AS_OF.isoformat() and summary["Rows screened"] == len(english)
    follow = list(book["Follow-up"].iter_rows(values_only=True))
    header = follow[0]
    assert {r[header.index("Determination")] for r in follow[1:]} <= {"needs_info", "needs_review"} and len(follow) > 1
    issues = list(book["Data issues"].iter_rows(values_only=True))
    assert ("unreadable_date" in {r[2] for r in issues[1:]})
    rules_text = " ".join(str(c) for row in book["Rules"].iter_rows(values_only=True) for c in row if c)
    assert "subjected to MPP 1.0 prior to June 1, 2021" in rules_text


@pytest.mark.parametrize("sample", ["messy_english.xlsx", "clean_sample.csv", "messy_spanish.csv"])
@pytest.mark.parametrize("redact", [False, True])
def test_the_results_sheet_holds_every_screened_value(ruleset, sample, redact):
    """Each added column of the Results sheet says, row by row, what the screening said."""
    result = screen_table(read_table(SAMPLES / sample), ruleset, as_of=AS_OF)
    rows = list(load_workbook(io.BytesIO(batch_workbook(result, ruleset, redact=redact)))["Results"].iter_rows(values_only=True))
    for name, values in result.added_columns(shared=redact).items():
        column = rows[0].index(name)
        assert [row[column] or "" for row in rows[1:]] == values.to_pylist(), f"the {name} column as screened"


def test_text_that_looks_like_a_formula_is_written_as_text(english, ruleset):
    """A name cell holding =HYPERLINK(...) stays a string cell, never a formula or a link."""
    book = load_workbook(io.BytesIO(batch_workbook(english, ruleset)))
    cells = [c for row in book["Results"].iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" and c.hyperlink is None for c in cells)


def test_the_shared_workbook_has_no_names_or_a_numbers(english, ruleset):
    """With redaction, no name or A-number from the input appears anywhere in the workbook."""
    data = batch_workbook(english, ruleset, redact=True)
    book = load_workbook(io.BytesIO(data))
    text = " ".join(str(c) for s in book for row in s.iter_rows(values_only=True) for c in row if c is not None)
    assert "Sample Client" not in text and "012345801" not in text and "A012345801" not in text
    assert book["Results"]["A1"].value == "ref"


def test_the_workbook_in_spanish_names_its_sheets_in_spanish(ruleset):
    """--lang es translates sheet names and report texts."""
    result = screen_table(read_table(SAMPLES / "messy_spanish.csv"), ruleset, as_of=AS_OF, lang="es")
    book = load_workbook(io.BytesIO(batch_workbook(result, ruleset)))
    assert book.sheetnames == ["Resultados", "Resumen", "Seguimiento", "Volver a evaluar", "Problemas de datos", "Reglas"]


def test_libreoffice_opens_the_workbook_and_sees_every_row(english, ruleset, tmp_path):
    """LibreOffice converts our XLSX back to CSV with every row and the determination column."""
    soffice = require_binary("soffice")
    path = tmp_path / "report.xlsx"
    batch_workbook(english, ruleset, target=path)
    subprocess.run([soffice, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    with (tmp_path / "report.csv").open(encoding="utf-8", errors="replace", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == len(english) + 1
    assert rows[1][rows[0].index("determination")] == english.outcome[0]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_pdf_record_renders_accents_dashes_and_quotes(ruleset, tmp_path, lang):
    """Names with accents, em dashes and curly quotes pasted from Word come out of the PDF as written."""
    pdftotext = require_binary("pdftotext")
    record = Normalizer(ruleset).to_record({
        "full_name": "José María Núñez — “Peña”", "mpp_enrolled": "sí", "mpp_enrollment_date": "julio 2019",
        "current_country": "Tijuana", "case_status": "orden de deportación en ausencia", "nationality": "hondureña",
    })
    det = evaluate(record, ruleset, as_of=AS_OF)
    path = tmp_path / "record.pdf"
    path.write_bytes(screening_pdf(record, det, ruleset, lang))
    text = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "José María Núñez — “Peña”" in text
    assert det.label(lang) in text
    assert ruleset.version in text and AS_OF.isoformat() in text
    if lang == "es":
        assert "«orden de deportación en ausencia» se leyó como: Orden de deportación en ausencia" in " ".join(text.split())
        assert "Razón" in text


def test_the_call_list_references_are_the_row_pseudonyms():
    """The call list builds its references in Arrow; each is ``pseudonym`` of its row number."""
    import pyarrow as pa

    from eligibility.report.rows import _pseudonyms, pseudonym

    numbers = [0, 1, 2, 99, 123_456, 999_999, 1_000_000, 1_048_576]
    assert _pseudonyms(pa.array(numbers, pa.int64())).to_pylist() == [pseudonym(n) for n in numbers]
