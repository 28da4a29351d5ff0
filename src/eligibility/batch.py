"""Screen a whole table: every input row comes out, in order, with a determination and its issues.

Fast by construction, and columnar throughout:
1. each mapped column is dictionary-encoded, and only its *distinct* values are parsed;
2. each element of the class definition is evaluated once per distinct combination of the facts
   it reads (the fields listed under ``facts:`` in the rules file);
3. per-row outputs are built with Arrow's vectorised kernels (take, join), never row by row.
The result equals calling ``evaluate()`` on every row (``tests/test_batch.py`` checks this).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .engine import ElementResult, combine, conditional_facts, evaluate_element
from .errors import InputFileError
from .i18n import msg
from .io import Table
from .mapping import ColumnMatch, apply_overrides, suggest_mapping
from .model import DATE_FIELDS, FIELDS, DataIssue
from .normalize import DateOrder, Normalizer, date_order_evidence, normalize_a_numbers
from .rules import ELEMENT_IDS, OUTCOMES, STATUSES, RuleSet

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
OUTCOME_ORDER = ("likely_member", "needs_review", "needs_info", "not_member")
"""The order staff act on results in: counts, charts and filters list outcomes this way."""
ELEMENT_LETTERS = {"subjected_to_mpp1": "(a)", "outside_us": "(b)", "case_inactive": "(c)"}


@dataclass(frozen=True)
class DateColumn:
    """How a date column's day/month order was settled."""

    field: str
    header: str
    order: DateOrder | None
    source: str  # "user", "inferred", "assumed" (ambiguous, read month-first), "conflict" or "none"
    ambiguous_values: int


class _Facts:
    """A record's facts for one element: IntakeRecord's defaults, a few values set (cheap to build)."""

    client_id = full_name = a_number = date_of_birth = nationality = None
    mpp_enrollment_date = current_country = case_status = order_date = notes = None
    mpp_enrolled = entered_us_since_mpp = appeal_filed = other_case_pending = "unknown"
    data_issues = ()

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


@dataclass
class BatchResult:
    """Everything a report or a page needs about one screened table. Output columns are Arrow arrays."""

    table: Table
    mapping: list[ColumnMatch]
    as_of: dt.date
    lang: str
    rules_version: str
    rules_hash: str
    arrays: dict[str, pa.Array]
    issues_by_row: dict[int, list[DataIssue]]
    element_rows: dict[str, np.ndarray]
    element_results: dict[str, list[ElementResult]]
    date_columns: list[DateColumn] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.table)

    def added_columns(self) -> dict[str, pa.Array]:
        """The columns the screening adds, named as in the output contract."""
        return {name: self.arrays[name] for name in ADDED_COLUMNS}

    @cached_property
    def outcome(self) -> list[str]:
        return self.arrays["determination"].to_pylist()

    @cached_property
    def statuses(self) -> dict[str, list[str]]:
        return {e: self.arrays[e].to_pylist() for e in ELEMENT_IDS}

    @cached_property
    def reasons(self) -> list[str]:
        return self.arrays["reasons"].to_pylist()

    @cached_property
    def questions(self) -> list[str]:
        return self.arrays["next_questions"].to_pylist()

    @cached_property
    def issues_text(self) -> list[str]:
        return self.arrays["data_issues"].to_pylist()

    @cached_property
    def review_points(self) -> list[str]:
        """Per row, the reasons of the elements that need attorney review ("" for none)."""
        texts = {
            e: [r.reason(self.lang) + SEPARATOR if r.status == "review" else "" for r in self.element_results[e]]
            for e in ELEMENT_IDS
        }
        return _concat(texts, self.element_rows).to_pylist()

    def follow_up(self) -> list[tuple[int, str]]:
        """Rows to follow up, as (row index, what to do): the questions, or the point for review."""
        return [
            (i, self.questions[i] if outcome == "needs_info" else self.review_points[i])
            for i, outcome in enumerate(self.outcome)
            if outcome in ("needs_info", "needs_review")
        ]

    @cached_property
    def issues(self) -> list[DataIssue]:
        """Every data issue, in row order, each placed at its spreadsheet row and column."""
        return [issue for i in sorted(self.issues_by_row) for issue in self.issues_by_row[i]]

    def counts(self) -> dict[str, int]:
        """Rows by determination."""
        counts = pc.value_counts(self.arrays["determination"]).to_pylist()
        return {c["values"]: int(c["counts"]) for c in counts}

    def field_column(self, name: str) -> int | None:
        """Index of the sheet column mapped to a canonical field."""
        return next((m.index for m in self.mapping if m.field == name), None)


# ------------------------------------------------------------------------------- factorising


def _factorize(values: Any) -> tuple[np.ndarray, list[Any]]:
    """Per-row codes into the column's distinct values (-1 for a missing cell)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return _arrow_codes(values)
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return codes.astype(np.int64), list(uniques)


def _arrow_codes(values: pa.Array) -> tuple[np.ndarray, list[Any]]:
    """Dictionary-encode an Arrow array: per-row codes (-1 for null) and the distinct values."""
    encoded = pc.dictionary_encode(values)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    codes = np.where(encoded.indices.is_null().to_numpy(zero_copy_only=False), -1, codes).astype(np.int64)
    return codes, encoded.dictionary.to_pylist()


def _date_order(uniques: list[Any], chosen: DateOrder | None) -> tuple[DateOrder | None, str, int]:
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
    """One mapped column: per-row codes into its distinct raw values, their parsed values and issues.

    Code -1 (a missing cell) indexes the last slot, which holds the blank value.
    """

    def __init__(self, codes: np.ndarray, values: list[Any], issues: list[DataIssue | None]) -> None:
        self.values = [*values, None]
        self.issues = [*issues, None]
        self.codes = codes
        self.issue_slots = [i for i, issue in enumerate(issues) if issue is not None]

    @cached_property
    def _parsed_codes(self) -> tuple[list[Any], np.ndarray]:
        parsed_codes, parsed = pd.factorize(pd.Series(self.values, dtype=object), use_na_sentinel=True)
        parsed_list = [*list(parsed), None]
        return parsed_list, np.where(parsed_codes < 0, len(parsed_list) - 1, parsed_codes)[self.codes]

    @property
    def parsed(self) -> list[Any]:
        """The distinct parsed values (last: None)."""
        return self._parsed_codes[0]

    @property
    def row_parsed(self) -> np.ndarray:
        """Per row, the index of its parsed value (computed only for fields an element reads)."""
        return self._parsed_codes[1]

    def rows_with_issues(self) -> np.ndarray:
        if not self.issue_slots:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(np.isin(self.codes, self.issue_slots))


def date_columns(table: Table, mapping: Sequence[ColumnMatch], date_orders: Mapping[str, DateOrder] | None = None) -> list[DateColumn]:
    """How each mapped date column's day/month order will be settled (reads only those columns)."""
    found = []
    for match in mapping:
        if match.field in DATE_FIELDS:
            _, uniques = _factorize(table.column(match.index))
            order, source, ambiguous = _date_order(uniques, (date_orders or {}).get(match.field))
            found.append(DateColumn(match.field, match.header, order, source, ambiguous))
    return found


def _parse_date_cell(normalizer: Normalizer, name: str, value: Any, order: DateOrder | None, source: str):
    if source == "conflict" and date_order_evidence(value) == "ambiguous":
        text = str(value)
        return None, DataIssue("ambiguous_date", name, text, msg("issue.ambiguous_date", value=text[:80]))
    return normalizer.parse(name, value, order)


def _distinct_rows(code_columns: list[np.ndarray], n: int) -> tuple[np.ndarray, list[int]]:
    """Group rows by the combination of codes: per-row group index and one row per group."""
    if not code_columns or n == 0:
        return np.zeros(n, dtype=np.int64), [0] if n else []
    key = np.zeros(n, dtype=np.int64)
    capacity = 1
    for codes in code_columns:
        width = int(codes.max()) + 1
        if capacity * width >= 2**62:
            _, first, inverse = np.unique(np.stack(code_columns, axis=1), axis=0, return_index=True, return_inverse=True)
            return inverse.reshape(-1), first.tolist()
        key = key * width + codes
        capacity *= width
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return inverse.reshape(-1), first.tolist()


def _over_budget(table: Table, seconds: float | None) -> InputFileError:
    return InputFileError(
        "time_budget", f'Screening "{table.source}" took longer than {seconds:.0f} seconds; split the file and try again.',
        name=table.source, seconds=f"{seconds:.0f}",
    )


def _relevant_codes(name: str, parsed: dict[str, _ParsedColumn], condition: tuple[str, set[Any], set[str]] | None) -> np.ndarray:
    """A fact's per-row codes, blanked on rows where the element cannot read it.

    (Only the removal-order row of the status table reads the order date and the appeal answer;
    grouping other rows by those facts would evaluate the same thing many times over.)
    """
    codes = parsed[name].row_parsed
    if condition is None or name not in condition[2] or condition[0] not in parsed:
        return codes
    control = parsed[condition[0]]
    reading = np.array([v in condition[1] for v in control.parsed], dtype=bool)[control.row_parsed]
    return np.where(reading, codes, len(parsed[name].parsed) - 1)


def _take(texts: list[str | None], index: np.ndarray) -> pa.Array:
    """Per-row strings: ``texts[index[i]]`` for every row, built in C."""
    return pc.take(pa.array(texts, type=pa.string()), pa.array(index))


def _concat(texts: dict[str, list[str]], element_rows: dict[str, np.ndarray]) -> pa.Array:
    """Per row, each element's text (each ending in the separator, or ""), joined and trimmed."""
    parts = [_take(texts[e], element_rows[e]) for e in ELEMENT_IDS]
    if not len(parts[0]):
        return pa.array([], pa.string())
    return pc.utf8_rtrim(pc.binary_join_element_wise(*parts, ""), characters=" |")


def _join(parts: list[pa.Array], n: int) -> pa.Array:
    """Join per-row parts with the separator, skipping missing ones; "" where all are missing.

    (pyarrow's own ``null_handling="skip"`` returns arrays of the wrong length, so each present
    part gets the separator in front, the parts are concatenated, and the first one is removed.)
    """
    if not parts:
        return pa.repeat(pa.scalar("", pa.string()), n)
    prefixed = [pc.fill_null(pc.binary_join_element_wise(SEPARATOR, part, ""), "") for part in parts]
    joined = pc.binary_join_element_wise(*prefixed, "") if len(prefixed) > 1 else prefixed[0]
    return pc.utf8_slice_codeunits(joined, len(SEPARATOR))  # drop the first separator ("" stays "")


# ---------------------------------------------------------------------------------- screening


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
    normalizer = normalizer or Normalizer(ruleset)
    n = len(table)
    by_field = {m.field: m for m in matches if m.field}
    parsed: dict[str, _ParsedColumn] = {}
    date_columns: list[DateColumn] = []
    for name, match in by_field.items():
        if name in ("client_id", "notes"):
            continue  # kept in the output, never read by the rules
        codes, uniques = _factorize(table.column(match.index))
        if name == "full_name":
            parsed[name] = _ParsedColumn(codes, uniques, [None] * len(uniques))
            continue
        if name == "a_number":
            values, issues = normalize_a_numbers(uniques)
            parsed[name] = _ParsedColumn(codes, values, issues)
            continue
        if name in DATE_FIELDS:
            order, source, ambiguous = _date_order(uniques, (date_orders or {}).get(name))
            date_columns.append(DateColumn(name, match.header, order, source, ambiguous))
            results = [_parse_date_cell(normalizer, name, u, order, source) for u in uniques]
        else:
            results = [normalizer.parse(name, u) for u in uniques]
        parsed[name] = _ParsedColumn(codes, [r[0] for r in results], [r[1] for r in results])

    element_rows: dict[str, np.ndarray] = {}
    element_results: dict[str, list[ElementResult]] = {}
    conditional = conditional_facts(ruleset)
    for element_id in ELEMENT_IDS:
        facts = [f for f in ruleset.elements[element_id].facts if f in parsed]
        keys = [_relevant_codes(f, parsed, conditional.get(element_id)) for f in facts]
        inverse, representatives = _distinct_rows(keys, n)
        results = []
        for count, row in enumerate(representatives):
            if deadline is not None and count % 512 == 0 and time.monotonic() > deadline:
                raise _over_budget(table, max_seconds)
            values = {f: parsed[f].parsed[parsed[f].row_parsed[row]] for f in facts}
            record = _Facts({k: v for k, v in values.items() if v is not None})
            results.append(evaluate_element(element_id, record, ruleset, as_of))  # type: ignore[arg-type]
        element_rows[element_id] = inverse
        element_results[element_id] = results

    arrays = _outputs(element_rows, element_results, ruleset, lang, n)
    issues_by_row, issue_parts = _row_issues(table, by_field, parsed, lang)
    arrays["data_issues"] = _join(issue_parts, n)
    arrays["rules_version"] = pa.repeat(pa.scalar(ruleset.version), n)
    arrays["as_of"] = pa.repeat(pa.scalar(as_of.isoformat()), n)
    return BatchResult(
        table=table,
        mapping=matches,
        as_of=as_of,
        lang=lang,
        rules_version=ruleset.version,
        rules_hash=ruleset.hash,
        arrays=arrays,
        issues_by_row=issues_by_row,
        element_rows=element_rows,
        element_results=element_results,
        date_columns=date_columns,
    )


def _outputs(
    element_rows: dict[str, np.ndarray], element_results: dict[str, list[ElementResult]], ruleset: RuleSet, lang: str, n: int
) -> dict[str, pa.Array]:
    """Status, outcome, reasons and questions columns, each built with a few vectorised kernels."""
    status_index = {s: i for i, s in enumerate(STATUSES)}
    outcome_of = np.array(
        [OUTCOMES.index(combine([a, b, c], ruleset)) for a in STATUSES for b in STATUSES for c in STATUSES], dtype=np.int64
    )
    status_codes = {
        e: np.array([status_index[r.status] for r in element_results[e]], dtype=np.int64)[element_rows[e]] for e in ELEMENT_IDS
    }
    a, b, c = (status_codes[e] for e in ELEMENT_IDS)
    outcome_codes = outcome_of[a * 16 + b * 4 + c] if n else np.zeros(0, dtype=np.int64)
    arrays: dict[str, pa.Array] = {"determination": _take(list(OUTCOMES), outcome_codes)}
    for e in ELEMENT_IDS:
        arrays[e] = _take(list(STATUSES), status_codes[e])
    reasons = [_take([_element_text(r, lang) for r in element_results[e]], element_rows[e]) for e in ELEMENT_IDS]
    arrays["reasons"] = pc.binary_join_element_wise(*reasons, SEPARATOR) if n else pa.array([], pa.string())
    asked = {
        e: ["".join(q.text(lang) + SEPARATOR for q in r.questions) if r.status == "unknown" else "" for r in element_results[e]]
        for e in ELEMENT_IDS
    }
    needs_info = pa.array(outcome_codes == OUTCOMES.index("needs_info"))
    arrays["next_questions"] = pc.if_else(needs_info, _concat(asked, element_rows), "")
    return arrays


def _element_text(result: ElementResult, lang: str) -> str:
    """One element's part of the reasons column: its letter, its reason, and its notes."""
    text = f"{ELEMENT_LETTERS[result.element_id]} {result.reason(lang)}"
    for note in result.notes:
        text += SEPARATOR + note.text(lang)
    return text


# ---------------------------------------------------------------------------------- data issues


def _row_issues(
    table: Table, by_field: dict[str, ColumnMatch], parsed: dict[str, _ParsedColumn], lang: str
) -> tuple[dict[int, list[DataIssue]], list[pa.Array]]:
    """Issues by row index (placed at spreadsheet row and column), and per-field text columns."""
    per_row: dict[int, list[DataIssue]] = defaultdict(list)
    parts: list[pa.Array] = []
    for name, column in parsed.items():
        if not column.issue_slots:
            continue
        header = by_field[name].header
        texts = [f"{header}: {column.issues[slot].message.text(lang)}" for slot in column.issue_slots]
        slot_of = np.full(len(column.values), len(texts), dtype=np.int64)
        slot_of[column.issue_slots] = np.arange(len(texts))
        parts.append(_take([*texts, None], slot_of[column.codes]))
        for i in column.rows_with_issues().tolist():
            per_row[i].append(column.issues[column.codes[i]].at(table.row_numbers[i], header))
    duplicates = _duplicates(table, by_field, parsed)
    if duplicates:
        texts: list[str | None] = [None] * len(table)
        for i, issue in duplicates:
            per_row[i].append(issue)
            text = f"{issue.column}: {issue.message.text(lang)}"
            texts[i] = text if texts[i] is None else f"{texts[i]}{SEPARATOR}{text}"
        parts.append(pa.array(texts, type=pa.string()))
    return dict(per_row), parts


def _duplicates(table: Table, by_field: dict[str, ColumnMatch], parsed: dict[str, _ParsedColumn]) -> list[tuple[int, DataIssue]]:
    """The same A-number on two rows, or the same name and date of birth, flagged on both rows."""
    found: list[tuple[int, DataIssue]] = []
    if "a_number" in parsed:
        column = parsed["a_number"]
        valid = [v if v is not None and i is None else None for v, i in zip(column.values, column.issues, strict=True)]
        key_codes, _ = pd.factorize(pd.Series(valid, dtype=object), use_na_sentinel=True)
        found += _flag(key_codes[column.codes], table, "duplicate_a_number", by_field["a_number"].header)
    if "full_name" in parsed and "date_of_birth" in parsed:
        names, births = parsed["full_name"], parsed["date_of_birth"]
        name_codes = _folded_codes(names.values)
        row_names = name_codes[names.codes]
        blank_birth = len(births.parsed) - 1
        present = (row_names >= 0) & (births.row_parsed != blank_birth)
        combined = np.where(present, row_names * (blank_birth + 1) + births.row_parsed, -1)
        found += _flag(combined, table, "duplicate_person", by_field["full_name"].header)
    return found


def _folded_codes(names: list[Any]) -> np.ndarray:
    """Codes that are equal for names equal once case, accents, spaces and punctuation are folded."""
    texts = pa.array([v if isinstance(v, str) else None for v in names], type=pa.string())
    folded = pc.utf8_lower(texts)
    if not pc.all(pc.fill_null(pc.string_is_ascii(folded), True)).as_py():
        folded = pc.replace_substring_regex(pc.utf8_normalize(folded, form="NFKD"), pattern=r"\p{Mn}+", replacement="")
    folded = pc.utf8_trim(pc.replace_substring_regex(folded, pattern=r"[^\p{L}\p{N}]+", replacement=" "), " ")
    folded = pc.if_else(pc.equal(folded, ""), pa.scalar(None, pa.string()), folded)
    return _arrow_codes(folded)[0]


def _flag(row_keys: np.ndarray, table: Table, code: str, header: str) -> list[tuple[int, DataIssue]]:
    """Flag every row whose key (>= 0) occurs on another row too; Python runs only for duplicates."""
    duplicated = pd.Series(row_keys).duplicated(keep=False).to_numpy() & (row_keys >= 0)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(duplicated).tolist():
        groups[int(row_keys[i])].append(i)
    out = []
    for rows in groups.values():
        for i in rows:
            others = ", ".join(str(table.row_numbers[j]) for j in rows if j != i)
            out.append((i, DataIssue(code, None, "", msg(f"issue.{code}", rows=others), table.row_numbers[i], header, "warning")))
    return out


def missing_fields(mapping: Sequence[ColumnMatch], ruleset: RuleSet) -> list[str]:
    """Fields the rules read (each element's ``facts:``) that no column maps to: unknown on every row."""
    read = {f for element in ruleset.rules.elements for f in element.facts}
    have = {m.field for m in mapping if m.field}
    return [f for f in FIELDS if f in read and f not in have]


__all__ = ["ADDED_COLUMNS", "OUTCOME_ORDER", "BatchResult", "DateColumn", "missing_fields", "screen_table"]
