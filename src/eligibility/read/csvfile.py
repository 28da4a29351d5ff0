"""CSV files: encoding, delimiter, quoting; pyarrow for big regular files, Python's csv for the rest."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputFileError
from .table import Limits, _too_many_rows, _trim

ARROW_MIN_BYTES = 4 * 1024 * 1024  # below this, Python's csv module is as fast and more forgiving
ARROW_BLOCK_BYTES = 4 * 1024 * 1024  # blocks pyarrow parses in parallel; fewer chunks are cheaper to work on after


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
        raise InputFileError("binary_csv", name=name)
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")
        notices.append("nul_bytes_removed")
    if len(data) >= ARROW_MIN_BYTES:  # pyarrow checks the UTF-8 itself; sniff from the head only
        delimiter = _sniff_delimiter(data[:65536].decode("utf-8", errors="ignore"))
        grid = _arrow_grid(data, delimiter)
        if grid is not None:
            _check_longest(grid, name, limits)
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
            raise InputFileError("cell_too_long", name=name, limit=f"{limits.max_cell_chars:,}") from None
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

    def longer_than(self, limit: int) -> bool:
        """Whether a cell holds more than ``limit`` characters. A column whose longest cell in bytes
        (read from Arrow's offsets alone) is within the limit is within it in characters too; only
        another column's characters are counted."""
        import pyarrow.compute as pc

        for column in self.columns:
            if (pc.max(pc.binary_length(column)).as_py() or 0) > limit and (pc.max(pc.utf8_length(column)).as_py() or 0) > limit:
                return True
        return False

    def has_nul(self) -> bool:
        """Whether any cell holds a NUL byte (read from Arrow's buffers, chunk by chunk)."""
        for column in self.columns:
            for chunk in column.chunks:
                found = string_bytes(chunk)
                if found is not None and not found[1][found[0][0] : found[0][-1]].all():
                    return True
        return False

    def body(self, start: int) -> tuple[list[Any], Sequence[int]]:
        """The columns from row ``start`` on, without blank rows, and the kept row indices."""
        import pyarrow as pa
        import pyarrow.compute as pc

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


def _check_longest(grid: ArrowGrid, name: str, limits: Limits) -> None:
    """The cell limit, on the fast path too (Python's csv module enforces it on the other)."""
    if grid.longer_than(limits.max_cell_chars):
        raise InputFileError("cell_too_long", name=name, limit=f"{limits.max_cell_chars:,}")


def _looks_binary(head: bytes) -> bool:
    return head.count(b"\x00") > len(head) // 4 or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 10



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


def string_bytes(array: Any) -> tuple[Any, Any] | None:
    """A pyarrow string array's value offsets and bytes, as numpy arrays (no copy); None when it
    holds no bytes at all."""
    import numpy as np

    _, offsets, data = array.buffers()
    if not len(array) or data is None or data.size == 0:
        return None
    starts = np.frombuffer(offsets, dtype=np.int32, count=len(array) + 1, offset=array.offset * 4)
    return starts, np.frombuffer(data, dtype=np.uint8)

