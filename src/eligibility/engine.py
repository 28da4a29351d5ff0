"""``evaluate(record, ruleset, *, as_of) -> Determination``: the class definition applied to one person.

Pure: no I/O, no pandas, no Streamlit. Every date, window and table comes from the rule set;
this module holds only the shape of each element's test (see ``rules/mpp1_class.yaml``).

For speed, the parts of the rules each test reads are compiled once per rule set into a
:class:`_Plan` (pre-built messages, zones as plain tuples); results are NamedTuples, which are
several times cheaper to build than dataclasses (see ``benchmarks/bench_engine.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from .model import IntakeRecord
from .text import CountryName, Message
from .rules import RuleSet, Text


class ElementSpec(NamedTuple):
    """What every result of one element carries from the rules file (built once per rule set)."""

    words: str
    citation: str
    title: Text
    status_labels: dict[str, Text]
    fields: tuple[str, ...]


class ElementResult(NamedTuple):
    """One element of the class definition, evaluated: its status and why."""

    element_id: str
    status: str
    reasons: tuple[Message, ...]
    facts: tuple[Any, ...]
    questions: tuple[Message, ...]
    notes: tuple[Message, ...]
    spec: ElementSpec
    exception: str | None = None

    @property
    def words(self) -> str:
        """The words of the class definition this element tests."""
        return self.spec.words

    @property
    def citation(self) -> str:
        return self.spec.citation

    @property
    def title(self) -> Text:
        return self.spec.title

    @property
    def status_label(self) -> Text:
        """The status in plain words, in every language."""
        return self.spec.status_labels[self.status]

    def reason(self, lang: str = "en") -> str:
        """The reason in plain words."""
        return " ".join(m.text(lang) for m in self.reasons)

    def fact_texts(self) -> list[tuple[str, str]]:
        """The facts this element read, as (field, display string) pairs ("" for unknown)."""
        return [(name, _fact(value)) for name, value in zip(self.spec.fields, self.facts, strict=True)]


class Determination(NamedTuple):
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


_ONE_DAY = dt.timedelta(days=1)


def _fact(value: object) -> str:
    return "" if value is None or value == "unknown" else str(value)


class _Element:
    """One element's rules, compiled: its spec and its parameterless messages built once."""

    def __init__(self, element: Any, labels: dict[str, Text]) -> None:
        self.id = element.id
        self.spec = ElementSpec(element.words, " ".join(element.citation.split()), element.title, labels, tuple(element.facts))
        self.reasons = element.reasons
        self.notes_text = element.notes
        self.reason = {k: Message(v, (), k) for k, v in element.reasons.items()}
        self.question = {k: Message(v, (), k) for k, v in element.questions.items()}
        self.note = {k: Message(v, (), k) for k, v in element.notes.items()}
        self.exceptions = tuple((x.when.field, frozenset(x.when.in_), x.id) for x in element.exceptions)

    def message(self, key: str, **params: object) -> Message:
        return Message(self.reasons[key], tuple(params.items()), key)

    def result(self, status: str, reasons: tuple, facts: tuple, record: IntakeRecord, questions: tuple = (), notes: tuple = ()) -> ElementResult:
        """Build the result, first applying the exceptions: they only ever turn ``met`` into ``review``."""
        if status == "met":
            for field, values, exception_id in self.exceptions:
                value = getattr(record, field)
                if value in values:
                    params = {field: CountryName(value)} if field in ("nationality", "current_country") else {}
                    extra = self.message(exception_id, **params) if params else self.reason[exception_id]
                    return ElementResult(self.id, "review", (*reasons, extra), facts, questions, notes, self.spec, exception_id)
        return ElementResult(self.id, status, reasons, facts, questions, notes, self.spec, None)


class _Plan:
    """Everything the engine reads from a rule set, in the shape it reads it."""

    def __init__(self, ruleset: RuleSet) -> None:
        rules = ruleset.rules
        labels = dict(rules.statuses)
        self.a = _Element(ruleset.enrollment, labels)
        self.b = _Element(ruleset.location, labels)
        self.c = _Element(ruleset.case_status, labels)
        enrollment = ruleset.enrollment
        self.program_start = enrollment.program_start
        self.program_start_text = enrollment.program_start.isoformat()
        self.zones = tuple(
            (z.from_, z.to or dt.date.max, z.status, z.reason, z.from_.isoformat(), z.to.isoformat() if z.to else "")
            for z in enrollment.zones
        )
        self.united_states = ruleset.location.united_states
        case_status = ruleset.case_status
        self.appeal_days = case_status.appeal_period.days
        self.appeal_delta = dt.timedelta(days=case_status.appeal_period.days)
        self.status_rows = {
            code: (row.rule, row.status, self.c.reason.get(row.reason or ""), (self.c.note[row.note],) if row.note else ())
            for code, row in case_status.status_table.items()
        }
        self.combination = tuple((r.if_any_element_is, r.outcome) for r in rules.combination.rules)
        self.otherwise = rules.combination.otherwise
        self.outcomes = dict(rules.outcomes)
        self.version = ruleset.version
        self.hash = ruleset.hash


def _plan(ruleset: RuleSet) -> _Plan:
    plan = ruleset.compiled.get("plan")
    if plan is None:
        plan = ruleset.compiled["plan"] = _Plan(ruleset)
    return plan


# ------------------------------------------------------------------------------------ (a)


def _subjected_to_mpp1(record: IntakeRecord, plan: _Plan) -> ElementResult:
    a = plan.a
    enrolled, when = record.mpp_enrolled, record.mpp_enrollment_date
    facts = (enrolled, when, record.nationality)
    if enrolled == "no":
        return a.result("not_met", (a.reason["not_enrolled"],), facts, record)
    if enrolled != "yes":
        questions = (a.question["ask_enrolled"],) if when is not None else (a.question["ask_enrolled"], a.question["ask_enrollment_date"])
        return a.result("unknown", (a.reason["enrolled_unknown"],), facts, record, questions)
    if when is None:
        return a.result("unknown", (a.reason["date_missing"],), facts, record, (a.question["ask_enrollment_date"],))
    start = when.start if when.start > plan.program_start else plan.program_start
    end = when.end
    if start > end:
        reason = a.message("date_before_program", date=when, program_start=plan.program_start_text)
        return a.result("review", (reason,), facts, record)
    for zone_from, zone_to, status, reason_id, from_text, to_text in plan.zones:
        if zone_from <= start and end <= zone_to:
            reason = a.message(reason_id, date=when, **{"from": from_text, "to": to_text})
            return a.result(status, (reason,), facts, record)
    reason = a.message("date_spans_zones", date=when)
    return a.result("unknown", (reason,), facts, record, (a.question["ask_precise_enrollment_date"],))


# ------------------------------------------------------------------------------------ (b)


def _outside_us(record: IntakeRecord, plan: _Plan) -> ElementResult:
    b = plan.b
    country = record.current_country
    facts = (country, record.entered_us_since_mpp)
    if country is None:
        return b.result("unknown", (b.reason["location_unknown"],), facts, record, (b.question["ask_current_country"],))
    if country == plan.united_states:
        return b.result("not_met", (b.reason["in_united_states"],), facts, record)
    return b.result("met", (b.message("outside_united_states", country=CountryName(country)),), facts, record)


# ------------------------------------------------------------------------------------ (c)


def _case_inactive(record: IntakeRecord, plan: _Plan, as_of: dt.date) -> ElementResult:
    c = plan.c
    code = record.case_status
    facts = (code, record.order_date, record.appeal_filed, record.other_case_pending)
    row = plan.status_rows.get(code) if code else None
    if row is None:
        return c.result("unknown", (c.reason["status_unknown"],), facts, record, (c.question["ask_case_status"],))
    rule, status, reason, notes = row
    if rule == "appeal_period":
        return _appeal_period(record, plan, as_of, facts)
    return c.result(status, (reason,), facts, record, (), notes)


def _appeal_period(record: IntakeRecord, plan: _Plan, as_of: dt.date, facts: tuple) -> ElementResult:
    """A removal order whose finality is not recorded: decide by appeal and the appeal period.

    The order date is an interval; it can only have happened by the as-of date, so its end is
    clipped to it. It counts only when all of it falls on one side of the appeal period.
    """
    c = plan.c
    appeal, order = record.appeal_filed, record.order_date
    if appeal == "yes":
        return c.result("not_met", (c.reason["appeal_filed"],), facts, record)
    timing = None
    if order is not None:
        end = order.end if order.end < as_of else as_of
        if order.start > as_of:
            timing = "future"
        elif (as_of - end).days > plan.appeal_days:
            timing = "final"
        elif (as_of - order.start).days <= plan.appeal_days:
            timing = "recent"
        else:
            timing = "spans"
    if appeal == "no" and (timing == "final" or timing == "recent"):
        deadline = end + plan.appeal_delta
        params = {"order_date": order, "days": plan.appeal_days, "appeal_deadline": deadline}
        if timing == "final":
            return c.result("met", (c.message("order_final_by_time", **params),), facts, record)
        recheck = deadline + _ONE_DAY
        note = Message(c.notes_text["recheck_after_appeal_period"], (("appeal_deadline", deadline), ("recheck_date", recheck)), "recheck_after_appeal_period")
        return c.result("review", (c.message("order_not_final_yet", **params),), facts, record, (), (note,))
    if timing == "future":
        reason = c.message("order_date_after_as_of", order_date=order)
    else:
        reason = c.reason["order_finality_unknown"]
    questions: tuple[Message, ...] = () if appeal == "no" else (c.question["ask_appeal_filed"],)
    if order is None or timing == "future":
        questions += (c.question["ask_order_date"],)
    elif timing == "spans":
        questions += (c.question["ask_precise_order_date"],)
    return c.result("unknown", (reason,), facts, record, questions)


# --------------------------------------------------------------------------------- combining


def combine(statuses: list[str], ruleset: RuleSet) -> str:
    """Apply the combination policy of the rules file to the element statuses."""
    plan = _plan(ruleset)
    for status, outcome in plan.combination:
        if status in statuses:
            return outcome
    return plan.otherwise


def questions_for(elements: tuple[ElementResult, ...], outcome: str) -> tuple[Message, ...]:
    """The questions that would settle every unknown element (none once the person is excluded)."""
    if outcome != "needs_info":  # only needs_info has unknown elements that could change the outcome
        return ()
    return tuple(q for e in elements if e.status == "unknown" for q in e.questions)


def conditional_facts(ruleset: RuleSet) -> dict[str, tuple[str, set[Any], set[str]]]:
    """Facts an element reads only for some values of another fact.

    ``{"case_inactive": ("case_status", {"removal_order"}, {"order_date", "appeal_filed"})}``:
    element (c) reads the order date and the appeal answer only for statuses whose row applies
    the appeal-period rule. The batch uses this to group rows that must give the same result.
    """
    table = ruleset.case_status.status_table
    with_rule = {code for code, row in table.items() if row.rule == "appeal_period"}
    return {"case_inactive": ("case_status", with_rule, {"order_date", "appeal_filed"})}


def evaluate_element(element_id: str, record: IntakeRecord, ruleset: RuleSet, as_of: dt.date) -> ElementResult:
    """Evaluate one element; ``evaluate`` is the three of these plus the combination policy."""
    plan = _plan(ruleset)
    if element_id == "subjected_to_mpp1":
        return _subjected_to_mpp1(record, plan)
    if element_id == "outside_us":
        return _outside_us(record, plan)
    if element_id == "case_inactive":
        return _case_inactive(record, plan, as_of)
    raise KeyError(element_id)


def evaluate(record: IntakeRecord, ruleset: RuleSet, *, as_of: dt.date) -> Determination:
    """Screen one person against the certified class, as of ``as_of``.

    >>> from eligibility import load_rules, IntakeRecord, PartialDate
    >>> rules = load_rules()
    >>> person = IntakeRecord(mpp_enrolled="yes", mpp_enrollment_date=PartialDate.month(2019, 7),
    ...                       current_country="HN", case_status="removal_order_in_absentia")
    >>> evaluate(person, rules, as_of=dt.date(2026, 11, 27)).outcome
    'likely_member'
    """
    plan = ruleset.compiled.get("plan") or _plan(ruleset)
    a = _subjected_to_mpp1(record, plan)
    b = _outside_us(record, plan)
    c = _case_inactive(record, plan, as_of)
    statuses = (a.status, b.status, c.status)
    outcome = next((outcome for status, outcome in plan.combination if status in statuses), plan.otherwise)
    elements = (a, b, c)
    questions = questions_for(elements, outcome) if outcome == "needs_info" else ()
    return Determination(
        outcome,
        plan.outcomes[outcome],
        elements,
        questions,
        a.notes + b.notes + c.notes,
        record.data_issues,
        plan.version,
        plan.hash,
        as_of,
    )

