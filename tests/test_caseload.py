"""Working a caseload over time, through real files: attorney decisions kept, stale ones flagged,
what changed since last time (with its cause), and the re-check calendar."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from eligibility import Normalizer, evaluate
from eligibility.batch import screen_table
from eligibility.caseload import decision_columns, earlier_columns
from eligibility.cli import main
from eligibility.compare import compare
from eligibility.mapping import suggest_mapping
from eligibility.read import read_table
from eligibility.report import batch_csv, batch_workbook, recheck_calendar, result_columns, screening_pdf

from .conftest import AS_OF, ROOT, require_binary

LATER = dt.date(2027, 1, 15)
DECIDED = dt.datetime(2026, 11, 30)
INTAKE = """Client ID,Full name,A-number,Date of birth,MPP enrolled,MPP enrollment date,Current country,Case status,Order date,Appeal filed
C-101,Ana Uno,A012345671,1990-01-02,yes,2019-07,Mexico,removal order,2026-11-10,no
C-102,Beto Dos,A012345672,1991-02-03,yes,2019-08,Honduras,terminated,,
C-103,Carla Tres,A012345673,1992-03-04,yes,2019-09,Guatemala,administratively closed,,
C-104,Dario Cuatro,A012345674,1993-04-05,yes,2019-10,Mexico,case pending,,
C-105,Eva Cinco,,1994-05-06,yes,2021,Mexico,terminated,,
"""
# What staff write in the report, as they would in Excel: decision, note, who, when.
STAFF = {
    "C-101": ("Miembro", "Llamar después del 11 de diciembre", "J. Abogada", DECIDED),
    "C-102": ("Member", None, "K. Lawyer", DECIDED),
    "C-103": ("member?", None, "K. Lawyer", DECIDED),
    "C-104": ("Not a member", None, "K. Lawyer", DECIDED),
    "C-105": ("Se necesita más información", "pedir fecha exacta", None, None),
}


def _results(path: Path) -> list[dict[str, object]]:
    rows = list(load_workbook(path)["Results"].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _fill_decisions(report: Path, target: Path, edits: dict[str, dict[str, str]] | None = None) -> None:
    """Fill the decision columns of a report with openpyxl, as staff would in Excel (and correct an
    input cell where new facts arrived)."""
    book = load_workbook(report)
    sheet = book["Results"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        client = row[header.index("Client ID")].value
        decision, note, who, when = STAFF[client]
        for name, value in (("attorney_decision", decision), ("decision_note", note), ("decided_by", who), ("decided_on", when)):
            row[header.index(name)].value = value
        for column, value in (edits or {}).get(client, {}).items():
            row[header.index(column)].value = value
    book.save(target)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    return screened_reports(tmp_path_factory.mktemp("caseload"))


def screened_reports(folder: Path) -> dict[str, Path]:
    """Screen a batch, fill decisions into its report, and re-screen it later: once with the same
    rules, once with an edited copy of the rules (a new version that moves one status table row)."""
    intake = folder / "intake.csv"
    intake.write_text(INTAKE, encoding="utf-8")
    rules = folder / "rules"
    shutil.copytree(ROOT / "rules", rules)
    text = (rules / "mpp1_class.yaml").read_text(encoding="utf-8")
    old = "administratively_closed:     {status: review, reason: status_administratively_closed}"
    assert old in text and re.search(r'^version: "[0-9.]+"$', text, flags=re.M)
    text = text.replace(old, "administratively_closed:     {status: not_met, reason: status_administratively_closed}")
    (rules / "mpp1_class.yaml").write_text(re.sub(r'^version: "[0-9.]+"$', 'version: "2027.01.1"', text, flags=re.M), encoding="utf-8")
    paths = {name: folder / name for name in ("r1.xlsx", "r1-decided.xlsx", "same-rules.xlsx", "edited.xlsx", "changes.xlsx",
                                              "shared.xlsx", "r1.ics", "edited.ics")}
    paths["rules"] = rules
    assert main(["screen", str(intake), "-o", str(paths["r1.xlsx"]), "--as-of", AS_OF.isoformat(), "--calendar", str(paths["r1.ics"])]) == 0
    _fill_decisions(paths["r1.xlsx"], paths["r1-decided.xlsx"], {"C-105": {"MPP enrollment date": "2019-06"}})
    later = ["--as-of", LATER.isoformat()]
    assert main(["screen", str(paths["r1-decided.xlsx"]), "-o", str(paths["same-rules.xlsx"]), *later]) == 0
    edited = ["--rules-dir", str(rules)]
    assert main(["screen", str(paths["r1-decided.xlsx"]), "-o", str(paths["edited.xlsx"]), *later, *edited,
                 "--calendar", str(paths["edited.ics"])]) == 0
    assert main(["compare", str(paths["r1.xlsx"]), str(paths["r1-decided.xlsx"]), "-o", str(paths["changes.xlsx"]), *later, *edited]) == 0
    assert main(["screen", str(paths["r1-decided.xlsx"]), "-o", str(paths["shared.xlsx"]), *later, *edited, "--for-sharing"]) == 0
    return paths


def test_the_first_report_carries_empty_decision_columns_beside_the_result(files):
    """A first screening has attorney_decision, decision_note, decided_by and decided_on, empty, after its own columns."""
    rows = _results(files["r1.xlsx"])
    header = list(rows[0])
    assert header[header.index("as_of") + 1 : header.index("as_of") + 5] == ["attorney_decision", "decision_note", "decided_by", "decided_on"]
    assert all(row[name] is None for row in rows for name in ("attorney_decision", "decision_note", "decided_by", "decided_on"))
    assert [row["determination"] for row in rows] == ["needs_review", "likely_member", "needs_review", "not_member", "needs_info"]


def test_decisions_filled_in_excel_are_kept_as_written_in_every_later_report(files):
    """Re-screening the filled-in report keeps each decision, note, name and date exactly as staff wrote them."""
    for name in ("same-rules.xlsx", "edited.xlsx", "changes.xlsx"):
        for row in _results(files[name]):
            decision, note, who, when = STAFF[row["Client ID"]]
            assert (row["attorney_decision"], row["decision_note"], row["decided_by"], row["decided_on"]) == (decision, note, who, when), name


def ruleset_version() -> str:
    from eligibility import load_rules

    return load_rules(ROOT / "rules").version


def test_our_own_report_is_read_back_cleanly(files):
    """The earlier screening's columns are replaced, not duplicated or read as facts; the new one is stamped."""
    header = list(_results(files["edited.xlsx"])[0])
    assert not [h for h in header if "screening" in h]
    assert len(header) == len(set(header))
    for name in ("determination", "case_inactive", "rules_version", "as_of", "attorney_decision", "decision_stale"):
        assert header.count(name) == 1, name
    rows = _results(files["edited.xlsx"])
    assert {row["rules_version"] for row in rows} == {"2027.01.1"} and {row["as_of"] for row in rows} == {LATER.isoformat()}
    summary = {r[0]: r[1] for r in load_workbook(files["edited.xlsx"])["Summary"].iter_rows(values_only=True)}
    assert summary["Earlier screening in the file"].startswith(f"As of {AS_OF.isoformat()}, rules {ruleset_version()}.")
    assert summary["determination"] == "earlier screening (determination); replaced by this screening"


def test_a_decision_never_changes_the_tools_determination(files, ruleset):
    """The same file with and without decisions gets the same determinations and element statuses."""
    decided = screen_table(read_table(files["r1-decided.xlsx"]), ruleset, as_of=LATER)
    table = read_table(files["r1-decided.xlsx"])
    keep = [i for i, h in enumerate(table.headers) if h not in ("attorney_decision", "decision_note", "decided_by", "decided_on")]
    table.headers, table.columns = [table.headers[i] for i in keep], [table.columns[i] for i in keep]
    plain = screen_table(table, ruleset, as_of=LATER)
    for name in ("determination", *ruleset.element_ids, "reasons", "recheck_on"):
        assert decided.arrays[name].to_pylist() == plain.arrays[name].to_pylist(), name


def test_with_the_same_rules_only_the_decisions_whose_result_changed_are_stale(files):
    """Later, same rules: C-101 (its appeal period ran out) and C-105 (a corrected date) need another
    look; the others are current; "member?" is kept but not read."""
    rows = {row["Client ID"]: row for row in _results(files["same-rules.xlsx"])}
    assert {c: rows[c]["decision_stale"] for c in rows} == {"C-101": "yes", "C-102": "no", "C-103": "no", "C-104": "no", "C-105": "yes"}
    assert {c: rows[c]["decision_category"] for c in rows} == {
        "C-101": "member", "C-102": "member", "C-103": "unreadable", "C-104": "not_member", "C-105": "more_info"}
    assert "Determination: Attorney review needed → May be a class member" in rows["C-101"]["decision_stale_reason"]
    assert rows["C-103"]["decision_stale_reason"].startswith('"member?" is not a decision the tool can read')
    assert rows["C-101"]["determination"] == "likely_member" and rows["C-101"]["recheck_on"] in (None, "")


def test_with_edited_rules_every_decision_is_flagged_with_the_rules_change(files):
    """A new rules version touches every decision; the reason names the rules and any status that moved."""
    rows = {row["Client ID"]: row for row in _results(files["edited.xlsx"])}
    assert {row["decision_stale"] for row in rows.values()} == {"yes"}
    version = ruleset_version()
    assert all(f"Rules: {version} (" in row["decision_stale_reason"] and "→ 2027.01.1 (" in row["decision_stale_reason"] for row in rows.values())
    assert rows["C-103"]["determination"] == "not_member"
    assert "(c) Case not active: terminated or final removal order: Needs review → Not met" in rows["C-103"]["decision_stale_reason"]


def test_every_change_is_listed_with_its_cause(files):
    """compare lists C-101 (re-check date reached, rules), C-103 (rules) and C-105 (an input, old and new)."""
    rows = list(load_workbook(files["changes.xlsx"])["Changes"].iter_rows(values_only=True))
    header, body = rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert header[:4] == ("Row", "Row in the earlier report", "Client ID", "Name")
    changed = {r["Client ID"]: r for r in body}
    assert set(changed) == {"C-101", "C-103", "C-105"} and {r["Change"] for r in body} == {"Changed"}
    assert {r["Matched by"] for r in body} == {"client ID"}
    assert "The as-of date (2027-01-15) reached the re-check date the earlier report gave (2026-12-11)." in changed["C-101"]["Why"]
    assert all(r["Why"].startswith(f"The rules changed: {ruleset_version()} (") for r in body)
    assert 'Date first returned to Mexico changed: "2021" → "2019-06" (read as 2021 → 2019-06).' in changed["C-105"]["Why"]
    assert (changed["C-103"]["Earlier determination"], changed["C-103"]["Determination now"]) == ("needs_review", "not_member")
    assert changed["C-101"]["What changed"].startswith("Determination: Attorney review needed → May be a class member")


def test_the_report_for_sharing_carries_only_the_decision_category_and_flag(files):
    """No note, no name of who decided, no date: only decision_category and decision_stale."""
    book = load_workbook(files["shared.xlsx"])
    header = next(book["Results"].iter_rows(values_only=True))
    assert header[-2:] == ("decision_category", "decision_stale")
    assert not {"attorney_decision", "decision_note", "decided_by", "decided_on", "decision_stale_reason"} & set(header)
    text = " ".join(str(c) for s in book for row in s.iter_rows(values_only=True) for c in row if c is not None)
    for secret in ("J. Abogada", "K. Lawyer", "Llamar", "pedir fecha", "member?", "Ana Uno", "012345671"):
        assert secret not in text


def test_the_recheck_calendar_parses_back_with_one_event_per_recheck(files):
    """The .ics read back with icalendar: one all-day event on the re-check date, titled by client ID only."""
    raw = files["r1.ics"].read_bytes()
    calendar = Calendar.from_ical(raw)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert event.decoded("dtstart") == dt.date(2026, 12, 11) and event.decoded("dtend") == dt.date(2026, 12, 12)
    assert str(event["summary"]) == "Re-check MPP 1.0 class screening: C-101"
    assert str(event["uid"]).startswith("C-101/2026-12-11@")
    for secret in (b"Ana", b"012345671", b"1990"):
        assert secret not in raw
    assert not list(Calendar.from_ical(files["edited.ics"].read_bytes()).walk("VEVENT")), "nothing waits for a date any more"


def test_the_recheck_sheet_lists_rows_by_date(files):
    """The Re-check sheet: the row that waits for a date, with the date first."""
    rows = list(load_workbook(files["r1.xlsx"])["Re-check"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Re-check on", "Row", "Ref", "Client ID")
    assert [r[0] for r in rows[1:]] == ["2026-12-11"] and rows[1][3] == "C-101"


# ---------------------------------------------------------------------------------- reading decisions


@pytest.mark.parametrize(
    ("written", "category"),
    [
        ("Member", "member"), ("class member", "member"), ("Miembro de la clase", "member"), ("es miembro", "member"),
        ("Not a member", "not_member"), ("NO ES MIEMBRO", "not_member"), ("non-member", "not_member"),
        ("More information needed", "more_info"), ("Se necesita más información", "more_info"), ("falta información", "more_info"),
        ("Member - see memo of 2026-11-20", "member"),
        ("member?", "unreadable"), ("probably member", "unreadable"), ("no", "unreadable"), ("yes", "unreadable"),
        ("member, not a member", "unreadable"), ("tal vez miembro", "unreadable"), ("unknown", "unreadable"), ("Admitted", "unreadable"),
    ],
)
def test_a_decision_is_read_in_english_or_spanish_and_never_guessed(normalizer, written, category):
    """The words of rules/vocabulary.yaml read as a category; anything else is kept and flagged."""
    assert normalizer.read("attorney_decision", written).value == category


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_labels_the_app_offers_read_back_as_their_category(normalizer, lang):
    """What the app's decision list writes is read back as the category it names."""
    from eligibility.i18n import t

    for category in ("member", "not_member", "more_info"):
        assert normalizer.read("attorney_decision", t(f"decision.{category}", lang)).value == category


def _check(ruleset, before: dict, decided_on, earlier_stale=""):
    """The decision check for one row decided as ``before`` says, against a likely-member screening."""
    ids = ruleset.element_ids
    new = {"determination": ["likely_member"], **{e: ["met"] for e in ids}, "rules_version": [ruleset.version], "rules_hash": [ruleset.short_hash]}
    earlier = {k: [v] for k, v in before.items()}
    if earlier_stale is not None and before:
        earlier["decision_stale"] = [earlier_stale]
    out = decision_columns({"attorney_decision": ["member"], "decided_on": [decided_on]}, earlier, new, ruleset, Normalizer(ruleset), "en", 1)
    return out["decision_stale"][0], out["decision_stale_reason"][0]


@pytest.mark.parametrize(
    ("decided_on", "earlier_stale", "stale", "why"),
    [
        ("2026-11-30", "", "no", "Nothing the decision rests on changed"),
        ("2026-11-27", "", "no", "Nothing the decision rests on changed"),
        ("2026-11-01", "", "unknown", "is older than the screening of 2026-11-27"),
        ("2026-11-01", "no", "no", "that report found the decision current"),
        ("2026-11-01", "yes", "yes", "already flagged this decision"),
        ("2026-12-01", "yes", "no", "Nothing the decision rests on changed"),
        (None, "", "unknown", "The decision has no date"),
        ("next week", "", "unknown", '"next week" (decided_on) is not a date'),
        ("2026-11", "", "unknown", "does not say whether it came before or after"),
    ],
)
def test_an_unchanged_result_leaves_a_decision_current_only_when_its_date_says_so(ruleset, decided_on, earlier_stale, stale, why):
    """Nothing changed since the earlier screening of 2026-11-27: a decision dated on or after it is
    current; an older one is current only if that report said so; otherwise the tool cannot tell."""
    same = {"determination": "likely_member", **dict.fromkeys(ruleset.element_ids, "met"), "rules_version": ruleset.version,
            "rules_hash": ruleset.short_hash, "as_of": "2026-11-27"}
    found, reason = _check(ruleset, same, decided_on, earlier_stale)
    assert (found, why in reason) == (stale, True), reason


def test_without_an_earlier_screening_a_decision_cannot_be_checked(ruleset):
    """A sheet with decisions but no earlier result: unknown, never "no"."""
    assert _check(ruleset, {}, "2026-11-30") == ("unknown", _check(ruleset, {}, None)[1])
    assert _check(ruleset, {}, None)[0] == "unknown"


def test_a_sheet_is_an_earlier_report_only_with_the_stamp_columns():
    """A client sheet with its own "result" or "reasons" column keeps it: without determination,
    rules_version and as_of together, nothing is taken for an earlier screening."""
    headers = ["Client ID", "result", "reasons"]
    assert earlier_columns(headers, suggest_mapping(headers), ["determination", "result", "reasons", "rules_version", "as_of"]) == {}


def test_a_client_sheet_with_a_result_column_keeps_it(ruleset, tmp_path):
    """Such a column comes out as written, and the screening's own column gets the _screening suffix."""
    source = tmp_path / "in.csv"
    source.write_text("Client ID,result,mpp_enrolled\nC-1,won at trial,yes\n", encoding="utf-8")
    result = screen_table(read_table(source), ruleset, as_of=AS_OF)
    rows = list(csv.reader(io.StringIO(batch_csv(result).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Client ID", "result", "mpp_enrolled"] and "result_screening" in rows[0]
    assert rows[1][1] == "won at trial"


def test_decision_columns_from_any_sheet_are_mapped_like_other_fields(ruleset, tmp_path):
    """Spanish headers for the decision columns are recognised and come out under their own names."""
    source = tmp_path / "in.csv"
    source.write_text("Expediente,Decisión del abogado,Decidido por,Decidido el,mpp_enrolled\nE-1,Miembro,Lic. Ruiz,2026-11-30,no\n",
                      encoding="utf-8")
    result = screen_table(read_table(source), ruleset, as_of=AS_OF)
    assert [m.field for m in result.mapping][:4] == ["client_id", "attorney_decision", "decided_by", "decided_on"]
    headers, columns = result_columns(result)
    by_name = dict(zip(headers, columns, strict=True))
    assert by_name["attorney_decision"] == ["Miembro"] and by_name["decided_by"] == ["Lic. Ruiz"]
    assert "Decisión del abogado" not in headers
    assert by_name["decision_category"] == ["member"] and by_name["decision_stale"] == ["unknown"]
    assert by_name["determination"].to_pylist() == ["not_member"]


# ---------------------------------------------------------------------------------- compare


def _screen(ruleset, text: str, as_of: dt.date = AS_OF):
    return screen_table(read_table(text.encode("utf-8"), "x.csv"), ruleset, as_of=as_of)


def _earlier(ruleset, text: str, as_of: dt.date = AS_OF):
    """A report of ``text``, read back as staff would upload it."""
    return read_table(batch_workbook(_screen(ruleset, text, as_of), ruleset), "earlier.xlsx")


HEAD = "Client ID,Full name,A-number,Date of birth,mpp_enrolled,mpp_enrollment_date,current_country,case_status\n"


def test_rows_are_matched_by_client_id_then_a_number_then_name_and_birth(ruleset):
    """A row whose client ID changed is still matched by A-number; one with neither, by name and birth."""
    earlier = _earlier(ruleset, HEAD + "C-1,Ana,A012345671,1990-01-02,yes,2019-07,Mexico,pending\n"
                                       "C-2,Beto,A012345672,1991-01-02,yes,2019-07,Mexico,pending\n"
                                       ",Carla Peña,,1992-01-02,yes,2019-07,Mexico,pending\n")
    now = _screen(ruleset, HEAD + "C-1,Ana,A012345671,1990-01-02,yes,2019-07,Mexico,terminated\n"
                                  "X-9,Beto,A 012-345-672,1991-01-02,yes,2019-07,Mexico,terminated\n"
                                  ",CARLA PENA,,1992-01-02,yes,2019-07,Mexico,terminated\n")
    changes = compare(earlier, now)
    assert [(c.kind, c.matched_by) for c in changes.items] == [("changed", "client_id"), ("changed", "a_number"), ("changed", "name_dob")]
    assert all(c.causes[0].code == "input" and c.causes[0].field == "case_status" for c in changes.items)
    assert changes.items[0].causes[0].before_read == "pending" and changes.items[0].causes[0].after_read == "terminated"


def test_new_gone_and_ambiguous_people_are_reported_not_guessed(ruleset):
    """Someone only in the new file is new, only in the earlier one gone; a client ID on two earlier rows matches neither."""
    earlier = _earlier(ruleset, HEAD + "C-1,Ana,,,yes,2019-07,Mexico,pending\nC-2,Beto,,,yes,2019-07,Mexico,pending\n"
                                       "C-2,Otro Beto,,,yes,2019-07,Mexico,pending\nC-4,Dora,,,yes,2019-07,Mexico,pending\n")
    now = _screen(ruleset, HEAD + "C-1,Ana,,,yes,2019-07,Mexico,pending\nC-2,Beto,,,yes,2019-07,Mexico,pending\n"
                                  "C-5,Eli,,,yes,2019-07,Mexico,terminated\n")
    changes = compare(earlier, now)
    assert changes.counts() == {"changed": 0, "new": 1, "gone": 1, "ambiguous": 1, "unchanged": 1}
    ambiguous = next(c for c in changes.items if c.kind == "ambiguous")
    assert ambiguous.row == 1 and [earlier.row_numbers[i] for i in ambiguous.candidates] == [3, 4]
    now.changes = changes
    rows = list(load_workbook(io.BytesIO(batch_workbook(now, ruleset)))["Changes"].iter_rows(values_only=True))
    kinds = {r[rows[0].index("Change")]: r for r in rows[1:]}
    assert set(kinds) == {"New", "Gone", "Ambiguous match"}
    assert kinds["Gone"][rows[0].index("Client ID")] == "C-4" and kinds["Gone"][rows[0].index("Name")] == "Dora"
    assert "The client ID is shared by more than one row (3, 4)" in kinds["Ambiguous match"][rows[0].index("Why")]


def test_a_change_of_as_of_date_alone_is_named_only_when_nothing_else_explains_it(ruleset):
    """Same file, same rules, a later date past the re-check date: the cause is that date, computed."""
    text = HEAD.strip() + ",order_date,appeal_filed\nC-1,Ana,,,yes,2019-07,Mexico,removal order,2026-11-10,no\n"
    changes = compare(_earlier(ruleset, text), _screen(ruleset, text, LATER))
    assert [c.code for c in changes.items[0].causes] == ["recheck_passed"]
    assert (changes.items[0].causes[0].before, changes.items[0].causes[0].after) == ("2026-12-11", LATER.isoformat())


def test_the_shared_changes_sheet_shows_readings_never_cells(ruleset):
    """For sharing, an input change names the field and what was read, not the cells; names and refs only."""
    earlier = _earlier(ruleset, HEAD + "C-1,Ana Secreta,,,yes,2019-07,Tijuana (con su tía Rosa),pending\n")
    now = _screen(ruleset, HEAD + "C-1,Ana Secreta,,,yes,2019-07,Estados Unidos (Houston),pending\n")
    now.changes = compare(earlier, now)
    book = load_workbook(io.BytesIO(batch_workbook(now, ruleset, redact=True)))
    text = " ".join(str(c) for row in book["Changes"].iter_rows(values_only=True) for c in row if c is not None)
    assert "Country the person is in now changed (read as MX → US)." in text
    for secret in ("Rosa", "Houston", "Ana Secreta", "C-1"):
        assert secret not in text
    full = load_workbook(io.BytesIO(batch_workbook(now, ruleset)))
    assert "Tijuana (con su tía Rosa)" in " ".join(str(c) for row in full["Changes"].iter_rows(values_only=True) for c in row if c)


def test_compare_refuses_a_file_that_is_not_a_report(ruleset, tmp_path, capsys):
    """An intake sheet given as the earlier report is one plain sentence and exit code 2."""
    source = tmp_path / "in.csv"
    source.write_text(HEAD + "C-1,Ana,,,yes,2019-07,Mexico,pending\n", encoding="utf-8")
    assert main(["compare", str(source), str(source), "-o", str(tmp_path / "c.xlsx")]) == 2
    assert 'is not a report of this tool' in capsys.readouterr().err


def test_compare_writes_only_the_changes_as_csv(files, tmp_path):
    """With -o changes.csv, the file holds the Changes rows."""
    out = tmp_path / "changes.csv"
    assert main(["compare", str(files["r1.xlsx"]), str(files["r1-decided.xlsx"]), "-o", str(out), "--as-of", LATER.isoformat()]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert {r["Client ID"] for r in rows} == {"C-101", "C-105"}
    same = tmp_path / "nothing.csv"
    assert main(["compare", str(files["r1.xlsx"]), str(files["r1.xlsx"]), "-o", str(same), "--as-of", AS_OF.isoformat()]) == 0
    assert list(csv.reader(io.StringIO(same.read_text(encoding="utf-8-sig")))) == [
        ["Row", "Row in the earlier report", "Client ID", "Name", "Change", "Matched by", "Earlier determination", "Determination now",
         "What changed", "Why"]], "nothing changed: the header alone"


# ---------------------------------------------------------------------------------- calendar, PDF


def test_calendar_events_never_carry_a_name_or_a_number(ruleset):
    """Without a client ID, or with one two rows share, an event is titled by the row reference."""
    text = ("Full name,A-number,Client ID,mpp_enrolled,mpp_enrollment_date,current_country,case_status,order_date,appeal_filed\n"
            "Ana Uno,A012345671,,yes,2019-07,Mexico,removal order,2026-11-10,no\n"
            "Beto Dos,A012345672,D-1,yes,2019-07,Mexico,removal order,2026-11-12,no\n"
            "Carla Tres,A012345673,D-1,yes,2019-07,Mexico,removal order,2026-11-12,no\n")
    result = _screen(ruleset, text)
    raw = recheck_calendar(result)
    summaries = sorted(str(e["summary"]) for e in Calendar.from_ical(raw).walk("VEVENT"))
    assert summaries == [f"Re-check MPP 1.0 class screening: R00000{n}" for n in (2, 3, 4)]
    for secret in (b"Ana", b"Beto", b"0123456", b"D-1"):
        assert secret not in raw


def test_the_one_person_pdf_shows_the_recheck_date(ruleset, tmp_path):
    """A removal order inside its appeal period: the PDF names the day to screen again."""
    pdftotext = require_binary("pdftotext")
    record = Normalizer(ruleset).to_record({"mpp_enrolled": "yes", "mpp_enrollment_date": "2019-07", "current_country": "Mexico",
                                            "case_status": "removal order", "order_date": "2026-11-10", "appeal_filed": "no"})
    det = evaluate(record, ruleset, as_of=AS_OF)
    path = tmp_path / "record.pdf"
    path.write_bytes(screening_pdf(record, det, ruleset, "en"))
    text = " ".join(subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert det.recheck_on == dt.date(2026, 12, 11) and "2026-12-11" in text and "Re-check" in text
