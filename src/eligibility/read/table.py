"""What every reader shares: the limits, the :class:`Table` a sheet becomes, and the refusals.

A file the tool cannot read raises :class:`InputFileError` with a stable code (the sentence is
in the catalogues).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cells import cell_text, is_blank
from ..errors import InputFileError

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS + SPREADSHEET_EXTENSIONS
ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    """Hard limits on what the tool reads; each refusal is one plain sentence."""

    max_bytes: int = 200 * 1024 * 1024
    max_rows: int = 1_000_000
    max_columns: int = 1_000
    max_cell_chars: int = 32_000
    max_unzipped_bytes: int = 1024 * 1024 * 1024
    max_zip_ratio: float = 400.0
    # A workbook sheet becomes one block of rows x columns from A1 to its farthest cell with a value
    # (every sheet at once for XLS and ODS); each cell holds its own copy of its text.
    max_sheet_cells: int = 10_000_000
    max_sheet_text: int = 512 * 1024 * 1024  # bytes
    max_seconds: float | None = None  # time budget for screening a batch (the app sets one)


@dataclass
class Table:
    """The data rows of one sheet, below its header row, with where they came from.

    Stored column by column (``columns[i]`` holds every value of ``headers[i]``), which is how
    the batch reads it; ``row_numbers`` are the rows as the spreadsheet numbers them.
    """

    headers: list[str]
    columns: list[list[Any]]
    row_numbers: Sequence[int]  # a range when no blank row was skipped
    source: str
    kind: str
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1
    encoding: str | None = None
    delimiter: str | None = None
    blank_rows_skipped: int = 0
    notices: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.row_numbers)

    def column(self, index: int) -> Any:
        """All values of one column, in row order (a list, or an Arrow array for large CSVs)."""
        return self.columns[index]

    def values(self, index: int) -> list[Any]:
        """All values of one column as a Python list."""
        column = self.columns[index]
        return column if isinstance(column, list) else column.to_pylist()

    @property
    def rows(self) -> list[list[Any]]:
        """The data row by row (built on demand)."""
        return [list(row) for row in zip(*self.columns, strict=True)]


def _extension(name: str) -> str:
    return Path(name).suffix.lower()



def _too_large(name: str, limits: Limits) -> InputFileError:
    mb = limits.max_bytes // (1024 * 1024)
    return InputFileError("too_large", name=name, limit_mb=mb)


def _corrupt(name: str) -> InputFileError:
    return InputFileError("corrupt", name=name)


def _password(name: str) -> InputFileError:
    return InputFileError("password_protected", name=name)


def _too_many_rows(name: str, limits: Limits) -> InputFileError:
    return InputFileError("too_many_rows", name=name, limit=f"{limits.max_rows:,}")


def _blank_row(row: Sequence[Any]) -> bool:
    empty = row.count("") + row.count(None) if isinstance(row, list | tuple) else 0
    if empty == len(row):
        return True
    if empty < len(row) - 3:  # four or more filled cells: not blank (whitespace-only cells are rare)
        return False
    try:
        return not "".join(row).strip()
    except TypeError:  # a workbook row with numbers or dates in it
        return all(is_blank(c) for c in row)


def _trim(grid: list[list[Any]]) -> list[list[Any]]:
    """Drop trailing blank rows and trailing blank columns."""
    while grid and _blank_row(grid[-1]):
        grid.pop()
    width = max((len(r) for r in grid), default=0)
    while width and all(len(r) < width or is_blank(r[width - 1]) for r in grid):
        width -= 1
    return [row if len(row) <= width else row[:width] for row in grid]


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 -> "A", 27 -> "AB")."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _headers(row: list[Any], width: int) -> list[str]:
    """Header texts; blanks become "Column C", duplicates get " (2)", " (3)" ..."""
    seen: dict[str, int] = {}
    headers = []
    for i in range(width):
        text = " ".join(cell_text(row[i]).split()) if i < len(row) else ""
        text = text or f"Column {column_letter(i)}"
        count = seen.get(text.casefold(), 0) + 1
        seen[text.casefold()] = count
        headers.append(text if count == 1 else f"{text} ({count})")
    return headers

