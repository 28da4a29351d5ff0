"""The rows every report shares: the Results columns, Summary, Follow-up, Re-check, Changes, Data
issues and Rules sheets.

Every report carries the rules version and hash and the as-of date. A report "for sharing" is
built from an allow-list (``shared_columns``): a row reference, the screening's own columns with
every quoted cell replaced by its reading, data-issue codes, and of an attorney's decision only
its category and whether it needs another look. No column of the upload, no header, no file or
sheet name and no free text (a decision's note, who decided) reaches it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import __version__, columnar
from ..batch import BatchResult, added_columns
from ..caseload import describe
from ..cells import cell_text
from ..errors import MappingError
from ..fields import DECISION_FIELDS, IDENTIFYING_FIELDS, NAME_FIELDS
from ..i18n import t
from ..normalize import quote
from ..phrases import fold
from ..read.table import column_letter
from ..rules import OUTCOMES, STATUSES, RuleSet
from .stamp import now

REF = "ref"
SHARED_DECISION = ("decision_category", "decision_stale")
"""Of an attorney's decision, a report for sharing carries only these (no note, no name, no date)."""


def pseudonym(row_number: int) -> str:
    """A reference for a row in a shared report: meaningful only beside the original sheet."""
    return f"R{row_number:06d}"


def _pseudonyms(numbers: pa.Array) -> pa.Array:
    """``pseudonym`` of every row number, built in Arrow."""
    digits = pc.utf8_lpad(pc.cast(numbers, pa.string()), 6, "0")
    return pc.binary_join_element_wise(pa.scalar("R"), digits, "")


def shared_columns(result: BatchResult) -> tuple[str, ...]:
    """The allow-list of a report for sharing: the reference, the screening's own columns, and a
    decision's category and staleness."""
    return (REF, *added_columns(result.ruleset), *SHARED_DECISION)


def kept_columns(result: BatchResult) -> list[int]:
    """The upload's columns a full report carries as they are: all but an earlier screening (which
    the new one replaces) and the decision columns (which follow the screening, under their names)."""
    left_out = set(result.earlier.values()) | {m.index for m in result.mapping if m.field in DECISION_FIELDS}
    return [i for i in range(len(result.table.headers)) if i not in left_out]


# ---------------------------------------------------------------------------------- results


def result_columns(result: BatchResult, *, redact: bool = False) -> tuple[list[str], list[Any]]:
    """The Results table. Full: every original column, then the added columns. For sharing
    (``redact``): only the allow-list, built from the screening, never from the upload.

    Columns are Python lists or Arrow arrays, as the reader and the batch produced them.
    """
    table = result.table
    headers: list[str] = []
    columns: list[Any] = []
    if redact:
        added = {**result.added_columns(shared=True), **result.decision_check}
        headers.append(REF)
        columns.append([pseudonym(r) for r in table.row_numbers])
        for name in shared_columns(result)[1:]:
            headers.append(name)
            columns.append(added[name])
        return headers, columns
    for index in kept_columns(result):
        headers.append(table.headers[index])
        columns.append(table.column(index))
    taken = {h.casefold() for h in headers}
    for name, values in {**result.added_columns(), **result.decision_values(), **result.decision_check}.items():
        label = name
        while label.casefold() in taken:
            label = f"{label}_screening"
        taken.add(label.casefold())
        headers.append(label)
        columns.append(values)
    return headers, columns


def empty_row(sheet: str, lang: str) -> dict[str, str]:
    return {sheet: t("report.none", lang)}


# ---------------------------------------------------------------------------------- summary


def summary_rows(result: BatchResult, ruleset: RuleSet, redact: bool) -> list[dict[str, Any]]:
    """The Summary sheet: what was screened, how, and the counts. For sharing: nothing that names
    the file, its sheets or its headers (they can name people)."""
    lang = result.lang
    key, value = t("report.summary.item", lang), t("report.summary.value", lang)
    table = result.table
    counts = result.counts()
    rows: list[tuple[str, Any]] = [(t("report.summary.title", lang), t("report.summary.disclaimer", lang))]
    if not redact:
        rows += [
            (t("report.summary.input_file", lang), table.source),
            (t("report.summary.sheet", lang), table.sheet or "-"),
        ]
    rows += [
        (t("report.summary.header_row", lang), table.header_row),
        (t("report.summary.rows", lang), len(result)),
        (t("report.summary.blank_rows", lang), table.blank_rows_skipped),
        (t("report.summary.as_of", lang), result.as_of.isoformat()),
        (t("report.summary.rules_version", lang), result.rules_version),
        (t("report.summary.rules_hash", lang), result.rules_hash),
        (t("report.summary.tool_version", lang), __version__),
        (t("report.summary.generated", lang), now()),
        (t("report.summary.shared", lang), t("report.yes" if redact else "report.no", lang)),
        ("", ""),
        (t("report.summary.by_determination", lang), ""),
    ]
    for outcome in OUTCOMES:
        rows.append((f"{ruleset.rules.outcomes[outcome].get(lang)} ({outcome})", counts.get(outcome, 0)))
    rows.append(("", ""))
    rows.append((t("report.summary.by_element", lang), ""))
    for element_id in result.element_ids:
        element_counts = Counter(result.statuses[element_id])
        element = ruleset.elements[element_id]
        parts = ", ".join(f"{ruleset.rules.statuses[s].get(lang)}: {element_counts.get(s, 0)}" for s in STATUSES)
        rows.append((f"{element.paragraph} {element.title.get(lang)} ({element_id})", parts))
    rows.append(("", ""))
    rows += _caseload_summary(result)
    rows.append((t("report.summary.columns", lang), t("report.summary.columns_shared" if redact else "report.summary.columns_full", lang)))
    earlier = {index: name for name, index in result.earlier.items()}
    for match in result.mapping:
        read = match.field or t("report.summary.not_read", lang)
        where = t("report.summary.column_letter", lang, letter=column_letter(match.index)) if redact else match.header
        carried = t("report.summary.left_out" if redact else "report.summary.carried", lang)
        if match.index in earlier:
            read, carried = t("report.summary.earlier_column", lang, name=earlier[match.index]), t("report.summary.replaced", lang)
        how = f"{read} ({match.method}, {match.confidence:.2f})" if match.field and not redact else read
        rows.append((where, f"{how}; {carried}"))
    if redact:
        rows.append((t("report.summary.carried_columns", lang), ", ".join(shared_columns(result))))
    rows.append(("", ""))
    for column in result.date_columns:
        label = t("report.summary.date_order", lang, header=column.field if redact else column.header)
        deciding = "" if redact else ", ".join(column.decision.deciding)
        rows.append((label, t(f"report.date_source.{column.source}", lang, order=column.order or "", values=deciding)))
    return [{key: k, value: v} for k, v in rows]


def _caseload_summary(result: BatchResult) -> list[tuple[str, Any]]:
    """Summary lines on the earlier screening the upload carried and on attorney decisions."""
    lang = result.lang
    rows: list[tuple[str, Any]] = []
    earlier = result.earlier_values()
    if earlier:
        as_of = next((cell_text(v) for v in earlier["as_of"] if cell_text(v).strip()), "")
        version = next((cell_text(v) for v in earlier["rules_version"] if cell_text(v).strip()), "")
        rows.append((t("report.summary.earlier", lang), t("report.summary.earlier_text", lang, as_of=as_of, version=version)))
    check = result.decision_check
    decided = sum(1 for c in check["decision_category"] if c)
    if decided:
        stale = Counter(check["decision_stale"])
        rows.append((t("report.summary.decisions", lang), t(
            "report.summary.decisions_text", lang, count=decided, stale=stale.get("yes", 0), unknown=stale.get("unknown", 0),
            unreadable=check["decision_category"].count("unreadable"),
        )))
    return [*rows, ("", "")] if rows else []


# ---------------------------------------------------------------------------------- follow-up

URGENCY = {"needs_info": 1, "needs_review": 2}


def follow_up_columns(
    result: BatchResult, *, shared: bool = False, extra: Sequence[int] = (), recheck_only: bool = False,
) -> dict[str, pa.Array]:
    """The call list, column by column: rows that need more information, attorney review or a
    re-check, most urgent first (a re-check date, earliest first; then more information; then
    review), in row order within each. Keys are stable ids; ``extra``: indices of upload columns
    staff chose to carry (never in a shared list, which carries no column of the upload);
    ``recheck_only``: only the rows that wait for a date."""
    table, arrays = result.table, result.arrays
    order = _call_order(result, recheck_only)
    picked = [int(i) for i in order]
    numbers = np.asarray(table.row_numbers, dtype=np.int64)[order]
    row = pa.array(numbers)
    out: dict[str, pa.Array] = {"row": row, "ref": _pseudonyms(row)}
    if not shared:
        ids = result.field_column("client_id")
        ids_values = table.values(ids) if ids is not None else None
        out["client_id"] = pa.array([cell_text(ids_values[i]) for i in picked] if ids_values is not None else [""] * len(picked), pa.string())
        names = _names(result, picked)
        out["name"] = pa.array(names if names is not None else [""] * len(picked), pa.string())
    index = pa.array(order)

    def taken(array: pa.Array | pa.ChunkedArray) -> pa.Array:
        column = pc.take(array, index)
        column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        return column.dictionary_decode() if isinstance(column, pa.DictionaryArray) else column

    out["determination"] = taken(arrays["determination"])
    out["result"] = taken(arrays["result"])
    out["recheck_on"] = taken(arrays["recheck_on"])
    asks = pc.equal(out["determination"], "needs_info")
    review = taken(result.review_point_array(shared)) if len(order) else pa.array([], pa.string())
    out["to_do"] = pc.if_else(asks, taken(arrays["next_questions"]), review)
    if not shared:
        for column in extra:
            header = table.headers[column]
            values = table.values(column)
            key = header if header not in out else f"{header} ({column_letter(column)})"
            out[key] = pa.array([cell_text(values[i]) for i in picked], pa.string())
    return out


def _call_order(result: BatchResult, recheck_only: bool) -> np.ndarray:
    """The rows of the call list in order: by re-check date (none last), then more information
    before review, then row order."""
    arrays = result.arrays
    day = np.asarray(columnar.pylist(arrays["recheck_on"]), dtype=object)
    dated = np.array([bool(d) for d in day.tolist()], dtype=bool)
    outcome = np.asarray(columnar.pylist(arrays["determination"]), dtype=object)
    urgency = np.full(len(outcome), 3, dtype=np.int8)
    for name, rank in URGENCY.items():
        urgency[outcome == name] = rank
    wanted = dated if recheck_only else dated | (urgency < 3)
    rows = np.flatnonzero(wanted)
    key = np.where(dated[rows], day[rows], "9999").astype(str)
    return rows[np.lexsort((urgency[rows], key))]  # stable: row order within equal keys


def follow_up(result: BatchResult, *, shared: bool = False, extra: Sequence[int] = (), recheck_only: bool = False) -> list[dict[str, Any]]:
    """The call list row by row (``follow_up_columns``)."""
    columns = follow_up_columns(result, shared=shared, extra=extra, recheck_only=recheck_only)
    keys = list(columns)
    return [dict(zip(keys, values, strict=True)) for values in zip(*(c.to_pylist() for c in columns.values()), strict=True)]


FOLLOW_UP_KEYS = ("row", "ref", "client_id", "name", "determination", "result", "recheck_on", "to_do")


def _labelled(columns: dict[str, pa.Array], order: Sequence[str], lang: str, redact: bool) -> pa.Table | list[dict[str, Any]]:
    """A call-list sheet: its columns in ``order`` under the report's labels (an empty list for none)."""
    labels = {k: t(f"report.follow_up.{k}", lang) for k in FOLLOW_UP_KEYS}
    keys = [k for k in order if k in columns and not (redact and k == "row")]
    if not len(columns["row"]):
        return []
    names: list[str] = []
    for k in keys:  # a carried column may share a label ("Name"): it gets a number, never replaces it
        label, count = labels.get(k, k), 1
        while label in names:
            count += 1
            label = f"{labels.get(k, k)} ({count})"
        names.append(label)
    return pa.Table.from_arrays([columns[k] for k in keys], names=names)


def follow_up_rows(result: BatchResult, redact: bool, extra: Sequence[int] = ()) -> pa.Table | list[dict[str, Any]]:
    """The Follow-up sheet: the call list with headers in the report's language; ``extra``: upload
    columns staff chose to carry (left out of a report for sharing)."""
    columns = follow_up_columns(result, shared=redact, extra=() if redact else extra)
    return _labelled(columns, list(columns), result.lang, redact)


def column_indices(result: BatchResult, headers: Sequence[str]) -> list[int]:
    """The indices of upload columns named by their headers (case and accents ignored).

    Raises ``MappingError("unknown_column")`` for a header the sheet does not have.
    """
    found = {fold(h): i for i, h in reversed(list(enumerate(result.table.headers)))}
    indices = []
    for header in headers:
        index = found.get(fold(header))
        if index is None:
            raise MappingError("unknown_column", header=header)
        if index not in indices:
            indices.append(index)
    return indices


def recheck_rows(result: BatchResult, redact: bool) -> pa.Table | list[dict[str, Any]]:
    """The Re-check sheet: every row that waits for a date, earliest first, with what to do."""
    order = ("recheck_on", "row", "ref", "client_id", "name", "determination", "result", "to_do")
    return _labelled(follow_up_columns(result, shared=redact, recheck_only=True), order, result.lang, redact)


# ---------------------------------------------------------------------------------- changes


def _names(result: BatchResult, rows: Sequence[int]) -> list[str] | None:
    """The name as written on each of ``rows``: the full-name column, else the name parts joined
    (None: the upload has no name column)."""
    table = result.table
    full = result.field_column("full_name")
    columns = [full] if full is not None else [result.field_column(f) for f in NAME_FIELDS[1:]]
    parts = [table.values(c) for c in columns if c is not None]
    if not parts:
        return None
    return [" ".join(text for text in (cell_text(p[i]).strip() for p in parts) if text) for i in rows]


def _people(result: BatchResult) -> tuple[list[Any] | None, list[str] | None]:
    """Per row of the upload, the client ID and the name as written (None: no such column)."""
    ids = result.field_column("client_id")
    return (result.table.values(ids) if ids is not None else None), _names(result, range(len(result.table)))


def cause_text(cause: Any, lang: str, shared: bool) -> str:
    """Why a determination changed, in words; for sharing, an input is named with its readings only
    (an identifying field not even with those), never with its cells."""
    if cause.code != "input":
        return t(f"report.changes.cause.{cause.code}", lang, before=cause.before, after=cause.after)
    label = t(f"field.{cause.field}", lang)
    if shared and cause.field in IDENTIFYING_FIELDS:
        return t("report.changes.cause.input_field", lang, field=label)
    if shared:
        return t("report.changes.cause.input_read", lang, field=label, before_read=cause.before_read or "-", after_read=cause.after_read or "-")
    return t("report.changes.cause.input", lang, field=label, before=quote(cause.before) or "-", after=quote(cause.after) or "-",
             before_read=cause.before_read or "-", after_read=cause.after_read or "-")


def change_rows(result: BatchResult, redact: bool) -> list[dict[str, Any]]:
    """The Changes sheet: each person whose determination or an element status changed since the
    earlier report, with what changed and why; who is new, who is gone, and ambiguous matches."""
    changes = result.changes
    lang = result.lang
    keys = ("row", "ref", "earlier_row", "earlier_ref", "client_id", "name", "change", "matched_by", "before", "after", "what", "why")
    h = {k: t(f"report.changes.{k}", lang) for k in keys}
    table, earlier = result.table, changes.earlier
    ids, names = _people(result) if changes.items else (None, None)
    out = []
    for c in changes.items:
        row: dict[str, Any] = {}
        olds = [c.earlier_row] if c.earlier_row is not None else list(c.candidates)
        if redact:
            row[h["ref"]] = pseudonym(table.row_numbers[c.row]) if c.row is not None else ""
            row[h["earlier_ref"]] = ", ".join(pseudonym(earlier.row_numbers[i]) for i in olds)
        else:
            row[h["row"]] = table.row_numbers[c.row] if c.row is not None else ""
            row[h["earlier_row"]] = earlier.row_numbers[olds[0]] if len(olds) == 1 else ", ".join(str(earlier.row_numbers[i]) for i in olds)
            if c.row is not None:
                row[h["client_id"]] = cell_text(ids[c.row]).strip() if ids else ""
                row[h["name"]] = names[c.row] if names else ""
            else:
                row[h["client_id"]], row[h["name"]] = changes.identity(c.earlier_row)
        row[h["change"]] = t(f"report.changes.kind.{c.kind}", lang)
        row[h["matched_by"]] = t(f"report.changes.key.{c.matched_by}", lang) if c.matched_by else ""
        row[h["before"]] = c.before
        row[h["after"]] = c.after
        row[h["what"]] = "; ".join(describe(d, result.ruleset, lang) for d in c.differences)
        if c.kind == "ambiguous":
            rows = row[h["earlier_ref" if redact else "earlier_row"]]
            row[h["why"]] = t("report.changes.cause.ambiguous", lang, matched=t(f"report.changes.key.{c.matched_by}", lang), rows=rows)
        else:
            row[h["why"]] = "; ".join(cause_text(cause, lang, redact) for cause in c.causes)
        out.append(row)
    return out


def change_table(result: BatchResult, redact: bool) -> tuple[list[str], list[list[Any]]]:
    """The Changes sheet as columns (headers even when nothing changed), for a CSV."""
    rows = change_rows(result, redact)
    keys = ("ref", "earlier_ref") if redact else ("row", "earlier_row", "client_id", "name")
    headers = [t(f"report.changes.{k}", result.lang) for k in (*keys, "change", "matched_by", "before", "after", "what", "why")]
    return headers, [[row.get(h, "") for row in rows] for h in headers]


def change_summary(changes: Any, lang: str) -> str:
    """One line: how many people changed, are new, are gone, are ambiguous, stayed the same."""
    return t("report.changes.summary", lang, as_of=changes.earlier_as_of or "-", version=changes.earlier_rules or "-", **changes.counts())


# ---------------------------------------------------------------------------------- data issues


def issue_rows(result: BatchResult, redact: bool) -> list[dict[str, Any]]:
    """The Data issues sheet. For sharing: the row's reference, the field and the code, with a
    description of the kind of issue; never the value, the header or the message (which quotes it)."""
    lang = result.lang
    h = {k: t(f"report.issues.{k}", lang) for k in ("row", "ref", "column", "field", "code", "value", "message", "kind")}
    rows = []
    for issue in result.issues:
        if redact:
            rows.append({
                h["ref"]: pseudonym(issue.row) if issue.row is not None else "",
                h["field"]: issue.field or "",
                h["code"]: issue.code,
                h["kind"]: t(f"issue_kind.{issue.code}", lang),
            })
        else:
            rows.append({
                h["row"]: issue.row,
                h["column"]: issue.column or "",
                h["code"]: issue.code,
                h["value"]: issue.value,
                h["message"]: issue.message.text(lang),
            })
    return rows


# ---------------------------------------------------------------------------------- rules


def rules_rows(ruleset: RuleSet, lang: str) -> list[dict[str, str]]:
    rules = ruleset.rules
    k, v = t("report.rules.item", lang), t("report.rules.text", lang)
    rows = [
        (t("report.rules.case", lang), f"{rules.case.name}, {rules.case.court}, {rules.case.docket}"),
        (t("report.rules.citation", lang), rules.case.citation),
        (t("report.rules.class_definition", lang), " ".join(rules.class_definition.split())),
        (t("report.rules.explained", lang), rules.class_definition_explained.get(lang)),
        (t("report.rules.version", lang), f"{ruleset.version} ({ruleset.hash})"),
    ]
    for element in rules.elements:
        rows.append(("", ""))
        rows.append((f"{element.paragraph} {element.id}", element.title.get(lang)))
        rows.append((t("report.rules.words", lang), f"\u201c{element.words}\u201d"))
        rows.append((t("report.rules.citation", lang), " ".join(element.citation.split())))
        rows.append((t("report.rules.explanation", lang), " ".join(element.explanation.get(lang).split())))
        if element.note:
            rows.append((t("report.rules.note", lang), " ".join(element.note.get(lang).split())))
    rows.append(("", ""))
    rows.append((t("report.rules.disclaimer", lang), rules.disclaimer.get(lang)))
    return [{k: a, v: b} for a, b in rows]
