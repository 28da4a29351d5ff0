"""Column helpers for the batch: distinct values and their codes, grouping rows, per-row texts.

Everything here works on whole columns (numpy and Arrow kernels); Python runs once per distinct
value or distinct combination, never once per row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def factorize(values: Any) -> tuple[np.ndarray, list[Any]]:
    """Per-row codes into the column's distinct values (-1 for a missing cell)."""
    if isinstance(values, pa.ChunkedArray | pa.Array):
        codes, uniques = arrow_codes(values)
        return codes, uniques.to_pylist()
    if len(values) < SMALL:  # a dictionary is quicker than loading pandas for a short column
        index: dict[tuple[type, Any], int] = {}
        found: list[Any] = []
        small = []
        for v in values:
            if v is None or v != v:
                small.append(-1)
                continue
            key = (type(v), v)  # 1, 1.0 and True are different cells
            code = index.get(key)
            if code is None:
                code = index[key] = len(found)
                found.append(v)
            small.append(code)
        return np.array(small, dtype=np.int64), found
    import pandas as pd  # long lists come from workbooks, whose reports need pandas anyway

    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return codes.astype(np.int64), list(uniques)


SMALL = 20_000
"""Below this many cells, a column is factorised in Python rather than with pandas."""


def distinct(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Codes of a short list's values among its distinct values, in order of first appearance
    (-1 for None and NaN). Values that cannot be hashed are each their own value."""
    index: dict[Any, int] = {}
    uniques: list[Any] = []
    codes = []
    for v in values:
        if v is None or v != v:
            codes.append(-1)
            continue
        try:
            code = index.get(v)
            if code is None:
                code = index[v] = len(uniques)
                uniques.append(v)
        except TypeError:
            code = len(uniques)
            uniques.append(v)
        codes.append(code)
    return np.array(codes, dtype=np.int64), uniques


def int_codes(key: np.ndarray) -> np.ndarray:
    """Codes of integer keys among their distinct values, numbered in order of first appearance (hashing)."""
    return pc.dictionary_encode(pa.array(key)).indices.to_numpy(zero_copy_only=False).astype(np.int64)


def arrow_codes(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Dictionary-encode an Arrow array: per-row codes (-1 for null) and the distinct values."""
    encoded = pc.dictionary_encode(values)
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    if not chunks:
        return np.zeros(0, dtype=np.int64), pa.array([], type=values.type)
    codes = np.concatenate([pc.fill_null(c.indices, -1).to_numpy(zero_copy_only=False) for c in chunks]).astype(np.int64)
    return codes, chunks[-1].dictionary  # a chunked array's chunks share one dictionary, complete in the last


def distinct_rows(code_columns: Sequence[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Group rows by the combination of codes: per-row group index and one row of each group.

    Groups are numbered in order of first appearance only when hashing is used; callers take the
    group of each row and the representative row of each group, never rely on the numbering.
    """
    if not code_columns or n == 0:
        return np.zeros(n, dtype=np.int64), np.zeros(1 if n else 0, dtype=np.int64)
    key = np.zeros(n, dtype=np.int64)
    capacity = 1
    for codes in code_columns:
        width = int(codes.max()) + 1 if len(codes) else 1
        if capacity * width >= 2**62:  # too many combinations for one integer: group by sorting
            _, first, inverse = np.unique(np.stack(code_columns, axis=1), axis=0, return_index=True, return_inverse=True)
            return inverse.reshape(-1), first
        key = key * width + codes
        capacity *= width
    if capacity <= 4 * n:  # few possible combinations: a direct table, no hashing or sorting
        present = np.zeros(capacity, dtype=bool)
        present[key] = True
        group = np.cumsum(present) - 1
        row_of = np.empty(capacity, dtype=np.int64)
        row_of[key] = np.arange(n)  # any row of a group stands for it: its codes are the group's
        return group[key], row_of[present]
    codes = int_codes(key)
    rising = np.diff(np.maximum.accumulate(codes), prepend=-1) > 0  # first appearances (codes number them in order)
    return codes, np.flatnonzero(rising)


def per_combination(
    keys: Sequence[np.ndarray], representatives: Sequence[Sequence[Any]], fn: Callable[..., Any], n: int
) -> tuple[np.ndarray, list[Any]]:
    """Per row ``i``, ``fn(representatives[0][keys[0][i]], representatives[1][keys[1][i]], ...)``.

    ``fn`` runs once per distinct combination of keys; returns per-row codes into its values.
    """
    group, first = distinct_rows(list(keys), n)
    values = [fn(*(reps[int(k[row])] for reps, k in zip(representatives, keys, strict=True))) for row in first.tolist()]
    return group, values


def joined_per_combination(
    keys: Sequence[np.ndarray], texts: Sequence[Sequence[str]], separator: str, n: int, *, skip_empty: bool = False
) -> tuple[np.ndarray, pa.Array]:
    """``per_combination`` for the commonest ``fn``: per row, ``separator.join`` of
    ``texts[0][keys[0][i]], texts[1][keys[1][i]], ...`` (``skip_empty``: leaving out empty texts),
    joined in Arrow once per distinct combination. Every key must be a valid index (no -1)."""
    group, first = distinct_rows(list(keys), n)
    index = [pa.array(k[first]) for k in keys]
    parts = [pc.take(pa.array(list(t), type=pa.string()), i) for t, i in zip(texts, index, strict=True)]
    if skip_empty:
        return group, join([pc.if_else(pc.equal(p, ""), pa.scalar(None, pa.string()), p) for p in parts], len(first), separator)
    if not parts:
        return group, pa.repeat(pa.scalar("", pa.string()), len(first))
    return group, pc.binary_join_element_wise(*parts, separator)


def pylist(array: pa.Array | pa.ChunkedArray) -> list[Any]:
    """A column as a Python list; a dictionary-encoded one is decoded by indexing its few distinct
    values (Arrow's own ``to_pylist`` builds every value anew, many times slower)."""
    if isinstance(array, pa.ChunkedArray):
        return [value for chunk in array.chunks for value in pylist(chunk)]
    if isinstance(array, pa.DictionaryArray):
        values = np.array([*array.dictionary.to_pylist(), None], dtype=object)
        index = pc.fill_null(array.indices, len(array.dictionary)).to_numpy(zero_copy_only=False)
        return values[index].tolist()
    return array.to_pylist()


def take(texts: list[str | None], index: np.ndarray) -> pa.Array:
    """Per-row strings: ``texts[index[i]]`` for every row, built in C."""
    return pc.take(pa.array(texts, type=pa.string()), pa.array(index))


def coded(codes: np.ndarray, texts: Sequence[str | None]) -> pa.DictionaryArray:
    """Per row ``texts[codes[i]]``, each text stored once (a dictionary-encoded column)."""
    values = texts if isinstance(texts, pa.Array) else pa.array(list(texts), type=pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), values)


def constant(text: str, n: int) -> pa.DictionaryArray:
    """The same text on every row, stored once."""
    return coded(np.zeros(n, dtype=np.int32), [text])


def join(parts: list[pa.Array], n: int, separator: str) -> pa.Array:
    """Join per-row parts with the separator, skipping missing ones; "" where all are missing.

    (pyarrow's own ``null_handling="skip"`` returns arrays of the wrong length, so each present
    part gets the separator in front, the parts are concatenated, and the first one is removed.)
    """
    if not parts:
        return pa.repeat(pa.scalar("", pa.string()), n)
    prefixed = [pc.fill_null(pc.binary_join_element_wise(separator, part, ""), "") for part in parts]
    joined = pc.binary_join_element_wise(*prefixed, "") if len(prefixed) > 1 else prefixed[0]
    return pc.utf8_slice_codeunits(joined, len(separator))  # drop the first separator ("" stays "")
