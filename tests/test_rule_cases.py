"""The YAML rule cases under rules/cases/, and the meta-tests that keep them complete."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from eligibility import RulesError, load_rules
from eligibility.cases import load_cases, run_case
from eligibility.rules import STATUSES

from .conftest import ROOT

RULES = load_rules(ROOT / "rules")
ELEMENT_IDS = RULES.element_ids
CASES = load_cases(ROOT / "rules", ELEMENT_IDS)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_case(case, ruleset, normalizer):
    """Each YAML case gets exactly the outcome and element statuses it names."""
    result = run_case(case, ruleset, normalizer)
    assert result.passed, "; ".join(result.failures)


def test_there_are_at_least_150_cases():
    """The rules ship with at least 150 cases (every row, zone, boundary and deadline of contract version 2)."""
    assert len(CASES) >= 150


def test_case_names_are_unique_sentences():
    """Cases are named as sentences, once each."""
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    assert all(name[0].isupper() and " " in name for name in names)


@pytest.mark.parametrize("element_id", ELEMENT_IDS)
def test_every_criterion_has_citation_words_and_questions(ruleset, element_id):
    """A criterion without its citation, the court's words or a question to ask is incomplete."""
    element = ruleset.elements[element_id]
    assert element.citation.strip()
    assert element.words in " ".join(ruleset.rules.class_definition.split())
    assert element.questions, f"{element_id} has no question to ask when its facts are missing"
    assert element.explanation.en.strip() and element.explanation.es.strip()


@pytest.mark.parametrize("element_id", ELEMENT_IDS)
def test_every_status_an_element_can_produce_has_a_case(ruleset, element_id):
    """Each element has at least one case for each of met, not_met, unknown and review."""
    seen = defaultdict(int)
    for case in CASES:
        wanted = case.expect.statuses().get(element_id)
        if wanted:
            seen[wanted] += 1
    missing = [s for s in STATUSES if not seen[s]]
    assert not missing, f"{element_id} has no case expecting {missing}"


def test_every_row_of_the_status_table_has_a_case(ruleset, normalizer):
    """Each case status in the table is exercised by at least one case."""
    covered = set()
    for case in CASES:
        raw = case.facts.get("case_status")
        if raw:
            codes = normalizer.read("case_status", raw).value
            if codes is not None and codes.codes:
                covered.add(codes.codes[0] if len(codes.codes) == 1 else "several")
    table = {code for e in ruleset.status_elements for code in e.status_table}
    missing = table - covered
    assert not missing, f"status table rows without a case: {sorted(missing)}"


def test_every_row_that_says_what_an_appeal_changes_has_a_case_with_an_appeal(ruleset, normalizer):
    """Each status row with an `if_appeal_filed` is exercised with an appeal recorded."""
    with_appeal = {c for e in ruleset.status_elements for c, row in e.status_table.items() if row.if_appeal_filed}
    covered = set()
    for case in CASES:
        raw = case.facts.get("case_status")
        if raw and case.facts.get("appeal_filed") in ("yes", True):
            covered |= set(normalizer.read("case_status", raw).value.codes)
    assert with_appeal <= covered, f"rows without an appeal case: {sorted(with_appeal - covered)}"


@pytest.mark.parametrize(
    "reason", ["a Saturday", "a Sunday", "Martin Luther King Jr. Day", "Thanksgiving", "Independence Day"],
)
def test_the_appeal_deadline_has_cases_for_weekends_and_federal_holidays(reason):
    """Deadlines that fall on a Saturday, a Sunday, a Monday holiday and Thanksgiving are covered on both sides."""
    named = [c for c in CASES if reason in c.name]
    assert len(named) >= 1
    statuses = {c.expect.statuses().get("case_inactive") for c in CASES if reason in c.name or reason.split()[0] in c.name}
    assert "review" in statuses


def test_both_sides_of_every_zone_boundary_have_a_case(ruleset):
    """For each enrolment zone boundary, a case sits on the last day before and the first day of the zone."""
    import datetime as dt

    from eligibility.rules import EnrollmentWindowElement

    dates = {str(c.facts.get("mpp_enrollment_date")) for c in CASES}
    for element in ruleset.rules.elements:
        if isinstance(element, EnrollmentWindowElement):
            for zone in element.zones:
                assert zone.from_.isoformat() in dates
                assert (zone.from_ - dt.timedelta(days=1)).isoformat() in dates


def test_the_law_lives_in_the_rules_file_not_in_python(ruleset):
    """No date, window or number from the law is written in the engine's Python."""
    law_dates = {entry.date for entry in ruleset.rules.timeline}
    pattern_parts = []
    for d in law_dates:
        pattern_parts += [d.isoformat(), f"{d.year}, {d.month}, {d.day}"]
    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (ROOT / "src" / "eligibility").glob("*.py")
        if p.name not in ("cases.py",)
    )
    for text in pattern_parts:
        assert text not in source, f"the law's date {text} appears in Python"
    engine = (ROOT / "src" / "eligibility" / "engine.py").read_text(encoding="utf-8")
    assert not re.search(r"\b30\b", engine), "the appeal period must come from the rules file"
    assert '"MX"' not in engine and '"US"' not in engine


def _write_rules(tmp_path: Path, mutate) -> Path:
    rules = yaml.safe_load((ROOT / "rules" / "mpp1_class.yaml").read_text(encoding="utf-8"))
    mutate(rules)
    (tmp_path / "mpp1_class.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    for name in ("vocabulary.yaml", "federal_holidays.yaml", "eoir_portal.yaml"):
        (tmp_path / name).write_text((ROOT / "rules" / name).read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda r: r["elements"][0].pop("citation"), "elements.0.enrollment_window.citation"),
        (lambda r: r["elements"][2]["appeal_period"].update(days="thirty"), "elements.2.case_status.appeal_period.days"),
        (lambda r: r["elements"].reverse(), None),
        (lambda r: r["elements"][1].update(words="who live abroad"), None),
        (lambda r: r["elements"][0]["zones"][1].update({"from": "2021-02-01"}), None),
        (lambda r: r["combination"]["rules"][0].update(outcome="maybe"), "combination.rules.0.outcome"),
        (lambda r: r["elements"][0]["reasons"]["not_enrolled"].update(es="{oops}"), None),
        (lambda r: r["elements"][1]["exceptions"].append(
            {"id": "other_case_pending", "when": {"field": "other_case_pending", "in": ["yes"]}, "source": "x"}), "elements.1.current_location"),
        (lambda r: r["elements"][1]["facts"].append("notes"), "elements.1.current_location"),
        (lambda r: r["elements"][2]["facts"].remove("order_date"), "elements.2.case_status"),
        (lambda r: r["elements"][2]["status_table"].pop("several"), "elements.2.case_status"),
        (lambda r: r["elements"][1].update(paragraph="(a)"), None),
        (lambda r: r["elements"][0]["exceptions"][0]["when"].update(field="notes"), None),
    ],
    ids=["missing citation", "non-numeric appeal period", "elements out of order", "words not quoted from the order",
         "zones with a gap", "unknown outcome", "placeholders differ between languages",
         "an exception on a field outside facts", "a fact the kind does not read", "a fact the kind reads left out",
         "no row for several statuses", "two elements with one paragraph", "an exception on a free-text field"],
)
def test_a_malformed_rules_file_raises_a_typed_error_naming_file_and_key(tmp_path, mutate, key):
    """A malformed rules file raises RulesError naming the file, the key and what was expected."""
    folder = _write_rules(tmp_path, mutate)
    with pytest.raises(RulesError) as info:
        load_rules(folder)
    assert info.value.path.name == "mpp1_class.yaml"
    assert "expected" in str(info.value)
    if key:
        assert info.value.key == key


def test_broken_yaml_is_a_rules_error(tmp_path):
    """A rules file that is not YAML at all is reported, not a traceback."""
    (tmp_path / "mpp1_class.yaml").write_text("elements: [unclosed", encoding="utf-8")
    (tmp_path / "vocabulary.yaml").write_text("{}", encoding="utf-8")
    (tmp_path / "federal_holidays.yaml").write_text("{}", encoding="utf-8")
    (tmp_path / "eoir_portal.yaml").write_text("{}", encoding="utf-8")
    with pytest.raises(RulesError, match="valid YAML"):
        load_rules(tmp_path)


def test_the_content_hash_changes_when_the_rules_change(tmp_path, ruleset):
    """Any edit to the rules changes the hash stamped on every result."""
    folder = _write_rules(tmp_path, lambda r: r.update(version="test"))
    assert load_rules(folder).hash != ruleset.hash
    assert len(ruleset.hash) == 64


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_case_gets_the_same_answer_through_the_batch(case, ruleset):
    """Each case, written into a one-row CSV and screened as a batch, gets the outcome and element
    statuses it names (the one-person path and the batch share one engine)."""
    import csv
    import datetime as dt
    import io

    from eligibility.batch import screen_table
    from eligibility.read import read_table

    raw = {k: ("yes" if v is True else "no" if v is False else v) for k, v in case.facts.items()}
    raw = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in raw.items()}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["client_id", *raw])
    writer.writeheader()
    writer.writerow({"client_id": "case", **raw})
    result = screen_table(read_table(buffer.getvalue().encode(), "case.csv"), ruleset, as_of=case.as_of)
    assert result.outcome[0] == case.expect.outcome
    for element_id, wanted in case.expect.statuses().items():
        assert result.statuses[element_id][0] == wanted


def test_the_holiday_table_in_the_rules_is_the_maintained_calendar(ruleset):
    """rules/federal_holidays.yaml equals the pinned `holidays` package's U.S. federal holidays, and
    reaches ten years past today (regenerate it with scripts/make_holiday_table.py)."""
    import datetime as dt

    import holidays

    table = ruleset.holidays
    first, last = table.covers["from"], table.covers["to"]
    calendar = holidays.country_holidays("US", categories=("public",), years=range(first.year, last.year + 1))
    assert dict(table.holidays) == dict(calendar)
    assert last.year >= dt.date.today().year + 10
    assert "holidays" in table.source
