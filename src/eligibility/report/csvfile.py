"""CSV reports, written safely: every cell that could start a formula gets a leading ``'``."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..cells import cell_text
from ..columnar import constant
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
    if isinstance(values, list) and values.count(None) == len(values):  # a column nobody filled
        return pa.nulls(len(values), pa.string())
    if isinstance(values, list) and values.count("") == len(values):
        return constant("", len(values))
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
    first = np.take(data, np.minimum(starts[:-1], data.size - 1))  # np.take: a third of indexing's time
    risky = np.take(triggers, first) & (starts[1:] > starts[:-1])
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

    Columns are converted and neutralised with pyarrow's vectorised kernels, a slice of rows at a
    time on two threads while the slices before are written (pyarrow releases Python's lock), so
    a million rows take about as long as pyarrow takes to write them. With a path, the CSV streams
    to that file (and nothing is returned); otherwise the bytes are returned (and written to
    ``target``).
    """
    import pyarrow as pa
    from pyarrow import csv as pacsv

    arrays = [_text_array(values) for values in columns]
    # A dictionary-encoded column (the screening's texts) is neutralised once, in its dictionary;
    # a plain one slice by slice, on the threads that write.
    arrays = [_neutralized(a) if pa.types.is_dictionary(a.type) else a for a in arrays]
    table = pa.Table.from_arrays(arrays, names=[str(neutralize(h)) for h in headers])
    schema = pa.schema([pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type) for f in table.schema])
    head = pa.BufferOutputStream()
    header = pacsv.WriteOptions(include_header=True, quoting_style="needed", quoting_header="needed")
    pacsv.write_csv(schema.empty_table(), head, write_options=header)
    rows = pacsv.WriteOptions(include_header=False, quoting_style="needed")

    def convert(batch: Any) -> Any:
        # Expanded a slice at a time, so the expanded text never needs memory for the whole table.
        plain = [c.dictionary_decode() if pa.types.is_dictionary(c.type) else _neutralized(c) for c in batch.columns]
        out = pa.BufferOutputStream()
        pacsv.write_csv(pa.RecordBatch.from_arrays(plain, schema=schema), out, write_options=rows)
        return out.getvalue()

    def write(sink: Any) -> None:
        sink.write("\ufeff".encode())
        sink.write(head.getvalue())
        for data in _in_order(convert, table.to_batches(max_chunksize=WRITE_BATCH_ROWS)):
            sink.write(data)

    if isinstance(target, Path):
        with pa.OSFile(str(target), "wb") as sink:
            write(sink)
        return None
    buffer = io.BytesIO()
    write(buffer)
    return deliver(buffer.getvalue(), target)


def _in_order(convert: Any, batches: list[Any], ahead: int = 4) -> Any:
    """``convert`` over ``batches`` on two threads, yielded in order, at most ``ahead`` at a time."""
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        pending: deque = deque()
        for batch in batches:
            pending.append(pool.submit(convert, batch))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


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

