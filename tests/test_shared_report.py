"""A report "for sharing" shares nothing that identifies a person.

Run on case-management exports the team did not design (tests/fixtures/exports: a title block,
split name columns, phone, email, address, advocate, notes, a hidden sheet; Spanish headers with
';' and day-first dates) and on one generated here with another layout. Every identifying cell of
the upload is collected, and none may appear in any cell of any sheet of the shared workbook, the
shared CSV or the app's shared download.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from streamlit.testing.v1 import AppTest

from eligibility.cli import main
from eligibility.read import read_table

from .conftest import ROOT

EXPORTS = ROOT / "tests" / "fixtures" / "exports"
# Headers whose cells identify a person (or are free text about one), in the exports tested here.
IDENTIFYING = {
    "Matter #", "Client Last Name", "Client First Name", "A Number", "DOB", "Phone", "Email", "Street Address", "Primary Advocate",
    "Case Notes", "Date Opened",
    "Expediente", "Apellidos", "Nombres", "Núm. de extranjero", "Fecha de nacimiento", "Teléfono", "Observaciones",
    "Client", "Given", "Family", "Alien #", "Birth", "Mobile", "E-mail", "Home address", "Advocate", "Comments", "Emergency contact",
}
NAMES = {"Client Last Name", "Client First Name", "Primary Advocate", "Apellidos", "Nombres", "Given", "Family", "Advocate",
         "Emergency contact"}


def _odd_layout(path: Path) -> Path:
    """An export shaped unlike the others: names in three columns, an emergency contact, comments
    with names in them, the header on row 4 under a logo line and a blank row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Intake log"
    sheet.append(["Legal Aid Intake Log"])
    sheet.append(["Confidential"])
    sheet.append([])
    sheet.append(["Client", "Given", "Middle", "Family", "Alien #", "Birth", "Mobile", "E-mail", "Home address", "In MPP",
                  "MPP Return Date", "Residence Country", "Case Disposition", "Disposition Date", "BIA Appeal", "Advocate",
                  "Comments", "Emergency contact"])
    people = [
        ("K-77", "Wendy", "Yaneth", "Quintanilla", "A# 219-001-223", dt.date(1991, 3, 14), "+504 9988 1122", "wyq@example.net",
         "Colonia Kennedy 44, Tegucigalpa", "yes", "2019-08-01", "Honduras", "In absentia order", dt.date(2020, 2, 3), "no",
         "Bernardo Alcázar", "Called Wendy 11/3; sister Dilcia answers", "Dilcia Quintanilla +504 3311 0099"),
        ("K-78", "Osmán", "", "Ticas Reyes", "203-118-447", dt.date(1985, 7, 2), "664 120 3344", "otr@example.net",
         "Av. Revolución 1200, Tijuana", "sí", "julio 2020", "Tijuana", "Terminated; DHS appealed", "", "", "Bernardo Alcázar",
         "prefers WhatsApp", "wife Marisol Ticas"),
    ]
    for person in people:
        sheet.append(list(person))
    book.save(path)
    return path


def _identifying_values(source: Path) -> set[str]:
    """Every identifying cell of the upload, as it is written and in the forms a report could give it."""
    table = read_table(source)
    found: set[str] = {source.stem}
    for index, header in enumerate(table.headers):
        if header not in IDENTIFYING:
            continue
        for value in table.values(index):
            if value in (None, ""):
                continue
            if isinstance(value, dt.datetime | dt.date):
                day = value.date() if isinstance(value, dt.datetime) else value
                found |= {day.isoformat(), day.strftime("%m/%d/%Y")}
                continue
            text = str(value).strip()
            found.add(text)
            digits = "".join(c for c in text if c.isdigit())
            if len(digits) in (8, 9) and header in ("A Number", "Núm. de extranjero", "Alien #"):
                found |= {digits, digits.zfill(9)}
            if header in NAMES:  # each part of a name on its own too ("María Elena" -> "Elena")
                found |= {part for part in text.replace(",", " ").split() if len(part) >= 4 and not part.isdigit()}
    return {v for v in found if len(v) >= 4}


def _cells_of_workbook(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c is not None] + book.sheetnames


def _cells_of_csv(data: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]


def _leaks(cells: list[str], secrets: set[str]) -> list[tuple[str, str]]:
    text = "\n".join(cells).casefold()
    return [(secret, next(c for c in cells if secret.casefold() in c.casefold())[:80]) for secret in sorted(secrets) if secret.casefold() in text]


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("exports")
    return [EXPORTS / "cms_export_matters.xlsx", EXPORTS / "hoja_clientes.csv", _odd_layout(folder / "intake-log.xlsx")]


@pytest.mark.parametrize("index", [0, 1, 2], ids=["cms_export_matters.xlsx", "hoja_clientes.csv", "odd layout"])
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_shared_report_holds_no_identifying_value(exports, index, suffix, tmp_path, capsys):
    """No name, A-number, date of birth, phone, email, address, advocate, note, client ID or file name
    of the upload is in any cell of the shared report, whichever layout the export has."""
    source = exports[index]
    secrets = _identifying_values(source)
    assert len(secrets) > 10, "the export has identifying values to look for"
    out = tmp_path / f"shared{suffix}"
    assert main(["screen", str(source), "-o", str(out), "--for-sharing", "--as-of", "2026-11-27"]) == 0
    cells = _cells_of_workbook(out.read_bytes()) if suffix == ".xlsx" else _cells_of_csv(out.read_bytes())
    assert not _leaks(cells, secrets)
    # The same file's full report does carry them: the check finds what it looks for.
    full = tmp_path / f"full{suffix}"
    assert main(["screen", str(source), "-o", str(full), "--as-of", "2026-11-27"]) == 0
    full_cells = _cells_of_workbook(full.read_bytes()) if suffix == ".xlsx" else _cells_of_csv(full.read_bytes())
    assert len(_leaks(full_cells, secrets)) > 10


def test_the_shared_report_names_only_its_own_columns(exports, tmp_path):
    """Its Results sheet has the reference and the screening's columns, nothing of the upload; its
    Summary lists the file's columns by letter, each left out."""
    out = tmp_path / "shared.xlsx"
    assert main(["screen", str(exports[0]), "-o", str(out), "--for-sharing", "--as-of", "2026-11-27"]) == 0
    book = load_workbook(out, read_only=True)
    header = next(book["Results"].iter_rows(values_only=True))
    assert header[0] == "ref" and "Phone" not in header and "Client Last Name" not in header
    summary = [row for row in book["Summary"].iter_rows(values_only=True)]
    assert any(str(r[0]).startswith("Column F") and "left out" in str(r[1]) for r in summary)


def test_the_apps_report_for_sharing_holds_no_identifying_value(exports):
    """The app's "Report for sharing" download, built as staff press it, on the export with split names."""
    source = exports[0]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/batch.py").run()
    at.file_uploader(key="upload").set_value((source.name, source.read_bytes(), "application/octet-stream")).run()
    at.button(key="run").click().run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "Phone" in warning and "Street Address" in warning, "the app names the columns copied as they are"
    from eligibility.ui import batch as page

    result = at.session_state[page.STATE]["result"]
    from eligibility.report.workbook import batch_workbook

    shared = batch_workbook(result, result.ruleset, redact=True)
    assert not _leaks(_cells_of_workbook(shared), _identifying_values(source))


@pytest.mark.parametrize(
    ("name", "headers"),
    [("cms_export_matters.xlsx", {"Where Living Now": "current_country", "Came to US after MPP?": "entered_us_since_mpp",
                                  "BIA Appeal?": "appeal_filed", "Case Disposition": "case_status"}),
     ("hoja_clientes.csv", {"Lugar donde vive": "current_country", "¿Entró a EE.UU.?": "entered_us_since_mpp",
                            "Situación del caso": "case_status", "¿Apelación?": "appeal_filed"})],
)
def test_the_outside_exports_map_where_the_person_lives_and_whether_they_came_back(name, headers):
    """Headers of exports the team did not write ("Where Living Now", "Came to US after MPP?",
    "Lugar donde vive") are read without a hand-made mapping: the place column decides element (b)."""
    from eligibility.mapping import suggest_mapping

    table = read_table(EXPORTS / name)
    found = {m.header: m.field for m in suggest_mapping(table.headers)}
    assert {h: found.get(h) for h in headers} == headers
