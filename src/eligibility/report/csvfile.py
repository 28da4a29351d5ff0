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

    Columns are neutralised and converted with pyarrow's vectorised kernels on two threads
    (pyarrow releases Python's lock): each column is neutralised while the file is opened (over
    an earlier big report, the file system first frees its space), then a slice of rows at a time
    is converted while the slices before are written, so a million rows take about as long as
    pyarrow takes to write them. With a path, the CSV streams to that file (and nothing is
    returned); otherwise the bytes are returned (and written to ``target``).
    """
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa

    arrays = [_text_array(values) for values in columns]
    with ThreadPoolExecutor(max_workers=2) as pool:
        # a dictionary-encoded column (the screening's texts) is neutralised in its dictionary
        neutral = [pool.submit(_neutralized, a) for a in arrays]
        if isinstance(target, Path):
            with pa.OSFile(str(target), "wb") as sink:
                _write_rows(headers, [f.result() for f in neutral], sink, pool)
            return None
        buffer = io.BytesIO()
        _write_rows(headers, [f.result() for f in neutral], buffer, pool)
    return deliver(buffer.getvalue(), target)


def _write_rows(headers: list[str], arrays: list[Any], sink: Any, pool: Any, ahead: int = 4) -> None:
    """The BOM, the header and every row of neutralised ``arrays``: slices converted on ``pool``'s
    threads and written in order, at most ``ahead`` at a time (a dictionary-encoded column is
    expanded a slice at a time, so its text never needs memory for the whole table)."""
    from collections import deque

    import pyarrow as pa
    from pyarrow import csv as pacsv

    table = pa.Table.from_arrays(arrays, names=[str(neutralize(h)) for h in headers])
    schema = pa.schema([pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type) for f in table.schema])
    head = pa.BufferOutputStream()
    header = pacsv.WriteOptions(include_header=True, quoting_style="needed", quoting_header="needed")
    pacsv.write_csv(schema.empty_table(), head, write_options=header)
    rows = pacsv.WriteOptions(include_header=False, quoting_style="needed")

    def convert(batch: Any) -> Any:
        plain = [c.dictionary_decode() if pa.types.is_dictionary(c.type) else c for c in batch.columns]
        out = pa.BufferOutputStream()
        pacsv.write_csv(pa.RecordBatch.from_arrays(plain, schema=schema), out, write_options=rows)
        return out.getvalue()

    sink.write("\ufeff".encode())
    sink.write(head.getvalue())
    pending: deque = deque()
    for batch in table.to_batches(max_chunksize=WRITE_BATCH_ROWS):
        pending.append(pool.submit(convert, batch))
        if len(pending) >= ahead:
            sink.write(pending.popleft().result())
    while pending:
        sink.write(pending.popleft().result())


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

