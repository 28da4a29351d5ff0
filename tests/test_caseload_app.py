"""Working a caseload in the app: decisions kept and entered in the results table, the re-check
calendar, and "Compare with an earlier report" (AppTest, and a real browser)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from eligibility.cli import main
from eligibility.read import Limits
from eligibility.report import batch_csv

from .conftest import AS_OF, ROOT
from .test_browser import browser, page, server  # noqa: F401  (fixtures: one streamlit server, one chromium, a fresh tab)
from .test_caseload import INTAKE, LATER, STAFF, ruleset_version, screened_reports

RULES_VERSION = ruleset_version()


def _read(markdown: str) -> str:
    """Markdown as a person reads it: the escapes that keep file text literal removed."""
    return markdown.replace("\\", "").replace("\u2060", "")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """The screened, filled-in and re-screened reports of test_caseload."""
    return screened_reports(tmp_path_factory.mktemp("caseload-app"))

# ---------------------------------------------------------------------------------- the app


def _batch_page(files, name: str = "r1-decided.xlsx", as_of: dt.date = LATER) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang"] = "en"
    at.session_state["as_of"] = as_of
    at.run()
    at.switch_page("pages/batch.py").run()
    at.file_uploader(key="upload").set_value((name, files[name].read_bytes(), "application/octet-stream")).run()
    at.button(key="run").click().run()
    assert not at.exception
    return at


def _decisions_table(at: AppTest):
    """The results table with its decision columns (the other editor on the page is the mapping)."""
    return next(e.value for e in at.data_editor if "attorney_decision" in e.value.columns)


def test_the_app_keeps_decisions_flags_stale_ones_and_compares_with_an_earlier_report(files):
    """Upload the filled-in report: the decisions and their flags are in the results table; upload the
    earlier report: the summary and the changes table appear, and every download is offered."""
    at = _batch_page(files)
    table = _decisions_table(at)
    assert list(table["attorney_decision"]) == [STAFF[c][0] for c in sorted(STAFF)]
    assert list(table["decision_stale"]) == ["yes", "no", "no", "no", "yes"]
    assert any(f"carries an earlier screening (as of 2026-11-27, rules {RULES_VERSION})" in _read(i.value) for i in at.info)
    assert any("5 attorney decision(s): 2 need another look" in w.value for w in at.warning)
    assert len(at.get("download_button")) == 4, "no re-check calendar: as of 2027-01-15 nothing waits for a date"
    assert any("No row waits for a date" in c.value for c in at.caption)
    at.file_uploader(key="earlier_upload").set_value(("r1.xlsx", files["r1.xlsx"].read_bytes(), "application/octet-stream")).run()
    assert not at.exception
    shown = _read(" ".join(str(b.value) for b in (*at.info, *at.success)))
    assert f"Since the report as of 2026-11-27 (rules {RULES_VERSION}): 2 changed, 0 new, 0 gone, 0 ambiguous, 3 unchanged." in shown
    changes = at.dataframe[-1].value
    assert set(changes["Client ID"]) == {"C-101", "C-105"}
    at.file_uploader(key="earlier_upload").set_value(("intake.csv", INTAKE.encode(), "text/csv")).run()
    assert not at.exception
    assert [_read(e.value) for e in at.error] == [
        '"intake.csv" is not a report of this tool: its first sheet has no determination, rules_version and as_of columns.']


def test_a_decision_entered_in_the_results_table_goes_into_the_downloads(files):
    """Staff pick "Member" for a row in the table: the downloads carry it, marked as entered beside this screening."""
    at = _batch_page(files, "r1.xlsx", AS_OF)
    assert at.get_by_key("download_calendar").label == "Re-check calendar (.ics)"
    from eligibility.ui.batch import STATE
    from eligibility.ui.caseload import prepared

    state = at.session_state[STATE]
    key, rows = state["editor"]
    at.session_state[key] = {"edited_rows": {2: {"attorney_decision": "Member", "decided_by": "P. Staff"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    state = at.session_state[STATE]
    assert state["decisions"]["attorney_decision"][rows[2]] == "Member"
    result = prepared(state["result"], state, Limits())
    csv_rows = list(csv.DictReader(io.StringIO(batch_csv(result).decode("utf-8-sig"))))
    assert (csv_rows[2]["attorney_decision"], csv_rows[2]["decided_by"], csv_rows[2]["decision_stale"]) == ("Member", "P. Staff", "no")
    assert csv_rows[2]["decision_stale_reason"].startswith("Entered in the app beside this screening")
    assert _decisions_table(at)["attorney_decision"].tolist()[2] == "Member"


# ---------------------------------------------------------------------------------- the browser


@pytest.mark.browser
def test_compare_with_an_earlier_report_in_the_browser(page, tmp_path):  # noqa: F811
    """Staff upload this month's list, screen it, upload last month's report under "Compare with an
    earlier report", read the summary, and download the report (with its Changes sheet), the changes
    and the re-check calendar."""
    today = dt.date.today()
    rows = (
        "Client ID,Full name,A-number,mpp_enrolled,mpp_enrollment_date,current_country,case_status,order_date,appeal_filed\n"
        f"W-1,Wanda Uno,A087654321,yes,2019-07,Mexico,removal order,{today - dt.timedelta(days=45)},no\n"
        f"W-2,Walter Dos,A087654322,yes,2019-07,Mexico,removal order,{today - dt.timedelta(days=5)},no\n"
    )
    earlier_csv, now_csv = tmp_path / "last-month.csv", tmp_path / "this-month.csv"
    earlier_csv.write_text(rows + "W-3,Wilma Tres,,yes,2019-07,Mexico,terminated,,\n", encoding="utf-8")
    now_csv.write_text(rows + "W-4,Wes Cuatro,,yes,2019-08,Honduras,terminated,,\n", encoding="utf-8")
    earlier = tmp_path / "last-month-screening.xlsx"
    assert main(["screen", str(earlier_csv), "-o", str(earlier), "--as-of", (today - dt.timedelta(days=40)).isoformat()]) == 0

    page.get_by_role("link", name="Batch check a spreadsheet").click()
    page.get_by_role("heading", name="Batch check a spreadsheet").wait_for()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(now_csv))
    page.get_by_role("button", name="Screen these rows").click()
    page.get_by_role("heading", name="Results for 3 rows").wait_for(timeout=60_000)
    page.get_by_role("heading", name="Compare with an earlier report").scroll_into_view_if_needed()
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Earlier report")
    uploader.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(earlier))
    summary = page.get_by_text("2 changed, 1 new, 1 gone, 0 ambiguous, 0 unchanged", exact=False)
    summary.wait_for(timeout=60_000)
    summary.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(artifacts / "batch-compare.png"))

    def download(name: str) -> Path:
        with page.expect_download() as done:
            page.get_by_role("button", name=name).click()
        path = tmp_path / done.value.suggested_filename
        done.value.save_as(path)
        return path

    changes = list(csv.DictReader(io.StringIO(download("Download the changes (CSV)").read_text(encoding="utf-8-sig"))))
    assert {(r["Client ID"], r["Change"]) for r in changes} == {("W-1", "Changed"), ("W-2", "Changed"), ("W-4", "New"), ("W-3", "Gone")}
    why = {r["Client ID"]: r["Why"] for r in changes}
    assert why["W-1"].startswith("The as-of date (") and "reached the re-check date the earlier report gave" in why["W-1"]
    assert why["W-2"].startswith("Only the as-of date moved"), "its order was after the earlier as-of date: nothing else changed"

    book = load_workbook(download("Download report (XLSX)"))
    assert book.sheetnames == ["Results", "Summary", "Follow-up", "Re-check", "Changes", "Data issues", "Rules"]
    assert {r[2] for r in list(book["Changes"].iter_rows(values_only=True))[1:]} == {"W-1", "W-2", "W-3", "W-4"}
    assert [r[3] for r in list(book["Re-check"].iter_rows(values_only=True))[1:]] == ["W-2"]

    calendar = Calendar.from_ical(download("Re-check calendar (.ics)").read_bytes())
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Re-check MPP 1.0 class screening: W-2"]
