"""CSV reports, written safely: every cell that could start a formula gets a leading ``'``."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..cells import cell_text
from ..read.csvfile import string_bytes
from .rows import result_columns

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
WRITE_BATCH_ROWS = 16_384  # rows expanded and written at a time


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
    except Exception:  # numbers, dates, times, mixed: each as the text a person sees
        return pa.array([cell_text(v) for v in values], type=pa.string())



def _trigger_rows(array: Any) -> Any:
    """Per string, whether it starts with a formula trigger (None where none does).

    Reads the first byte of each value straight from Arrow's buffers: every trigger is one ASCII
    byte, and no UTF-8 character starts with an ASCII byte unless it is that character.
    """
    import numpy as np

    found = string_bytes(array)
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


def batch_csv(result: Any, *, redact: bool = False, target: Path | None = None) -> bytes | None:
    """The Results table as CSV (UTF-8 with BOM, formula injection neutralised): its bytes, or
    streamed to ``target`` when that is a path."""
    headers, columns = result_columns(result, redact=redact)
    return write_csv(headers, columns, target)

