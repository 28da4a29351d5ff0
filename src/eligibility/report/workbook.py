"""The batch workbook (XLSX): Results, Summary, Follow-up, Re-check, Changes (when compared with an
earlier report), Data issues, Rules.

Cells are written as text or typed values, never as formulas or hyperlinks.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from .. import columnar
from ..batch import BatchResult
from ..i18n import t
from ..rules import RuleSet
from .csvfile import deliver
from .rows import (
    change_rows,
    empty_row,
    follow_up_rows,
    issue_rows,
    kept_columns,
    recheck_rows,
    result_columns,
    rules_rows,
    summary_rows,
)

if TYPE_CHECKING:
    import pandas as pd  # imported where a workbook is written: a CSV report never loads it

FILLS = {"likely_member": "#C6EFCE", "not_member": "#EDEDED", "needs_info": "#FFEB9C", "needs_review": "#F8CBAD"}


def _frame(headers: list[str], columns: list[Any]) -> pd.DataFrame:
    """A DataFrame for the XLSX writer, every column of Python values (the writer reads a column
    with ``tolist()``, which for an Arrow-backed column builds every value one call at a time).

    Values keep their types (numbers, dates, text); text is always written as text, never as a
    formula or a link. Dictionary-encoded texts are decoded by index, each distinct text once.
    """
    import pandas as pd

    data = {}
    for header, values in zip(headers, columns, strict=True):
        if isinstance(values, pa.ChunkedArray | pa.Array):
            values = columnar.pylist(values)
        data[header] = pd.Series(values, dtype=object)
    return pd.DataFrame(data, copy=False)


def batch_workbook(
    result: BatchResult, ruleset: RuleSet, *, redact: bool = False, target: Path | io.BytesIO | None = None,
    follow_up_columns: Sequence[int] = (),
) -> bytes:
    """Write the XLSX report: Results, Summary, Follow-up, Re-check, Changes (when ``result.changes``
    holds a comparison with an earlier report), Data issues, Rules. ``follow_up_columns``: upload
    columns (indices) staff chose to carry into the Follow-up sheet (never when ``redact``)."""
    import rustpy_xlsxwriter as rx

    lang = result.lang
    headers, columns = result_columns(result, redact=redact)
    unique_headers = _unique(headers)
    results_rows = _frame(unique_headers, columns)

    names = {k: t(f"report.sheet.{k}", lang) for k in ("results", "summary", "follow_up", "recheck", "changes", "data_issues", "rules")}
    sheets = [
        (names["results"], results_rows),
        (names["summary"], summary_rows(result, ruleset, redact)),
        (names["follow_up"], follow_up_rows(result, redact, follow_up_columns)),
        (names["recheck"], recheck_rows(result, redact)),
        *([(names["changes"], change_rows(result, redact))] if result.changes is not None else []),
        (names["data_issues"], issue_rows(result, redact)),
        (names["rules"], rules_rows(ruleset, lang)),
    ]
    sheets = [(name, rows if not isinstance(rows, list) or rows else [empty_row(name, lang)]) for name, rows in sheets]
    bold = rx.Format().set_bold().set_background_color("#DDEBF7").set_text_wrap()
    formats = {
        outcome: rx.Format().set_background_color(color) for outcome, color in FILLS.items()
    }
    determination = unique_headers[1 if redact else len(kept_columns(result))]  # the first added column
    conditional = {
        names["results"]: {
            determination: [
                {"type": "text", "criteria": "begins_with", "value": outcome, "format": fmt} for outcome, fmt in formats.items()
            ]
        }
    }
    wide = {h: 60 for h in ("reasons", "next_questions", "data_issues", "bring_to_attorney", "decision_stale_reason")} | {"result": 26}
    wide.update({t(f"report.follow_up.{k}", lang): 100 for k in ("to_do",)})
    wide.update({t(f"report.changes.{k}", lang): 80 for k in ("what", "why")})
    wide.update({t(f"report.issues.{k}", lang): 90 for k in ("message",)})
    wide.update({t("report.summary.value", lang): 70, t("report.rules.text", lang): 120, t("report.summary.item", lang): 40})
    listed = ["results", "follow_up", "recheck", "data_issues", *(["changes"] if result.changes is not None else [])]
    buffer = io.BytesIO()
    rx.write_worksheets(
        sheets,
        buffer,
        freeze_panes={names[k]: {"row": 1, "col": 0} for k in listed},
        autofilter={names[k]: True for k in listed},
        header_format={name: bold for name, _ in sheets},
        datetime_format="yyyy-mm-dd",
        conditional_formats=conditional,
        column_widths={name: _widths(rows, wide) for name, rows in sheets},
    )
    return deliver(buffer.getvalue(), target)


def _widths(rows: Any, wide: dict[str, int]) -> dict[str, float]:
    """Column widths by column name: long-text columns wide, the rest by their header."""
    names = list(rows[0]) if isinstance(rows, list) else list(rows.columns)
    return {n: float(wide.get(n, min(max(len(str(n)) + 4, 12), 40))) for n in names}


def _unique(headers: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for h in headers:
        seen[h] += 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out

