"""The command line, as staff would call it."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from eligibility import load_rules
from eligibility.batch import report_columns
from eligibility.cli import main

from .conftest import SAMPLES


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_screen_keeps_every_row_in_order_and_adds_the_contract_columns(tmp_path, capsys):
    """A canonical CSV comes back row for row, original columns first, then the screening's columns, the
    (empty) attorney-decision columns and the decision check."""
    out = tmp_path / "out.csv"
    assert main(["screen", str(SAMPLES / "clean_sample.csv"), "-o", str(out), "--as-of", "2026-11-27"]) == 0
    with (SAMPLES / "clean_sample.csv").open(encoding="utf-8", newline="") as handle:
        original = list(csv.reader(handle))
    with out.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.reader(handle))
    assert written[0] == original[0] + list(report_columns(load_rules()))
    assert [row[: len(original[0])] for row in written[1:]] == original[1:]
    rows = _rows(out)
    assert [r["determination"] for r in rows][:3] == ["likely_member", "likely_member", "likely_member"]
    assert {r["as_of"] for r in rows} == {"2026-11-27"}
    assert "Screened 12 rows" in capsys.readouterr().out


def test_screen_writes_an_xlsx_report_from_a_messy_workbook(tmp_path):
    """XLSX in, XLSX report out, with its six sheets."""
    from openpyxl import load_workbook

    out = tmp_path / "report.xlsx"
    assert main(["screen", str(SAMPLES / "messy_english.xlsx"), "-o", str(out), "--as-of", "2026-11-27"]) == 0
    assert load_workbook(out).sheetnames == ["Results", "Summary", "Follow-up", "Re-check", "Data issues", "Rules"]


def test_map_and_mapping_profiles_override_the_suggested_mapping(tmp_path):
    """--map reads a column as a field; --save-mapping writes a profile that --mapping-file reuses."""
    source = tmp_path / "in.csv"
    text = "Nombre,Situación jurídica,mpp_enrolled,mpp_enrollment_date,current_country\nUno,IA order,yes,2019-07,Mexico\n"
    source.write_text(text, encoding="utf-8")
    out, profile = tmp_path / "out.csv", tmp_path / "profile.yaml"
    assert main(["screen", str(source), "-o", str(out), "--as-of", "2026-11-27", "--map", "Situación jurídica=case_status",
                 "--save-mapping", str(profile)]) == 0
    assert _rows(out)[0]["determination"] == "likely_member"
    assert "case_status" in profile.read_text(encoding="utf-8")
    again = tmp_path / "again.csv"
    assert main(["screen", str(source), "-o", str(again), "--as-of", "2026-11-27", "--mapping-file", str(profile)]) == 0
    assert _rows(again)[0]["determination"] == "likely_member"


def test_spanish_reports_and_date_order_option(tmp_path):
    """--lang es writes Spanish reasons; --date-order settles ambiguous dates."""
    source = tmp_path / "in.csv"
    source.write_text("mpp_enrolled,mpp_enrollment_date,current_country,case_status\nyes,02/01/2021,Honduras,terminated\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["screen", str(source), "-o", str(out), "--as-of", "2026-11-27", "--lang", "es", "--date-order", "dmy"]) == 0
    row = _rows(out)[0]
    assert row["subjected_to_mpp1"] == "met" and "Primera devolución a México: 2021-01-02" in row["reasons"]


def test_for_sharing_leaves_out_names_and_a_numbers(tmp_path):
    """The shared report has a pseudonymous ref instead of names, A-numbers, dates of birth and notes."""
    out = tmp_path / "shared.csv"
    assert main(["screen", str(SAMPLES / "clean_sample.csv"), "-o", str(out), "--for-sharing", "--as-of", "2026-11-27"]) == 0
    rows = _rows(out)
    assert "full_name" not in rows[0] and "a_number" not in rows[0] and "date_of_birth" not in rows[0]
    assert rows[0]["ref"] == "R000002"
    assert "Test Person" not in out.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["screen", "missing.csv", "-o", "out.csv"], 'There is no file at "missing.csv".'),
        (["screen", "SAMPLE", "-o", "out.pdf"], "The output must end in .xlsx or .csv"),
        (["screen", "SAMPLE", "-o", "out.csv", "--map", "Nope=case_status"], 'names a column "Nope"'),
        (["screen", "SAMPLE", "-o", "out.csv", "--map", "full_name=favourite_colour"], '"favourite_colour" is not a field'),
        (["screen", "SAMPLE", "-o", "out.csv", "--sheet", "X"], "CSV file, which has no sheets"),
        (["person", "colour=blue"], '"colour=blue" is not field=value'),
        (["--rules-dir", "/nonexistent", "rules", "show"], "The rules file mpp1_class.yaml"),
    ],
)
def test_user_mistakes_are_one_plain_sentence_and_a_non_zero_exit(tmp_path, monkeypatch, capsys, args, message):
    """No traceback for a user mistake: one line on stderr, exit code 2."""
    monkeypatch.chdir(tmp_path)
    args = [str(SAMPLES / "clean_sample.csv") if a == "SAMPLE" else a for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_bad_as_of_date_is_refused_by_argparse(capsys):
    """--as-of must be YYYY-MM-DD."""
    with pytest.raises(SystemExit) as info:
        main(["screen", "x.csv", "-o", "y.csv", "--as-of", "27/11/2026"])
    assert info.value.code == 2
    assert "is not a date in the form YYYY-MM-DD" in capsys.readouterr().err


def test_person_screens_one_person_and_writes_a_pdf(tmp_path, capsys):
    """`eligibility person` prints the determination, each element and the questions."""
    pdf = tmp_path / "record.pdf"
    assert main(["person", "mpp_enrolled=yes", "mpp_enrollment_date=2019-07", "current_country=Honduras",
                 "--as-of", "2026-11-27", "--pdf", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("More information needed (needs_info)")
    assert "case_inactive: unknown" in out and "? What is the status" in out
    assert pdf.read_bytes().startswith(b"%PDF")


def test_rules_show_and_rules_test(capsys):
    """`rules show` prints the definition with citations; `rules test` runs every case."""
    assert main(["rules", "show"]) == 0
    shown = capsys.readouterr().out
    assert "All individuals subjected to MPP 1.0 prior to June 1, 2021" in shown and "Citation:" in shown
    assert main(["rules", "test"]) == 0
    tested = capsys.readouterr().out
    assert tested.strip().splitlines()[-1].endswith("passed, 0 failed")
    assert tested.count("PASS ") >= 60


def test_the_console_script_is_installed():
    """`eligibility --version` runs as the command the package installs next to the interpreter."""
    command = Path(sys.executable).parent / "eligibility"
    assert command.exists(), "pip install -e . should install the eligibility command"
    result = subprocess.run([str(command), "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("eligibility ")


def test_the_reader_starts_before_anything_heavy_is_imported():
    """`screen` reads the file on a second core while the rest loads: the command line and the
    reader import no pydantic, pandas or engine (and every public name still resolves on use)."""
    code = (
        "import sys, eligibility, eligibility.cli, eligibility.read; "
        "print(sorted(m for m in ('pydantic', 'pandas', 'babel', 'eligibility.engine') if m in sys.modules)); "
        "print(all(getattr(eligibility, name) is not None for name in eligibility.__all__) and 'ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["[]", "ok"]


def test_a_report_for_sharing_does_not_print_the_dates_that_settled_a_column(tmp_path, capsys):
    """The full run names the day-first dates that settled each column (birth dates among them);
    the run for sharing says only how the column was read."""
    source = SAMPLES / "messy_spanish.csv"
    assert main(["screen", str(source), "-o", str(tmp_path / "full.xlsx"), "--as-of", "2026-11-27"]) == 0
    full = capsys.readouterr().out
    assert "25/12/1990" in full
    assert main(["screen", str(source), "-o", str(tmp_path / "shared.xlsx"), "--for-sharing", "--as-of", "2026-11-27"]) == 0
    shared = capsys.readouterr().out
    assert 'Dates in "Fecha de nacimiento" read as dmy' in shared and "25/12/1990" not in shared and "/20" not in shared
