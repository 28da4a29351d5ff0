"""The batch workbook (XLSX): Results, Summary, Follow-up, Re-check, Changes (when compared with an
earlier report), Data issues, Rules.

Cells are written as text or typed values, never as formulas or hyperlinks.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections import Counter
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from .. import columnar
from ..batch import BatchResult
from ..cells import cell_text
from ..errors import ReportError
from ..i18n import t
from ..mapping import shown
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


EXCEL_CELL_CHARS = 32_767  # the most text a spreadsheet cell holds
EXACT_INTEGERS = 2**53  # beyond this a spreadsheet number loses digits, so such integers are written as text


def _sheet(headers: list[str], columns: list[Any]) -> pa.Table | pd.DataFrame:
    """The Results sheet for the XLSX writer: an Arrow table when every column can be one (the
    writer reads Arrow directly, so no value becomes a Python object on the way), else a
    DataFrame of Python values (a column that mixes numbers and text cannot be an Arrow column).

    Values keep their types (numbers, dates, text); text is always written as text, never as a
    formula or a link. Times and durations are written as the text a person sees, integers a
    spreadsheet cannot hold exactly as text, infinities as "inf" (a NaN is a blank, as everywhere).
    """
    arrays = []
    for values in columns:
        array = _arrow_column(values)
        if array is None:
            return _frame(headers, columns)
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=headers)


def _arrow_column(values: Any) -> pa.Array | pa.ChunkedArray | None:
    """One column as an Arrow array the writer writes exactly as the DataFrame path would; None
    when it cannot be one."""
    if isinstance(values, pa.ChunkedArray | pa.Array):
        if pa.types.is_dictionary(values.type):
            values = values.cast(values.type.value_type)  # the writer does not decode dictionaries
        if _keeps_exactly(values):
            return values
        values = columnar.pylist(values)
    try:
        array = pa.array(values, from_pandas=True)  # NaN is a blank, as everywhere
    except (pa.ArrowException, OverflowError, TypeError, ValueError):
        array = None
    if array is not None and (_keeps_exactly(array) or pa.types.is_null(array.type)):
        return array
    cells = _cells(values)
    try:
        array = pa.array(cells, from_pandas=True)
    except (pa.ArrowException, OverflowError, TypeError, ValueError):  # mixed types
        return None
    return array if _keeps_exactly(array) or pa.types.is_null(array.type) else None


def _cells(values: Sequence[Any]) -> list[Any]:
    """Cell by cell, as the writer keeps them: times, huge numbers, infinities, mixed types."""
    cells = [_writable(v) for v in values]
    if any(isinstance(v, dt.date) for v in cells) and any(_is_number(v) for v in cells):
        # the writer would give the numbers the column's date format: dates go in as text
        cells = [cell_text(v) if isinstance(v, dt.date) else v for v in cells]
    return cells


def _frame(headers: list[str], columns: list[Any]) -> pd.DataFrame:
    """A DataFrame for the XLSX writer, every column of Python values (for a sheet with a column
    Arrow cannot hold)."""
    import pandas as pd

    data = {}
    for header, values in zip(headers, columns, strict=True):
        if isinstance(values, pa.ChunkedArray | pa.Array):
            kind = values.type.value_type if pa.types.is_dictionary(values.type) else values.type
            exact = pa.types.is_string(kind) or pa.types.is_large_string(kind) or _keeps_exactly(values)
            values = columnar.pylist(values)  # dictionary-encoded texts decoded by index, each distinct text once
            if exact:
                data[header] = pd.Series(values, dtype=object)
                continue
        else:
            try:
                exact = _keeps_exactly(pa.array(values))
            except Exception:  # mixed types, numbers Arrow cannot hold (OverflowError)
                exact = False
            if exact:
                data[header] = pd.Series(values, dtype=object)
                continue
        data[header] = pd.Series(_cells(values), dtype=object)
    return pd.DataFrame(data, copy=False)


def _keeps_exactly(array: Any) -> bool:
    """Whether the XLSX writer writes every value of this Arrow column as it is."""
    import pyarrow.compute as pc

    kind = array.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_boolean(kind):
        return True
    if pa.types.is_date(kind) or (pa.types.is_timestamp(kind) and kind.tz is None):
        return True
    if pa.types.is_integer(kind):
        low, high = pc.min_max(array).values()
        return low.as_py() is None or (low.as_py() >= -EXACT_INTEGERS and high.as_py() <= EXACT_INTEGERS)
    if pa.types.is_floating(kind):
        return not pc.any(pc.is_inf(array)).as_py()
    return False


def _writable(value: Any) -> Any:
    """One cell as the XLSX writer keeps it."""
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else cell_text(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > EXACT_INTEGERS:
        return str(value)
    if isinstance(value, dt.time | dt.timedelta) or (isinstance(value, dt.datetime) and value.tzinfo is not None):
        return cell_text(value)
    if isinstance(value, bytes | bytearray):
        return value.decode("utf-8", errors="replace")
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _longest_cell(sheets: list[tuple[str, Any]]) -> tuple[str, str, int, int] | None:
    """The first cell longer than a spreadsheet cell holds: (sheet, column, row as numbered, length).

    Arrow columns are measured by Arrow; other values by a pass of built-ins (no Python per cell);
    only a sheet or column that has such a cell is searched for it.
    """
    import pyarrow.compute as pc

    def longest(values: Any) -> int:
        return max(map(len, filter(str.__instancecheck__, values)), default=0)

    for sheet, rows in sheets:
        if isinstance(rows, list):
            if longest(chain.from_iterable(row.values() for row in rows)) > EXCEL_CELL_CHARS:
                for index, row in enumerate(rows):
                    for column, value in row.items():
                        if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS:
                            return sheet, str(column), index + 2, len(value)
            continue
        if isinstance(rows, pa.Table):
            for column, array in zip(rows.column_names, rows.columns, strict=True):
                if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
                    continue
                lengths = pc.utf8_length(array)
                if (pc.max(lengths).as_py() or 0) > EXCEL_CELL_CHARS:
                    index = pc.index(pc.greater(lengths, EXCEL_CELL_CHARS), True).as_py()
                    return sheet, str(column), index + 2, lengths[index].as_py()
            continue
        for column in rows.columns:
            series = rows[column]
            if longest(series) > EXCEL_CELL_CHARS:
                for index, value in enumerate(series):
                    if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS:
                        return sheet, str(column), index + 2, len(value)
    return None


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
    results_rows = _sheet(unique_headers, columns)

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
    too_long = _longest_cell(sheets)
    if too_long is not None:  # checked first: the writer would print a warning per cell, then fail
        sheet, column, row, length = too_long
        raise ReportError(
            "report_cell_too_long", sheet=sheet, column=shown(column), row=f"{row:,}", length=f"{length:,}"
        )
    buffer = io.BytesIO()
    try:
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
    except Exception as error:  # any value the writer still cannot take: one sentence, not a traceback
        raise ReportError("report_unwritable") from error
    return deliver(buffer.getvalue(), target)


def _widths(rows: Any, wide: dict[str, int]) -> dict[str, float]:
    """Column widths by column name: long-text columns wide, the rest by their header."""
    names = list(rows[0]) if isinstance(rows, list) else rows.column_names if isinstance(rows, pa.Table) else list(rows.columns)
    return {n: float(wide.get(n, min(max(len(str(n)) + 4, 12), 40))) for n in names}


def _unique(headers: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for h in headers:
        seen[h] += 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out

