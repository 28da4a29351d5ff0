"""Screen a whole table: every input row comes out, in order, with a determination and its issues.

One engine: each row gets exactly what ``evaluate()`` gives the same cells (``row_outputs`` below
is the one-row definition of every column; a property test compares the two on random tables).
The batch only decides how often to call the engine:
1. each mapped column is dictionary-encoded, and only its *distinct* values are read;
2. each element is evaluated once per distinct combination of the fields its kind reads
   (``rules.py`` declares them), then its exceptions once per distinct combination of the fields
   they read, on the rows where the element was met;
3. every determination-level function of the engine (combination, questions, notes, re-check
   date, documents, the texts) runs once per distinct combination of what it reads, and the
   per-row columns are built with Arrow kernels.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa

from . import columnar
from .caseload import decision_columns, earlier_columns
from .cells import is_blank
from .duplicates import a_number_keys, flag, folded_codes, name_column
from .engine import (
    SEPARATOR,
    Determination,
    ElementResult,
    combine,
    documents_for,
    evaluate_base,
    exception_of,
    exception_outcomes,
    questions_for,
    recheck_on,
    review_points,
    with_exceptions,
)
from .errors import InputFileError
from .fields import DATE_FIELDS, DECISION_FIELDS, DECISION_RESULTS, FIELDS, NAME_FIELDS, PORTAL_FIELDS
from .mapping import ColumnMatch, apply_overrides, suggest_mapping
from .model import DataIssue
from .normalize import DateOrder, Normalizer, OrderDecision, Read, normalize_a_numbers, normalizer_for, settle_date_order
from .read import Table
from .rules import OUTCOMES, RuleSet
from .text import Message

OUTCOME_ORDER = ("likely_member", "needs_review", "needs_info", "not_member")
"""The order staff act on results in: counts, charts and filters list outcomes this way."""
UNREAD_FIELDS = ("client_id", *NAME_FIELDS, "notes", *DECISION_FIELDS)
"""Fields kept in the output and never read by the rules (names only for duplicates; decisions
only by the decision check, ``caseload``)."""


def added_columns(ruleset: RuleSet) -> tuple[str, ...]:
    """The columns the screening adds to every row, named as in the output contract."""
    return (
        "determination", "result", *ruleset.element_ids, "reasons", "next_questions", "bring_to_attorney",
        "recheck_on", "data_issues", "rules_version", "rules_hash", "as_of",
    )


def report_columns(ruleset: RuleSet) -> tuple[str, ...]:
    """Every column a report writes after the upload's: the screening's, the decision columns and
    the decision check."""
    return (*added_columns(ruleset), *DECISION_FIELDS, *DECISION_RESULTS)


def screening_columns(ruleset: RuleSet) -> tuple[str, ...]:
    """The columns the tool computes (the screening's and the decision check's): in an upload, they
    are an earlier screening (``caseload.earlier_columns``)."""
    return (*added_columns(ruleset), *DECISION_RESULTS)


def row_outputs(det: Determination, lang: str = "en", *, issues: str = "", shared: bool = False) -> dict[str, str]:
    """The added columns for one person, as the batch writes them (``issues``: the data-issues text).

    This is the definition the batch vectorises; both use only the engine's functions.
    """
    out = {"determination": det.outcome, "result": det.label(lang)}
    out.update({e.element_id: e.status for e in det.elements})
    out["reasons"] = SEPARATOR.join(e.line(lang, shared) for e in det.elements)
    out["next_questions"] = SEPARATOR.join(q.text(lang) for q in det.questions)
    out["bring_to_attorney"] = SEPARATOR.join(d.get(lang) for d in det.documents)
    out["recheck_on"] = det.recheck_on.isoformat() if det.recheck_on else ""
    out["data_issues"] = issues
    out["rules_version"] = det.rules_version
    out["rules_hash"] = det.rules_hash[:12]
    out["as_of"] = det.as_of.isoformat()
    return out


@dataclass(frozen=True)
class DateColumn:
    """How a date column's day/month order was settled, and by which values."""

    field: str
    header: str
    decision: OrderDecision

    @property
    def order(self) -> DateOrder | None:
        return self.decision.order

    @property
    def source(self) -> str:
        return self.decision.source


@dataclass
class BatchResult:
    """Everything a report or a page needs about one screened table. Output columns are Arrow arrays."""

    table: Table
    mapping: list[ColumnMatch]
    as_of: dt.date
    lang: str
    ruleset: RuleSet
    arrays: dict[str, pa.Array]
    issues_by_row: dict[int, list[DataIssue]]
    element_rows: dict[str, np.ndarray]
    element_results: dict[str, list[ElementResult]]
    date_columns: list[DateColumn] = field(default_factory=list)
    earlier: dict[str, int] = field(default_factory=dict)
    """The columns of an earlier screening this upload carries (report column name -> column
    index): carried to compare with, never read, replaced in every report (``caseload``)."""
    decisions: Mapping[str, Sequence[Any]] | None = None
    """Decision columns entered in the app (field -> values, every row); None: as the upload has them."""
    decided_here: frozenset[int] = frozenset()
    """Rows whose decision was entered in the app, beside this very screening."""
    changes: Any = None
    """The comparison with an earlier report (``compare.Changes``), when one was made."""
    normalizer: Normalizer | None = None

    def __len__(self) -> int:
        return len(self.table)

    @property
    def rules_version(self) -> str:
        return self.ruleset.version

    @property
    def rules_hash(self) -> str:
        return self.ruleset.hash

    @property
    def element_ids(self) -> tuple[str, ...]:
        return self.ruleset.element_ids

    def added_columns(self, shared: bool = False) -> dict[str, pa.Array]:
        """The columns the screening adds, named as in the output contract. ``shared``: reasons
        that quote no cell and data issues by code only (for a report meant for sharing)."""
        arrays = {name: self.arrays[name] for name in added_columns(self.ruleset)}
        if shared:
            arrays["reasons"] = self.shared_reasons
            arrays["data_issues"] = self.issue_codes
        return arrays

    def values(self, name: str) -> list[Any]:
        """An added column as a Python list (dictionary-encoded columns decoded without Arrow's slow path)."""
        return columnar.pylist(self.arrays[name])

    @cached_property
    def outcome(self) -> list[str]:
        return self.values("determination")

    @cached_property
    def statuses(self) -> dict[str, list[str]]:
        return {e: self.values(e) for e in self.element_ids}

    @cached_property
    def reasons(self) -> list[str]:
        return self.values("reasons")

    @cached_property
    def recheck(self) -> list[str]:
        return self.values("recheck_on")

    def _per_row_text(self, render: Callable[[ElementResult], str], *, skip_empty: bool = False) -> pa.DictionaryArray:
        """Every element's text (``render``), joined per row, once per distinct combination of them."""
        ids = self.element_ids
        return columnar.coded(*_joined(ids, [self.element_rows[e] for e in ids], self.element_results, render, len(self), skip_empty))

    @cached_property
    def shared_reasons(self) -> pa.Array:
        """The reasons column without any quoted cell: each free text replaced by its reading."""
        return self._per_row_text(_line_renderer(self.lang, shared=True))

    def review_point_array(self, shared: bool = False) -> pa.Array:
        """Per row, the reasons of the elements that need attorney review ("" for none), as a
        dictionary-encoded column; ``shared``: without any quoted cell."""
        cache = self.__dict__.setdefault("_review_point_arrays", {})
        if shared not in cache:
            cache[shared] = self._per_row_text(_review_renderer(self.lang, shared), skip_empty=True)
        return cache[shared]

    @cached_property
    def review_points(self) -> list[str]:
        """Per row, the reasons of the elements that need attorney review ("" for none)."""
        return columnar.pylist(self.review_point_array())

    @cached_property
    def issue_codes(self) -> pa.Array:
        """Per row, the codes of its data issues (no value, no header: safe to share)."""
        texts = [SEPARATOR.join(dict.fromkeys(i.code for i in self.issues_by_row.get(r, ()))) for r in range(len(self))]
        return pa.array(texts, type=pa.string())

    @cached_property
    def issues(self) -> list[DataIssue]:
        """Every data issue, in row order, each placed at its spreadsheet row and column."""
        return [issue for i in sorted(self.issues_by_row) for issue in self.issues_by_row[i]]

    def counts(self) -> dict[str, int]:
        """Rows by determination."""
        import pyarrow.compute as pc

        counts = pc.value_counts(self.arrays["determination"]).to_pylist()
        return {c["values"]: int(c["counts"]) for c in counts}

    def field_column(self, name: str) -> int | None:
        """Index of the sheet column mapped to a canonical field."""
        return next((m.index for m in self.mapping if m.field == name), None)

    # -------------------------------------------------------------------------- caseload

    def decision_values(self) -> dict[str, list[Any]]:
        """The decision columns, row by row, as entered in the app or written in the upload (blank
        where neither has them)."""
        out = {}
        for name in DECISION_FIELDS:
            if self.decisions is not None and name in self.decisions:
                out[name] = list(self.decisions[name])
                continue
            index = self.field_column(name)
            out[name] = self.table.values(index) if index is not None else [None] * len(self)
        return out

    def earlier_values(self) -> dict[str, list[Any]]:
        """The earlier screening this upload carries, by report column name (empty: none)."""
        return {name: self.table.values(index) for name, index in self.earlier.items()}

    def with_decisions(self, decisions: Mapping[str, Sequence[Any]] | None, rows: frozenset[int] = frozenset()) -> BatchResult:
        """This result with decision columns entered in the app (``rows``: those entered beside this
        screening). The screening itself is unchanged."""
        return replace(self, decisions=decisions, decided_here=rows)

    @property
    def ruleset_columns(self) -> tuple[str, ...]:
        """The columns a decision rests on: the determination, each element status, the rules."""
        return ("determination", *self.element_ids, "rules_version", "rules_hash")

    @cached_property
    def decision_check(self) -> dict[str, list[str]]:
        """``decision_category``, ``decision_stale`` and ``decision_stale_reason`` for every row."""
        if all(self.field_column(f) is None for f in DECISION_FIELDS) and self.decisions is None:
            return {name: [""] * len(self) for name in DECISION_RESULTS}
        entered = self.decision_values()
        decided = [i for i, value in enumerate(entered["attorney_decision"]) if not is_blank(value)]
        rows = pa.array(decided, type=pa.int64())  # only the rows with a decision are looked at
        new = {k: dict(zip(decided, self.arrays[k].take(rows).to_pylist(), strict=True)) for k in self.ruleset_columns}
        normalizer = self.normalizer or normalizer_for(self.ruleset)
        return decision_columns(
            entered, self.earlier_values(), new, self.ruleset, normalizer, self.lang, len(self), here=self.decided_here, as_of=self.as_of,
        )


# ---------------------------------------------------------------------------------- reading


class _Column:
    """One mapped column: per-row codes into its distinct reads (the last slot: a blank cell)."""

    def __init__(self, codes: np.ndarray, reads: Sequence[Read], *, blank_slot: bool = True) -> None:
        self.reads = [*reads, Read(None)] if blank_slot else list(reads)
        self.size = len(self.reads)
        missing = blank_slot and len(codes) and codes.min() < 0  # a missing cell (none in a CSV: a pass, not a copy)
        self.codes = np.where(codes < 0, self.size - 1, codes) if missing else codes
        self.issue_slots = [i for i, r in enumerate(self.reads) if r.issue is not None]

    @cached_property
    def _grouped(self) -> tuple[list[Read], np.ndarray]:
        """The distinct reads by what the engine sees (value and reading), and each row's index."""
        keys = [(r.value, r.reading) for r in self.reads]
        slot_codes, uniques = columnar.distinct(keys)
        reads = [Read(v, reading) for v, reading in uniques]
        blank = len(reads)
        return [*reads, Read(None)], np.where(slot_codes < 0, blank, slot_codes)[self.codes]

    @property
    def distinct(self) -> list[Read]:
        return self._grouped[0]

    @property
    def row_codes(self) -> np.ndarray:
        """Per row, the index of its read in ``distinct`` (computed only for fields the rules read)."""
        return self._grouped[1]

    def rows_with_issues(self) -> np.ndarray:
        if not self.issue_slots:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(np.isin(self.codes, self.issue_slots))


def date_columns(table: Table, mapping: Sequence[ColumnMatch], date_orders: Mapping[str, DateOrder] | None = None) -> list[DateColumn]:
    """How each mapped date column's day/month order will be settled (reads only those columns)."""
    found = []
    for match in mapping:
        if match.field in DATE_FIELDS:
            _, uniques = columnar.factorize(table.column(match.index))
            found.append(DateColumn(match.field, match.header, settle_date_order(uniques, (date_orders or {}).get(match.field))))
    return found


def _read_columns(
    table: Table, by_field: dict[str, ColumnMatch], encoded: dict[str, Future], normalizer: Normalizer,
    date_orders: Mapping[str, DateOrder] | None,
) -> tuple[dict[str, _Column], list[DateColumn]]:
    """Each mapped column the rules or the checks read, read once per distinct value (the
    A-numbers: ``encoded["a_number"]``, ``normalize_a_numbers`` of the column)."""
    columns: dict[str, _Column] = {}
    dates: list[DateColumn] = []
    # The A-numbers last: normalising them takes longest, and the other columns are read meanwhile.
    for name in sorted(by_field, key=lambda f: f == "a_number"):
        match = by_field[name]
        if name == "a_number":  # nearly every value distinct: normalised row by row, in Arrow
            values, issues = encoded[name].result()
            invalid = sorted(issues)
            codes = np.zeros(len(table), dtype=np.int64)  # slot 0: a valid (or blank) A-number
            codes[invalid] = np.arange(1, len(invalid) + 1)
            column = _Column(codes, [Read(None), *(Read(None, None, issues[i]) for i in invalid)], blank_slot=False)
            column.values, column.invalid_rows = values, invalid  # type: ignore[attr-defined]
            columns[name] = column
            continue
        if name not in encoded:
            continue
        codes, uniques = encoded[name].result()
        order = None
        if name in DATE_FIELDS:
            decision = settle_date_order(uniques, (date_orders or {}).get(name))
            dates.append(DateColumn(name, match.header, decision))
            order = decision.order
        columns[name] = _Column(codes, [normalizer.read(name, u, order) for u in uniques])
    return {name: columns[name] for name in by_field if name in columns}, dates  # the sheet's column order orders each row's issues


def _merge_portal(columns: dict[str, _Column], normalizer: Normalizer, n: int) -> None:
    """Text pasted from EOIR's portal, merged into the case fields it settles, once per distinct
    combination of the text and those fields' cells, by the merge the one-person path uses
    (``PortalReader.merge``). A field only the portal fills gets a column of its own."""
    portal = columns["eoir_text"]
    present = [f for f in PORTAL_FIELDS if f in columns]
    group, first = columnar.distinct_rows([portal.codes, *(columns[f].codes for f in present)], n)
    merged: dict[str, list[Read]] = {f: [] for f in PORTAL_FIELDS}
    for row in first.tolist():
        reads = {f: columns[f].reads[int(columns[f].codes[row])] for f in present}
        reads["eoir_text"] = portal.reads[int(portal.codes[row])]
        out = normalizer.portal.merge(reads)
        for f in PORTAL_FIELDS:
            merged[f].append(out.get(f, Read(None)))
    for f in PORTAL_FIELDS:
        if f in present or any(r.value is not None or r.reading is not None for r in merged[f]):
            columns[f] = _Column(group, merged[f], blank_slot=False)


# ---------------------------------------------------------------------------------- screening


def _over_budget(table: Table, seconds: float) -> InputFileError:
    return InputFileError("time_budget", name=table.source, seconds=f"{seconds:.0f}")


def prepare(ruleset: RuleSet) -> None:
    """Build, once, what every screening with ``ruleset`` needs (the normalizer's tables from the
    rules, Arrow's kernels) by screening one blank row of every field; the CLI does it while the
    file is still being parsed. Nothing of it depends on client data."""
    names = list(FIELDS)
    blank = Table(names, [[""] for _ in names], range(2, 3), "", "csv")
    screen_table(blank, ruleset, as_of=dt.date.today(), mapping=suggest_mapping(names))


def screen_table(
    table: Table,
    ruleset: RuleSet,
    *,
    as_of: dt.date,
    mapping: Sequence[ColumnMatch] | None = None,
    overrides: Mapping[str, str | None] | None = None,
    date_orders: Mapping[str, DateOrder] | None = None,
    lang: str = "en",
    normalizer: Normalizer | None = None,
    max_seconds: float | None = None,
) -> BatchResult:
    """Screen every row of ``table``; never stops for a bad cell and never drops a row.

    ``max_seconds`` is a time budget: past it, the batch stops with a plain ``InputFileError``.
    """
    deadline = time.monotonic() + max_seconds if max_seconds else None
    matches = list(mapping) if mapping is not None else suggest_mapping(table.headers)
    if overrides:
        matches = apply_overrides(matches, overrides)
    normalizer = normalizer or normalizer_for(ruleset)
    n = len(table)
    by_field = {m.field: m for m in matches if m.field}

    def check_budget() -> None:
        if deadline is not None and time.monotonic() > deadline:
            raise _over_budget(table, max_seconds or 0)

    with ThreadPoolExecutor(max_workers=2) as pool:
        # Dictionary-encoding the columns, normalising the A-numbers and folding names for the
        # duplicate check are Arrow work that releases the GIL: two threads run them (this one
        # mostly waits for them) while this thread reads the distinct values as they come.
        encoded = {
            name: pool.submit(normalize_a_numbers if name == "a_number" else columnar.factorize, table.column(match.index))
            for name, match in by_field.items() if name not in UNREAD_FIELDS
        }
        name_parts = [table.column(by_field[f].index) for f in NAME_FIELDS if f in by_field]
        if "full_name" in by_field:
            name_parts = [table.column(by_field["full_name"].index)]
        names = pool.submit(lambda: folded_codes(name_column(name_parts))) if name_parts else None
        columns, dates = _read_columns(table, by_field, encoded, normalizer, date_orders)
        if "eoir_text" in columns:
            _merge_portal(columns, normalizer, n)
        # The data issues (duplicates: sorting in numpy) are found on the second core while this
        # thread evaluates the elements; what they read of the columns is computed here first.
        if "date_of_birth" in columns:
            columns["date_of_birth"].row_codes  # noqa: B018 (a cached property: computed on this thread)
        issues = pool.submit(_row_issues, table, by_field, columns, names, lang)
        element_rows, element_results = _evaluate_elements(columns, ruleset, normalizer, as_of, n, check_budget)
        issues_by_row, issue_parts = issues.result()
        del columns, encoded, names  # the values read: every output from here on needs only the results
        arrays = _outputs(element_rows, element_results, ruleset, lang, as_of, n)
    arrays["data_issues"] = columnar.join(issue_parts, n, SEPARATOR)
    earlier = earlier_columns(table.headers, matches, screening_columns(ruleset))
    return BatchResult(
        table, matches, as_of, lang, ruleset, arrays, issues_by_row, element_rows, element_results, dates, earlier, normalizer=normalizer,
    )


def _evaluate_elements(
    columns: dict[str, _Column], ruleset: RuleSet, normalizer: Normalizer, as_of: dt.date, n: int,
    check_budget: Callable[[], None],
) -> tuple[dict[str, np.ndarray], dict[str, list[ElementResult]]]:
    """Each element: its kind's test once per distinct combination of the fields the kind reads
    (a field read only for some values of another is blanked where it is not read), then its
    exceptions once per distinct combination of the fields they read, on rows where it was met.

    Returns per element the rows' indices into its results, and the results.
    """
    element_rows: dict[str, np.ndarray] = {}
    element_results: dict[str, list[ElementResult]] = {}
    for element in ruleset.rules.elements:
        reads = [f for f in element.READS if f in columns]
        conditions = element.reads_only_when()
        keys = [_relevant(f, columns, conditions.get(f)) for f in reads]
        group, first = columnar.distinct_rows(keys, n)
        base: list[ElementResult] = []
        for count, row in enumerate(first.tolist()):
            if count % 512 == 0:
                check_budget()
            record = normalizer.record({f: columns[f].distinct[int(k[row])] for f, k in zip(reads, keys, strict=True)}, light=True)
            base.append(evaluate_base(element.id, record, ruleset, as_of))
        rows, results = group, base
        met = np.array([r.status == "met" for r in base], dtype=bool)[group] if base else np.zeros(n, dtype=bool)
        if element.exceptions and met.any():
            rows, results = _with_exceptions(element.id, len(element.exceptions), group, base, np.flatnonzero(met), columns, normalizer,
                                             ruleset, check_budget)
        element_rows[element.id] = rows
        element_results[element.id] = results
    return element_rows, element_results


def _with_exceptions(
    element_id: str, count: int, group: np.ndarray, base: list[ElementResult], met_rows: np.ndarray, columns: dict[str, _Column],
    normalizer: Normalizer, ruleset: RuleSet, check_budget: Callable[[], None],
) -> tuple[np.ndarray, list[ElementResult]]:
    """An element's exceptions on the rows where it was met: each exception tested once per distinct
    value of the fields it reads (``exception_of``), then each distinct combination of a base result
    and what the exceptions add composed once (``with_exceptions``)."""
    keys, outcomes = [], []
    for index in range(count):
        fields = [f for f in ruleset.elements[element_id].exceptions[index].when.fields if f in columns]
        codes = [columns[f].row_codes[met_rows] for f in fields]
        found, first = columnar.distinct_rows(codes, len(met_rows)) if fields else (np.zeros(len(met_rows), np.int64), np.zeros(1, np.int64))
        # a test with a column-wise form (a date before another) runs on every combination at once
        tested = exception_outcomes(
            element_id, index, {f: columns[f].distinct for f in fields}, {f: c[first].tolist() for f, c in zip(fields, codes, strict=True)},
            ruleset,
        ) if fields else None
        if tested is None:
            tested = []
            for step, i in enumerate(first.tolist()):
                if step % 512 == 0:
                    check_budget()
                row = int(met_rows[i])
                record = normalizer.record({f: columns[f].distinct[int(columns[f].row_codes[row])] for f in fields}, light=True)
                tested.append(exception_of(element_id, index, record, ruleset))
        # rows are keyed by what the exception adds, not by the values it read: the many values
        # that add nothing (or the same thing) compose with a base result once, not once each
        codes, distinct_outcomes = columnar.distinct(tested)
        keys.append((codes + 1)[found])
        outcomes.append([None, *distinct_outcomes])
    combined, first = columnar.distinct_rows([group[met_rows], *keys], len(met_rows))
    results = list(base)
    slot_of = []
    for i in first.tolist():
        added = [outcomes[e][int(keys[e][i])] for e in range(count)]
        if all(a is None for a in added):  # nothing applies: the base result itself
            slot_of.append(int(group[met_rows[i]]))
        else:
            slot_of.append(len(results))
            results.append(with_exceptions(base[int(group[met_rows[i]])], added))
    rows = group.copy()
    rows[met_rows] = np.array(slot_of, dtype=np.int64)[combined]
    return rows, results


def _relevant(name: str, columns: dict[str, _Column], condition: tuple[str, frozenset[str]] | None) -> np.ndarray:
    """A field's per-row codes, blanked on rows where the kind does not read it (the removal-order
    rows alone read the order date: grouping other rows by it would evaluate the same thing again)."""
    codes = columns[name].row_codes
    if condition is None or condition[0] not in columns:
        return codes
    control, values = columns[condition[0]], condition[1]
    reading = np.array([_names_any(r.value, values) for r in control.distinct], dtype=bool)[control.row_codes]
    return np.where(reading, codes, len(columns[name].distinct) - 1)


def _names_any(value: Any, codes: frozenset[str]) -> bool:
    """Whether a read case status names one of ``codes`` (a cell naming several names them all)."""
    return value is not None and any(c in codes for c in getattr(value, "codes", ()))


def _outputs(
    element_rows: dict[str, np.ndarray], element_results: dict[str, list[ElementResult]], ruleset: RuleSet,
    lang: str, as_of: dt.date, n: int,
) -> dict[str, pa.Array]:
    """Every added column but the data issues, each from the engine's functions, once per distinct
    combination of what that function reads."""
    ids = ruleset.element_ids
    rows = [element_rows[e] for e in ids]

    def per_row(project: Callable[[ElementResult], Any], fn: Callable[..., Any]) -> tuple[np.ndarray, list[Any]]:
        """``fn(*results)`` for every row, run once per distinct combination of ``project(result)``."""
        keys, reps = [], []
        for e, index in zip(ids, rows, strict=True):
            codes, uniques = columnar.distinct([project(r) for r in element_results[e]])
            first_of: dict[int, ElementResult] = {}
            for slot, code in enumerate(codes.tolist()):
                first_of.setdefault(code, element_results[e][slot])
            keys.append(codes[index])
            reps.append([first_of[c] for c in range(len(uniques))])
        return columnar.per_combination(keys, reps, fn, n)

    def determined(*results: ElementResult) -> tuple[str, str, str, str]:
        """The outcome and what follows from it: the questions, what to bring, the re-check date."""
        outcome = combine([r.status for r in results], ruleset)
        return (
            outcome,
            SEPARATOR.join(q.text(lang) for q in questions_for(results, outcome)),
            SEPARATOR.join(d.get(lang) for d in documents_for(results, outcome)),
            _iso(recheck_on(results, outcome)),
        )

    # one pass for the four: each reads an element's status, and the questions, documents or
    # re-check date that status brings
    group, found = per_row(lambda r: (r.status, r.questions, r.spec.documents if r.status == "review" else None, r.recheck_on), determined)
    outcome_codes = np.array([OUTCOMES.index(f[0]) for f in found], dtype=np.int64)[group] if n else np.zeros(0, np.int64)
    labels = [ruleset.rules.outcomes[o].get(lang) for o in OUTCOMES]
    arrays: dict[str, pa.Array] = {
        "determination": columnar.coded(outcome_codes, OUTCOMES),
        "result": columnar.coded(outcome_codes, labels),
    }
    for e, index in zip(ids, rows, strict=True):
        statuses = [r.status for r in element_results[e]]
        codes, uniques = columnar.distinct(statuses)
        arrays[e] = columnar.coded(codes[index], uniques)
    arrays["reasons"] = columnar.coded(*_joined(ids, rows, element_results, _line_renderer(lang), n))
    for name, part in (("next_questions", 1), ("bring_to_attorney", 2), ("recheck_on", 3)):
        codes, texts = columnar.distinct([f[part] for f in found])
        arrays[name] = columnar.coded(codes[group], texts)
    arrays["rules_version"] = columnar.constant(ruleset.version, n)
    arrays["rules_hash"] = columnar.constant(ruleset.short_hash, n)
    arrays["as_of"] = columnar.constant(as_of.isoformat(), n)
    return arrays


def _joined(
    ids: Sequence[str], rows: Sequence[np.ndarray], element_results: dict[str, list[ElementResult]],
    render: Callable[[ElementResult], str], n: int, skip_empty: bool = False,
) -> tuple[np.ndarray, pa.Array]:
    """Per row, every element's ``render``-ed text joined with ``SEPARATOR`` (``skip_empty``: empty
    texts left out): each element's distinct texts rendered once, joined once per distinct
    combination of them."""
    keys, texts = [], []
    for e, index in zip(ids, rows, strict=True):
        codes, uniques = columnar.distinct([render(r) for r in element_results[e]])
        keys.append(codes[index])
        texts.append(uniques)
    return columnar.joined_per_combination(keys, texts, SEPARATOR, n, skip_empty=skip_empty)


def _message_renderer(lang: str, shared: bool) -> Callable[[Message], str]:
    """``Message.text``, rendered once per message object: the messages the engine builds once per
    rule set recur in many results (hashing a message by value would cost more than rendering it).
    Each entry keeps its message, so an id is never reused while the memo lives."""
    rendered: dict[int, tuple[Message, str]] = {}

    def text(message: Message) -> str:
        found = rendered.get(id(message))
        if found is not None and found[0] is message:
            return found[1]
        out = message.text(lang, shared)
        rendered[id(message)] = (message, out)
        return out

    return text


def _line_renderer(lang: str, shared: bool = False) -> Callable[[ElementResult], str]:
    """``ElementResult.line``, each message rendered once (``_message_renderer``)."""
    message = _message_renderer(lang, shared)
    return lambda r: r.line(lang, shared, message)


def _review_renderer(lang: str, shared: bool = False) -> Callable[[ElementResult], str]:
    """An element's review point (``engine.review_points``; "" unless it needs review), each message
    rendered once (``_message_renderer``)."""
    message = _message_renderer(lang, shared)
    return lambda r: review_points([r], lang, shared, message)[0] if r.status == "review" else ""


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


# ---------------------------------------------------------------------------------- data issues


def _row_issues(
    table: Table, by_field: dict[str, ColumnMatch], columns: dict[str, _Column], names: Future | None, lang: str
) -> tuple[dict[int, list[DataIssue]], list[pa.Array]]:
    """Issues by row index (placed at spreadsheet row and column), and per-field text columns
    (``names``: the folded names' codes, being computed)."""
    per_row: dict[int, list[DataIssue]] = defaultdict(list)
    parts: list[pa.Array] = []
    for name, column in columns.items():
        if not column.issue_slots:
            continue
        header = by_field[name].header
        texts = [issue_text(header, column.reads[slot].issue, lang) for slot in column.issue_slots]
        slot_of = np.full(column.size, len(texts), dtype=np.int64)
        slot_of[column.issue_slots] = np.arange(len(texts))
        parts.append(columnar.take([*texts, None], slot_of[column.codes]))
        for i in column.rows_with_issues().tolist():
            per_row[i].append(column.reads[column.codes[i]].issue.at(table.row_numbers[i], header))
    duplicates = _duplicates(table, by_field, columns, names.result() if names is not None else None)
    if duplicates:
        texts: list[str | None] = [None] * len(table)
        for i, issue in duplicates:
            per_row[i].append(issue)
            text = issue_text(issue.column or "", issue, lang)
            texts[i] = text if texts[i] is None else f"{texts[i]}{SEPARATOR}{text}"
        parts.append(pa.array(texts, type=pa.string()))
    return dict(per_row), parts


def issue_text(header: str, issue: DataIssue, lang: str) -> str:
    """A data issue as the data_issues column shows it: "Column: message"."""
    return f"{header}: {issue.message.text(lang)}"


def _duplicates(
    table: Table, by_field: dict[str, ColumnMatch], columns: dict[str, _Column], names: np.ndarray | None
) -> list[tuple[int, DataIssue]]:
    """The same A-number on two rows, or the same name and date of birth, flagged on both rows."""
    found: list[tuple[int, DataIssue]] = []
    if "a_number" in columns:
        column = columns["a_number"]
        keys = a_number_keys(column.values, column.invalid_rows)  # type: ignore[attr-defined]
        found += flag(keys, table.row_numbers, "duplicate_a_number", by_field["a_number"].header)
    if names is not None and "date_of_birth" in columns:
        births = columns["date_of_birth"]
        blank_birth = len(births.distinct) - 1
        present = (names >= 0) & (births.row_codes != blank_birth)
        combined = np.where(present, names * (blank_birth + 1) + births.row_codes, -1)
        header = next(by_field[f].header for f in NAME_FIELDS if f in by_field)
        found += flag(combined, table.row_numbers, "duplicate_person", header)
    return found


def missing_fields(mapping: Sequence[ColumnMatch], ruleset: RuleSet) -> list[str]:
    """Fields an element's own test reads that no column maps to: unknown on every row. (Fields
    only exceptions read change nothing when blank, so they are not missing.)"""
    have = {m.field for m in mapping if m.field}
    if "eoir_text" in have:  # text from EOIR's portal may settle the case fields
        have |= set(PORTAL_FIELDS)
    read = {f for e in ruleset.rules.elements for f in e.READS}
    return [f for f in ruleset.read_fields if f in read and f not in have]


__all__ = [
    "OUTCOME_ORDER", "BatchResult", "DateColumn", "added_columns", "missing_fields", "report_columns", "row_outputs", "screen_table",
    "screening_columns",
]
