"""Reports: the batch workbook (XLSX) and CSV, the re-check calendar (.ics), and the one-person PDF
screening record.

Loaded on first use, so the form (which only needs the PDF) never imports pyarrow.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {
    "batch_csv": "csvfile",
    "write_csv": "csvfile",
    "neutralize": "csvfile",
    "FORMULA_TRIGGERS": "csvfile",
    "batch_workbook": "workbook",
    "recheck_calendar": "icsfile",
    "screening_pdf": "pdf",
    "record_facts": "pdf",
    "pseudonym": "rows",
    "result_columns": "rows",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
