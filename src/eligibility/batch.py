"""Screen a whole table: every input row comes out, in order, with a determination and its issues.

Fast by construction: each column's distinct values are parsed once; each element of the class
definition is evaluated once per distinct combination of the facts it reads (the fields listed
under ``facts:`` in the rules file); results are mapped back to rows with numpy. The result is
the same as calling ``evaluate()`` on every row (a property test checks this).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .engine import ElementResult, combine, evaluate_element, questions_for
from .i18n import msg
from .io import Table
from .mapping import ColumnMatch, apply_overrides, suggest_mapping
from .model import FIELDS, DataIssue, IntakeRecord
from .normalize import DateOrder, Normalizer, date_order_evidence, fold
from .rules import ELEMENT_IDS, RuleSet

SEPARATOR = " | "
ADDED_COLUMNS = (
    "determination",
    "subjected_to_mpp1",
    "outside_us",
    "case_inactive",
    "reasons",
    "next_questions",
    "data_issues",
    "rules_version",
    "as_of",
)
ELEMENT_LETTERS = {"subjected_to_mpp1": "(a)", "outside_us": "(b)", "case_inactive": "(c)"}


@dataclass(frozen=True)
class DateColumn:
    """How a date column's day/month order was settled."""

    field: str
    header: str
    order: DateOrder | None
    source: str  # "user", "inferred", "assumed" (ambiguous, read month-first), "conflict" or "none"
    ambiguous_values: int


@dataclass
class BatchResult:
    """Everything a report or a page needs about one screened table."""

    table: Table
    mapping: list[ColumnMatch]
    as_of: dt.date
    lang: str
    rules_version: str
    rules_hash: str
    outcome: list[str]
    statuses: dict[str, list[str]]
    reasons: list[str]
    questions: list[str]
    review_points: list[str]
    notes: list[str]
    issues: list[DataIssue]
    issues_text: list[str]
    date_columns: list[DateColumn] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.outcome)

    def added_columns(self) -> dict[str, list[Any]]:
        """The columns the screening adds, named as in the output contract."""
        n = len(self.outcome)
        return {
            "determination": self.outcome,
            "subjected_to_mpp1": self.statuses["subjected_to_mpp1"],
            "outside_us": self.statuses["outside_us"],
            "case_inactive": self.statuses["case_inactive"],
            "reasons": self.reasons,
            "next_questions": self.questions,
            "data_issues": self.issues_text,
            "rules_version": [self.rules_version] * n,
            "as_of": [self.as_of.isoformat()] * n,
        }

    def counts(self) -> dict[str, int]:
        """Rows by determination."""
        return {k: int(v) for k, v in pd.Series(self.outcome).value_counts().items()}

    def field_column(self, name: str) -> int | None:
        """Index of the sheet column mapped to a canonical field."""
        return next((m.index for m in self.mapping if m.field == name), None)


def _factorize(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return codes.astype(np.int64), list(uniques)


def _date_order(field_name: str, uniques: list[Any], chosen: DateOrder | None) -> tuple[DateOrder | None, str, int]:
    kinds = [date_order_evidence(u) for u in uniques]
    ambiguous = sum(k == "ambiguous" for k in kinds)
    if chosen is not None:
        return chosen, "user", ambiguous
    has_dmy, has_mdy = "dmy" in kinds, "mdy" in kinds
    if has_dmy and has_mdy:
        return None, "conflict", ambiguous
    if has_dmy or has_mdy:
        return ("dmy" if has_dmy else "mdy"), "inferred", ambiguous
    return None, ("assumed" if ambiguous else "none"), ambiguous


class _ParsedColumn:
    """One mapped column: per-row codes into its parsed distinct values, and their issues."""

    def __init__(self, codes: np.ndarray, values: list[Any], issues: list[DataIssue | None]) -> None:
        # Code -1 (a missing cell) indexes the last slot, which holds the blank value.
        self.values = [*values, None]
        self.issues = [*issues, None]
        parsed_codes, self.parsed = pd.factorize(pd.Series(self.values, dtype=object), use_na_sentinel=True)
        self.parsed = [*list(self.parsed), None]
        self.row_parsed = parsed_codes.astype(np.int64)[codes]  # -1 for unknown
        self.row_parsed[self.row_parsed < 0] = len(self.parsed) - 1
        self.codes = codes
        self.has_issue = np.array([i is not None for i in self.issues], dtype=bool)


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
) -> BatchResult:
    """Screen every row of ``table``; never stops for a bad cell and never drops a row."""
    matches = list(mapping) if mapping is not None else suggest_mapping(table.headers)
    if overrides:
        matches = apply_overrides(matches, overrides)
    normalizer = normalizer or Normalizer(ruleset)
    n = len(table)
    by_field = {m.field: m for m in matches if m.field}
    parsed: dict[str, _ParsedColumn] = {}
    date_columns: list[DateColumn] = []
    for name, match in by_field.items():
        codes, uniques = _factorize(table.column(match.index))
        order = None
        if name in ("date_of_birth", "mpp_enrollment_date", "order_date"):
            order, source, ambiguous = _date_order(name, uniques, (date_orders or {}).get(name))
            date_columns.append(DateColumn(name, match.header, order, source, ambiguous))
            results = [_parse_date_cell(normalizer, name, u, order, source) for u in uniques]
        else:
            results = [normalizer.parse(name, u) for u in uniques]
        parsed[name] = _ParsedColumn(codes, [r[0] for r in results], [r[1] for r in results])

    element_rows: dict[str, np.ndarray] = {}
    element_results: dict[str, list[ElementResult]] = {}
    for element_id in ELEMENT_IDS:
        facts = [f for f in ruleset.elements[element_id].facts if f in parsed]
        inverse, representatives = _distinct_rows([parsed[f].row_parsed for f in facts], n)
        results = []
        for row in representatives:
            values = {f: parsed[f].parsed[parsed[f].row_parsed[row]] for f in facts}
            record = IntakeRecord.model_construct(**{k: v for k, v in values.items() if v is not None})
            results.append(evaluate_element(element_id, record, ruleset, as_of))
        element_rows[element_id] = inverse
        element_results[element_id] = results

    sizes = [len(element_results[e]) for e in ELEMENT_IDS]
    triple = element_rows[ELEMENT_IDS[0]] * (sizes[1] * sizes[2]) + element_rows[ELEMENT_IDS[1]] * sizes[2] + element_rows[ELEMENT_IDS[2]]
    distinct, first, inverse = np.unique(triple, return_index=True, return_inverse=True)
    rendered = [_render_triple(int(row), element_rows, element_results, ruleset, lang) for row in first]
    columns = list(zip(*rendered, strict=True)) if rendered else [()] * 7
    take = inverse.tolist()
    outcome, status_a, status_b, status_c, reasons, questions, review = (
        [col[i] for i in take] for col in columns
    )
    issues, issues_text = _row_issues(table, by_field, parsed, lang)
    notes_per_row = [""] * n
    return BatchResult(
        table=table,
        mapping=matches,
        as_of=as_of,
        lang=lang,
        rules_version=ruleset.version,
        rules_hash=ruleset.hash,
        outcome=outcome,
        statuses={"subjected_to_mpp1": status_a, "outside_us": status_b, "case_inactive": status_c},
        reasons=reasons,
        questions=questions,
        review_points=review,
        notes=notes_per_row,
        issues=issues,
        issues_text=issues_text,
        date_columns=date_columns,
    )


def _parse_date_cell(normalizer: Normalizer, name: str, value: Any, order: DateOrder | None, source: str):
    if source == "conflict" and date_order_evidence(value) == "ambiguous":
        text = str(value)
        return None, DataIssue("ambiguous_date", name, text, msg("issue.ambiguous_date", value=text[:80]))
    return normalizer.parse(name, value, order)


def _distinct_rows(code_columns: list[np.ndarray], n: int) -> tuple[np.ndarray, list[int]]:
    """Group rows by the combination of codes: per-row group index and one row per group."""
    if not code_columns:
        return np.zeros(n, dtype=np.int64), [0] if n else []
    key = np.zeros(n, dtype=np.int64)
    capacity = 1
    for codes in code_columns:
        width = int(codes.max()) + 1 if len(codes) else 1
        if capacity * width >= 2**62:
            stacked = np.stack(code_columns, axis=1)
            _, first, inverse = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
            return inverse.reshape(-1), first.tolist()
        key = key * width + codes
        capacity *= width
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return inverse.reshape(-1), first.tolist()


def _render_triple(
    row: int,
    element_rows: dict[str, np.ndarray],
    element_results: dict[str, list[ElementResult]],
    ruleset: RuleSet,
    lang: str,
) -> tuple[str, str, str, str, str, str, str]:
    elements = tuple(element_results[e][element_rows[e][row]] for e in ELEMENT_IDS)
    outcome = combine([e.status for e in elements], ruleset)
    reasons = SEPARATOR.join(f"{ELEMENT_LETTERS[e.element_id]} {e.reason(lang)}" for e in elements)
    notes = [n.text(lang) for e in elements for n in e.notes]
    if notes:
        reasons = SEPARATOR.join([reasons, *notes])
    questions = SEPARATOR.join(q.text(lang) for q in questions_for(elements, outcome))
    review = SEPARATOR.join(e.reason(lang) for e in elements if e.status == "review")
    return outcome, elements[0].status, elements[1].status, elements[2].status, reasons, questions, review


def _row_issues(
    table: Table, by_field: dict[str, ColumnMatch], parsed: dict[str, _ParsedColumn], lang: str
) -> tuple[list[DataIssue], list[str]]:
    """Every data issue placed at its spreadsheet row and column, plus one text per row."""
    n = len(table)
    per_row: dict[int, list[DataIssue]] = defaultdict(list)
    for name, column in parsed.items():
        mask = column.has_issue[column.codes]
        header = by_field[name].header
        for i in np.flatnonzero(mask).tolist():
            issue = column.issues[column.codes[i]]
            per_row[i].append(issue.at(table.row_numbers[i], header))
    for i, issue in _duplicates(table, by_field, parsed):
        per_row[i].append(issue)
    issues: list[DataIssue] = []
    texts = [""] * n
    for i in sorted(per_row):
        row_issues = per_row[i]
        issues.extend(row_issues)
        texts[i] = SEPARATOR.join(f"{x.column}: {x.message.text(lang)}" for x in row_issues)
    return issues, texts


def _duplicates(
    table: Table, by_field: dict[str, ColumnMatch], parsed: dict[str, _ParsedColumn]
) -> list[tuple[int, DataIssue]]:
    """The same A-number on two rows, or the same name and date of birth, flagged on both rows."""
    found: list[tuple[int, DataIssue]] = []
    if "a_number" in parsed:
        column = parsed["a_number"]
        valid = [v if i is None else None for v, i in zip(column.values, column.issues, strict=True)]
        keys = [valid[c] for c in column.codes.tolist()]
        found += _flag(keys, table, "duplicate_a_number", by_field["a_number"].header)
    if "full_name" in parsed and "date_of_birth" in parsed:
        names = parsed["full_name"]
        births = parsed["date_of_birth"]
        folded = [fold(v) if isinstance(v, str) else None for v in names.values]
        keys = [
            (folded[a], str(births.values[b])) if folded[a] and births.values[b] is not None else None
            for a, b in zip(names.codes.tolist(), births.codes.tolist(), strict=True)
        ]
        found += _flag(keys, table, "duplicate_person", by_field["full_name"].header)
    return found


def _flag(keys: list[Any], table: Table, code: str, header: str) -> list[tuple[int, DataIssue]]:
    groups: dict[Any, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        if key is not None:
            groups[key].append(i)
    out = []
    for rows in groups.values():
        if len(rows) < 2:
            continue
        for i in rows:
            others = ", ".join(str(table.row_numbers[j]) for j in rows if j != i)
            issue = DataIssue(code, None, "", msg(f"issue.{code}", rows=others), table.row_numbers[i], header, "warning")
            out.append((i, issue))
    return out


def mapped_fields(mapping: Sequence[ColumnMatch]) -> set[str]:
    """The canonical fields a mapping reads."""
    return {m.field for m in mapping if m.field}


def missing_fields(mapping: Sequence[ColumnMatch]) -> list[str]:
    """Fields the rules read that no column maps to (every row will be unknown on them)."""
    decisive = [f for f in FIELDS if f not in ("client_id", "full_name", "a_number", "date_of_birth", "notes")]
    have = mapped_fields(mapping)
    return [f for f in decisive if f not in have]
