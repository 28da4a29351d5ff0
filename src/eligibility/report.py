"""Reports: the batch workbook (XLSX), the batch CSV, and the one-person PDF screening record.

Every report carries the rules version and hash and the as-of date. Cells are written as text
or typed values, never as formulas or hyperlinks; CSV cells that could start a formula get a
leading ``'``. A report "for sharing" leaves out names, A-numbers, dates of birth and notes and
identifies rows by a pseudonymous reference instead.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from . import __version__
from .batch import ADDED_COLUMNS, BatchResult
from .engine import Determination
from .i18n import t
from .io import deliver, write_csv
from .model import IDENTIFYING_FIELDS, DataIssue, IntakeRecord
from .normalize import cell_text, country_name
from .rules import ELEMENT_IDS, OUTCOMES, STATUSES, RuleSet

if TYPE_CHECKING:
    import pandas as pd  # imported where a workbook is written: a CSV report never loads it

REDACTED_FIELDS = IDENTIFYING_FIELDS
FILLS = {"likely_member": "#C6EFCE", "not_member": "#EDEDED", "needs_info": "#FFEB9C", "needs_review": "#F8CBAD"}


def _now() -> str:
    return dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")


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


def _frame(headers: list[str], columns: list[Any]) -> pd.DataFrame:
    """A DataFrame for the XLSX writer: Arrow-backed where a column has one type, else object.

    Values keep their types (numbers, dates, text); text is always written as text, never as a
    formula or a link.
    """
    import pandas as pd

    data = {}
    for header, values in zip(headers, columns, strict=True):
        if isinstance(values, pa.ChunkedArray | pa.Array):
            if pa.types.is_dictionary(values.type):  # the writer needs each cell's text itself
                values = values.cast(values.type.value_type)
            data[header] = pd.Series(pd.arrays.ArrowExtensionArray(values))
            continue
        try:
            array = pa.array(values)
            if pa.types.is_null(array.type):
                raise pa.ArrowInvalid("all empty")
            data[header] = pd.Series(pd.arrays.ArrowExtensionArray(array))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            data[header] = pd.Series(values, dtype=object)
    return pd.DataFrame(data, copy=False)


def batch_csv(result: BatchResult, *, redact: bool = False, target: Path | None = None) -> bytes | None:
    """The Results table as CSV (UTF-8 with BOM, formula injection neutralised): its bytes, or
    streamed to ``target`` when that is a path."""
    headers, columns = result_columns(result, redact=redact)
    return write_csv(headers, columns, target)


def _hidden(issue: DataIssue, redact: bool, redacted_headers: set[str]) -> bool:
    """In a shared report, an issue about an identifying column shows neither value nor message."""
    return redact and (issue.field in REDACTED_FIELDS or issue.column in redacted_headers)


def batch_workbook(
    result: BatchResult, ruleset: RuleSet, *, redact: bool = False, target: Path | io.BytesIO | None = None
) -> bytes:
    """Write the XLSX report: Results, Summary, Follow-up, Data issues, Rules."""
    import rustpy_xlsxwriter as rx

    lang = result.lang
    headers, columns = result_columns(result, redact=redact)
    unique_headers = _unique(headers)
    results_rows = _frame(unique_headers, columns)

    names = {k: t(f"report.sheet.{k}", lang) for k in ("results", "summary", "follow_up", "data_issues", "rules")}
    sheets = [
        (names["results"], results_rows),
        (names["summary"], _summary_rows(result, ruleset, redact)),
        (names["follow_up"], _follow_up_rows(result, redact)),
        (names["data_issues"], _issue_rows(result, redact)),
        (names["rules"], _rules_rows(ruleset, lang)),
    ]
    sheets = [(name, rows if not isinstance(rows, list) or rows else [_empty_row(name, lang)]) for name, rows in sheets]
    bold = rx.Format().set_bold().set_background_color("#DDEBF7").set_text_wrap()
    formats = {
        outcome: rx.Format().set_background_color(color) for outcome, color in FILLS.items()
    }
    determination = unique_headers[len(unique_headers) - len(ADDED_COLUMNS)]
    conditional = {
        names["results"]: {
            determination: [
                {"type": "text", "criteria": "begins_with", "value": outcome, "format": fmt} for outcome, fmt in formats.items()
            ]
        }
    }
    wide = {h: 60 for h in ("reasons", "next_questions", "data_issues")}
    wide.update({t(f"report.follow_up.{k}", lang): 100 for k in ("to_do",)})
    wide.update({t(f"report.issues.{k}", lang): 90 for k in ("message",)})
    wide.update({t("report.summary.value", lang): 70, t("report.rules.text", lang): 120, t("report.summary.item", lang): 40})
    buffer = io.BytesIO()
    rx.write_worksheets(
        sheets,
        buffer,
        freeze_panes={names["results"]: {"row": 1, "col": 0}, names["follow_up"]: {"row": 1, "col": 0}, names["data_issues"]: {"row": 1, "col": 0}},
        autofilter={names["results"]: True, names["follow_up"]: True, names["data_issues"]: True},
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
        (t("report.summary.generated", lang), _now()),
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


# ----------------------------------------------------------------------------------- one person


def record_facts(record: IntakeRecord, lang: str) -> list[tuple[str, str]]:
    """The facts entered for one person, as label/value pairs in ``lang``."""
    out = []
    for name, value in record.facts().items():
        if name in ("nationality", "current_country") and value:
            value = country_name(value, lang)
        elif name == "case_status" and value:
            value = t(f"status_value.{value}", lang)
        elif value in ("yes", "no"):
            value = t(f"answer.{value}", lang)
        out.append((t(f"field.{name}", lang), value or t("answer.unknown", lang)))
    return out


def screening_pdf(record: IntakeRecord, determination: Determination, ruleset: RuleSet, lang: str = "en") -> bytes:
    """The printable screening record for one person (fpdf2, DejaVu Sans for full Unicode)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    fonts = Path(__file__).resolve().parent / "fonts"
    pdf = FPDF(format="Letter")
    pdf.set_title(t("pdf.title", lang))
    pdf.set_creator(f"mpp1-class-screening {__version__}")
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 12) -> None:
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def para(text: str, size: int = 10, bold: bool = False) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(width, 5.2, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    heading(t("pdf.title", lang), 15)
    para(f"{ruleset.rules.case.name}, {ruleset.rules.case.docket} ({ruleset.rules.case.court})", 9)
    heading(f"{t('pdf.outcome', lang)}: {determination.label(lang)}", 14)
    para(ruleset.rules.disclaimer.get(lang), 9)

    heading(t("pdf.facts", lang))
    pdf.set_font("DejaVu", "", 9.5)
    with pdf.table(col_widths=(45, 75), text_align="LEFT", first_row_as_headings=False) as table:
        for label, value in record_facts(record, lang):
            row = table.row()
            row.cell(label)
            row.cell(value)

    heading(t("pdf.elements", lang))
    for element in determination.elements:
        para(f"{element.title.get(lang)}: {element.status_label.get(lang)}", 10.5, bold=True)
        para(f"{t('pdf.words', lang)}: \u201c{element.words}\u201d", 9)
        para(f"{t('pdf.reason', lang)}: {element.reason(lang)}", 10)
        para(f"{t('pdf.citation', lang)}: {' '.join(element.citation.split())}", 8)
        pdf.ln(1.5)

    if determination.questions:
        heading(t("pdf.questions", lang))
        for number, question in enumerate(determination.questions, start=1):
            para(f"{number}. {question.text(lang)}")
    if determination.notes:
        heading(t("pdf.notes", lang))
        for note in determination.notes:
            para(f"\u2022 {note.text(lang)}")
    if determination.data_issues:
        heading(t("pdf.data_issues", lang))
        for issue in determination.data_issues:
            para(f"\u2022 {issue.message.text(lang)}")

    heading(t("pdf.stamp", lang), 10)
    para(
        t(
            "pdf.stamp_text",
            lang,
            as_of=determination.as_of.isoformat(),
            version=determination.rules_version,
            hash=determination.rules_hash[:12],
            generated=_now(),
            tool=__version__,
        ),
        8.5,
    )
    return bytes(pdf.output())
