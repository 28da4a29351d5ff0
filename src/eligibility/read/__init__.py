"""Read CSV and spreadsheet files into a :class:`Table` (one sheet, below its header row).

Everything works on bytes in memory, so the app never writes an upload to disk. A file the tool
cannot read raises :class:`InputFileError` with a stable code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputFileError
from ..i18n import msg
from . import csvfile
from .csvfile import ArrowGrid, _arrow_grid, _check_longest, _looks_binary, _read_csv, _sniff_delimiter
from .table import (
    CFB_MAGIC,
    SPREADSHEET_EXTENSIONS,
    SUPPORTED_EXTENSIONS,
    TEXT_EXTENSIONS,
    ZIP_MAGIC,
    Limits,
    Table,
    _blank_row,
    _extension,
    _headers,
    _too_large,
    _too_many_rows,
)
from .workbook import _read_workbook

DEFAULT_LIMITS = Limits()

__all__ = ["SPREADSHEET_EXTENSIONS", "SUPPORTED_EXTENSIONS", "TEXT_EXTENSIONS", "Limits", "Table", "read_table"]


def read_table(
    source: bytes | Path | str,
    name: str | None = None,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    on_parse: Callable[[], None] | None = None,
) -> Table:
    """Read one sheet of a CSV/XLSX/XLSM/XLS/ODS file.

    ``header_row`` is 1-based; without it, title and blank rows above the header are detected.
    ``on_parse`` is called once the file has passed its checks, when the parsing that releases
    Python's lock begins (python-calamine's or pyarrow's), or when reading ends: a caller reading
    on a second thread starts its own Python work then, instead of slowing the checks down.
    """
    try:
        return _read_table(source, name, sheet, header_row, limits, on_parse or (lambda: None))
    finally:
        if on_parse is not None:
            on_parse()


def _read_table(
    source: bytes | Path | str, name: str | None, sheet: str | None, header_row: int | None, limits: Limits,
    on_parse: Callable[[], None],
) -> Table:
    if not isinstance(source, bytes):
        table = _big_csv(Path(source), name or Path(source).name, header_row, limits, on_parse)
        if table is not None:
            return table
    data, name = _load(source, name, limits)
    ext = _extension(name)
    if ext not in SUPPORTED_EXTENSIONS:
        raise InputFileError("unsupported_type", name=name)
    if not data[:65536].strip(b" \t\r\n\x00") and not data.strip(b" \t\r\n\x00"):  # (no copy of a big file)
        raise InputFileError("empty_file", name=name)
    if data.startswith(ZIP_MAGIC) or data.startswith(CFB_MAGIC) or ext in SPREADSHEET_EXTENSIONS:
        grid, chosen, sheets = _read_workbook(data, name, ext, sheet, limits, on_parse)
        kind, encoding, delimiter = ext.lstrip(".") if ext in SPREADSHEET_EXTENSIONS else "xlsx", None, None
        notices: list[str] = []
    else:
        if sheet:
            raise InputFileError("no_sheets", name=name)
        grid, encoding, delimiter, notices = _read_csv(data, name, limits)
        chosen, sheets, kind = None, [], "csv"
    return _to_table(grid, name, kind, chosen, sheets, header_row, encoding, delimiter, notices, limits)


def _load(source: bytes | Path | str, name: str | None, limits: Limits) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        if len(source) > limits.max_bytes:
            raise _too_large(name or "The file", limits)
        return source, name or "upload"
    path = Path(source)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise _too_large(path.name, limits)
        return path.read_bytes(), name or path.name
    except FileNotFoundError:
        raise InputFileError("not_found", name=str(path)) from None
    except IsADirectoryError:
        raise InputFileError("is_a_folder", name=str(path)) from None
    except PermissionError:
        raise InputFileError("permission_denied", name=str(path)) from None


def _big_csv(path: Path, name: str, header_row: int | None, limits: Limits, on_parse: Callable[[], None]) -> Table | None:
    """A big, regular UTF-8 CSV, read by pyarrow straight from its file (no copy of it in Python,
    and the reading overlaps the parsing); None for anything else, which ``read_table`` reads."""
    try:
        size = path.stat().st_size
        if _extension(name) not in TEXT_EXTENSIONS or not csvfile.ARROW_MIN_BYTES <= size <= limits.max_bytes:
            return None
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return None  # read_table says what is wrong with it
    if head.startswith((ZIP_MAGIC, CFB_MAGIC)) or _looks_binary(head[:4096]) or b"\x00" in head or not head.strip():
        return None
    delimiter = _sniff_delimiter(head.decode("utf-8", errors="ignore"))
    on_parse()
    grid = _arrow_grid(path, delimiter)
    if grid is None or grid.has_nul():  # NUL bytes are removed, with a notice, by the general path
        return None
    _check_longest(grid, name, limits)
    return _to_table(grid, name, "csv", None, [], header_row, "utf-8", delimiter, [], limits)


def _to_table(
    grid: list[list[Any]] | ArrowGrid,
    name: str,
    kind: str,
    sheet: str | None,
    sheets: list[str],
    header_row: int | None,
    encoding: str | None,
    delimiter: str | None,
    notices: list[str],
    limits: Limits,
) -> Table:
    where = msg("error.where_sheet", sheet=sheet) if sheet else ""
    total = len(grid)
    if not total:
        raise InputFileError("empty_sheet", name=name, where=where)
    head = grid.head(32) if isinstance(grid, ArrowGrid) else grid[:32]
    if header_row is not None:
        if not 1 <= header_row <= total:
            raise InputFileError("bad_header_row", name=name, where=where, row=header_row, rows=total)
        h = header_row - 1
    else:
        from ..mapping import detect_header_row

        h = detect_header_row(head)
    if isinstance(grid, ArrowGrid):
        columns, kept = grid.body(h + 1)
        header_cells = [c[h].as_py() for c in grid.columns]
        width = len(columns)
    else:
        body = grid[h + 1 :]
        width = max(len(r) for r in grid[h:])
        kept = [i for i, row in enumerate(body) if not _blank_row(row)]
        if len(kept) < len(body):
            body = [body[i] for i in kept]
        if width <= limits.max_columns:
            body = [r if len(r) == width else [*r, *([""] * (width - len(r)))] for r in body]
        columns = [list(c) for c in zip(*body, strict=True)] if body else [[] for _ in range(width)]
        header_cells = grid[h]
    if width > limits.max_columns:
        raise InputFileError("too_many_columns", name=name, where=where, width=f"{width:,}", limit=f"{limits.max_columns:,}")
    headers = _headers(header_cells, width)
    first = h + 2
    n = len(grid) - h - 1
    if isinstance(grid, ArrowGrid) and len(kept):
        n = kept[-1] + 1  # blank rows at the end are trimmed, not counted, as the small-file reader does
    blank = n - len(kept)
    numbers = range(first, first + n) if len(kept) == n else [first + i for i in kept]
    if not numbers:
        raise InputFileError("header_only", name=name, where=where)
    if len(numbers) > limits.max_rows:
        raise _too_many_rows(name, limits)
    return Table(headers, columns, numbers, name, kind, sheet, sheets, h + 1, encoding, delimiter, blank, notices)


