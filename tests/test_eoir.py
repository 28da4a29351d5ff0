"""Text pasted from EOIR's case portal: each fixture reads to the fields a careful paralegal would
enter; the reading meets the other fields by one merge (blanks filled, contradictions to review);
the command line prints it in a form `eligibility person` reads back; the rules file is loaded,
validated and hashed with the others."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from eligibility import evaluate, load_rules
from eligibility.batch import screen_table
from eligibility.cli import main
from eligibility.errors import RulesError
from eligibility.mapping import suggest_mapping
from eligibility.model import CaseStatus, Conflict, PartialDate
from eligibility.read import read_table

from .conftest import AS_OF, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "eoir"
CASES = yaml.safe_load((FIXTURES / "cases.yaml").read_text(encoding="utf-8"))
PERSON = {"mpp_enrolled": "yes", "mpp_enrollment_date": "2019-07", "current_country": "Honduras"}
"""Returned to Mexico in July 2019, in Honduras now: only element (c) is left to the case."""


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _copy_rules(folder: Path) -> None:
    """Every rules file, copied (a test then changes one)."""
    for path in (ROOT / "rules").glob("*.yaml"):
        shutil.copy(path, folder / path.name)


def test_there_are_at_least_thirty_fixtures_and_each_has_its_expected_fields():
    """Every pasted text has its expectations and every expectation its text; 30 or more of them."""
    files = {p.name for p in FIXTURES.glob("*.txt")}
    assert files == set(CASES)
    assert len(files) >= 30


@pytest.mark.parametrize("name", sorted(CASES), ids=lambda n: n.removesuffix(".txt"))
def test_each_pasted_text_reads_to_what_a_careful_paralegal_would_enter(name, normalizer):
    """The case status (one, several, or unknown with the sentence quoted), the removal order's
    date and the appeal answer; a field the text does not settle is absent."""
    expected = CASES[name]
    reading = normalizer.portal.read_text(_text(name))
    found = reading.fields
    status = expected.get("case_status")
    if status is None:
        assert "case_status" not in found
    elif status == "unknown":
        read = found["case_status"].read
        assert read.value == CaseStatus((), None) and read.reading.why is not None
        assert [s.text for s in reading.unknown] == expected["unknown_sentences"]
        assert all(s in read.reading.text for s in expected["unknown_sentences"])
    else:
        assert found["case_status"].read.value.codes == tuple(status)
    order = expected.get("order_date")
    assert (str(found["order_date"].read.value) if "order_date" in found else None) == (order and order.isoformat())
    assert (found["appeal_filed"].read.value if "appeal_filed" in found else None) == expected.get("appeal_filed")
    assert "other_case_pending" not in found  # no wording of the portal settles it (see the rules file)
    if status != "unknown":
        assert not reading.unknown and reading.issue is None


@pytest.mark.parametrize("name", sorted(CASES), ids=lambda n: n.removesuffix(".txt"))
def test_each_pasted_text_gives_element_c_the_status_the_contract_names(name, ruleset, normalizer):
    """Pasted beside the rest of a person's answers, the text decides element (c) as the contract
    says: final orders and terminations met, active cases not met, several events review."""
    record = normalizer.to_record({**PERSON, "eoir_text": _text(name)})
    det = evaluate(record, ruleset, as_of=AS_OF)
    assert det.statuses["case_inactive"] == CASES[name]["case_inactive"]


def test_every_answer_quotes_the_sentences_it_came_from(normalizer):
    """Each field the text settles is a read that quotes its sentences, and lists them."""
    reading = normalizer.portal.read_text(_text("01_in_absentia_no_future_hearings.txt"))
    for found in reading.found:
        assert found.sentences
        assert all(" ".join(s.split())[:60] in found.read.reading.text for s in found.sentences)
    assert reading.fields["order_date"].sentences == (
        "On November 20, 2019, the immigration judge ordered GARCIA LOPEZ, ANA MARIA removed in absentia.", "DECISION DATE November 20, 2019")


def test_names_addresses_and_label_values_are_never_read_as_sentences(normalizer):
    """A name or an address under its label is never a sentence, whatever words it holds."""
    text = ("Name:\nIA ABIERTO, PENDIENTE\nCOURT ADDRESS\n1 OPEN WAY\nACTIVE, TX 77002\nThis case was terminated.\n"
            "STATUS OF DHS BRIEF\nPending")
    reading = normalizer.portal.read_text(text)
    assert reading.fields["case_status"].read.value.codes == ("terminated",)
    assert [s.text for s in reading.sentences] == ["This case was terminated."]


def test_two_different_order_dates_leave_the_date_unknown_quoted(normalizer):
    """Two dates for the removal order: neither is taken."""
    text = "The immigration judge ORDERED REMOVAL on March 2, 2020.\nDECISION DATE\nMarch 9, 2020"
    found = normalizer.portal.read_text(text).fields["order_date"]
    assert found.read.value is None and "more than one date" in found.read.reading.why.get("en")
    assert found.written == ""


def test_a_text_that_says_both_yes_and_no_about_an_appeal_answers_neither(normalizer):
    found = normalizer.portal.read_text("No appeal was received for this case. An appeal was received on May 1, 2020.").fields["appeal_filed"]
    assert found.read.value == "unknown" and found.read.reading.why is not None


def test_an_unknown_sentence_is_a_data_issue_of_the_portal_text(normalizer):
    """The issue names the sentence and how many there are; it belongs to the portal text."""
    read = normalizer.read("eoir_text", _text("37_unknown_sentence.txt"))
    assert read.issue.code == "unread_portal_sentence" and read.issue.field == "eoir_text"
    assert "GRANTED the application" in read.issue.message.text("en") and "1" in read.issue.message.text("es")


# ------------------------------------------------------------------------------------- merging

IN_ABSENTIA = "On January 15, 2020, the immigration judge ordered ANA GARCIA removed in absentia. No appeal was received for this case."


def _record(normalizer, **raw):
    return normalizer.to_record({**PERSON, **raw})


def test_the_text_fills_only_what_the_other_fields_leave_blank(normalizer):
    """Blank fields take the portal's answers, each quoting its sentence; "unknown" counts as blank."""
    record = _record(normalizer, eoir_text=IN_ABSENTIA, appeal_filed="unknown")
    assert record.case_status.codes == ("removal_order_in_absentia",)
    assert record.order_date == PartialDate.day(dt.date(2020, 1, 15)) and record.appeal_filed == "no"
    assert "ANA GARCIA removed in absentia" in record.reading("case_status").text


def test_fields_that_agree_stay_as_they_were(normalizer):
    record = _record(normalizer, eoir_text=IN_ABSENTIA, case_status="IA order", order_date="2020-01-15", appeal_filed="no")
    assert record.case_status.codes == ("removal_order_in_absentia",)
    assert record.reading("case_status").text == "IA order"  # the sheet's own words, not replaced
    assert record.order_date == PartialDate.day(dt.date(2020, 1, 15)) and record.appeal_filed == "no"


def test_a_plain_removal_order_is_refined_by_the_portal_and_a_date_made_precise(normalizer):
    """The portal may say which kind of order a plain "removal order" was, and on which day of the
    month the sheet gives: consistent, more precise, both quoted."""
    record = _record(normalizer, eoir_text=IN_ABSENTIA, case_status="removal order", order_date="January 2020")
    assert record.case_status.codes == ("removal_order_in_absentia",)
    assert record.reading("case_status").text.startswith("removal_order | EOIR: On January 15, 2020")
    assert record.order_date == PartialDate.day(dt.date(2020, 1, 15))


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"case_status": "terminated"}, "case_status"),
        ({"appeal_filed": "yes"}, "appeal_filed"),
        ({"order_date": "2020-02-01", "case_status": "removal order"}, "order_date"),
        ({"case_status": "see file"}, "case_status"),
        ({"appeal_filed": "a veces", "case_status": "removal order"}, "appeal_filed"),
    ],
    ids=["another status", "another appeal answer", "another order date", "an unreadable status", "an unreadable appeal answer"],
)
def test_a_contradiction_goes_to_review_quoting_both(raw, field, ruleset, normalizer):
    """Where the sheet says something else (or something the tool cannot read), neither is taken:
    element (c) needs review, and its reason quotes the sheet's text and the portal's sentence."""
    record = _record(normalizer, eoir_text=IN_ABSENTIA, **raw)
    det = evaluate(record, ruleset, as_of=AS_OF)
    element = det.element("case_inactive")
    assert element.status == "review"
    reason = element.reason("en")
    assert "EOIR: On January 15, 2020" in reason or "EOIR: No appeal was received" in reason
    assert next(iter(raw.values())) in reason
    assert "“" not in element.reason("en", shared=True), "a report for sharing quotes no text"
    value = getattr(record, field)
    assert isinstance(value, Conflict) or (isinstance(value, CaseStatus) and len(value.codes) > 1)


def test_another_case_pending_that_disagrees_turns_met_into_review(tmp_path, ruleset):
    """Another-case answers are read when the rules list wording for them (none in this version);
    one that contradicts the sheet turns a met element into review, as any exception field."""
    _copy_rules(tmp_path)
    portal = yaml.safe_load((ROOT / "rules" / "eoir_portal.yaml").read_text(encoding="utf-8"))
    portal["sentences"].append({"id": "test_other_case", "phrases": ["Another case is pending for this A-Number"],
                                "reads": {"other_case": "yes"}, "seen": ["reconstructed"]})
    (tmp_path / "eoir_portal.yaml").write_text(yaml.safe_dump(portal, allow_unicode=True), encoding="utf-8")
    rules = load_rules(tmp_path)
    from eligibility.normalize import Normalizer

    normalizer = Normalizer(rules)
    text = "This case was terminated. Another case is pending for this A-Number."
    assert normalizer.portal.read_text(text).fields["other_case_pending"].written == "yes"
    filled = evaluate(normalizer.to_record({**PERSON, "eoir_text": text}), rules, as_of=AS_OF)
    assert filled.statuses["case_inactive"] == "review"
    against = evaluate(normalizer.to_record({**PERSON, "eoir_text": text, "other_case_pending": "no"}), rules, as_of=AS_OF)
    assert against.statuses["case_inactive"] == "review"
    assert "sources_disagree" in [m.id for m in against.element("case_inactive").reasons]


# ------------------------------------------------------------------------------------- the batch

def _csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


@pytest.mark.parametrize("header", ["EOIR", "ACIS", "Portal text", "Texto del portal", "Texto del portal de la EOIR"])
def test_a_column_of_pasted_portal_text_is_found_by_its_header(header):
    assert next(m.field for m in suggest_mapping(["Name", header, "Estado del caso"]) if m.header == header) == "eoir_text"


def test_the_batch_reads_the_portal_column_as_the_one_person_path_does(ruleset, normalizer):
    """Blank case columns filled, agreement kept, contradictions to review, an unknown sentence an
    issue at the portal column; each row as evaluate() gives it."""
    rows = [
        {**PERSON, "Estado del caso": "", "Texto del portal": IN_ABSENTIA},
        {**PERSON, "Estado del caso": "IA order", "Texto del portal": IN_ABSENTIA},
        {**PERSON, "Estado del caso": "terminated", "Texto del portal": IN_ABSENTIA},
        {**PERSON, "Estado del caso": "", "Texto del portal": _text("37_unknown_sentence.txt")},
        {**PERSON, "Estado del caso": "", "Texto del portal": ""},
    ]
    result = screen_table(read_table(_csv(rows), "x.csv"), ruleset, as_of=AS_OF)
    assert result.statuses["case_inactive"] == ["met", "met", "review", "unknown", "unknown"]
    assert "EOIR: On January 15, 2020" in result.reasons[2] and "terminated" in result.reasons[2]
    issue = next(i for i in result.issues if i.code == "unread_portal_sentence")
    assert (issue.row, issue.column) == (5, "Texto del portal")
    for i, row in enumerate(rows):
        raw = {"case_status": row["Estado del caso"], "eoir_text": row["Texto del portal"], **PERSON}
        assert evaluate(normalizer.to_record(raw), ruleset, as_of=AS_OF).outcome == result.outcome[i]
    assert not any("ANA GARCIA" in r for r in result.shared_reasons.to_pylist())


# ------------------------------------------------------------------------------------- command line

@pytest.mark.parametrize("name", sorted(CASES), ids=lambda n: n.removesuffix(".txt"))
def test_read_eoir_prints_lines_person_reads_back_to_the_same_result(name, tmp_path, capsys, ruleset, normalizer):
    """`read-eoir` prints field=value lines, each followed by its sentences as comments; given to
    `person --facts`, they screen the person as the pasted text itself does."""
    assert main(["read-eoir", str(FIXTURES / name)]) == 0
    printed = capsys.readouterr().out
    facts = tmp_path / "facts.txt"
    facts.write_text(printed, encoding="utf-8")
    assert main(["person", "--facts", str(facts), *(f"{k}={v}" for k, v in PERSON.items()), "--as-of", AS_OF.isoformat()]) == 0
    screened = capsys.readouterr().out
    expected = evaluate(normalizer.to_record({**PERSON, "eoir_text": _text(name)}), ruleset, as_of=AS_OF)
    assert f"case_inactive: {expected.statuses['case_inactive']} " in screened
    lines = [line for line in printed.splitlines() if line and not line.startswith("#")]
    assert all(line.split("=")[0] in ("case_status", "order_date", "appeal_filed", "other_case_pending") for line in lines)


def test_read_eoir_output_piped_into_person(tmp_path):
    """The real commands, joined by a shell pipe, reading the text from standard input."""
    script = Path(sys.executable).parent / "eligibility"
    command = (f"'{script}' read-eoir - < '{FIXTURES / '04_removal_after_hearing.txt'}' | '{script}' person --facts - "
               "mpp_enrolled=yes mpp_enrollment_date=2019-07 current_country=Honduras --as-of 2026-11-27")
    done = subprocess.run(["bash", "-c", f"set -o pipefail; {command}"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("May be a class member (likely_member)")
    assert "The removal order of 2020-03-02 was not appealed" in done.stdout


def test_read_eoir_says_what_it_could_not_read_in_either_language(capsys):
    assert main(["read-eoir", str(FIXTURES / "37_unknown_sentence.txt"), "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert "case_status=\n" in out and "no se pudo leer con certeza" in out and "«On April 9, 2021" in out
    assert "appeal_filed=no" in out


def test_a_fact_given_twice_with_different_values_is_refused(tmp_path, capsys):
    facts = tmp_path / "f.txt"
    facts.write_text("# comment\ncase_status=terminated\n", encoding="utf-8")
    assert main(["person", "--facts", str(facts), "case_status=pending"]) == 2
    assert "twice" in capsys.readouterr().err
    facts.write_text("not a fact\n", encoding="utf-8")
    assert main(["person", "--facts", str(facts)]) == 2


# ------------------------------------------------------------------------------------- the rules file

def test_the_portal_wording_is_loaded_validated_and_hashed_with_the_rules(tmp_path, ruleset):
    """eoir_portal.yaml is part of the rule set: an edit to it changes the hash."""
    assert ruleset.portal.version and ruleset.portal.sentences
    _copy_rules(tmp_path)
    assert load_rules(tmp_path).hash == ruleset.hash
    with (tmp_path / "eoir_portal.yaml").open("a", encoding="utf-8") as file:
        file.write("\n# an edit\n")
    assert load_rules(tmp_path).hash != ruleset.hash


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda p: p["sentences"][0].update(seen=["a_place_nobody_saw"]), None),
        (lambda p: p["sentences"][0].update(reads={"status": "finished"}), "sentences"),
        (lambda p: p["sentences"][0].update(sections=["nowhere"]), None),
        (lambda p: p["sentences"][0].pop("seen"), "sentences.0.seen"),
        (lambda p: p.pop("why"), "why"),
    ],
    ids=["an unknown source", "a status not in the table", "an unknown section", "no provenance", "no why"],
)
def test_a_malformed_portal_file_is_a_rules_error_naming_it(tmp_path, mutate, key):
    _copy_rules(tmp_path)
    portal = yaml.safe_load((ROOT / "rules" / "eoir_portal.yaml").read_text(encoding="utf-8"))
    mutate(portal)
    (tmp_path / "eoir_portal.yaml").write_text(yaml.safe_dump(portal, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_rules(tmp_path)
    assert info.value.path.name == "eoir_portal.yaml"
    if key:
        assert info.value.key == key


def test_every_wording_says_where_it_was_seen_and_unconfirmed_sources_say_so(ruleset):
    """Each group of phrases names its sources; the sources that are not the portal's confirmed
    words are marked so (the fixtures rest on them too)."""
    portal = ruleset.portal
    groups = [*portal.sections, *portal.labels, *portal.furniture, *portal.sentences]
    assert all(g.seen for g in groups)
    assert {k for k, s in portal.sources.items() if not s.confirmed} >= {"reconstructed", "browser_translation", "project_brief"}
