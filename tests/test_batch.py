"""Batch screening: every row comes out, in order, unchanged, with the same answer evaluate() gives."""

from __future__ import annotations

import csv
import datetime as dt
import io
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from eligibility import evaluate
from eligibility.batch import added_columns, issue_text, row_outputs, screen_table
from eligibility.fields import FIELDS
from eligibility.read import read_table

from .conftest import AS_OF, ROOT, SAMPLES

EOIR = ROOT / "tests" / "fixtures" / "eoir"

cells = {
    "client_id": st.from_regex(r"C-[0-9]{3}", fullmatch=True),  # a row with nothing in it is not a person
    "mpp_enrolled": st.sampled_from(["yes", "no", "", "sí", "no sé", "maybe", "sí, por Tijuana", "creo que sí"]),
    "mpp_enrollment_date": st.sampled_from(["", "2019-07-15", "2019", "2021", "March 2021", "2021-06-01", "julio 2019",
                                             "2018", "13/01/2020", "3/4/2020", "01/02/2021", "06/05/2021", "garbled",
                                             "August 2021", "2021-12-06", "12/25/2019"]),
    "nationality": st.sampled_from(["", "Honduras", "Mexico", "mexicana", "Narnia", "mexicana?"]),
    "arrived_unaccompanied": st.sampled_from(["", "yes", "no", "solo, creo"]),
    "current_country": st.sampled_from(["", "Mexico", "USA", "Honduras", "Tijuana", "Honduras, deported from Mexico",
                                        "fuera de EE.UU.", "LA", "Nogales", "probably Mexico", "Central America"]),
    "entered_us_since_mpp": st.sampled_from(["", "yes", "no", "sí, parole 2021, regresó a México 2023", "a veces"]),
    "case_status": st.sampled_from(["", "terminated", "IA order", "removal order", "pending", "Admin closed", "see file",
                                    "dismissed", "Orden de deportación en ausencia", "IA order 2019, reopened 2021",
                                    "removal order, no appeal", "not terminated", "granted", "withholding granted",
                                    "No case found", "terminated; DHS appealed"]),
    "order_date": st.sampled_from(["", "2020-01-01", "2026-11-01", "2026-10", "10/2026", "2018-05-01", "11/10/2026",
                                   "2026-10-22", "03/04/2020"]),
    "appeal_filed": st.sampled_from(["", "yes", "no", "waived?"]),
    "other_case_pending": st.sampled_from(["", "yes", "no", "tal vez"]),
    "eoir_text": st.sampled_from(["", "This case was terminated.", "No appeal was received for this case.",
                                  "On January 15, 2020, the immigration judge ordered ANA GARCIA removed in absentia.",
                                  "The immigration judge ORDERED REMOVAL on October 22, 2026.\nBIA Case Information\n"
                                  "No appeal was received for this case.",
                                  "The immigration judge ORDERED REMOVAL on 03/04/2020.", "It is still pending.", "No case info found",
                                  "An appeal was received on May 1, 2020.", "No appeal was received. An appeal was received on May 1, 2020.",
                                  *(p.read_text(encoding="utf-8") for p in sorted(EOIR.glob("*.txt"))[::7])]),
    "a_number": st.sampled_from(["", "A012345678", "12345", "012345678"]),
    "full_name": st.sampled_from(["", "Test Uno", "Test Dos"]),
    "date_of_birth": st.sampled_from(["", "1990-01-01", "04/05/1990", "25/12/1985"]),
    "notes": st.sampled_from(["", "llamar", "=1+1"]),
}
rows = st.lists(st.fixed_dictionaries(cells), min_size=1, max_size=25)


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(cells))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


@given(data=rows, lang=st.sampled_from(["en", "es"]), as_of=st.sampled_from([AS_OF, dt.date(2026, 11, 23), dt.date(2020, 3, 12)]))
def test_the_batch_gives_every_row_what_evaluate_gives_it_on_every_column(data, lang, as_of, ruleset, normalizer):
    """Each row through the one-person path (normalizer -> evaluate -> row_outputs) and the whole
    table as a batch give the same value in every added column, shared reasons included. Where a
    date column settles its day/month order, the one-person path is given the same order."""
    table = read_table(_csv(data), "people.csv")
    result = screen_table(table, ruleset, as_of=as_of, lang=lang)
    orders = {c.field: c.order for c in result.date_columns}
    headers = {m.field: m.header for m in result.mapping if m.field}
    batch = {name: values.to_pylist() for name, values in result.added_columns().items()}
    shared = result.added_columns(shared=True)["reasons"].to_pylist()
    assert len(result) == len(table) == len(data)
    for i, raw in enumerate(data):
        record = normalizer.to_record(dict(raw), orders)
        det = evaluate(record, ruleset, as_of=as_of)
        in_sheet_order = sorted(record.data_issues, key=lambda issue: list(headers).index(issue.field))
        own = [issue_text(headers[issue.field], issue, lang) for issue in in_sheet_order]
        duplicates = [issue_text(issue.column, issue, lang) for issue in result.issues_by_row.get(i, []) if issue.code.startswith("duplicate")]
        expected = row_outputs(det, lang, issues=" | ".join(own + duplicates))
        assert {name: batch[name][i] for name in expected} == expected
        assert shared[i] == row_outputs(det, lang, shared=True)["reasons"]
        assert result.review_points[i] == " | ".join(det.review_points(lang))


@given(data=rows)
def test_a_big_csv_read_by_pyarrow_screens_exactly_as_a_small_one(data, ruleset):
    """The fast path for big CSVs (pyarrow columns, Arrow kernels) gives every row the same
    determination, statuses, reasons, questions, data issues and review points."""
    from eligibility.read import csvfile as io_module

    small = screen_table(read_table(_csv(data), "people.csv"), ruleset, as_of=AS_OF)
    with patch.object(io_module, "ARROW_MIN_BYTES", 0):
        table = read_table(_csv(data), "people.csv")
    assert not isinstance(table.columns[0], list), "the pyarrow path was taken"
    big = screen_table(table, ruleset, as_of=AS_OF)
    for name, values in small.added_columns().items():
        assert big.added_columns()[name].to_pylist() == values.to_pylist(), name
    assert [(i.code, i.row, i.column, i.value) for i in big.issues] == [(i.code, i.row, i.column, i.value) for i in small.issues]
    assert big.review_points == small.review_points


@given(data=rows)
def test_every_input_row_comes_out_in_order_with_its_original_values(data, ruleset):
    """No row is dropped or reordered, and no original value changes."""
    table = read_table(_csv(data), "people.csv")
    result = screen_table(table, ruleset, as_of=AS_OF)
    assert table.rows == [[r[c] for c in cells] for r in data]
    for name, values in result.added_columns().items():
        assert len(values) == len(data), name


def test_a_bad_cell_never_stops_the_batch_and_becomes_a_located_issue(ruleset):
    """An unreadable date becomes unknown plus an issue with row, column, value and code."""
    table = read_table(b"Name;Fecha de regreso a M\xe9xico;Estado del caso\nUno;32/13/2020;terminado\nDos;2019-07;IA\n", "x.csv")
    result = screen_table(table, ruleset, as_of=AS_OF)
    assert result.outcome == ["needs_info", "needs_info"]
    issue = next(i for i in result.issues if i.code == "unreadable_date")
    assert (issue.row, issue.column, issue.value) == (2, "Fecha de regreso a México", "32/13/2020")


def test_duplicates_are_flagged_on_both_rows(ruleset):
    """The same A-number, or the same name and date of birth (accents and case folded), flags both rows."""
    data = b"full_name,a_number,date_of_birth\nJos\xc3\xa9 P\xc3\xa9rez,A012345678,1990-01-01\njose perez,,1990-01-01\nOtra,12345678,\nSola,,\n"
    result = screen_table(read_table(data, "d.csv"), ruleset, as_of=AS_OF)
    codes = [sorted(i.code for i in result.issues if i.row == row) for row in (2, 3, 4, 5)]
    assert codes == [["duplicate_a_number", "duplicate_person"], ["duplicate_person"], ["duplicate_a_number"], []]


def test_a_column_with_only_day_first_evidence_is_read_day_first_and_says_which_values_decided(ruleset):
    """Values that can only be day-first, and none that can only be month-first, settle the column;
    the values that decided it are kept to show on the page and in the report."""
    data = b"mpp_enrolled,mpp_enrollment_date\nyes,25/12/2019\nyes,02/01/2021\n"
    result = screen_table(read_table(data, "d.csv"), ruleset, as_of=AS_OF)
    column = result.date_columns[0]
    assert (column.order, column.source, column.decision.deciding) == ("dmy", "column", ("25/12/2019",))
    assert "2021-01-02" in result.reasons[1] and result.statuses["subjected_to_mpp1"] == ["met", "met"]


def test_a_column_that_mixes_day_first_and_month_first_keeps_both_readings(ruleset):
    """When a column contradicts itself nothing is settled: 01/02/2021 is both January 2 and
    February 1, which fall in different zones, so the date is asked for; 3/4/2020 is met either way."""
    data = b"mpp_enrolled,mpp_enrollment_date\nyes,25/12/2019\nyes,12/25/2019\nyes,01/02/2021\nyes,3/4/2020\n"
    result = screen_table(read_table(data, "d.csv"), ruleset, as_of=AS_OF)
    assert result.date_columns[0].source == "conflict"
    assert result.statuses["subjected_to_mpp1"] == ["met", "met", "unknown", "met"]
    assert [i.code for i in result.issues] == ["ambiguous_date", "ambiguous_date"]
    assert "2021-01-02 or 2021-02-01" in result.reasons[2]


def test_staff_can_choose_a_columns_date_order(ruleset):
    """A chosen day/month order overrides inference."""
    data = b"mpp_enrolled,mpp_enrollment_date\nyes,01/02/2021\n"
    table = read_table(data, "d.csv")
    both = screen_table(table, ruleset, as_of=AS_OF)
    mdy = screen_table(table, ruleset, as_of=AS_OF, date_orders={"mpp_enrollment_date": "mdy"})
    dmy = screen_table(table, ruleset, as_of=AS_OF, date_orders={"mpp_enrollment_date": "dmy"})
    assert both.statuses["subjected_to_mpp1"] == ["unknown"]  # nothing settles it: both readings, different zones
    assert mdy.statuses["subjected_to_mpp1"] == ["met"]  # January 2, 2021: before enrolments stopped
    assert dmy.statuses["subjected_to_mpp1"] == ["review"]  # February 1, 2021: after


def test_unmapped_columns_are_kept_and_a_missing_field_is_unknown(ruleset):
    """A column the tool does not read stays in the output; a field with no column is unknown on every row."""
    data = b"Intake worker,mpp_enrolled\nJD,yes\n"
    result = screen_table(read_table(data, "d.csv"), ruleset, as_of=AS_OF)
    assert result.table.headers == ["Intake worker", "mpp_enrolled"]
    assert result.outcome == ["needs_info"]


def test_the_sample_files_screen_without_losing_a_row(ruleset):
    """Each bundled sample screens with one result per data row."""
    expected = {"clean_sample.csv": 12, "messy_spanish.csv": 10, "messy_english.xlsx": 11, "intake_template.xlsx": 1}
    for name, count in expected.items():
        table = read_table(SAMPLES / name)
        result = screen_table(table, ruleset, as_of=AS_OF)
        assert len(result) == count, name
        assert tuple(result.added_columns()) == added_columns(ruleset)


def test_the_messy_spanish_sample_is_read_as_staff_meant_it(ruleset):
    """cp1252, semicolons, Spanish headers, day-first dates: all read; the mapping covers every field."""
    table = read_table(SAMPLES / "messy_spanish.csv")
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    result = screen_table(table, ruleset, as_of=AS_OF)
    unmapped = {"first_name", "middle_name", "last_name", "arrived_unaccompanied", "eoir_text"}
    assert {m.field for m in result.mapping if m.field} == set(FIELDS) - unmapped
    assert result.outcome[:3] == ["likely_member", "likely_member", "likely_member"]
    assert result.date_columns[1].order == "dmy"
