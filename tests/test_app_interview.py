"""The app as staff use it (AppTest): the interview form, the mapping, the call list, the as-of date."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from eligibility.ui.screen import Country, asked_when, pdf_name, read_answer

from .conftest import ROOT

AS_OF = dt.date(2026, 11, 27)


def _app(page: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["as_of"] = AS_OF
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def _outcome(at: AppTest) -> str:
    return " ".join(str(b.value) for b in [*at.success, *at.error, *at.warning, *at.info])


def _markdown(at: AppTest) -> str:
    """The page's markdown as it reads (the escapes that keep typed text literal taken out)."""
    text = "\n".join(str(m.value) for m in at.markdown)
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def _member_so_far(at: AppTest) -> None:
    at.radio(key="p_mpp_enrolled").set_value("yes").run()
    at.radio(key="p_enrollment_mode").set_value("year").run()
    at.number_input(key="p_enrollment_year").set_value(2019).run()


# ------------------------------------------------------------------------------ country boxes


@pytest.mark.parametrize(
    ("typed", "code", "shown"),
    [("Tijuana", "MX", "Mexico"), ("Mexico", "MX", None), ("Ciudad Juarez", "MX", "Mexico"), ("Guatemala City", "GT", "Guatemala"),
     ("fuera de EE.UU.", None, "outside the United States")],
)
def test_a_typed_place_is_read_by_the_reader_a_spreadsheet_cell_goes_through(normalizer, typed, code, shown):
    """What is typed in a country box is read exactly as the same text in a spreadsheet cell.
    (Typing it in the page is the browser test's job: AppTest cannot hold a typed option.)"""
    read = read_answer("current_country", typed)
    assert read == normalizer.read("current_country", typed)
    if code:
        assert read.value == code
    else:
        assert not read.value.may_be("US")
    assert (read.reading.reading.get("en") if read.reading else None) == shown


def test_a_typed_place_that_cannot_be_read_is_an_issue_never_a_silent_unknown(normalizer):
    read = read_answer("current_country", "Tegucigalpa")
    assert read.issue is not None and "Tegucigalpa" in read.issue.message.text("en")


@pytest.mark.parametrize("code", ["CA", "GE", "IN", "CO"])
def test_a_country_picked_from_the_list_is_that_country(code):
    """Countries whose code is also a U.S. state (Canada, Colombia, India) or whose name is (Georgia)
    are the country when picked from the list: a pick is certain, it is not read again."""
    at = _app("pages/screen.py")
    _member_so_far(at)
    at.selectbox(key="p_current_country").set_value(Country(code)).run()
    assert "Met" in _markdown(at).split("(b)")[1].split("(c)")[0]


# ------------------------------------------------------------------------------ the interview


def test_order_date_and_appeal_are_asked_only_when_the_status_reads_them():
    """No status: neither. A removal order: both. Terminated: the appeal (DHS may have appealed),
    not an order date. A pending case: neither. The statuses come from the rules."""
    at = _app("pages/screen.py")

    def asked() -> set[str]:
        keys = {r.key for r in at.radio}
        return {name for name, key in (("order", "p_order_mode"), ("appeal", "p_appeal_filed")) if key in keys}

    assert asked() == set()
    for status, expected in [("removal_order", {"order", "appeal"}), ("removal_order_in_absentia", {"order", "appeal"}),
                             ("terminated", {"appeal"}), ("pending", set()), ("removal_order_final", {"order"})]:
        at.selectbox(key="p_case_status").set_value(status).run()
        assert asked() == expected, status
    assert asked_when("order_date") == {"removal_order", "removal_order_in_absentia", "removal_order_final"}


def test_an_answer_to_a_question_no_longer_asked_does_not_count():
    """An appeal answered for a removal order does not follow the person to a final order."""
    at = _app("pages/screen.py")
    _member_so_far(at)
    at.selectbox(key="p_current_country").set_value(Country("MX")).run()
    at.selectbox(key="p_case_status").set_value("removal_order").run()
    at.radio(key="p_appeal_filed").set_value("yes").run()
    assert "More information needed" in _outcome(at)
    at.selectbox(key="p_case_status").set_value("removal_order_final").run()
    assert "May be a class member" in _outcome(at)


def test_screen_the_next_person_clears_the_answers_and_keeps_language_date_and_screener():
    """After one person, the button empties the form; the language, the as-of date and the screener stay."""
    at = _app("pages/screen.py", "es")
    at.text_input(key="screener").input("Ana Pérez").run()
    at.text_input(key="p_client_id").input("C-17").run()
    _member_so_far(at)
    at.selectbox(key="p_current_country").set_value(Country("HN")).run()
    reference = at.session_state["screening_ref"]
    at.button(key="next_person").click().run()
    assert not at.exception
    assert at.text_input(key="p_client_id").value == ""
    assert at.radio(key="p_mpp_enrolled").value == "unknown"
    assert at.selectbox(key="p_current_country").value is None
    assert at.text_input(key="screener").value == "Ana Pérez"
    assert at.session_state["lang"] == "es" and at.session_state["as_of"] == AS_OF
    assert at.session_state["screening_ref"] != reference
    assert "Se necesita más información" in _outcome(at)


def test_every_attorney_review_result_says_what_to_bring():
    """An attorney-review result lists the documents to bring, from the rules."""
    at = _app("pages/screen.py")
    _member_so_far(at)
    at.selectbox(key="p_current_country").set_value(Country("MX")).run()
    at.selectbox(key="p_case_status").set_value("administratively_closed").run()
    assert "Attorney review needed" in _outcome(at)
    assert "What to bring to the attorney" in _markdown(at)
    assert "EOIR's case portal" in _markdown(at)


def test_the_nine_digit_a_number_written_with_a_hash_is_valid():
    """'A# 219-001-223' is a valid A-number: no data issue on the form."""
    at = _app("pages/screen.py")
    at.text_input(key="p_a_number").input("A# 219-001-223").run()
    assert "not a valid A-number" not in _markdown(at)
    at.text_input(key="p_a_number").input("A# 219-001").run()
    assert "not a valid A-number" in _markdown(at)


def test_the_record_is_named_with_the_client_id_or_the_reference_and_the_date():
    """The PDF's file name carries the client ID (made safe for a file name), else the reference."""
    assert pdf_name("K-201", "S-20261127-AB12", AS_OF) == "screening-K-201-2026-11-27.pdf"
    assert pdf_name(" ../x y ", "S-1", AS_OF) == "screening-x-y-2026-11-27.pdf"
    assert pdf_name(None, "S-20261127-AB12", AS_OF) == "screening-S-20261127-AB12-2026-11-27.pdf"
    at = _app("pages/screen.py")
    at.text_input(key="p_client_id").input("K-201").run()
    assert at.get("download_button")[0].proto.label == "Download screening record (PDF)"


def test_the_form_survives_a_visit_to_each_other_page():
    """Every kind of answer, the screener, the language and the date come back after the other pages."""
    at = _app("pages/screen.py", "es")
    at.text_input(key="screener").input("Ana").run()
    at.text_input(key="p_client_id").input("C-9").run()
    _member_so_far(at)
    at.selectbox(key="p_current_country").set_value(Country("GT")).run()
    for page in ("pages/batch.py", "pages/rules.py", "pages/screen.py"):
        at.switch_page(page).run()
        assert not at.exception
    assert at.text_input(key="p_client_id").value == "C-9" and at.text_input(key="screener").value == "Ana"
    assert at.number_input(key="p_enrollment_year").value == 2019
    assert at.selectbox(key="p_current_country").value == Country("GT")
    assert at.session_state["lang"] == "es" and at.session_state["as_of"] == AS_OF


# ------------------------------------------------------------------------------ batch: mapping


CASE_MANAGEMENT = (
    "Alien Number,First Name,Last Name,Country of Origin,MPP Return Date,Residence Country,In MPP,Case Disposition,"
    "Disposition Date,BIA Appeal,Case Notes,Phone\n"
    "A# 219-001-223,Ana,Sample,Honduras,2019-07-15,Tijuana,yes,removal order,{order},no,,555-0101\n"
    "A 012-345-678,Luis,Example,Guatemala,2019-08-01,Guatemala,yes,terminated,,,,555-0102\n"
)


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="upload").set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


def _mapping(at: AppTest) -> dict[str, str]:
    return {s.label: s.value for s in at.selectbox if "_map_" in (s.key or "")}


def test_case_management_headers_are_recognised_and_shown_in_plain_words():
    """Alien Number, name parts, Country of Origin, Disposition Date, BIA Appeal, Case Notes: each
    column's choice is a field; the choice reads in the page's language."""
    at = _upload(_app("pages/batch.py"), "export.csv", CASE_MANAGEMENT.format(order="2026-11-20").encode())
    mapping = _mapping(at)
    assert mapping == {
        "Read the column “Alien Number” as": "a_number", "Read the column “First Name” as": "first_name",
        "Read the column “Last Name” as": "last_name", "Read the column “Country of Origin” as": "nationality",
        "Read the column “MPP Return Date” as": "mpp_enrollment_date", "Read the column “Residence Country” as": "current_country",
        "Read the column “In MPP” as": "mpp_enrolled", "Read the column “Case Disposition” as": "case_status",
        "Read the column “Disposition Date” as": "order_date", "Read the column “BIA Appeal” as": "appeal_filed",
        "Read the column “Case Notes” as": "notes", "Read the column “Phone” as": "",
    }
    box = next(s for s in at.selectbox if s.label == "Read the column “Disposition Date” as")
    assert box.format_func(box.value) == "Date of the removal order"
    assert box.format_func("") == "Not read (kept in the report)"


def test_changing_a_column_is_one_choice_and_the_row_says_your_choice():
    """A changed row reads "your choice" at 100%; the field leaves the column that had it."""
    at = _upload(_app("pages/batch.py"), "export.csv", CASE_MANAGEMENT.format(order="2026-11-20").encode())
    box = next(s for s in at.selectbox if s.label == "Read the column “Case Notes” as")
    box.set_value("current_country").run()
    mapping = _mapping(at)
    assert mapping["Read the column “Case Notes” as"] == "current_country"
    assert mapping["Read the column “Residence Country” as"] == ""
    texts = [m.value for m in at.markdown]
    assert "your choice" in texts and texts.count("known header") == 9


def test_spanish_headers_are_recognised_and_the_choices_read_in_spanish():
    data = ("Número de extranjero,Primer nombre,Apellidos,País de origen,Fecha de regreso MPP,Disposición,Fecha de disposición,"
            "Notas del caso\n1,a,b,c,,,,\n")
    at = _upload(_app("pages/batch.py", "es"), "es.csv", data.encode())
    mapping = {k.split("“")[1].split("”")[0]: v for k, v in _mapping(at).items()}
    assert mapping == {
        "Número de extranjero": "a_number", "Primer nombre": "first_name", "Apellidos": "last_name", "País de origen": "nationality",
        "Fecha de regreso MPP": "mpp_enrollment_date", "Disposición": "case_status", "Fecha de disposición": "order_date",
        "Notas del caso": "notes",
    }
    box = next(s for s in at.selectbox if "Fecha de disposición" in s.label)
    assert box.format_func(box.value) == "Fecha de la orden de deportación"


# ------------------------------------------------------------------------------ batch: results


def test_results_and_the_call_list_read_in_plain_words_with_the_chosen_columns():
    """The results table and the call list show "Attorney review needed", the code in its own
    column; staff carry the Phone column into the call list and the report's Follow-up sheet."""
    at = _upload(_app("pages/batch.py"), "export.csv", CASE_MANAGEMENT.format(order="2026-11-20").encode())
    at.button(key="run").click().run()
    assert not at.exception
    results = at.dataframe[0].value
    assert "Attorney review needed" in set(results["Result"]) and "needs_review" in set(results["Code (for machines)"])
    chooser = next(m for m in at.multiselect if m.key.endswith("_follow_up_columns"))
    chooser.set_value([11]).run()
    follow = at.dataframe[1].value
    assert list(follow.columns) == ["Row", "Client ID", "Name", "Result", "Re-check on", "Questions to ask, or the point for attorney review",
                                    "Phone", "Code (for machines)"]
    assert follow["Name"].tolist() == ["Ana Sample"] and follow["Phone"].tolist() == ["555-0101"]
    assert follow["Re-check on"].tolist() == ["2026-12-22"]


def test_a_new_screening_date_rescreens_at_once():
    """Changing the as-of date updates the counts without pressing Run again: an order inside its
    appeal period is attorney review; a month later it is final."""
    at = _upload(_app("pages/batch.py"), "export.csv", CASE_MANAGEMENT.format(order="2026-11-20").encode())
    at.button(key="run").click().run()
    assert [m.value for m in at.metric if m.label == "Attorney review needed"] == ["1"]
    at.date_input(key="as_of").set_value(dt.date(2027, 1, 15)).run()
    assert [m.value for m in at.metric if m.label == "May be a class member"] == ["2"]
    assert any("as of 2027-01-15" in h.value.replace("\\", "") for h in at.header)


def test_the_report_carries_the_chosen_columns_and_the_name_but_the_shared_report_does_not(tmp_path):
    """CLI: --follow-up-column adds upload columns to the Follow-up sheet of the full report; the
    report for sharing refuses it and never has the name."""
    from eligibility.cli import main

    source = tmp_path / "export.csv"
    source.write_text(CASE_MANAGEMENT.format(order="2026-11-20"), encoding="utf-8")
    out = tmp_path / "report.xlsx"
    assert main(["screen", str(source), "-o", str(out), "--as-of", "2026-11-27", "--follow-up-column", "phone"]) == 0
    sheet = load_workbook(out)["Follow-up"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "Phone" and rows[1][-1] == "555-0101" and "Ana Sample" in rows[1]
    assert main(["screen", str(source), "-o", str(tmp_path / "s.xlsx"), "--for-sharing", "--follow-up-column", "Phone"]) == 2
    assert main(["screen", str(source), "-o", str(tmp_path / "r.csv"), "--follow-up-column", "Phone"]) == 2
    assert main(["screen", str(source), "-o", str(tmp_path / "r.xlsx"), "--follow-up-column", "Fax"]) == 2
    assert main(["screen", str(source), "-o", str(tmp_path / "shared.xlsx"), "--for-sharing", "--as-of", "2026-11-27"]) == 0
    shared = list(load_workbook(tmp_path / "shared.xlsx")["Follow-up"].iter_rows(values_only=True))
    assert not any("Ana" in str(cell) or "555" in str(cell) for row in shared for cell in row)


def test_the_a_number_with_a_hash_is_valid_in_the_batch_and_the_cli(capsys):
    from eligibility.cli import main

    assert main(["person", "a_number=A# 219-001-223", "--as-of", "2026-11-27"]) == 0
    assert "not a valid A-number" not in capsys.readouterr().out
    at = _upload(_app("pages/batch.py"), "export.csv", CASE_MANAGEMENT.format(order="2026-11-20").encode())
    at.button(key="run").click().run()
    assert not any(i.code == "invalid_a_number" for i in at.session_state["batch"]["result"].issues)


def test_the_screener_and_the_reference_are_printed_and_empty_notes_are_not(ruleset, normalizer):
    import shutil
    import subprocess

    from eligibility.engine import evaluate
    from eligibility.report.pdf import screening_pdf

    record = normalizer.to_record({"client_id": "K-1", "mpp_enrolled": "yes", "notes": ""})
    det = evaluate(record, ruleset, as_of=AS_OF)
    data = screening_pdf(record, det, ruleset, "en", screener="Ana Pérez", reference="S-20261127-AB12")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "Screened by Ana Pérez" in text and "Reference S-20261127-AB12" in text
    assert "Notes" not in text.split("The class definition")[0]


def test_the_workbook_follow_up_sheet_is_in_the_reports_language(ruleset, tmp_path):
    from eligibility.cli import main

    source = tmp_path / "export.csv"
    source.write_text(CASE_MANAGEMENT.format(order="2026-11-20"), encoding="utf-8")
    out = tmp_path / "informe.xlsx"
    assert main(["screen", str(source), "-o", str(out), "--as-of", "2026-11-27", "--lang", "es"]) == 0
    rows = list(load_workbook(io.BytesIO(out.read_bytes()))["Seguimiento"].iter_rows(values_only=True))
    assert "Se necesita revisión de un abogado" in rows[1]


def test_every_attorney_review_rule_case_says_what_to_bring(ruleset, normalizer):
    """Across the rule cases, each result that needs attorney review lists documents to bring."""
    from eligibility.cases import _yaml_value, load_cases
    from eligibility.engine import evaluate

    reviewed = 0
    for case in load_cases(ruleset.source, ruleset.element_ids):
        record = normalizer.to_record({k: _yaml_value(v) for k, v in case.facts.items()})
        det = evaluate(record, ruleset, as_of=case.as_of)
        if det.outcome == "needs_review":
            reviewed += 1
            assert det.documents and all(d.get("en") and d.get("es") for d in det.documents), case.name
    assert reviewed > 20


def test_the_command_line_prints_the_screener_on_the_record(tmp_path):
    import shutil
    import subprocess

    from eligibility.cli import main

    pdf = tmp_path / "record.pdf"
    assert main(["person", "client_id=K-1", "mpp_enrolled=yes", "--pdf", str(pdf), "--screener", "Ana Pérez"]) == 0
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    assert "Screened by Ana Pérez" in text


def test_a_label_on_two_lines_never_runs_into_the_next_fact(ruleset, normalizer):
    """"Arrived at the border as an unaccompanied child?" wraps under itself; the next fact's label
    starts on a line of its own (pdftotext keeps the layout)."""
    import subprocess

    from eligibility.engine import evaluate
    from eligibility.report.pdf import screening_pdf

    from .conftest import require_binary

    record = normalizer.to_record({"mpp_enrolled": "yes", "arrived_unaccompanied": "no", "current_country": "Tijuana"})
    data = screening_pdf(record, evaluate(record, ruleset, as_of=AS_OF), ruleset, "en")
    text = subprocess.run([require_binary("pdftotext"), "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    lines = [line.strip() for line in text.splitlines()]
    label = next(i for i, line in enumerate(lines) if line.startswith("Arrived at the border as an"))
    assert lines[label + 1].startswith("unaccompanied child?"), lines[label : label + 3]
    assert "Country the person is in now" not in lines[label + 1]
    assert lines[label + 2].startswith("Country the person is in now"), lines[label : label + 3]
