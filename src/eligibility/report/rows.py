"""The rows every report shares: the Results columns, Summary, Follow-up, Data issues and Rules sheets.

Every report carries the rules version and hash and the as-of date. A report "for sharing" leaves
out names, A-numbers, dates of birth and notes and identifies rows by a pseudonymous reference.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .. import __version__
from ..batch import BatchResult
from ..cells import cell_text
from ..i18n import t
from ..model import IDENTIFYING_FIELDS, DataIssue
from ..rules import ELEMENT_IDS, OUTCOMES, STATUSES, RuleSet
from .stamp import now

REDACTED_FIELDS = IDENTIFYING_FIELDS


def pseudonym(row_number: int) -> str:
    """A reference for a row in a shared report: meaningful only beside the original sheet."""
    return f"R{row_number:06d}"


# ---------------------------------------------------------------------------------- results


def result_columns(result: BatchResult, *, redact: bool = False) -> tuple[list[str], list[Any]]:
    """The Results table: original columns (less identifying ones if ``redact``) + added columns.

    Columns are Python lists or Arrow arrays, as the reader and the batch produced them.
    """
    table = result.table
    drop = {m.index for m in result.mapping if redact and m.field in REDACTED_FIELDS}
    headers: list[str] = []
    columns: list[Any] = []
    if redact:
        headers.append("ref")
        columns.append([pseudonym(r) for r in table.row_numbers])
    for index, header in enumerate(table.headers):
        if index not in drop:
            headers.append(header)
            columns.append(table.column(index))
    taken = {h.casefold() for h in headers}
    for name, values in result.added_columns().items():
        label = name
        while label.casefold() in taken:
            label = f"{label}_screening"
        taken.add(label.casefold())
        headers.append(label)
        columns.append(values)
    return headers, columns


def _hidden(issue: DataIssue, redact: bool, redacted_headers: set[str]) -> bool:
    """In a shared report, an issue about an identifying column shows neither value nor message."""
    return redact and (issue.field in REDACTED_FIELDS or issue.column in redacted_headers)


def _empty_row(sheet: str, lang: str) -> dict[str, str]:
    return {sheet: t("report.none", lang)}


def _summary_rows(result: BatchResult, ruleset: RuleSet, redact: bool) -> list[dict[str, Any]]:
    lang = result.lang
    key, value = t("report.summary.item", lang), t("report.summary.value", lang)
    table = result.table
    counts = result.counts()
    rows: list[tuple[str, Any]] = [
        (t("report.summary.title", lang), t("report.summary.disclaimer", lang)),
        (t("report.summary.input_file", lang), table.source),
        (t("report.summary.sheet", lang), table.sheet or "-"),
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
    for element_id in ELEMENT_IDS:
        element_counts = Counter(result.statuses[element_id])
        label = ruleset.elements[element_id].title.get(lang)
        parts = ", ".join(f"{ruleset.rules.statuses[s].get(lang)}: {element_counts.get(s, 0)}" for s in STATUSES)
        rows.append((f"{label} ({element_id})", parts))
    rows.append(("", ""))
    rows.append((t("report.summary.mapping", lang), ""))
    for match in result.mapping:
        field = match.field or t("report.summary.not_read", lang)
        rows.append((match.header, f"{field} ({match.method}, {match.confidence:.2f})" if match.field else field))
    for column in result.date_columns:
        rows.append((t("report.summary.date_order", lang, header=column.header), t(f"report.date_source.{column.source}", lang, order=column.order or "mdy")))
    return [{key: k, value: v} for k, v in rows]


def _follow_up_rows(result: BatchResult, redact: bool) -> list[dict[str, Any]]:
    lang = result.lang
    table = result.table
    id_col = result.field_column("client_id")
    name_col = None if redact else result.field_column("full_name")
    h_row, h_ref, h_id, h_name, h_det, h_todo = (
        t(f"report.follow_up.{k}", lang) for k in ("row", "ref", "client_id", "name", "determination", "to_do")
    )
    rows = []
    ids = table.values(id_col) if id_col is not None else None
    names = table.values(name_col) if name_col is not None else None
    for i, todo in result.follow_up():
        rows.append(
            {
                h_row: table.row_numbers[i],
                h_ref: pseudonym(table.row_numbers[i]),
                h_id: cell_text(ids[i]) if ids is not None else "",
                h_name: cell_text(names[i]) if names is not None else "",
                h_det: result.outcome[i],
                h_todo: todo,
            }
        )
    return rows



def _issue_rows(result: BatchResult, redact: bool) -> list[dict[str, Any]]:
    lang = result.lang
    redacted_headers = {m.header for m in result.mapping if m.field in REDACTED_FIELDS} if redact else set()
    h = {k: t(f"report.issues.{k}", lang) for k in ("row", "column", "code", "value", "message")}
    rows = []
    for issue in result.issues:
        hidden = _hidden(issue, redact, redacted_headers)
        rows.append(
            {
                h["row"]: issue.row,
                h["column"]: issue.column or "",
                h["code"]: issue.code,
                h["value"]: t("report.removed", lang) if hidden else issue.value,
                h["message"]: t("report.removed_message", lang) if hidden else issue.message.text(lang),
            }
        )
    return rows


def _rules_rows(ruleset: RuleSet, lang: str) -> list[dict[str, str]]:
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
        rows.append((element.id, element.title.get(lang)))
        rows.append((t("report.rules.words", lang), f"\u201c{element.words}\u201d"))
        rows.append((t("report.rules.citation", lang), " ".join(element.citation.split())))
        rows.append((t("report.rules.explanation", lang), " ".join(element.explanation.get(lang).split())))
    rows.append(("", ""))
    rows.append((t("report.rules.disclaimer", lang), rules.disclaimer.get(lang)))
    return [{k: a, v: b} for a, b in rows]

