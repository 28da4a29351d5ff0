"""What changed since last time: a new screening against an earlier report of this tool.

Rows are matched by client ID, else A-number, else name (case, accents and punctuation folded) and
date of birth; each key is tried only on the rows the keys before it left unmatched. A key that two
rows share, on either side, is an ambiguous match: it is reported, never guessed (and those rows are
not matched by a later key). For each person whose determination or an element status changed,
the changes are listed with their causes, each computed from the two files, never guessed:

- ``rules``: the rules changed (the version, or the hash of the rules files);
- ``recheck_passed``: the new as-of date is on or after the re-check date the earlier report gave;
- ``input``: a value the rules read changed (which field; the cells as written and as read);
- ``as_of``: only when none of the above holds: the as-of date moved;
- ``unexplained``: none of these (the earlier report's values were edited, or it came from
  another version of the tool).

People in the new file only are ``new``; people in the earlier report only are ``gone``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import pyarrow as pa

from .batch import BatchResult, date_columns, screening_columns
from .caseload import RULES, differences, earlier_columns, read_day
from .cells import cell_text, is_blank
from .errors import InputFileError
from .fields import NAME_FIELDS
from .mapping import ColumnMatch, apply_overrides, suggest_mapping
from .model import CaseStatus, PlaceSet
from .normalize import Normalizer, fold, normalize_a_number, normalizer_for, read_date
from .read import Table

KEYS = ("client_id", "a_number", "name_dob")
"""How rows are matched, in order."""
CauseCode = Literal["rules", "recheck_passed", "input", "as_of", "unexplained"]
Kind = Literal["changed", "new", "gone", "ambiguous"]


@dataclass(frozen=True)
class Cause:
    """Why a determination changed. ``before``/``after``: the rules, the dates, or an input cell as
    written; ``before_read``/``after_read``: an input as the tool read it (what a report for
    sharing shows instead of the cells)."""

    code: CauseCode
    field: str | None = None
    before: str = ""
    after: str = ""
    before_read: str = ""
    after_read: str = ""


@dataclass(frozen=True)
class Change:
    """One line of the comparison. ``row``: index in the new table; ``earlier_row``: in the earlier
    report; ``candidates``: for an ambiguous match, the earlier rows that share the key."""

    kind: Kind
    row: int | None = None
    earlier_row: int | None = None
    matched_by: str | None = None
    before: str = ""
    after: str = ""
    differences: tuple[tuple[str, str, str], ...] = ()
    causes: tuple[Cause, ...] = ()
    candidates: tuple[int, ...] = ()


@dataclass
class Changes:
    """A new screening compared with an earlier report."""

    earlier: Table
    earlier_mapping: list[ColumnMatch]
    items: list[Change] = field(default_factory=list)
    unchanged: int = 0
    earlier_as_of: str = ""
    earlier_rules: str = ""

    def counts(self) -> dict[str, int]:
        """People by kind of change (and how many were matched with no change)."""
        counts = {k: 0 for k in ("changed", "new", "gone", "ambiguous")}
        for item in self.items:
            counts[item.kind] += 1
        return {**counts, "unchanged": self.unchanged}

    def identity(self, index: int) -> tuple[str, str]:
        """Client ID and name of an earlier row (for the full report only)."""
        ids, names = self._people
        return (cell_text(ids[index]).strip() if ids else "", names[index] if names else "")

    @cached_property
    def _people(self) -> tuple[list[Any] | None, list[str] | None]:
        return _column(self.earlier, self.earlier_mapping, "client_id"), _names(self.earlier, self.earlier_mapping)


def _column(table: Table, mapping: Sequence[ColumnMatch], name: str) -> list[Any] | None:
    index = next((m.index for m in mapping if m.field == name), None)
    return table.values(index) if index is not None else None


def _names(table: Table, mapping: Sequence[ColumnMatch]) -> list[str] | None:
    """Per row, the person's name as written (full name, else first, middle and last joined)."""
    full = _column(table, mapping, "full_name")
    if full is not None:
        return [cell_text(v).strip() for v in full]
    parts = [c for c in (_column(table, mapping, f) for f in NAME_FIELDS[1:]) if c is not None]
    if not parts:
        return None
    return [" ".join(cell_text(p[i]).strip() for p in parts if cell_text(p[i]).strip()) for i in range(len(table))]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else cell_text(value).strip()


class _Keys:
    """A table's matching keys, each computed only for the rows it is tried on (most files match
    every row by client ID, and never read an A-number, a name or a date of birth for it)."""

    def __init__(self, table: Table, mapping: Sequence[ColumnMatch]) -> None:
        self.table, self.mapping = table, mapping

    @cached_property
    def _births(self) -> tuple[list[Any] | None, Any]:
        births = _column(self.table, self.mapping, "date_of_birth")
        orders = date_columns(self.table, [m for m in self.mapping if m.field == "date_of_birth"])
        return births, orders[0].order if orders else None

    def of(self, kind: str, rows: Sequence[int]) -> dict[int, str]:
        """Row -> key, for the rows that have one."""
        if kind == "client_id":
            ids = _column(self.table, self.mapping, "client_id")
            return {i: key for i in rows if (key := _text(ids[i]))} if ids else {}
        if kind == "a_number":
            numbers = _column(self.table, self.mapping, "a_number")
            found = {}
            for i in rows if numbers else ():
                number, issue = normalize_a_number(numbers[i])
                if number and issue is None:
                    found[i] = number
            return found
        names = _names(self.table, self.mapping) if rows else None
        births, order = self._births
        if names is None or births is None:
            return {}
        read: dict[Any, Any] = {}
        found = {}
        for i in rows:
            name, birth = fold(names[i]), births[i]
            if not name or _text(birth) == "":
                continue
            if birth not in read:
                read[birth] = read_date(birth, order).value
            if read[birth] is not None:
                found[i] = f"{name}|{read[birth]}"
        return found


Pairs = list[tuple[int, int, str]]
Ambiguous = list[tuple[list[int], list[int], str]]


def _match(old: _Keys, new: _Keys) -> tuple[Pairs, Ambiguous, set[int], set[int]]:
    """Pairs (new row, earlier row, key), ambiguous groups (new rows, earlier rows, key), and the
    rows left unmatched on each side."""
    left_old, left_new = set(range(len(old.table))), set(range(len(new.table)))
    pairs, ambiguous = [], []
    for key in KEYS:
        by_old: dict[str, list[int]] = defaultdict(list)
        by_new: dict[str, list[int]] = defaultdict(list)
        for i, value in old.of(key, sorted(left_old)).items():
            by_old[value].append(i)
        for j, value in new.of(key, sorted(left_new)).items():
            by_new[value].append(j)
        for value, news in by_new.items():
            olds = by_old.get(value)
            if not olds:
                continue
            if len(news) == 1 and len(olds) == 1:
                pairs.append((news[0], olds[0], key))
            else:
                ambiguous.append((news, olds, key))
            left_new.difference_update(news)
            left_old.difference_update(olds)
    return pairs, ambiguous, left_new, left_old


def _values(array: pa.Array) -> list[Any]:
    """An output column as a list (a dictionary-encoded one decoded first: far faster)."""
    return (array.dictionary_decode() if pa.types.is_dictionary(array.type) else array).to_pylist()


def shown(value: Any) -> str:
    """A value as read, in a few plain characters: a status code, a country code, a date."""
    if value is None:
        return ""
    if isinstance(value, CaseStatus):
        return " + ".join(value.codes) or "unknown"
    if isinstance(value, PlaceSet):
        codes = ", ".join(sorted(value.codes))
        return (f"not {codes}" if codes else "unknown") if value.complement else codes
    return str(value)


def compare(earlier: Table, result: BatchResult, normalizer: Normalizer | None = None) -> Changes:
    """Compare a new screening with an earlier report of this tool (its Results sheet or CSV)."""
    ruleset = result.ruleset
    normalizer = normalizer or result.normalizer or normalizer_for(ruleset)
    mapping = suggest_mapping(earlier.headers)
    same = {m.header: m.field for m in result.mapping if m.header in earlier.headers}  # a header read as in the new file
    if same:
        mapping = apply_overrides(mapping, same)
    columns = earlier_columns(earlier.headers, mapping, screening_columns(ruleset))
    if not columns:
        raise InputFileError("not_a_report", name=earlier.source)
    old_values = {name: earlier.values(index) for name, index in columns.items()}
    new_values = {k: _values(result.arrays[k]) for k in (*result.ruleset_columns, "as_of")}
    pairs, ambiguous, left_new, left_old = _match(_Keys(earlier, mapping), _Keys(result.table, result.mapping))
    inputs = _Inputs(earlier, mapping, result, normalizer)
    changes = Changes(earlier, mapping)
    first = next(iter(range(len(earlier))), None)
    if first is not None:
        changes.earlier_as_of = cell_text(old_values["as_of"][first])
        changes.earlier_rules = cell_text(old_values["rules_version"][first])
    items: list[tuple[tuple[int, int], Change]] = []
    compared = [k for k in ("determination", *ruleset.element_ids) if k in old_values]
    moved = [(j, i, key) for j, i, key in pairs if any(old_values[k][i] != new_values[k][j] for k in compared)]
    changes.unchanged = len(pairs) - len(moved)
    for j, i, key in moved:
        before = {k: v[i] for k, v in old_values.items()}
        after = {k: v[j] for k, v in new_values.items()}
        found = differences(before, after, ruleset.element_ids)
        statuses = tuple(d for d in found if d[0] != RULES)
        if not statuses:
            changes.unchanged += 1
            continue
        causes = _causes(found, before, result, inputs, i, j)
        items.append(((0, j), Change("changed", j, i, key, cell_text(before["determination"]).strip(), after["determination"], statuses, causes)))
    for news, olds, key in ambiguous:
        for j in news:
            items.append(((0, j), Change("ambiguous", j, None, key, after=new_values["determination"][j], candidates=tuple(olds))))
    for j in left_new:
        items.append(((0, j), Change("new", j, after=new_values["determination"][j])))
    for i in left_old:
        items.append(((1, i), Change("gone", None, i, before=cell_text(old_values["determination"][i]).strip())))
    changes.items = [change for _, change in sorted(items, key=lambda pair: pair[0])]
    return changes


class _Inputs:
    """The cells the rules read, on both sides, each read once per distinct value."""

    def __init__(self, earlier: Table, mapping: Sequence[ColumnMatch], result: BatchResult, normalizer: Normalizer) -> None:
        self.normalizer = normalizer
        old_orders = {c.field: c.order for c in date_columns(earlier, mapping)}
        new_orders = {c.field: c.order for c in result.date_columns}
        self.fields: list[tuple[str, list[Any], list[Any], Any, Any]] = []
        for name in result.ruleset.read_fields:
            old = _column(earlier, mapping, name)
            index = result.field_column(name)
            if old is None or index is None:
                continue  # a field one side has no column for is not compared
            self.fields.append((name, old, result.table.values(index), old_orders.get(name), new_orders.get(name)))
        self._cache: dict[tuple[str, Any, Any], Any] = {}

    def read(self, name: str, value: Any, order: Any) -> Any:
        key = (name, cell_text(value), order)
        if key not in self._cache:
            self._cache[key] = self.normalizer.read(name, value, order).value
        return self._cache[key]

    def changed(self, i: int, j: int) -> list[Cause]:
        found = []
        for name, old, new, old_order, new_order in self.fields:
            before, after = self.read(name, old[i], old_order), self.read(name, new[j], new_order)
            if before != after and not (is_blank(old[i]) and is_blank(new[j])):
                found.append(Cause("input", name, cell_text(old[i]).strip(), cell_text(new[j]).strip(), shown(before), shown(after)))
        return found


def _causes(found: Sequence[tuple[str, str, str]], before: dict[str, Any], result: BatchResult, inputs: _Inputs, i: int, j: int) -> tuple[Cause, ...]:
    causes = [Cause("rules", None, b, a) for what, b, a in found if what == RULES]
    earlier_as_of, recheck = read_day(before.get("as_of")), read_day(before.get("recheck_on"))
    if recheck is not None and earlier_as_of is not None and earlier_as_of < recheck <= result.as_of:
        causes.append(Cause("recheck_passed", None, recheck.isoformat(), result.as_of.isoformat()))
    causes += inputs.changed(i, j)
    if not causes and earlier_as_of is not None and earlier_as_of != result.as_of:
        causes.append(Cause("as_of", None, earlier_as_of.isoformat(), result.as_of.isoformat()))
    return tuple(causes) or (Cause("unexplained"),)


__all__ = ["KEYS", "Cause", "Change", "Changes", "compare", "shown"]
