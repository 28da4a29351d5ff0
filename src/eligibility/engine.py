"""``evaluate(record, ruleset, *, as_of) -> Determination``: the class definition applied to one person.

Pure: no I/O, no pandas, no babel, no Streamlit. Every date, window, table and word comes from the
rule set; this module holds only the shape of each element *kind*'s test. Elements are dispatched
by kind, in the order the rules list them; no element id is written here.

One engine for every path: ``evaluate`` is, for each element, :func:`evaluate_base` (the kind's
test) then :func:`apply_exceptions` (facts that only ever turn "met" into "review"), and then the
determination-level functions :func:`combine`, :func:`questions_for`, :func:`notes_for`,
:func:`recheck_on` and :func:`documents_for`. The batch calls the very same functions, once per
distinct combination of the facts each reads; an exception that compares two dates runs on whole
columns through :func:`exception_outcomes`, which builds each outcome with the same test and the
same builder as :func:`exception_outcome` (a test compares the two on every pair of readings).

For speed, the parts of the rules each test reads are compiled once per rule set (pre-built
messages, zones as plain tuples); results are NamedTuples (see ``benchmarks/bench_engine.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from .i18n import CatalogText
from .model import CaseStatus, Conflict, IntakeRecord, PartialDate, PlaceSet, readings_of
from .rules import CaseStatusElement, CurrentLocationElement, EnrollmentWindowElement, RuleSet, Text
from .text import CountryName, Message, Quoted

_ONE_DAY = dt.timedelta(days=1)


class ElementSpec(NamedTuple):
    """What every result of one element carries from the rules file (built once per rule set)."""

    id: str
    paragraph: str
    words: str
    citation: str
    title: Text
    status_labels: dict[str, Text]
    fields: tuple[str, ...]
    documents: Text


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
    recheck_on: dt.date | None = None
    """The day to screen again, when the result waits for a date (an appeal deadline)."""

    @property
    def words(self) -> str:
        """The words of the class definition this element tests."""
        return self.spec.words

    @property
    def paragraph(self) -> str:
        return self.spec.paragraph

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

    def reason(self, lang: str = "en", shared: bool = False, render: Callable[[Message], str] | None = None) -> str:
        """The reason in plain words; ``shared``: without quoting any cell. ``render``: how each
        message renders in ``lang`` (the batch's renders each distinct message once)."""
        render = render or (lambda m: m.text(lang, shared))
        return " ".join(render(m) for m in self.reasons)

    def line(self, lang: str = "en", shared: bool = False, render: Callable[[Message], str] | None = None) -> str:
        """The element's part of a reasons column: its letter, its reason, and its notes."""
        render = render or (lambda m: m.text(lang, shared))
        text = f"{self.spec.paragraph} {self.reason(lang, shared, render)}"
        for note in self.notes:
            text += SEPARATOR + render(note)
        return text

    def fact_texts(self) -> list[tuple[str, str]]:
        """The facts this element read, as (field, display string) pairs ("" for unknown)."""
        return [(name, _fact(value)) for name, value in zip(self.spec.fields, self.facts, strict=True)]


SEPARATOR = " | "
"""Between the parts of a reasons, questions or notes cell."""


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
    recheck_on: dt.date | None = None
    documents: tuple[Text, ...] = ()
    """What to bring to the attorney, for each element that needs review."""

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

    def review_points(self, lang: str = "en", shared: bool = False) -> list[str]:
        """The reasons of elements that need attorney review."""
        return review_points(self.elements, lang, shared)


def _fact(value: object) -> str:
    if isinstance(value, Conflict):
        return str(value)
    if isinstance(value, CaseStatus):
        return " + ".join(value.codes)
    return "" if value is None or value == "unknown" else str(value)


# ------------------------------------------------------------------------------- compiling


class _Element:
    """One element's rules, compiled: its spec, messages built once, its kind's test."""

    def __init__(self, element: Any, ruleset: RuleSet) -> None:
        rules = ruleset.rules
        self.id = element.id
        self.element = element
        self.spec = ElementSpec(
            element.id, element.paragraph, element.words, " ".join(element.citation.split()), element.title,
            dict(rules.statuses), tuple(element.facts), element.review_documents,
        )
        self.reasons = element.reasons
        self.notes_text = element.notes
        self.reason = {k: Message(v, (), k) for k, v in element.reasons.items()}
        self.question = {k: Message(v, (), k) for k, v in element.questions.items()}
        self.note = {k: Message(v, (), k) for k, v in element.notes.items()}
        self.exceptions = element.exceptions
        self.reads = element.READS
        self.conditions = element.reads_only_when()
        self.test = KIND_TESTS[element.kind]
        disagree = rules.sources_disagree
        self.disagree = (disagree.status, Message(disagree.reason, (), "sources_disagree"))
        quotes = rules.quotes
        self.read_as = Quoted(quotes.read_as, quotes.read_as_shared)
        self.unreadable = Quoted(quotes.unreadable, quotes.unreadable_shared)
        self.labels = {f: CatalogText(f"field.{f}") for f in element.facts}
        self.holidays = ruleset.holidays
        self.kind_data = KIND_COMPILERS[element.kind](element, self)

    def message(self, key: str, **params: object) -> Message:
        return Message(self.reasons[key], tuple(params.items()), key)

    def quotes(self, record: Any, fields: Sequence[str]) -> tuple[Message, ...]:
        """Quote each free-text cell among ``fields`` and say how it was read."""
        out = []
        readings = {r.field: r for r in getattr(record, "readings", ())}
        for reading in (readings[f] for f in fields if f in readings):  # in the order of ``fields``
            label = ("field", self.labels[reading.field])
            if reading.reading is not None:
                out.append(Message(self.read_as, (label, ("text", reading.text), ("reading", reading.reading)), "quote"))
            else:
                out.append(Message(self.unreadable, (label, ("text", reading.text), ("why", reading.why or "")), "quote"))
        return tuple(out)

    def result(
        self, status: str, reasons: tuple[Message, ...], record: Any, rested_on: Sequence[str],
        questions: tuple = (), notes: tuple = (), recheck: dt.date | None = None,
    ) -> ElementResult:
        """A result before exceptions, quoting the free-text cells it rests on."""
        facts = tuple(getattr(record, f) for f in self.spec.fields)
        quoted = self.quotes(record, rested_on) if getattr(record, "readings", ()) else ()
        return ElementResult(self.id, status, (*quoted, *reasons), facts, questions, notes, self.spec, None, recheck)


def _read_here(e: _Element, record: Any) -> tuple[str, ...]:
    """The facts the kind reads for this record: a fact read only for some values of another
    counts only where it is read (the rule by which the batch groups rows: ``reads_only_when``)."""
    found = []
    for name in e.reads:
        condition = e.conditions.get(name)
        if condition is not None:
            control = getattr(record, condition[0], None)
            if not any(c in condition[1] for c in getattr(control, "codes", ())):
                continue
        found.append(name)
    return tuple(found)


def _run(e: _Element, record: Any, as_of: dt.date) -> ElementResult:
    """The kind's test, unless a fact it reads has sources that disagree (a :class:`Conflict`):
    then the rules' ``sources_disagree`` status, quoting what it read (neither value is taken)."""
    read = _read_here(e, record)
    if any(isinstance(getattr(record, name, None), Conflict) for name in read):
        status, reason = e.disagree
        return e.result(status, (reason,), record, read)
    return e.test(e, record, as_of)


class _Plan:
    """Everything the engine reads from a rule set, in the shape it reads it."""

    def __init__(self, ruleset: RuleSet) -> None:
        rules = ruleset.rules
        self.elements = tuple(_Element(e, ruleset) for e in rules.elements)
        self.by_id = {e.id: e for e in self.elements}
        self.combination = tuple((r.if_any_element_is, r.outcome) for r in rules.combination.rules)
        self.otherwise = rules.combination.otherwise
        self.outcomes = dict(rules.outcomes)
        self.version = ruleset.version
        self.hash = ruleset.hash


def plan_for(ruleset: RuleSet) -> _Plan:
    """The rule set compiled for the engine (once per rule set; it holds no client data)."""
    plan = ruleset.compiled.get("plan")
    if plan is None:
        plan = ruleset.compiled["plan"] = _Plan(ruleset)
    return plan


# ------------------------------------------------------------------------- enrollment_window


class _Zones(NamedTuple):
    program_start: dt.date
    program_start_text: str
    zones: tuple[tuple[dt.date, dt.date, str, str, str, str], ...]
    contradiction: tuple[str, str, tuple[tuple[dt.date, dt.date, str, str], ...]] | None


def _compile_zones(element: EnrollmentWindowElement, compiled: _Element) -> _Zones:
    zones = tuple(
        (z.from_, z.to or dt.date.max, z.status, z.reason, z.from_.isoformat(), z.to.isoformat() if z.to else "")
        for z in element.zones
    )
    check = element.not_enrolled_but_date_in
    contradiction = None
    if check is not None:
        inside = tuple((f, t, ft, tt) for f, t, status, _, ft, tt in zones if status == check.zone_status)
        contradiction = (check.status, check.reason, inside)
    return _Zones(element.program_start, element.program_start.isoformat(), zones, contradiction)


def _zone_of(reading: PartialDate, z: _Zones) -> int | str:
    """The index of the zone that holds the whole (clipped) reading, "before" or "spans"."""
    start = reading.start if reading.start > z.program_start else z.program_start
    if start > reading.end:
        return "before"
    for index, (zone_from, zone_to, *_rest) in enumerate(z.zones):
        if zone_from <= start and reading.end <= zone_to:
            return index
    return "spans"


def _enrollment_window(e: _Element, record: Any, as_of: dt.date) -> ElementResult:
    z: _Zones = e.kind_data
    enrolled, when = record.mpp_enrolled, record.mpp_enrollment_date
    rested = ("mpp_enrolled", "mpp_enrollment_date")
    if enrolled == "no":
        if when is not None and z.contradiction is not None:
            status, reason_id, inside = z.contradiction
            for reading in readings_of(when):
                for zone_from, zone_to, from_text, to_text in inside:
                    if reading.start <= zone_to and reading.end >= zone_from:
                        reason = e.message(reason_id, date=when, **{"from": from_text, "to": to_text})
                        return e.result(status, (reason,), record, rested)
        return e.result("not_met", (e.reason["not_enrolled"],), record, rested)
    if enrolled != "yes":
        asked = (e.question["ask_enrolled"],) if when is not None else (e.question["ask_enrolled"], e.question["ask_enrollment_date"])
        return e.result("unknown", (e.reason["enrolled_unknown"],), record, rested, asked)
    if when is None:
        return e.result("unknown", (e.reason["date_missing"],), record, rested, (e.question["ask_enrollment_date"],))
    zones = {_zone_of(reading, z) for reading in readings_of(when)}
    zone = zones.pop() if len(zones) == 1 else "spans"
    if zone == "before":
        reason = e.message("date_before_program", date=when, program_start=z.program_start_text)
        return e.result("review", (reason,), record, rested)
    if zone == "spans":
        reason = e.message("date_spans_zones", date=when)
        return e.result("unknown", (reason,), record, rested, (e.question["ask_precise_enrollment_date"],))
    _, _, status, reason_id, from_text, to_text = z.zones[zone]
    return e.result(status, (e.message(reason_id, date=when, **{"from": from_text, "to": to_text}),), record, rested)


# -------------------------------------------------------------------------- current_location


def _compile_location(element: CurrentLocationElement, compiled: _Element) -> str:
    return element.united_states


def _current_location(e: _Element, record: Any, as_of: dt.date) -> ElementResult:
    united_states: str = e.kind_data
    place = record.current_country
    rested = ("current_country",)
    if place is None:
        return e.result("unknown", (e.reason["location_unknown"],), record, rested, (e.question["ask_current_country"],))
    if isinstance(place, PlaceSet):
        if place.may_be(united_states):
            return e.result("unknown", (e.reason["location_unreadable"],), record, rested, (e.question["ask_current_country"],))
        return e.result("met", (e.reason["outside_no_country"],), record, rested)
    if place == united_states:
        return e.result("not_met", (e.reason["in_united_states"],), record, rested)
    return e.result("met", (e.message("outside_united_states", country=CountryName(place)),), record, rested)


# ------------------------------------------------------------------------------- case_status


class _Table(NamedTuple):
    rows: dict[str, tuple]
    labels: dict[str, Text]
    days: int
    rolls: frozenset[int]
    holidays: Any
    """The federal legal holidays (date -> name, from ``rules/federal_holidays.yaml``), or None."""
    notes: dict[str, Text]


def _compile_table(element: CaseStatusElement, e: _Element) -> _Table:
    rows = {}
    for code, row in element.status_table.items():
        notes = (e.note[row.note],) if row.note else ()
        appeal = None
        if row.if_appeal_filed:
            appeal = (row.if_appeal_filed.status, e.reason[row.if_appeal_filed.reason], tuple(e.question[q] for q in row.if_appeal_filed.questions))
        rows[code] = (row.rule, row.status, e.reason.get(row.reason or ""), notes, appeal)
    period = element.appeal_period
    rolls = frozenset({"saturday": 5, "sunday": 6}[d] for d in period.rolls_past if d != "federal_holiday")
    calendar = e.holidays.holidays if "federal_holiday" in period.rolls_past else None
    return _Table(rows, element.status_labels, period.days, rolls, calendar, element.notes)


class _Deadline(NamedTuple):
    day: dt.date
    moved_from: dt.date | None
    why: Message | None


def appeal_deadline(order: dt.date, table: _Table) -> _Deadline:
    """The last day to appeal an order: ``days`` calendar days later, moved to the next business
    day past weekends and federal legal holidays (``rules/federal_holidays.yaml``)."""
    day = first = order + dt.timedelta(days=table.days)
    why = None
    while True:
        name = table.holidays.get(day) if table.holidays is not None else None
        if day.weekday() in table.rolls:
            reason = Message(table.notes["day_saturday" if day.weekday() == 5 else "day_sunday"], (), "day")
        elif name is not None:
            reason = Message(table.notes["day_holiday"], (("holiday", name),), "day")
        else:
            break
        why = why or reason
        day += _ONE_DAY
    return _Deadline(day, first if day != first else None, why)


def _case_status(e: _Element, record: Any, as_of: dt.date) -> ElementResult:
    table: _Table = e.kind_data
    status = record.case_status
    if isinstance(status, str):  # a status-table code given directly (a record built without the readers)
        status = CaseStatus((status,))
    if status is None:
        return e.result("unknown", (e.reason["status_unknown"],), record, ("case_status",), (e.question["ask_case_status"],))
    if not status.codes:
        return e.result("unknown", (e.reason["status_unreadable"],), record, ("case_status",), (e.question["ask_case_status"],))
    if len(status.codes) > 1:
        labels = _Joined(tuple(table.labels[c] for c in status.codes))
        return e.result("review", (e.message("status_several", statuses=labels),), record, ("case_status",))
    rule, row_status, reason, notes, if_appeal = table.rows[status.codes[0]]
    appeal = record.appeal_filed
    rested: tuple[str, ...] = ("case_status", "appeal_filed")
    if appeal == "unknown" and status.appeal is not None:
        appeal, rested = status.appeal, ("case_status",)  # "removal order, no appeal": the status cell answers it
    if if_appeal is not None and appeal == "yes":
        appeal_status, appeal_reason, questions = if_appeal
        return e.result(appeal_status, (appeal_reason,), record, rested, questions if appeal_status == "unknown" else ())
    if rule == "appeal_period":
        return _appeal_period(e, record, as_of, appeal, rested)
    return e.result(row_status, (reason,), record, ("case_status",), (), notes)


class _Joined(NamedTuple):
    """Texts listed in a language ("Removal order in absentia; Case reopened")."""

    texts: tuple[Text, ...]

    def get(self, lang: str) -> str:
        return "; ".join(t.get(lang) for t in self.texts)


def _appeal_period(e: _Element, record: Any, as_of: dt.date, appeal: str, rested: tuple[str, ...]) -> ElementResult:
    """A removal order whose finality is not recorded: decide by the appeal answer and the deadline.

    Each reading of the order date is an interval that can only have happened by the as-of date
    (its end is clipped to it); it counts only when all of it falls on one side of the deadline,
    and when every reading falls on the same side.
    """
    table: _Table = e.kind_data
    order = record.order_date
    rested = (*rested, "order_date")
    timing, deadline = None, None
    if order is not None:
        timings = set()
        for reading in readings_of(order):
            if reading.start > as_of:
                timings.add("future")
                continue
            end = reading.end if reading.end < as_of else as_of
            latest = appeal_deadline(end, table)
            if as_of > latest.day:
                timings.add("final")
            elif as_of <= appeal_deadline(reading.start, table).day:
                timings.add("recent")
            else:
                timings.add("spans")
            if deadline is None or latest.day > deadline.day:
                deadline = latest
        timing = timings.pop() if len(timings) == 1 else "spans"
    if appeal == "no" and timing in ("final", "recent") and deadline is not None:
        moved = ""
        if deadline.moved_from is not None:
            moved = Message(table.notes["deadline_moved"], (("day_30", deadline.moved_from), ("why", deadline.why)), "deadline_moved")
        params = {"order_date": order, "days": table.days, "appeal_deadline": deadline.day, "moved": moved}
        if timing == "final":
            return e.result("met", (e.message("order_final_by_time", **params),), record, rested)
        recheck = deadline.day + _ONE_DAY
        params_note = (("appeal_deadline", deadline.day), ("recheck_date", recheck))
        note = Message(table.notes["recheck_after_appeal_period"], params_note, "recheck_after_appeal_period")
        return e.result("review", (e.message("order_not_final_yet", **params),), record, rested, (), (note,), recheck)
    reason = e.message("order_date_after_as_of", order_date=order) if timing == "future" else e.reason["order_finality_unknown"]
    questions: tuple[Message, ...] = () if appeal == "no" else (e.question["ask_appeal_filed"],)
    if order is None or timing == "future":
        questions += (e.question["ask_order_date"],)
    elif timing == "spans":
        questions += (e.question["ask_precise_order_date"],)
    return e.result("unknown", (reason,), record, rested, questions)


KIND_TESTS: dict[str, Callable[[_Element, Any, dt.date], ElementResult]] = {
    "enrollment_window": _enrollment_window,
    "current_location": _current_location,
    "case_status": _case_status,
}
"""Each element kind's test; every kind the rules schema declares has one (tested)."""
KIND_COMPILERS: dict[str, Callable[[Any, _Element], Any]] = {
    "enrollment_window": _compile_zones,
    "current_location": _compile_location,
    "case_status": _compile_table,
}


# ---------------------------------------------------------------------------------- exceptions


def _exception_applies(x: Any, record: Any) -> str | None:
    """``"yes"`` when the exception applies, ``"unsure"`` when a written cell may make it apply,
    ``"disagree"`` when a fact it reads has sources that disagree, None when it does not."""
    when = x.when
    value = getattr(record, when.field)
    if any(isinstance(getattr(record, f), Conflict) for f in when.fields):
        return "disagree"  # two sources disagree: never treated as either
    if when.before is not None:
        return _before(_date_bound(value, last=True), _date_bound(getattr(record, when.before), last=False))
    values = when.in_
    if isinstance(value, PlaceSet):
        if value.only_within(frozenset(values)):
            return "yes"
        return "unsure" if any(value.may_be(v) for v in values) else None
    if value in values:
        return "yes"
    if value == "unknown":
        reading = next((r for r in getattr(record, "readings", ()) if r.field == when.field), None)
        if reading is not None and reading.reading is None:
            return "unsure"  # written, but not readable: never treated as blank
    return None


def _date_bound(value: Any, *, last: bool) -> int | str | None:
    """What a ``before`` test reads of a date: the ordinal of the last day it may be (``last``) or
    of the first; "disagree" for sources that disagree; None when blank."""
    if value is None:
        return None
    if isinstance(value, Conflict):
        return "disagree"
    readings = readings_of(value)
    return (max(r.end for r in readings) if last else min(r.start for r in readings)).toordinal()


def _before(latest: int | str | None, earliest: int | str | None) -> str | None:
    """A ``before`` test on two bounds (``_date_bound``): "yes" only when the whole first date lies
    before the whole second; "disagree" when a source disagrees; None when a date is blank."""
    if latest == "disagree" or earliest == "disagree":
        return "disagree"
    if latest is None or earliest is None:
        return None
    return "yes" if latest < earliest else None  # type: ignore[operator]


class Exceptional(NamedTuple):
    """What one exception adds to a met element: its id, its reason and the quotes of the cells it read."""

    id: str
    reason: Message
    quotes: tuple[Message, ...]


def exception_outcome(e: _Element, index: int, record: Any) -> Exceptional | None:
    """One exception of an element, tested on a record: what it adds, or None when it does not apply.
    It reads only its own fields, so the batch tests it once per distinct value of those."""
    x = e.exceptions[index]
    applies = _exception_applies(x, record)
    if applies is None:
        return None
    fields = x.when.fields
    return _exceptional(e, x, applies, {f: getattr(record, f) for f in fields}, e.quotes(record, fields))


def _exceptional(e: _Element, x: Any, applies: str, values: dict[str, Any], quotes: tuple[Message, ...]) -> Exceptional:
    """What an exception that applies adds: its reason (naming the values it read, when it applies
    for certain) and the quotes of the cells it read."""
    if applies == "yes":
        reason = e.message(x.id, **{f: _display(f, v) for f, v in values.items()})
    elif applies == "disagree":
        reason = e.disagree[1]
    else:
        reason = e.reason[x.unreadable_reason] if x.unreadable_reason else e.reason[x.id]
    return Exceptional(x.id, reason, quotes)


class _Cell(NamedTuple):
    """One cell as a record of its own, for quoting it (``_Element.quotes`` reads ``readings``)."""

    readings: tuple


def exception_outcomes(
    element_id: str, index: int, distinct: dict[str, Sequence[Any]], codes: dict[str, Sequence[int]], ruleset: RuleSet
) -> list[Exceptional | None] | None:
    """:func:`exception_of` on many combinations at once, for the batch. ``distinct`` holds each
    field's distinct reads (a ``value`` and its ``reading``, None when the cell needed none) and
    ``codes`` each combination's index into them (aligned lists). What each read gives the test
    (a date's bounds) and the quotes are worked out once per distinct read, then the same test
    and the same outcome as :func:`exception_outcome` per combination. None when the exception
    has no such form (a ``when: in`` test reads one field: its distinct values are few)."""
    e = plan_for(ruleset).by_id[element_id]
    x = e.exceptions[index]
    when = x.when
    if when.before is None or when.field not in codes or when.before not in codes:
        return None
    first, second = when.field, when.before
    latest = [_date_bound(r.value, last=True) for r in distinct[first]]
    earliest = [_date_bound(r.value, last=False) for r in distinct[second]]
    quoted = {f: [e.quotes(_Cell((r.reading,) if r.reading is not None else ()), (f,)) for r in distinct[f]] for f in (first, second)}
    out: list[Exceptional | None] = []
    for a, b in zip(codes[first], codes[second], strict=True):
        applies = _before(latest[a], earliest[b])
        if applies is None:
            out.append(None)
            continue
        values = {first: distinct[first][a].value, second: distinct[second][b].value}
        out.append(_exceptional(e, x, applies, values, quoted[first][a] + quoted[second][b]))
    return out


def with_exceptions(result: ElementResult, outcomes: Sequence[Exceptional | None]) -> ElementResult:
    """A met result with what its exceptions add, in the rules' order: review, with each reason and
    the quotes not already given (exceptions only ever turn ``met`` into ``review``)."""
    if result.status != "met":
        return result
    extra: list[Message] = []
    first = None
    for outcome in outcomes:
        if outcome is None:
            continue
        if outcome.reason not in extra:
            extra.append(outcome.reason)
        extra.extend(q for q in outcome.quotes if q not in result.reasons and q not in extra)
        first = first or outcome.id
    if not extra:
        return result
    return result._replace(status="review", reasons=(*result.reasons, *extra), exception=first)


def exception_count(element_id: str, ruleset: RuleSet) -> int:
    """How many exceptions an element has."""
    return len(plan_for(ruleset).by_id[element_id].exceptions)


def exception_of(element_id: str, index: int, record: Any, ruleset: RuleSet) -> Exceptional | None:
    """``exception_outcome`` for an element of the rule set, by id (the batch's entry point)."""
    return exception_outcome(plan_for(ruleset).by_id[element_id], index, record)


def apply_exceptions(element_id: str, result: ElementResult, record: Any, ruleset: RuleSet) -> ElementResult:
    """Apply an element's exceptions to its result: they only ever turn ``met`` into ``review``."""
    e = plan_for(ruleset).by_id[element_id]
    return _apply(e, result, record)


def _apply(e: _Element, result: ElementResult, record: Any) -> ElementResult:
    if result.status != "met" or not e.exceptions:
        return result
    return with_exceptions(result, [exception_outcome(e, i, record) for i in range(len(e.exceptions))])


def _display(field: str, value: Any) -> Any:
    return CountryName(value) if isinstance(value, str) and field in ("nationality", "current_country") else value


# --------------------------------------------------------------------------------- combining


def combine(statuses: Sequence[str], ruleset: RuleSet) -> str:
    """Apply the combination policy of the rules file to the element statuses."""
    plan = plan_for(ruleset)
    return next((outcome for status, outcome in plan.combination if status in statuses), plan.otherwise)


def questions_for(elements: Sequence[ElementResult], outcome: str) -> tuple[Message, ...]:
    """The questions that would settle every unknown element (none once the person is excluded)."""
    if outcome != "needs_info":  # only needs_info has unknown elements that could change the outcome
        return ()
    return tuple(dict.fromkeys(q for e in elements if e.status == "unknown" for q in e.questions))  # each asked once


def notes_for(elements: Sequence[ElementResult]) -> tuple[Message, ...]:
    """Every element's notes, in element order."""
    return tuple(n for e in elements for n in e.notes)


def review_points(
    elements: Sequence[ElementResult], lang: str = "en", shared: bool = False, render: Callable[[Message], str] | None = None,
) -> list[str]:
    """The reasons of the elements that need attorney review, each with its paragraph letter."""
    return [f"{e.spec.paragraph} {e.reason(lang, shared, render)}" for e in elements if e.status == "review"]


def recheck_on(elements: Sequence[ElementResult], outcome: str) -> dt.date | None:
    """The earliest day any element waits for (the day after an appeal deadline), unless the
    person is excluded whatever that day brings."""
    if outcome == "not_member":
        return None
    days = [e.recheck_on for e in elements if e.recheck_on is not None]
    return min(days) if days else None


def documents_for(elements: Sequence[ElementResult], outcome: str) -> tuple[Text, ...]:
    """What to bring to the attorney, when the outcome is attorney review: the documents of each
    element that needs review."""
    if outcome != "needs_review":
        return ()
    return tuple(e.spec.documents for e in elements if e.status == "review")


def evaluate_base(element_id: str, record: Any, ruleset: RuleSet, as_of: dt.date) -> ElementResult:
    """One element's kind test, before its exceptions."""
    e = plan_for(ruleset).by_id[element_id]
    return _run(e, record, as_of)


def evaluate_element(element_id: str, record: Any, ruleset: RuleSet, as_of: dt.date) -> ElementResult:
    """One element: its kind's test, then its exceptions."""
    e = plan_for(ruleset).by_id[element_id]
    return _apply(e, _run(e, record, as_of), record)


def determine(elements: tuple[ElementResult, ...], ruleset: RuleSet, as_of: dt.date, data_issues: tuple = ()) -> Determination:
    """The determination from the element results: the combination policy and what follows from it."""
    plan = plan_for(ruleset)
    statuses = [e.status for e in elements]
    outcome = next((outcome for status, outcome in plan.combination if status in statuses), plan.otherwise)
    return Determination(
        outcome,
        plan.outcomes[outcome],
        elements,
        questions_for(elements, outcome),
        notes_for(elements),
        data_issues,
        plan.version,
        plan.hash,
        as_of,
        recheck_on(elements, outcome),
        documents_for(elements, outcome),
    )


def evaluate(record: IntakeRecord, ruleset: RuleSet, *, as_of: dt.date) -> Determination:
    """Screen one person against the certified class, as of ``as_of``.

    >>> from eligibility import load_rules, IntakeRecord, PartialDate
    >>> rules = load_rules()
    >>> person = IntakeRecord(mpp_enrolled="yes", mpp_enrollment_date=PartialDate.month(2019, 7),
    ...                       current_country="HN", case_status="removal_order_in_absentia")
    >>> evaluate(person, rules, as_of=dt.date(2026, 11, 27)).outcome
    'likely_member'
    """
    plan = ruleset.compiled.get("plan") or plan_for(ruleset)
    elements = tuple(_apply(e, _run(e, record, as_of), record) for e in plan.elements)
    return determine(elements, ruleset, as_of, record.data_issues)
