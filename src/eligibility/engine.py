"""``evaluate(record, ruleset, *, as_of) -> Determination``: the class definition applied to one person.

Pure: no I/O, no pandas, no Streamlit. Every date, window and table comes from the rule set;
this module holds only the shape of each element's test (see ``rules/mpp1_class.yaml``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import IntakeRecord, Message, PartialDate
from .normalize import CountryName
from .rules import (
    CaseStatusElement,
    CurrentLocationElement,
    EnrollmentWindowElement,
    RuleSet,
    Text,
)


@dataclass(frozen=True, slots=True)
class ElementResult:
    """One element of the class definition, evaluated: its status and why."""

    element_id: str
    status: str
    reasons: tuple[Message, ...]
    facts: tuple[tuple[str, str], ...]
    questions: tuple[Message, ...]
    notes: tuple[Message, ...]
    words: str
    citation: str
    title: Text
    status_label: Text
    exception: str | None = None

    def reason(self, lang: str = "en") -> str:
        """The reason in plain words."""
        return " ".join(m.text(lang) for m in self.reasons)


@dataclass(frozen=True, slots=True)
class Determination:
    """The result of screening one person against the class definition."""

    outcome: str
    outcome_label: Text
    elements: tuple[ElementResult, ...]
    questions: tuple[Message, ...]
    notes: tuple[Message, ...]
    data_issues: tuple
    rules_version: str
    rules_hash: str
    as_of: dt.date

    def element(self, element_id: str) -> ElementResult:
        """The result for one element, by id."""
        return next(e for e in self.elements if e.element_id == element_id)

    @property
    def statuses(self) -> dict[str, str]:
        """Element id -> status code."""
        return {e.element_id: e.status for e in self.elements}

    def label(self, lang: str = "en") -> str:
        """The outcome in plain words ("May be a class member" ...)."""
        return self.outcome_label.get(lang)

    def review_points(self, lang: str = "en") -> list[str]:
        """The reasons of elements that need attorney review."""
        return [e.reason(lang) for e in self.elements if e.status == "review"]


def _text(table: dict[str, Text], key: str, **params: object) -> Message:
    return Message(table[key], tuple(params.items()), key)


def _fact(value: object) -> str:
    return "" if value is None or value == "unknown" else str(value)


def _result(element, status: str, reasons, facts, ruleset: RuleSet, questions=(), notes=(), exception=None) -> ElementResult:
    return ElementResult(
        element.id,
        status,
        tuple(reasons),
        facts,
        tuple(questions),
        tuple(notes),
        element.words,
        element.citation,
        element.title,
        ruleset.rules.statuses[status],
        exception,
    )


def _apply_exceptions(element, status: str, reasons: list[Message], record: IntakeRecord) -> tuple[str, str | None]:
    """Turn ``met`` into ``review`` when an exception's fact holds; never anything else."""
    if status != "met":
        return status, None
    for exception in element.exceptions:
        if getattr(record, exception.when.field) in exception.when.in_:
            reasons.append(_text(element.reasons, exception.id, **_exception_params(record, exception.when.field)))
            return "review", exception.id
    return status, None


def _exception_params(record: IntakeRecord, field: str) -> dict[str, object]:
    value = getattr(record, field)
    if field in ("nationality", "current_country") and value:
        return {field: CountryName(value)}
    return {}


def _subjected_to_mpp1(record: IntakeRecord, element: EnrollmentWindowElement, ruleset: RuleSet) -> ElementResult:
    facts = (
        ("mpp_enrolled", _fact(record.mpp_enrolled)),
        ("mpp_enrollment_date", _fact(record.mpp_enrollment_date)),
        ("nationality", _fact(record.nationality)),
    )
    reasons: list[Message] = []
    questions: list[Message] = []
    enrolled, when = record.mpp_enrolled, record.mpp_enrollment_date
    if enrolled == "no":
        status = "not_met"
        reasons.append(_text(element.reasons, "not_enrolled"))
    elif enrolled != "yes":
        status = "unknown"
        reasons.append(_text(element.reasons, "enrolled_unknown"))
        questions.append(_text(element.questions, "ask_enrolled"))
        if when is None:
            questions.append(_text(element.questions, "ask_enrollment_date"))
    elif when is None:
        status = "unknown"
        reasons.append(_text(element.reasons, "date_missing"))
        questions.append(_text(element.questions, "ask_enrollment_date"))
    else:
        status = _enrollment_zone(when, element, reasons, questions)
    status, exception = _apply_exceptions(element, status, reasons, record)
    return _result(element, status, reasons, facts, ruleset, questions, exception=exception)


def _enrollment_zone(when: PartialDate, element: EnrollmentWindowElement, reasons: list[Message], questions: list[Message]) -> str:
    """Clip the date interval to the program start, then find the one zone that holds it."""
    start = max(when.start, element.program_start)
    end = when.end
    if start > end:
        reasons.append(_text(element.reasons, "date_before_program", date=str(when), program_start=element.program_start.isoformat()))
        return "review"
    for zone in element.zones:
        if zone.from_ <= start and (zone.to is None or end <= zone.to):
            to = zone.to.isoformat() if zone.to else ""
            reasons.append(_text(element.reasons, zone.reason, date=str(when), **{"from": zone.from_.isoformat(), "to": to}))
            return zone.status
    reasons.append(_text(element.reasons, "date_spans_zones", date=str(when)))
    questions.append(_text(element.questions, "ask_precise_enrollment_date"))
    return "unknown"


def _outside_us(record: IntakeRecord, element: CurrentLocationElement, ruleset: RuleSet) -> ElementResult:
    facts = (
        ("current_country", _fact(record.current_country)),
        ("entered_us_since_mpp", _fact(record.entered_us_since_mpp)),
    )
    reasons: list[Message] = []
    questions: list[Message] = []
    country = record.current_country
    if country is None:
        status = "unknown"
        reasons.append(_text(element.reasons, "location_unknown"))
        questions.append(_text(element.questions, "ask_current_country"))
    elif country == element.united_states:
        status = "not_met"
        reasons.append(_text(element.reasons, "in_united_states"))
    else:
        status = "met"
        reasons.append(_text(element.reasons, "outside_united_states", country=CountryName(country)))
    status, exception = _apply_exceptions(element, status, reasons, record)
    return _result(element, status, reasons, facts, ruleset, questions, exception=exception)


def _case_inactive(record: IntakeRecord, element: CaseStatusElement, ruleset: RuleSet, as_of: dt.date) -> ElementResult:
    facts = (
        ("case_status", _fact(record.case_status)),
        ("order_date", _fact(record.order_date)),
        ("appeal_filed", _fact(record.appeal_filed)),
        ("other_case_pending", _fact(record.other_case_pending)),
    )
    reasons: list[Message] = []
    questions: list[Message] = []
    notes: list[Message] = []
    row = element.status_table.get(record.case_status) if record.case_status else None
    if row is None:
        status = "unknown"
        reasons.append(_text(element.reasons, "status_unknown"))
        questions.append(_text(element.questions, "ask_case_status"))
    elif row.rule == "appeal_period":
        status = _appeal_period(record, element, as_of, reasons, questions, notes)
    else:
        status = row.status
        reasons.append(_text(element.reasons, row.reason))
        if row.note:
            notes.append(_text(element.notes, row.note))
    status, exception = _apply_exceptions(element, status, reasons, record)
    return _result(element, status, reasons, facts, ruleset, questions, notes, exception)


def _appeal_period(
    record: IntakeRecord,
    element: CaseStatusElement,
    as_of: dt.date,
    reasons: list[Message],
    questions: list[Message],
    notes: list[Message],
) -> str:
    """A removal order whose finality is not recorded: decide by appeal and the appeal period.

    The order date is an interval; it can only have happened by the as-of date, so its end is
    clipped to it. It counts only when all of it falls on one side of the appeal period.
    """
    days = element.appeal_period.days
    appeal, order = record.appeal_filed, record.order_date
    if appeal == "yes":
        reasons.append(_text(element.reasons, "appeal_filed"))
        return "not_met"
    timing = None
    if order is not None:
        end = min(order.end, as_of)
        if order.start > as_of:
            timing = "future"
        elif (as_of - end).days > days:
            timing = "final"
        elif (as_of - order.start).days <= days:
            timing = "recent"
        else:
            timing = "spans"
    if appeal == "no" and timing in ("final", "recent"):
        end = min(order.end, as_of)
        deadline = end + dt.timedelta(days=days)
        params = {"order_date": str(order), "days": days, "appeal_deadline": deadline.isoformat()}
        if timing == "final":
            reasons.append(_text(element.reasons, "order_final_by_time", **params))
            return "met"
        reasons.append(_text(element.reasons, "order_not_final_yet", **params))
        recheck = (deadline + dt.timedelta(days=1)).isoformat()
        notes.append(_text(element.notes, "recheck_after_appeal_period", appeal_deadline=deadline.isoformat(), recheck_date=recheck))
        return "review"
    if timing == "future":
        reasons.append(_text(element.reasons, "order_date_after_as_of", order_date=str(order)))
    else:
        reasons.append(_text(element.reasons, "order_finality_unknown"))
    if appeal != "no":
        questions.append(_text(element.questions, "ask_appeal_filed"))
    if order is None or timing == "future":
        questions.append(_text(element.questions, "ask_order_date"))
    elif timing == "spans":
        questions.append(_text(element.questions, "ask_precise_order_date"))
    return "unknown"


def combine(statuses: list[str], ruleset: RuleSet) -> str:
    """Apply the combination policy of the rules file to the element statuses."""
    combination = ruleset.rules.combination
    for rule in combination.rules:
        if rule.if_any_element_is in statuses:
            return rule.outcome
    return combination.otherwise


def evaluate_element(element_id: str, record: IntakeRecord, ruleset: RuleSet, as_of: dt.date) -> ElementResult:
    """Evaluate one element; ``evaluate`` is the three of these plus the combination policy."""
    if element_id == "subjected_to_mpp1":
        return _subjected_to_mpp1(record, ruleset.enrollment, ruleset)
    if element_id == "outside_us":
        return _outside_us(record, ruleset.location, ruleset)
    if element_id == "case_inactive":
        return _case_inactive(record, ruleset.case_status, ruleset, as_of)
    raise KeyError(element_id)


def questions_for(elements: tuple[ElementResult, ...], outcome: str) -> tuple[Message, ...]:
    """The questions that would settle every unknown element (none once the person is excluded)."""
    if outcome == "not_member":
        return ()
    return tuple(q for e in elements if e.status == "unknown" for q in e.questions)


def evaluate(record: IntakeRecord, ruleset: RuleSet, *, as_of: dt.date) -> Determination:
    """Screen one person against the certified class, as of ``as_of``.

    >>> from eligibility import load_rules, IntakeRecord, PartialDate
    >>> rules = load_rules()
    >>> person = IntakeRecord(mpp_enrolled="yes", mpp_enrollment_date=PartialDate.month(2019, 7),
    ...                       current_country="HN", case_status="removal_order_in_absentia")
    >>> evaluate(person, rules, as_of=dt.date(2026, 11, 27)).outcome
    'likely_member'
    """
    elements = (
        _subjected_to_mpp1(record, ruleset.enrollment, ruleset),
        _outside_us(record, ruleset.location, ruleset),
        _case_inactive(record, ruleset.case_status, ruleset, as_of),
    )
    outcome = combine([e.status for e in elements], ruleset)
    questions = questions_for(elements, outcome)
    notes = tuple(n for e in elements for n in e.notes)
    return Determination(
        outcome,
        ruleset.rules.outcomes[outcome],
        elements,
        questions,
        notes,
        tuple(record.data_issues),
        ruleset.version,
        ruleset.hash,
        as_of,
    )
