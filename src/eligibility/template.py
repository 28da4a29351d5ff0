"""The blank intake template: canonical headers, a description row above them, drop-downs."""

from __future__ import annotations

import io

from .fields import FIELDS, NAME_FIELDS, YES_NO_FIELDS
from .i18n import t
from .rules import RuleSet, load_rules

TEMPLATE_FIELDS = tuple(f for f in FIELDS if f not in NAME_FIELDS or f == "full_name")
"""The template's columns: every canonical field, the name in one column."""

EXAMPLE = {
    "client_id": "EXAMPLE-1",
    "full_name": "Ejemplo Ficticio (delete me)",
    "a_number": "000000000",
    "mpp_enrolled": "yes",
    "mpp_enrollment_date": "2019-07",
    "current_country": "Mexico",
    "case_status": "removal_order_in_absentia",
}


def template_workbook(lang: str = "en", ruleset: RuleSet | None = None) -> bytes:
    """An XLSX template staff can fill in; it reads back through the same batch screening."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    statuses = (ruleset or load_rules()).status_codes
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = t("template.sheet", lang)
    lists = workbook.create_sheet(t("template.lists", lang))
    answers = ["yes", "no", "unknown"] if lang == "en" else ["sí", "no", "no sé"]
    for row, value in enumerate(answers, start=1):
        lists.cell(row=row, column=1, value=value)
    for row, value in enumerate(statuses, start=1):
        lists.cell(row=row, column=2, value=value)
    lists.sheet_state = "hidden"

    sheet.cell(row=1, column=1, value=t("template.title", lang)).font = Font(bold=True)
    for column, name in enumerate(TEMPLATE_FIELDS, start=1):
        help_cell = sheet.cell(row=2, column=column, value=t(f"help.{name}", lang))
        help_cell.alignment = Alignment(wrap_text=True, vertical="top")
        help_cell.font = Font(italic=True, color="555555")
        header = sheet.cell(row=3, column=column, value=name)
        header.font = Font(bold=True)
        header.fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.cell(row=4, column=column, value=EXAMPLE.get(name))
        sheet.column_dimensions[get_column_letter(column)].width = 22
    sheet.row_dimensions[2].height = 75
    sheet.freeze_panes = "A4"
    lists_name = lists.title
    yes_no = DataValidation(type="list", formula1=f"='{lists_name}'!$A$1:$A${len(answers)}", allow_blank=True)
    status = DataValidation(type="list", formula1=f"='{lists_name}'!$B$1:$B${len(statuses)}", allow_blank=True)
    status.showErrorMessage = False  # EOIR's own words are accepted too
    sheet.add_data_validation(yes_no)
    sheet.add_data_validation(status)
    for name in YES_NO_FIELDS:
        letter = get_column_letter(TEMPLATE_FIELDS.index(name) + 1)
        yes_no.add(f"{letter}4:{letter}2000")
    letter = get_column_letter(TEMPLATE_FIELDS.index("case_status") + 1)
    status.add(f"{letter}4:{letter}2000")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
