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
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .engine import ElementResult, combine, conditional_facts, evaluate_element
from .errors import InputFileError
from .i18n import msg
from .mapping import ColumnMatch, apply_overrides, suggest_mapping
from .model import DATE_FIELDS, FIELDS, DataIssue
from .normalize import DateOrder, Normalizer, date_order_evidence, normalize_a_numbers
from .read import Table
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
        texts = [
            [r.reason(self.lang) + SEPARATOR if r.status == "review" else "" for r in self.element_results[e]] for e in ELEMENT_IDS
        ]
        rows = [self.element_rows[e] for e in ELEMENT_IDS]
        return _per_row(texts, rows, _joined_parts).to_pylist()

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
    if isinstance(values, pa.ChunkedArray | pa.Array):
        codes, uniques = _arrow_codes(values)
        return codes, uniques.to_pylist()
    import pandas as pd  # lists come from workbooks, whose reports need pandas anyway

    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return codes.astype(np.int64), list(uniques)


def _distinct(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Codes of a short list's values among its distinct values, in order of first appearance
    (-1 for None and NaN)."""
    index: dict[Any, int] = {}
    codes = [-1 if v is None or v != v else index.setdefault(v, len(index)) for v in values]
    return np.array(codes, dtype=np.int64), list(index)


def _int_codes(key: np.ndarray) -> np.ndarray:
    """Codes of integer keys among their distinct values, numbered in order of first appearance (hashing)."""
    return pc.dictionary_encode(pa.array(key)).indices.to_numpy(zero_copy_only=False).astype(np.int64)


def _arrow_codes(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Dictionary-encode an Arrow array: per-row codes (-1 for null) and the distinct values."""
    encoded = pc.dictionary_encode(values)
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    if not chunks:
        return np.zeros(0, dtype=np.int64), pa.array([], type=values.type)
    codes = np.concatenate([pc.fill_null(c.indices, -1).to_numpy(zero_copy_only=False) for c in chunks]).astype(np.int64)
    return codes, chunks[-1].dictionary  # a chunked array's chunks share one dictionary, complete in the last


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
    """One mapped column: per-row codes into its distinct values, their parsed values and issues.

    ``values`` holds the parsed distinct values plus, last, a blank slot that code -1 (a missing
    cell) points to; ``issues`` maps a slot to the issue its value raised.
    """

    def __init__(self, codes: np.ndarray, values: Sequence[Any], issues: dict[int, DataIssue], *, blank_slot: bool = True) -> None:
        self.values = [*values, None] if blank_slot else values
        self.size = len(self.values)
        self.codes = np.where(codes < 0, self.size - 1, codes) if blank_slot else codes
        self.issues = issues
        self.issue_slots = sorted(issues)

    @cached_property
    def _parsed_codes(self) -> tuple[list[Any], np.ndarray]:
        parsed_codes, parsed = _distinct(self.values)
        parsed_list = [*parsed, None]
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


def _distinct_rows(code_columns: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Group rows by the combination of codes: per-row group index and one row of each group."""
    if not code_columns or n == 0:
        return np.zeros(n, dtype=np.int64), np.zeros(1 if n else 0, dtype=np.int64)
    key = np.zeros(n, dtype=np.int64)
    capacity = 1
    for codes in code_columns:
        width = int(codes.max()) + 1
        if capacity * width >= 2**62:  # too many combinations for one integer: group by sorting
            _, first, inverse = np.unique(np.stack(code_columns, axis=1), axis=0, return_index=True, return_inverse=True)
            return inverse.reshape(-1), first
        key = key * width + codes
        capacity *= width
    if capacity <= 4 * n:  # few possible combinations: a direct table, no hashing or sorting
        present = np.zeros(capacity, dtype=bool)
        present[key] = True
        group = np.cumsum(present) - 1
        row_of = np.empty(capacity, dtype=np.int64)
        row_of[key] = np.arange(n)  # any row of a group stands for it: its codes are the group's
        return group[key], row_of[present]
    codes = _int_codes(key)
    rising = np.diff(np.maximum.accumulate(codes), prepend=-1) > 0  # first appearances (codes number them in order)
    return codes, np.flatnonzero(rising)


def _over_budget(table: Table, seconds: float | None) -> InputFileError:
    return InputFileError("time_budget", name=table.source, seconds=f"{seconds:.0f}")


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


def _per_row(texts: Sequence[list[str]], rows: Sequence[np.ndarray], join: Callable[..., str]) -> pa.DictionaryArray:
    """Per row ``i``, ``join(texts[0][rows[0][i]], texts[1][rows[1][i]], ...)``.

    ``join`` runs once per distinct combination of texts, not once per row, and the column comes
    back dictionary-encoded: each distinct text is stored once and expanded as it is written.
    """
    n = len(rows[0])
    row_codes, distinct = [], []
    for part, index in zip(texts, rows, strict=True):
        codes, uniques = _distinct(part)
        row_codes.append(codes[index])
        distinct.append(uniques)
    combination, first = _distinct_rows(row_codes, n)
    columns = [[d[c] for c in codes[first].tolist()] for d, codes in zip(distinct, row_codes, strict=True)]
    return _coded(combination, [join(*parts) for parts in zip(*columns, strict=True)])


def _joined_parts(*parts: str) -> str:
    """Texts that each end in the separator (or are empty), joined, without the last separator."""
    return "".join(parts).rstrip(" |")


def _coded(codes: np.ndarray, texts: Sequence[str]) -> pa.DictionaryArray:
    """Per row ``texts[codes[i]]``, each text stored once (a dictionary-encoded column)."""
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(list(texts), type=pa.string()))


def _constant(text: str, n: int) -> pa.DictionaryArray:
    """The same text on every row, stored once."""
    return _coded(np.zeros(n, dtype=np.int32), [text])


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
    with ThreadPoolExecutor(max_workers=1) as pool:
        # Dictionary-encoding the columns and folding names for the duplicate check are Arrow work
        # that releases the GIL: they run on a second core while this thread parses the distinct
        # values and evaluates the elements.
        encoded = {
            name: pool.submit(_factorize, table.column(match.index))
            for name, match in by_field.items() if name not in ("client_id", "full_name", "notes", "a_number")
        }
        names = pool.submit(_folded_codes, table.column(by_field["full_name"].index)) if "full_name" in by_field else None
        parsed, date_columns = _parse_columns(table, by_field, encoded, normalizer, date_orders)

        def check_budget() -> None:
            if deadline is not None and time.monotonic() > deadline:
                raise _over_budget(table, max_seconds)

        element_rows, element_results = _evaluate_elements(parsed, ruleset, as_of, n, check_budget)
        arrays = _outputs(element_rows, element_results, ruleset, lang, n)
        issues_by_row, issue_parts = _row_issues(table, by_field, parsed, names.result() if names else None, lang)
    arrays["data_issues"] = _join(issue_parts, n)
    arrays["rules_version"] = _constant(ruleset.version, n)
    arrays["as_of"] = _constant(as_of.isoformat(), n)
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


def _parse_columns(
    table: Table,
    by_field: dict[str, ColumnMatch],
    encoded: dict[str, Future],
    normalizer: Normalizer,
    date_orders: Mapping[str, DateOrder] | None,
) -> tuple[dict[str, _ParsedColumn], list[DateColumn]]:
    """Each mapped column the rules or the checks read, parsed once per distinct value.

    ``encoded`` holds, per field, the pending ``_factorize`` of its column. Client ids, names and
    notes are kept in the output and never read by the rules (names only for duplicates).
    """
    parsed: dict[str, _ParsedColumn] = {}
    date_columns: list[DateColumn] = []
    for name, match in by_field.items():  # in the sheet's column order, which orders each row's issues
        if name == "a_number":  # nearly every value distinct: normalised row by row, in Arrow
            values, a_issues = normalize_a_numbers(table.column(match.index))
            parsed[name] = _ParsedColumn(np.arange(len(table)), values, a_issues, blank_slot=False)
        if name not in encoded:
            continue
        codes, uniques = encoded[name].result()
        if name in DATE_FIELDS:
            order, source, ambiguous = _date_order(uniques, (date_orders or {}).get(name))
            date_columns.append(DateColumn(name, match.header, order, source, ambiguous))
            results = [_parse_date_cell(normalizer, name, u, order, source) for u in uniques]
        else:
            results = [normalizer.parse(name, u) for u in uniques]
        issues = {slot: r[1] for slot, r in enumerate(results) if r[1] is not None}
        parsed[name] = _ParsedColumn(codes, [r[0] for r in results], issues)
    return parsed, date_columns


def _evaluate_elements(
    parsed: dict[str, _ParsedColumn], ruleset: RuleSet, as_of: dt.date, n: int, check_budget: Callable[[], None]
) -> tuple[dict[str, np.ndarray], dict[str, list[ElementResult]]]:
    """Each element, evaluated once per distinct combination of the facts it reads.

    Returns per element the rows' indices into its results, and the results.
    """
    element_rows: dict[str, np.ndarray] = {}
    element_results: dict[str, list[ElementResult]] = {}
    conditional = conditional_facts(ruleset)
    for element_id in ELEMENT_IDS:
        facts = [f for f in ruleset.elements[element_id].facts if f in parsed]
        keys = [_relevant_codes(f, parsed, conditional.get(element_id)) for f in facts]
        inverse, representatives = _distinct_rows(keys, n)
        # The facts of each distinct combination, gathered column by column.
        columns = [[parsed[f].parsed[k] for k in key[representatives].tolist()] for f, key in zip(facts, keys, strict=True)]
        combinations = list(zip(*columns, strict=True)) if facts else [()] * len(representatives)
        results = []
        for count, values in enumerate(combinations):
            if count % 512 == 0:
                check_budget()
            record = _Facts({f: v for f, v in zip(facts, values, strict=True) if v is not None})
            results.append(evaluate_element(element_id, record, ruleset, as_of))  # type: ignore[arg-type]
        element_rows[element_id] = inverse
        element_results[element_id] = results
    return element_rows, element_results


def _outputs(
    element_rows: dict[str, np.ndarray], element_results: dict[str, list[ElementResult]], ruleset: RuleSet, lang: str, n: int
) -> dict[str, pa.Array]:
    """Status, outcome, reasons and questions columns: integer codes per row, texts stored once."""
    status_index = {s: i for i, s in enumerate(STATUSES)}
    outcome_of = np.array(
        [OUTCOMES.index(combine([a, b, c], ruleset)) for a in STATUSES for b in STATUSES for c in STATUSES], dtype=np.int64
    )
    status_codes = {
        e: np.array([status_index[r.status] for r in element_results[e]], dtype=np.int64)[element_rows[e]] for e in ELEMENT_IDS
    }
    a, b, c = (status_codes[e] for e in ELEMENT_IDS)
    outcome_codes = outcome_of[a * 16 + b * 4 + c] if n else np.zeros(0, dtype=np.int64)
    arrays: dict[str, pa.Array] = {"determination": _coded(outcome_codes, OUTCOMES)}
    for e in ELEMENT_IDS:
        arrays[e] = _coded(status_codes[e], STATUSES)
    rows = [element_rows[e] for e in ELEMENT_IDS]
    reasons = [_element_texts(element_results[e], lang) for e in ELEMENT_IDS]
    arrays["reasons"] = _per_row(reasons, rows, lambda *parts: SEPARATOR.join(parts))
    asked = [
        ["".join(q.text(lang) + SEPARATOR for q in r.questions) if r.status == "unknown" else "" for r in element_results[e]]
        for e in ELEMENT_IDS
    ]
    arrays["next_questions"] = _per_row(
        [*asked, list(OUTCOMES)], [*rows, outcome_codes],
        lambda *parts: _joined_parts(*parts[:-1]) if parts[-1] == "needs_info" else "",
    )
    return arrays


def _element_text(result: ElementResult, lang: str) -> str:
    """One element's part of the reasons column: its letter, its reason, and its notes."""
    text = f"{ELEMENT_LETTERS[result.element_id]} {result.reason(lang)}"
    for note in result.notes:
        text += SEPARATOR + note.text(lang)
    return text


def _element_texts(results: list[ElementResult], lang: str) -> list[str]:
    """``_element_text`` of each result; results with the same reasons and notes are rendered once."""
    rendered: dict[tuple, str] = {}
    texts = []
    for result in results:
        key = (result.element_id, result.reasons, result.notes)
        try:
            text = rendered.get(key)
        except TypeError:  # a parameter that cannot be hashed: render it directly
            texts.append(_element_text(result, lang))
            continue
        if text is None:
            text = rendered[key] = _element_text(result, lang)
        texts.append(text)
    return texts


# ---------------------------------------------------------------------------------- data issues


def _row_issues(
    table: Table, by_field: dict[str, ColumnMatch], parsed: dict[str, _ParsedColumn], names: np.ndarray | None, lang: str
) -> tuple[dict[int, list[DataIssue]], list[pa.Array]]:
    """Issues by row index (placed at spreadsheet row and column), and per-field text columns."""
    per_row: dict[int, list[DataIssue]] = defaultdict(list)
    parts: list[pa.Array] = []
    for name, column in parsed.items():
        if not column.issue_slots:
            continue
        header = by_field[name].header
        texts = [f"{header}: {column.issues[slot].message.text(lang)}" for slot in column.issue_slots]
        slot_of = np.full(column.size, len(texts), dtype=np.int64)
        slot_of[column.issue_slots] = np.arange(len(texts))
        parts.append(_take([*texts, None], slot_of[column.codes]))
        for i in column.rows_with_issues().tolist():
            per_row[i].append(column.issues[column.codes[i]].at(table.row_numbers[i], header))
    duplicates = _duplicates(table, by_field, parsed, names)
    if duplicates:
        texts: list[str | None] = [None] * len(table)
        for i, issue in duplicates:
            per_row[i].append(issue)
            text = f"{issue.column}: {issue.message.text(lang)}"
            texts[i] = text if texts[i] is None else f"{texts[i]}{SEPARATOR}{text}"
        parts.append(pa.array(texts, type=pa.string()))
    return dict(per_row), parts


def _duplicates(
    table: Table, by_field: dict[str, ColumnMatch], parsed: dict[str, _ParsedColumn], names: np.ndarray | None
) -> list[tuple[int, DataIssue]]:
    """The same A-number on two rows, or the same name and date of birth, flagged on both rows.

    ``names`` holds the rows' folded-name codes (``_folded_codes``), or None without a name column.
    """
    found: list[tuple[int, DataIssue]] = []
    if "a_number" in parsed:
        column = parsed["a_number"]  # one slot per row; a valid A-number is nine digits: an integer key
        valid = np.ones(len(column.values), dtype=bool)
        valid[column.issue_slots] = False
        numbers = pc.cast(pc.if_else(pa.array(valid), column.values, pa.scalar(None, pa.string())), pa.int64())
        found += _flag(pc.fill_null(numbers, -1).to_numpy(zero_copy_only=False), table, "duplicate_a_number", by_field["a_number"].header)
    if names is not None and "date_of_birth" in parsed:
        births, row_names = parsed["date_of_birth"], names
        blank_birth = len(births.parsed) - 1
        present = (row_names >= 0) & (births.row_parsed != blank_birth)
        combined = np.where(present, row_names * (blank_birth + 1) + births.row_parsed, -1)
        found += _flag(combined, table, "duplicate_person", by_field["full_name"].header)
    return found


def _folded_codes(names: Any) -> np.ndarray:
    """Per row, a code that is equal for names equal once case, accents, spaces and punctuation are
    folded (-1 for no name)."""
    if isinstance(names, pa.ChunkedArray):
        names = names.combine_chunks()
    if isinstance(names, pa.Array) and pa.types.is_string(names.type):
        texts = names
    else:
        texts = pa.array([v if isinstance(v, str) else None for v in names], type=pa.string())
    ascii_only = pc.all(pc.fill_null(pc.string_is_ascii(texts), True)).as_py()
    folded = pc.ascii_lower(texts) if ascii_only else pc.utf8_lower(texts)
    # Most names are folded once lower-cased; only the others go through the slower steps.
    rest = pc.invert(pc.fill_null(pc.match_substring_regex(folded, r"^[a-z0-9]+( [a-z0-9]+)*$"), True))
    if pc.any(rest).as_py():
        other = pc.filter(folded, rest)
        if not ascii_only:
            other = pc.replace_substring_regex(pc.utf8_normalize(other, form="NFKD"), pattern=r"\p{Mn}+", replacement="")
        other = pc.utf8_trim(pc.replace_substring_regex(other, pattern=r"[^\p{L}\p{N}]+", replacement=" "), " ")
        folded = pc.replace_with_mask(folded, rest, other)
    folded = pc.if_else(pc.equal(folded, ""), pa.scalar(None, pa.string()), folded)
    return _arrow_codes(folded)[0]


def _flag(row_keys: np.ndarray, table: Table, code: str, header: str) -> list[tuple[int, DataIssue]]:
    """Flag every row whose key (>= 0) occurs on another row too; Python runs only for duplicates."""
    present = row_keys[row_keys >= 0]
    ordered = np.sort(present)  # sorting integers is far cheaper than hashing them
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(repeated):
        return []
    duplicated = np.isin(row_keys, repeated) & (row_keys >= 0)
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
