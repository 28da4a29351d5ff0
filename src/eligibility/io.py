"""Read CSV and Excel files into a :class:`Table`; write CSV safely.

Everything works on bytes in memory, so the app never writes an upload to disk. A file the tool
cannot read raises :class:`InputFileError` with one plain sentence and a stable code.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Sequence
from typing import Any

from .errors import InputFileError
from .cells import cell_text, is_blank

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
ARROW_MIN_BYTES = 4 * 1024 * 1024  # below this, Python's csv module is as fast and more forgiving
WRITE_BATCH_ROWS = 16_384  # rows expanded and written at a time
ARROW_BLOCK_BYTES = 4 * 1024 * 1024  # blocks pyarrow parses in parallel; fewer chunks are cheaper to work on after
TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS + SPREADSHEET_EXTENSIONS
ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Limits:
    """Hard limits on what the tool reads; each refusal is one plain sentence."""

    max_bytes: int = 200 * 1024 * 1024
    max_rows: int = 1_000_000
    max_columns: int = 1_000
    max_cell_chars: int = 32_000
    max_unzipped_bytes: int = 2 * 1024 * 1024 * 1024
    max_zip_ratio: float = 400.0
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


def read_table(
    source: bytes | Path | str,
    name: str | None = None,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    limits: Limits = Limits(),
) -> Table:
    """Read one sheet of a CSV/XLSX/XLSM/XLS/ODS file.

    ``header_row`` is 1-based; without it, title and blank rows above the header are detected.
    """
    if not isinstance(source, bytes):
        table = _big_csv(Path(source), name or Path(source).name, header_row, limits)
        if table is not None:
            return table
    data, name = _load(source, name, limits)
    ext = _extension(name)
    if ext not in SUPPORTED_EXTENSIONS:
        raise InputFileError(
            "unsupported_type",
            f'"{name}" is not a file type the tool reads; use CSV, XLSX, XLSM, XLS or ODS.',
            name=name,
        )
    if not data[:65536].strip(b" \t\r\n\x00") and not data.strip(b" \t\r\n\x00"):  # (no copy of a big file)
        raise InputFileError("empty_file", f'"{name}" is empty.', name=name)
    if data.startswith(ZIP_MAGIC) or data.startswith(CFB_MAGIC) or ext in SPREADSHEET_EXTENSIONS:
        grid, chosen, sheets = _read_workbook(data, name, ext, sheet, limits)
        kind, encoding, delimiter = ext.lstrip(".") if ext in SPREADSHEET_EXTENSIONS else "xlsx", None, None
        notices: list[str] = []
    else:
        if sheet:
            raise InputFileError("no_sheets", f'"{name}" is a CSV file, which has no sheets to choose from.', name=name)
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
        raise InputFileError("not_found", f'There is no file at "{path}".', name=str(path)) from None
    except IsADirectoryError:
        raise InputFileError("not_found", f'"{path}" is a folder, not a file.', name=str(path)) from None
    except PermissionError:
        raise InputFileError("not_found", f'"{path}" cannot be opened (permission denied).', name=str(path)) from None


def _too_large(name: str, limits: Limits) -> InputFileError:
    mb = limits.max_bytes // (1024 * 1024)
    return InputFileError("too_large", f'"{name}" is larger than {mb} MB, the most the tool reads.', name=name, limit_mb=mb)


# ----------------------------------------------------------------------------------- workbooks


def _check_zip(data: bytes, name: str, limits: Limits) -> None:
    """Refuse ZIP bombs before any XML is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
            names = {info.filename for info in archive.infolist()}
    except zipfile.BadZipFile:
        raise _corrupt(name) from None
    if total > limits.max_unzipped_bytes or total > limits.max_zip_ratio * max(len(data), 1):
        raise InputFileError(
            "zip_bomb", f'"{name}" expands to far more data than a spreadsheet of its size should; it was not opened.', name=name
        )
    if not ({"xl/workbook.xml", "content.xml", "xl/workbook.bin"} & names):
        raise InputFileError("not_spreadsheet", f'"{name}" is a ZIP file, not a spreadsheet.', name=name)


def _corrupt(name: str) -> InputFileError:
    return InputFileError("corrupt", f'"{name}" could not be read: the file is damaged or is not really a spreadsheet.', name=name)


def _read_workbook(
    data: bytes, name: str, ext: str, sheet: str | None, limits: Limits
) -> tuple[list[list[Any]], str, list[str]]:
    import python_calamine as calamine

    if data.startswith(ZIP_MAGIC):
        _check_zip(data, name, limits)
    elif data.startswith(CFB_MAGIC):
        if ext in (".xlsx", ".xlsm") or b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data[:65536]:
            raise _password(name)
    else:
        raise _corrupt(name)
    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [
            m.name
            for m in workbook.sheets_metadata
            if m.visible == calamine.SheetVisibleEnum.Visible and m.typ == calamine.SheetTypeEnum.WorkSheet
        ]
        names = list(workbook.sheet_names)
        if sheet is not None:
            if sheet not in names:
                raise InputFileError(
                    "no_such_sheet", f'"{name}" has no sheet named "{sheet}"; its sheets are: {", ".join(names)}.', name=name, sheet=sheet, sheets=", ".join(names)
                )
            order = [sheet]
        else:
            order = [n for n in names if n in visible] or names
        for candidate in order:
            book_sheet = workbook.get_sheet_by_name(candidate)
            if book_sheet.total_height > limits.max_rows + 50:
                raise _too_many_rows(name, limits)
            grid = _trim(book_sheet.to_python(skip_empty_area=False))
            if grid or sheet is not None:
                return grid, candidate, names
        return [], order[0] if order else "", names
    except calamine.PasswordError:
        raise _password(name) from None
    except InputFileError:
        raise
    except Exception:  # calamine raises several error types for damaged files
        raise _corrupt(name) from None


def _password(name: str) -> InputFileError:
    return InputFileError(
        "password_protected", f'"{name}" is password-protected; save a copy without the password and upload that.', name=name
    )


def _too_many_rows(name: str, limits: Limits) -> InputFileError:
    return InputFileError(
        "too_many_rows", f'"{name}" has more than {limits.max_rows:,} rows, the most the tool reads at once; split it.', name=name, limit=f"{limits.max_rows:,}"
    )


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


# ----------------------------------------------------------------------------------------- CSV


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM); else each line as UTF-8 or, failing that, cp1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    lines, kinds = [], set()
    for raw in data.splitlines(keepends=True):
        try:
            lines.append(raw.decode("utf-8"))
            if not raw.isascii():
                kinds.add("utf-8")
        except UnicodeDecodeError:
            lines.append(raw.decode("cp1252", errors="replace"))
            kinds.add("cp1252")
    return "".join(lines), "mixed (utf-8 and cp1252)" if len(kinds) > 1 else "cp1252"


DELIMITERS = (",", ";", "\t", "|")


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most rows of one consistent width.

    Judged on parsed rows (quotes respected), so commas or semicolons inside cells do not fool it.
    """
    sample = text[:65536]
    # Lines end where CSV says they do (str.splitlines would also break at form feeds and \x1c-\x1e)
    lines = io.StringIO(sample, newline="").readlines()[:50]
    if len(sample) == 65536 and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample may be partial
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        except csv.Error:
            continue
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, name: str, limits: Limits) -> tuple[list[list[Any]], str, str, list[str]]:
    notices: list[str] = []
    if _looks_binary(data[:4096]):
        raise InputFileError("not_spreadsheet", f'"{name}" is not a text CSV file (it looks like binary data).', name=name)
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")
        notices.append("nul_bytes_removed")
    if len(data) >= ARROW_MIN_BYTES:  # pyarrow checks the UTF-8 itself; sniff from the head only
        delimiter = _sniff_delimiter(data[:65536].decode("utf-8", errors="ignore"))
        grid = _arrow_grid(data, delimiter)
        if grid is not None:
            return grid, "utf-8", delimiter, notices
    text, encoding = _decode(data)
    delimiter = _sniff_delimiter(text)
    csv.field_size_limit(limits.max_cell_chars)
    # An odd number of quote marks means a quote never closes: reading it as CSV quoting would
    # swallow every following row into one cell, so quotes are then read as plain characters.
    quoting = csv.QUOTE_NONE if text.count('"') % 2 else csv.QUOTE_MINIMAL
    if quoting == csv.QUOTE_NONE:
        notices.append("unbalanced_quotes")
    try:
        grid = _csv_rows(text, delimiter, quoting, limits, name)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise InputFileError(
                "cell_too_long",
                f'"{name}" has a cell longer than {limits.max_cell_chars:,} characters, more than a spreadsheet cell can hold.',
                name=name, limit=f"{limits.max_cell_chars:,}",
            ) from None
        grid = _csv_rows(text, delimiter, csv.QUOTE_NONE, limits, name)
        notices.append("unbalanced_quotes")
    return _trim(grid), encoding, delimiter, notices


class ArrowGrid:
    """A CSV read by pyarrow: every cell a string, held as Arrow columns (the fast path for big files)."""

    def __init__(self, columns: list[Any]) -> None:
        self.columns = columns

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def head(self, n: int) -> list[list[Any]]:
        return [list(row) for row in zip(*(c.slice(0, n).to_pylist() for c in self.columns), strict=True)]

    def has_nul(self) -> bool:
        """Whether any cell holds a NUL byte (read from Arrow's buffers, chunk by chunk)."""
        for column in self.columns:
            for chunk in column.chunks:
                found = _string_bytes(chunk)
                if found is not None and not found[1][found[0][0] : found[0][-1]].all():
                    return True
        return False

    def body(self, start: int) -> tuple[list[Any], Sequence[int]]:
        """The columns from row ``start`` on, without blank rows, and the kept row indices."""
        import pyarrow.compute as pc

        import pyarrow as pa

        columns = [c.slice(start) for c in self.columns]
        n = len(columns[0]) if columns else 0
        def blank_cells(values: Any) -> Any:  # empty or only whitespace, as is_blank says
            return pc.or_(pc.equal(pc.binary_length(values), 0), pc.fill_null(pc.utf8_is_space(values), False))

        # Rows of blank cells are skipped, as the small-file reader skips them. Rows blank in the
        # first column are the candidates; each further column only looks at those left.
        blank = pc.indices_nonzero(blank_cells(columns[0])) if columns else pa.array([], pa.uint64())
        for column in columns[1:]:
            if not len(blank):
                break
            blank = pc.filter(blank, blank_cells(pc.take(column, blank)))
        if not len(blank):
            return columns, range(n)
        keep = pc.invert(pc.is_in(pa.array(range(n)), value_set=blank))
        indices = pc.indices_nonzero(keep).to_pylist()
        return [pc.filter(c, keep) for c in columns], indices


def _looks_binary(head: bytes) -> bool:
    return head.count(b"\x00") > len(head) // 4 or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 10


def _big_csv(path: Path, name: str, header_row: int | None, limits: Limits) -> Table | None:
    """A big, regular UTF-8 CSV, read by pyarrow straight from its file (no copy of it in Python,
    and the reading overlaps the parsing); None for anything else, which ``read_table`` reads."""
    try:
        size = path.stat().st_size
        if _extension(name) not in TEXT_EXTENSIONS or not ARROW_MIN_BYTES <= size <= limits.max_bytes:
            return None
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return None  # read_table says what is wrong with it
    if head.startswith((ZIP_MAGIC, CFB_MAGIC)) or _looks_binary(head[:4096]) or b"\x00" in head or not head.strip():
        return None
    delimiter = _sniff_delimiter(head.decode("utf-8", errors="ignore"))
    grid = _arrow_grid(path, delimiter)
    if grid is None or grid.has_nul():  # NUL bytes are removed, with a notice, by the general path
        return None
    return _to_table(grid, name, "csv", None, [], header_row, "utf-8", delimiter, [], limits)


def _arrow_grid(source: bytes | Path, delimiter: str) -> ArrowGrid | None:
    """Read a large, regular UTF-8 CSV (its bytes or its file) with pyarrow; None (use Python's
    csv) on anything irregular."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        from pyarrow import csv as pacsv

        table = pacsv.read_csv(
            # read natively: a Python file object would need the GIL for every block
            pa.BufferReader(source) if isinstance(source, bytes) else pa.OSFile(str(source)),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, encoding="utf-8", block_size=ARROW_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(2048)}, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
        # Kept as pyarrow's chunks: combining them would copy every cell for nothing.
        columns = [pc.fill_null(col, "") if col.null_count else col for col in table.columns]
    except Exception:  # ragged rows, blank lines, odd quoting: Python's csv module reads those
        return None
    return ArrowGrid(columns)


def _csv_rows(text: str, delimiter: str, quoting: int, limits: Limits, name: str) -> list[list[Any]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting, strict=False)
    grid: list[list[Any]] = []
    for row in reader:
        grid.append(row)
        if len(grid) > limits.max_rows + 50:
            raise _too_many_rows(name, limits)
    return grid


# ------------------------------------------------------------------------------------- tables


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
    where = f' (sheet "{sheet}")' if sheet else ""
    total = len(grid)
    if not total:
        raise InputFileError("empty_sheet", f'"{name}"{where} has no data.', name=name, where=where)
    head = grid.head(32) if isinstance(grid, ArrowGrid) else grid[:32]
    if header_row is not None:
        if not 1 <= header_row <= total:
            raise InputFileError("bad_header_row", f'"{name}"{where} has no row {header_row}; it has {total} rows.', name=name, row=header_row, rows=total)
        h = header_row - 1
    else:
        from .mapping import detect_header_row

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
        raise InputFileError(
            "too_many_columns", f'"{name}"{where} has {width:,} columns; the tool reads at most {limits.max_columns:,}.', name=name, width=f"{width:,}", limit=f"{limits.max_columns:,}"
        )
    headers = _headers(header_cells, width)
    first = h + 2
    n = len(grid) - h - 1
    if isinstance(grid, ArrowGrid) and len(kept):
        n = kept[-1] + 1  # blank rows at the end are trimmed, not counted, as the small-file reader does
    blank = n - len(kept)
    numbers = range(first, first + n) if len(kept) == n else [first + i for i in kept]
    if not numbers:
        raise InputFileError("header_only", f'"{name}"{where} has a header row but no rows of data.', name=name, where=where)
    if len(numbers) > limits.max_rows:
        raise _too_many_rows(name, limits)
    return Table(headers, columns, numbers, name, kind, sheet, sheets, h + 1, encoding, delimiter, blank, notices)


def _column_letter(index: int) -> str:
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
        text = text or f"Column {_column_letter(i)}"
        count = seen.get(text.casefold(), 0) + 1
        seen[text.casefold()] = count
        headers.append(text if count == 1 else f"{text} ({count})")
    return headers


# ------------------------------------------------------------------------------------- writing


def neutralize(value: Any) -> Any:
    """Make a cell safe to open in a spreadsheet: text starting with = + - @ tab CR gets a ``'``.

    >>> neutralize("=HYPERLINK(1)"), neutralize("-5"), neutralize(5)
    ("'=HYPERLINK(1)", "'-5", 5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _text_array(values: Any) -> Any:
    """A column as pyarrow strings (or dictionary-encoded strings), every value as a person sees it."""
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray | pa.Array):
        kind = values.type.value_type if pa.types.is_dictionary(values.type) else values.type
        return values if pa.types.is_string(kind) else values.cast(pa.string())
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([cell_text(v) for v in values], type=pa.string())


def _string_bytes(array: Any) -> tuple[Any, Any] | None:
    """A pyarrow string array's value offsets and bytes, as numpy arrays (no copy); None when it
    holds no bytes at all."""
    import numpy as np

    _, offsets, data = array.buffers()
    if not len(array) or data is None or data.size == 0:
        return None
    starts = np.frombuffer(offsets, dtype=np.int32, count=len(array) + 1, offset=array.offset * 4)
    return starts, np.frombuffer(data, dtype=np.uint8)


def _trigger_rows(array: Any) -> Any:
    """Per string, whether it starts with a formula trigger (None where none does).

    Reads the first byte of each value straight from Arrow's buffers: every trigger is one ASCII
    byte, and no UTF-8 character starts with an ASCII byte unless it is that character.
    """
    import numpy as np

    found = _string_bytes(array)
    if found is None:
        return None
    starts, data = found
    triggers = np.zeros(256, dtype=bool)
    triggers[[ord(c) for c in FORMULA_TRIGGERS]] = True
    first = data[np.minimum(starts[:-1], data.size - 1)]
    risky = triggers[first] & (starts[1:] > starts[:-1])
    return risky if risky.any() else None


def _neutralized(array: Any) -> Any:
    """``neutralize`` over a pyarrow string array (chunked or dictionary-encoded too), in C."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(array, pa.ChunkedArray):
        return pa.chunked_array([_neutralized(chunk) for chunk in array.chunks], type=array.type)
    if pa.types.is_dictionary(array.type):
        return pa.DictionaryArray.from_arrays(array.indices, _neutralized(array.dictionary))
    risky = _trigger_rows(array)
    if risky is None:
        return array
    return pc.if_else(pa.array(risky), pc.binary_join_element_wise("'", array, ""), array)


def write_csv(headers: list[str], columns: list[list[Any]], target: Path | io.BytesIO | None = None) -> bytes | None:
    """Write a CSV (UTF-8 with BOM, so Excel reads accents) with every cell neutralised.

    Columns are converted and neutralised with pyarrow's vectorised kernels, so a million rows
    take about as long as pyarrow takes to write them. With a path, the CSV streams to that file
    (and nothing is returned); otherwise the bytes are returned (and written to ``target``).
    """
    import pyarrow as pa
    from pyarrow import csv as pacsv

    arrays = [_neutralized(_text_array(values)) for values in columns]
    table = pa.Table.from_arrays(arrays, names=[str(neutralize(h)) for h in headers])
    schema = pa.schema([pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type) for f in table.schema])
    options = pacsv.WriteOptions(include_header=True, quoting_style="needed", quoting_header="needed")

    def write(sink: Any) -> None:
        sink.write("\ufeff".encode())
        # Dictionary-encoded columns (the screening's texts) are expanded a slice at a time, so
        # the expanded text never needs memory of its own for the whole table.
        with pacsv.CSVWriter(sink, schema, write_options=options) as writer:
            for batch in table.to_batches(max_chunksize=WRITE_BATCH_ROWS):
                plain = [c.dictionary_decode() if pa.types.is_dictionary(c.type) else c for c in batch.columns]
                writer.write_batch(pa.RecordBatch.from_arrays(plain, schema=schema))

    if isinstance(target, Path):
        with pa.OSFile(str(target), "wb") as sink:
            write(sink)
        return None
    buffer = io.BytesIO()
    write(buffer)
    return deliver(buffer.getvalue(), target)


def deliver(data: bytes, target: Path | io.BytesIO | None) -> bytes:
    """Write report bytes to a path or a buffer (only when asked: nothing is written otherwise)."""
    if isinstance(target, Path):
        target.write_bytes(data)
    elif target is not None:
        target.write(data)
    return data
