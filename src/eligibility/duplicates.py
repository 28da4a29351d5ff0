"""Duplicate rows in a batch: the same A-number, or the same name and date of birth, flagged on both rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .columnar import arrow_codes
from .i18n import msg
from .model import DataIssue


def name_column(parts: Sequence[Any]) -> Any:
    """One name column from a full name, or from first, middle and last name columns, as Arrow strings."""
    arrays = [_strings(p) for p in parts]
    if len(arrays) == 1:
        return arrays[0]
    return pc.binary_join_element_wise(*[pc.fill_null(a, "") for a in arrays], " ")


def _strings(values: Any) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array) and pa.types.is_string(values.type):
        return values
    return pa.array([v if isinstance(v, str) else None for v in values], type=pa.string())


def folded_codes(names: Any) -> np.ndarray:
    """Per row, a code that is equal for names equal once case, accents, spaces and punctuation are
    folded (-1 for no name)."""
    texts = _strings(names)
    ascii_only = pc.all(pc.fill_null(pc.string_is_ascii(texts), True)).as_py()
    folded = pc.ascii_lower(texts) if ascii_only else pc.utf8_lower(texts)
    # Most names are folded once lower-cased; only the others go through the slower steps.
    rest = pc.invert(pc.fill_null(pc.match_substring_regex(folded, r"^[a-z0-9]+( [a-z0-9]+)*$"), True))
    if pc.any(rest).as_py():
        other = pc.filter(folded, rest)
        if not ascii_only:
            other = pc.replace_substring_regex(pc.utf8_normalize(other, form="NFKD"), pattern=r"\p{Mn}+", replacement="")
        other = pc.utf8_trim(pc.replace_substring_regex(other, pattern=r"[^\p{L}\p{N}]+", replacement=" "), " ")
        folded = pc.replace_with_mask(folded, rest, other)
    folded = pc.if_else(pc.equal(folded, ""), pa.scalar(None, pa.string()), folded)
    return arrow_codes(folded)[0]


def a_number_keys(values: Any, invalid: Sequence[int]) -> np.ndarray:
    """Per row, the A-number as an integer key (-1 for none or an invalid one)."""
    valid = np.ones(len(values), dtype=bool)
    valid[list(invalid)] = False
    numbers = pc.cast(pc.if_else(pa.array(valid), values, pa.scalar(None, pa.string())), pa.int64())
    return pc.fill_null(numbers, -1).to_numpy(zero_copy_only=False)


def flag(row_keys: np.ndarray, row_numbers: Sequence[int], code: str, column: str) -> list[tuple[int, DataIssue]]:
    """Flag every row whose key (>= 0) occurs on another row too; Python runs only for duplicates."""
    present = row_keys[row_keys >= 0]
    ordered = np.sort(present)  # sorting integers is far cheaper than hashing them
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(repeated):
        return []
    duplicated = np.isin(row_keys, repeated) & (row_keys >= 0)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(duplicated).tolist():
        groups[int(row_keys[i])].append(i)
    out = []
    for rows in groups.values():
        for i in rows:
            others = [str(row_numbers[j]) for j in rows if j != i]
            listed: object = ", ".join(others[:SHOWN_ROWS])
            if len(others) > SHOWN_ROWS:  # a row repeated many times names a few others, not all of them
                listed = msg("issue.more_rows", rows=listed, count=len(others) - SHOWN_ROWS)
            out.append((i, DataIssue(code, None, "", msg(f"issue.{code}", rows=listed), row_numbers[i], column, "warning")))
    return out


SHOWN_ROWS = 5
"""How many other rows a duplicate names (the rest are counted)."""
