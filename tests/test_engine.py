"""The engine as a whole: properties that hold for every record."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from eligibility import IntakeRecord, PartialDate, evaluate
from eligibility.engine import exception_of, exception_outcomes
from eligibility.fields import FIELDS
from eligibility.model import Conflict
from eligibility.normalize import Read
from eligibility.rules import OUTCOMES, STATUSES

from .conftest import AS_OF

yes_no = st.sampled_from(["yes", "no", "unknown"])
dates = st.one_of(
    st.none(),
    st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2027, 12, 31)).map(PartialDate.day),
    st.tuples(st.integers(2017, 2027), st.integers(1, 12)).map(lambda ym: PartialDate.month(*ym)),
    st.integers(2017, 2027).map(PartialDate.year),
)
countries = st.sampled_from([None, "US", "MX", "HN", "GT", "SV", "CU"])
statuses = st.sampled_from([None, "terminated", "dismissed", "removal_order_in_absentia", "removal_order_final",
                            "removal_order", "pending", "appeal_pending", "reopened", "relief_granted",
                            "motion_to_reopen_pending", "administratively_closed", "voluntary_departure",
                            "petition_for_review_pending"])
records = st.builds(
    IntakeRecord,
    full_name=st.one_of(st.none(), st.text(max_size=20)),
    a_number=st.one_of(st.none(), st.from_regex(r"A?[0-9]{8,9}", fullmatch=True), st.text(max_size=12)),
    notes=st.one_of(st.none(), st.text(max_size=30)),
    nationality=countries,
    mpp_enrolled=yes_no,
    mpp_enrollment_date=dates,
    current_country=countries,
    entered_us_since_mpp=yes_no,
    case_status=statuses,
    order_date=dates,
    appeal_filed=yes_no,
    other_case_pending=yes_no,
)
fills = st.fixed_dictionaries({
    "nationality": countries.filter(bool), "mpp_enrolled": st.sampled_from(["yes", "no"]),
    "mpp_enrollment_date": dates.filter(bool), "current_country": countries.filter(bool),
    "entered_us_since_mpp": st.sampled_from(["yes", "no"]), "case_status": statuses.filter(bool),
    "order_date": dates.filter(bool), "appeal_filed": st.sampled_from(["yes", "no"]),
    "other_case_pending": st.sampled_from(["yes", "no"]),
})


@given(record=records)
def test_every_outcome_is_one_of_the_four(record, ruleset):
    """Every result is likely_member, not_member, needs_info or needs_review, each element one of four statuses."""
    det = evaluate(record, ruleset, as_of=AS_OF)
    assert det.outcome in OUTCOMES
    assert all(s in STATUSES for s in det.statuses.values())
    assert det.rules_version == ruleset.version and det.as_of == AS_OF


@given(record=records, fill=fills)
def test_a_not_member_stays_a_not_member_whatever_blank_is_filled_in(record, fill, ruleset):
    """Filling in any unknown fact never turns a not_member into anything else, except the one the
    contract declares: a return date inside the MPP 1.0 window beside an answer of "no" is a
    contradiction for an attorney (contract version 2)."""
    det = evaluate(record, ruleset, as_of=AS_OF)
    if det.outcome != "not_member":
        return
    blanks = {k: v for k, v in fill.items() if getattr(record, k) in (None, "unknown")}
    if record.mpp_enrolled == "no":
        blanks.pop("mpp_enrollment_date", None)
    filled = IntakeRecord.model_validate({**dict(record), **blanks})  # validated: a status code becomes a CaseStatus
    assert evaluate(filled, ruleset, as_of=AS_OF).outcome == "not_member"


@given(record=records, name=st.text(max_size=20), a_number=st.text(max_size=12), notes=st.text(max_size=30))
def test_the_outcome_never_depends_on_name_a_number_or_notes(record, name, a_number, notes, ruleset):
    """Name, A-number and notes never change the determination."""
    base = evaluate(record, ruleset, as_of=AS_OF)
    other = IntakeRecord(**{**record.model_dump(exclude={"data_issues"}), "full_name": name, "a_number": a_number, "notes": notes})
    changed = evaluate(other, ruleset, as_of=AS_OF)
    assert changed.outcome == base.outcome and changed.statuses == base.statuses


@given(record=records)
def test_questions_are_asked_exactly_when_more_information_could_help(record, ruleset):
    """needs_info always comes with questions; not_member never does."""
    det = evaluate(record, ruleset, as_of=AS_OF)
    if det.outcome == "needs_info":
        assert det.questions
    if det.outcome == "not_member":
        assert not det.questions


@given(record=records)
def test_every_element_result_carries_the_courts_words_citation_and_a_reason(record, ruleset):
    """Each element says which words of the class definition it tests, where they come from, and why."""
    det = evaluate(record, ruleset, as_of=AS_OF)
    for element in det.elements:
        assert element.words and element.citation
        assert element.reason("en") and element.reason("es")


def test_an_invalid_a_number_is_a_data_issue_not_an_exception(ruleset, normalizer):
    """Any A-number is accepted; a bad one is reported on the result and changes nothing."""
    record = normalizer.to_record({"a_number": "A-12", "mpp_enrolled": "no"})
    det = evaluate(record, ruleset, as_of=AS_OF)
    assert [i.code for i in det.data_issues] == ["invalid_a_number"]
    assert normalizer.to_record({"a_number": "A 012 345 678"}).a_number == "012345678"


def test_the_canonical_fields_are_the_contracts():
    """The intake fields are exactly the canonical names of the domain contract."""
    assert FIELDS == ("client_id", "full_name", "first_name", "middle_name", "last_name", "a_number", "date_of_birth",
                      "nationality", "mpp_enrolled", "mpp_enrollment_date", "arrived_unaccompanied", "current_country",
                      "entered_us_since_mpp", "case_status", "order_date", "appeal_filed", "other_case_pending", "eoir_text", "notes")


def _exceptions_with_a_before(ruleset):
    return [(e.id, i) for e in ruleset.rules.elements for i, x in enumerate(e.exceptions) if x.when.before is not None]


DATE_CELLS = ["", "2019-07-15", "2019", "2021", "March 2021", "julio 2019", "03/04/2020", "04/03/2020", "2018-05-01", "2026-11-01",
              "10/2026", "not a date", "2020-02-30", "Q3 2020", "01/02/2018", "05/06/2021"]  # "03/04/2020" ...: quoted, day/month unsettled


def test_the_column_wise_before_test_gives_what_the_one_person_test_gives(ruleset, normalizer):
    """``exception_outcomes`` (the batch runs it on every combination of two date columns) gives,
    for every combination of these cells (read day-first, month-first and unsettled) and of sources
    that disagree, exactly what ``exception_of`` gives on the record the one-person path builds
    from the same cells: the same test, reason and quotes, in the same order."""
    found = _exceptions_with_a_before(ruleset)
    assert found, "the rules have an exception with `before`: this test must test something"
    conflict = Read(Conflict((PartialDate.day(dt.date(2020, 1, 2)), PartialDate.year(2019))))
    for element_id, index in found:
        when = ruleset.elements[element_id].exceptions[index].when
        reads = {f: [*(normalizer.read(f, text, order) for text in DATE_CELLS for order in (None, "mdy", "dmy")), conflict]
                 for f in (when.field, when.before)}
        pairs = [(a, b) for a in range(len(reads[when.field])) for b in range(len(reads[when.before]))]
        got = exception_outcomes(element_id, index, reads, {when.field: [a for a, _ in pairs], when.before: [b for _, b in pairs]}, ruleset)
        kinds = set()
        for (a, b), outcome in zip(pairs, got, strict=True):
            record = normalizer.record({when.field: reads[when.field][a], when.before: reads[when.before][b]}, light=True)
            assert outcome == exception_of(element_id, index, record, ruleset), (reads[when.field][a], reads[when.before][b])
            kinds.add((outcome.reason.id if outcome else None, len(outcome.quotes) if outcome else 0))
        x_id = ruleset.elements[element_id].exceptions[index].id
        assert {(None, 0), ("sources_disagree", 1), (x_id, 0), (x_id, 2)} <= kinds  # none, disagree, applies unquoted and quoted twice


def test_a_before_exception_without_both_columns_has_no_column_wise_test(ruleset):
    element_id, index = _exceptions_with_a_before(ruleset)[0]
    when = ruleset.elements[element_id].exceptions[index].when
    assert exception_outcomes(element_id, index, {when.field: [Read(None)]}, {when.field: [0]}, ruleset) is None
