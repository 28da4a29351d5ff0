"""ODS files checked before python-calamine opens them (it builds every table when it opens one).

calamine reads content.xml and, for each ``table:table``, pushes every cell of a row up to the last
one holding a value (``table:number-columns-repeated`` copies included, at most 16,384 columns),
then copies each row as often as ``table:number-rows-repeated`` says (at most 1,048,576 rows in a
table), and finally holds every table's block, from A1 to its last row and column with a value.
A cell holds a value when it has an ``office:`` value attribute or a ``table:formula`` (a string
cell's text comes from its ``text:p`` children; ``text:s text:c="N"`` adds N spaces). So a few
hundred bytes can ask for a billion cells or a billion spaces; this module expands the tables as
calamine would, in bounded time and memory, and refuses the file before calamine sees it.

content.xml is looked at a megabyte at a time with vector operations (numpy); a window whose
structure they cannot place (rows that do not close, tags that are not followed by markup) is
read again, with the whole file, tag by tag, for at most PER_TAG_MAX tags.
"""

from __future__ import annotations

import re
from typing import Any

from .extent import PER_TAG_MAX, Package, Reach, _attributes, _decode, too_big, too_much, windows
from .table import Limits, _corrupt

ODS_MAX_ROWS, ODS_MAX_COLUMNS = 1_048_576, 16_384  # calamine's own caps on repeats
_PAD = b"\0" * 64


def check_ods(package: Package, limits: Limits) -> None:
    """Refuse an ODS whose tables, expanded as calamine expands them, would pass the limits."""
    name = package.name
    info = package.find("content.xml")
    if info is None:
        raise _corrupt(name)
    try:
        scan = _Vector(name, limits)
        if all(scan.window(window) for window in windows(package.chunks(info), name)):
            scan.finish()
            return
        book = _PerTag(name, limits)
        for window in windows(package.chunks(info), name):
            book.window(window)
    except (ValueError, KeyError, OverflowError, UnicodeDecodeError, IndexError):
        raise _corrupt(name) from None


class _Totals:
    """What every table together will cost; a table's own block and pushed cells are checked alone."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name, self.limits = name, limits
        self.cells = 0  # finished tables' blocks and pushed cells (calamine holds them all)
        self.text = 0

    def check(self, sheet: str | None, height: int, width: int, pushed: int) -> None:
        block = Reach(height, width)
        if block.cells > self.limits.max_sheet_cells or pushed > self.limits.max_sheet_cells:
            raise too_big(self.name, sheet, block, self.limits)
        together = self.cells + block.cells + pushed
        if together > 2 * self.limits.max_sheet_cells or self.text > self.limits.max_sheet_text:
            raise too_much(self.name)


# ------------------------------------------------------------------------- vector operations


def _pairs(window: bytes) -> tuple[Any, Any]:
    """The window read as 16-bit numbers from even and from odd offsets: one comparison then finds
    every place where a given pair of bytes occurs."""
    import numpy as np

    even = np.frombuffer(window[: len(window) // 2 * 2], dtype=np.uint16)
    odd = np.frombuffer(window[1 : 1 + (len(window) - 1) // 2 * 2], dtype=np.uint16)
    return even, odd


def _find(data: Any, pairs: tuple[Any, Any], size: int, needle: bytes, anchor: int) -> Any:
    """Start positions of ``needle`` in ``data[:size]``: first where its two bytes at ``anchor``
    occur (chosen to be rare in content.xml), then narrowed byte by byte."""
    import numpy as np

    even, odd = pairs
    value = needle[anchor] | needle[anchor + 1] << 8
    at = np.sort(np.concatenate([np.flatnonzero(even == value) * 2, np.flatnonzero(odd == value) * 2 + 1]))
    found = at - anchor
    found = found[(found >= 0) & (found + len(needle) <= size)]
    for offset, byte in enumerate(needle):
        if offset not in (anchor, anchor + 1):
            found = found[data[found + offset] == byte]
    return found


def _tags(data: Any, lt: Any, name: bytes) -> Any:
    """Of the '<' positions ``lt``, those opening a tag called exactly ``name`` (then space, '/' or '>').

    The byte after the name is checked first (it rules out every tag whose name has another
    length), then the name from its end, where tags differ most."""
    follow = data[lt + len(name) + 1]
    found = lt[(follow == 32) | (follow == 62) | (follow == 47) | (follow == 9) | (follow == 10) | (follow == 13)]
    for offset in range(len(name), 0, -1):
        found = found[data[found + offset] == name[offset - 1]]
    return found


def _merge(*arrays: Any) -> Any:
    import numpy as np

    return np.sort(np.concatenate(arrays), kind="stable")


def _given_repeats(starts: Any, ends: Any, positions: Any, values: Any) -> Any:
    """Per tag (opening at ``starts``, its ``>`` at ``ends``), the repeat count an attribute inside
    it gives (at ``positions``, ``values``); 1 where none does."""
    import numpy as np

    repeats = np.ones(len(starts), dtype=np.int64)
    if len(positions):
        index = np.searchsorted(starts, positions, side="right") - 1
        inside = (index >= 0) & (positions < ends[np.maximum(index, 0)])
        repeats[index[inside]] = values[inside]
    return repeats


_SPACES = re.compile(rb"<text:s\b[^<>]*?text:c\s*=\s*[\"']([0-9]{1,12})[\"']")
_NAME = re.compile(rb"""table:name\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _numbers_after(data: Any, positions: Any) -> tuple[Any, Any]:
    """The decimal numbers (up to 12 digits) starting at ``positions``; those with none are dropped."""
    import numpy as np

    grid = data[positions[:, None] + np.arange(13)].astype(np.int64) - 48
    digit = (grid >= 0) & (grid <= 9)
    length = np.argmin(digit, axis=1)
    ok = (length > 0) & digit[:, :12].any(axis=1) & (length <= 12)
    grid, length, positions = grid[ok], length[ok], positions[ok]
    powers = np.where(np.arange(13) < length[:, None], 10 ** np.clip(length[:, None] - 1 - np.arange(13), 0, 12), 0)
    return positions, (np.where(powers > 0, grid, 0) * powers).sum(axis=1)


def _repeats(window: bytes, data: Any, pairs: tuple[Any, Any], size: int) -> dict[str, Any]:
    """Positions and counts of column and row repeats (found with numpy), and of text:s spaces."""
    import numpy as np

    out: dict[str, Any] = {}
    for key, needle in (("columns", b'table:number-columns-repeated="'), ("rows", b'table:number-rows-repeated="')):
        if needle[13:] not in window:
            out[key] = out[key + "_values"] = np.zeros(0, dtype=np.int64)
            continue
        found = _find(data, pairs, size, needle, len(needle) - 3)  # 'd=' is rare in content.xml
        out[key], out[key + "_values"] = _numbers_after(data, found + len(needle))
    spaces = [(m.start(), int(m.group(1))) for m in _SPACES.finditer(window)] if b"text:c" in window else []
    array = np.array(spaces, dtype=np.int64).reshape(-1, 2)
    out["spaces"], out["spaces_values"] = array[:, 0], array[:, 1]
    # a repeat written another way (single quotes, spaces around '='): leave it to the tag-by-tag pass
    out["odd"] = window.count(b"-repeated") != len(out["columns"]) + len(out["rows"])
    return out


class _Vector:
    """The tables expanded window by window with numpy; ``window`` returns False when it cannot."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.totals = _Totals(name, limits)
        self.name, self.limits = name, limits
        self.table: str | None = None
        self.row_open = False
        # the open row: repeats, column, last value column, text, rows seen at its start
        self.row: list[int] = [0, 0, 0, 0, 0]
        self.last_cell = (0, False)  # repeats and value of the open row's last cell (its text may go on)
        self.rows_seen = self.height = self.width = self.pushed = 0

    def window(self, window: bytes) -> bool:
        import numpy as np

        data = np.frombuffer(window + _PAD, dtype=np.uint8)
        size = len(window)
        lt = np.flatnonzero(data[:size] == 60)
        if len(lt) == 0:
            self._leading(size)
            return True
        self._leading(int(lt[0]))

        def tag_end(positions: Any) -> Any:  # where a tag's attributes end: '<' cannot appear inside a tag
            index = np.searchsorted(lt, positions, side="right")
            return np.where(index < len(lt), lt[np.minimum(index, len(lt) - 1)], size)

        pairs = _pairs(window)
        opening = lt[(data[lt + 1] == 116) & (data[lt + 2] == 97) & (data[lt + 6] == 58)]  # "<ta...:", not "<text:"
        closing = lt[(data[lt + 1] == 47) & (data[lt + 2] == 116) & (data[lt + 7] == 58)]  # "</t...:"
        found = {
            "opens": _tags(data, opening, b"table:table-row"),
            "closes": _tags(data, closing, b"/table:table-row"),
            "cells": _merge(
                _tags(data, opening, b"table:table-cell"), _tags(data, opening, b"table:covered-table-cell")
            ),
            "markers": _merge(  # "ff" and "mu" are rare in content.xml
                _find(data, pairs, size, b"office:", 1),
                _find(data, pairs, size, b"table:formula", 9) if b"table:formula" in window else lt[:0],
            ),
            # a string given as an attribute: its text is in the tag ("g-" is rare)
            "strings": _find(data, pairs, size, b"office:string-value", 12) if b"string-value" in window else lt[:0],
            **_repeats(window, data, pairs, size),
        }
        if found["odd"]:
            return False
        found["open_ends"] = tag_end(found["opens"])
        found["cell_ends"] = tag_end(found["cells"])
        if len(found["opens"]) and np.any(data[found["open_ends"] - 1] != 62):
            return False  # text right after a row tag: leave it to the tag-by-tag pass
        tables = _tags(data, opening, b"table:table")
        bounds = sorted([(int(p), 1) for p in tables] + [(int(p), 0) for p in _tags(data, closing, b"/table:table")])
        position = 0
        for at, opening in bounds:
            self._segment(data, found, position, at)
            if opening:
                if self.table is not None:
                    raise ValueError("a table inside a table")
                end = int(tag_end(np.array([at]))[0])
                if data[end - 1] != 62:
                    return False
                name = _NAME.search(window, at, end)
                if name is not None and data[end - 2] != 47:
                    self._start_table(_decode(name.group(1) if name.group(1) is not None else name.group(2)))
            elif self.table is not None:
                self._end_table()
            position = at + 1
        self._segment(data, found, position, size)
        return True

    def _leading(self, count: int) -> None:
        """Bytes before the window's first tag: text of the previous window's last cell."""
        repeats, value = self.last_cell
        if self.table is not None and self.row_open and value:
            self.row[3] += count * repeats

    def _start_table(self, sheet: str) -> None:
        self.table = sheet
        self.rows_seen = self.height = self.width = self.pushed = 0
        self.row_open = False

    def _end_table(self) -> None:
        if self.row_open:
            raise ValueError("a row that does not close")
        self.totals.cells += self.height * self.width + self.pushed
        self.table = None

    def finish(self) -> None:
        if self.table is not None:
            self._end_table()

    def _segment(self, data: Any, found: dict[str, Any], lo: int, hi: int) -> None:
        """Rows and cells between two table boundaries (ignored outside a table, as calamine does)."""
        import numpy as np

        if self.table is None or hi <= lo:
            return

        def part(key: str) -> Any:
            array = found[key]
            return array[np.searchsorted(array, lo) : np.searchsorted(array, hi)]

        def part_with(key: str, *others: str) -> tuple[Any, ...]:
            array = found[key]
            a, b = np.searchsorted(array, lo), np.searchsorted(array, hi)
            return (array[a:b], *(found[o][a:b] for o in others))

        opens, open_ends = part_with("opens", "open_ends")
        closes = part("closes")
        cells, cell_ends = part_with("cells", "cell_ends")
        markers = part("markers")
        closed_rows = opens[data[open_ends - 2] == 47]  # <table:table-row .../> opens and ends at once
        all_closes = _merge(closes, closed_rows)
        # rows must alternate: open, close, open, close (the one open at the start may close first)
        events = np.concatenate([opens, all_closes])
        kinds = np.concatenate([np.ones(len(opens), dtype=np.int8), np.zeros(len(all_closes), dtype=np.int8)])
        order = np.lexsort((1 - kinds, events))  # at one position (a self-closing row): open, then close
        kinds, events = kinds[order], events[order]
        expected = 0 if self.row_open else 1
        if len(kinds) and (kinds[0] != expected or np.any(kinds[1:] == kinds[:-1])):
            raise ValueError("rows that do not open and close in turn")
        row_repeats = _given_repeats(opens, open_ends, *part_with("rows", "rows_values"))
        # each cell's row: the last row opened before it, if no row closed since (-1: the row already open)
        row_of = np.searchsorted(opens, cells, side="right") - 1
        last_close = np.searchsorted(all_closes, cells, side="right") - 1
        open_at = np.where(row_of >= 0, opens[np.maximum(row_of, 0)] if len(opens) else -1, -1)
        close_at = np.where(last_close >= 0, all_closes[np.maximum(last_close, 0)] if len(all_closes) else -1, -1)
        in_row = np.where(row_of >= 0, close_at < open_at, self.row_open & (last_close < 0))
        repeats = _given_repeats(cells, cell_ends, *part_with("columns", "columns_values"))
        valued = (np.searchsorted(markers, cell_ends) - np.searchsorted(markers, cells)) > 0
        # a cell's text: from its tag's end up to the next cell or row tag (an upper bound), plus the
        # tag itself when it gives the string as an attribute, plus its text:s spaces
        following = _merge(cells, events)
        nxt = np.searchsorted(following, cells, side="right")
        length = np.where(nxt < len(following), following[np.minimum(nxt, len(following) - 1)], hi) - cell_ends
        strings = part("strings")
        attribute = (np.searchsorted(strings, cell_ends) - np.searchsorted(strings, cells)) > 0
        length += np.where(attribute, cell_ends - cells, 0)
        positions, values = part_with("spaces", "spaces_values")
        if len(positions):
            index = np.searchsorted(cells, positions, side="right") - 1
            np.add.at(length, index[index >= 0], values[index >= 0])
            if np.any(index < 0):
                self._leading(int(values[index < 0].sum()))
        self._rows(cells, row_of, in_row, repeats, valued, length, opens, row_repeats, events, kinds)

    def _rows(self, cells: Any, row_of: Any, in_row: Any, repeats: Any, valued: Any, length: Any,
              opens: Any, row_repeats: Any, events: Any, kinds: Any) -> None:
        import numpy as np

        cells, row_of, repeats = cells[in_row], row_of[in_row], repeats[in_row]
        valued, length = valued[in_row], length[in_row]
        groups = len(opens) + 1  # group 0: the row already open when the segment starts
        group = row_of + 1
        # columns: each row starts at 0 (the open row at its column); calamine stops at 16,384
        total = np.cumsum(repeats)
        first = np.searchsorted(group, group, side="left")
        base = total[first] - repeats[first]
        end = total - base + np.where(group == 0, self.row[1], 0)
        end_capped = np.minimum(end, ODS_MAX_COLUMNS)
        effective = end_capped - np.minimum(end - repeats, ODS_MAX_COLUMNS)
        mask = valued & (effective > 0)
        last = _group_max(group[mask], end_capped[mask], groups)
        weights = (length[mask] * effective[mask]).astype(np.float64)
        text = np.bincount(group[mask], weights=weights, minlength=groups).astype(np.int64)
        column = _group_max(group, end_capped, groups)
        # rows seen: each row adds its repeats when it opens, at most 1,048,576 in the table
        seen = np.minimum(self.rows_seen + np.cumsum(row_repeats), ODS_MAX_ROWS)
        counted = np.diff(seen, prepend=self.rows_seen)
        closes_here = int((kinds == 0).sum())
        open_at_end = bool(kinds[-1] == 1) if len(kinds) else self.row_open
        if self.row_open:
            self.row[1] = max(self.row[1], int(column[0]))
            self.row[2] = max(self.row[2], int(last[0]))
            self.row[3] += int(text[0])
            if closes_here:
                self._end_row(*self.row)
        finished = len(opens) - (1 if open_at_end and len(opens) else 0)
        if finished:
            done = slice(1, finished + 1)
            valued_rows = np.flatnonzero(last[done] > 0)
            if len(valued_rows):
                self.height = int(seen[valued_rows[-1]])
                self.width = max(self.width, int(last[done].max()))
                self.pushed += int(last[done].sum())
                self.totals.text += int((text[done] * counted[:finished]).sum())
        if open_at_end and len(opens):
            k = len(opens) - 1
            self.row = [int(counted[k]), int(column[k + 1]), int(last[k + 1]), int(text[k + 1]), int(seen[k])]
        self.rows_seen = int(seen[-1]) if len(seen) else self.rows_seen
        self.row_open = open_at_end
        if len(cells):
            self.last_cell = (int(effective[-1]), bool(valued[-1]))
        self.totals.check(self.table, self.height, self.width, self.pushed)

    def _end_row(self, repeats: int, column: int, last: int, text: int, seen: int) -> None:
        if last > 0:
            self.height = seen
            self.width = max(self.width, last)
            self.pushed += last
            self.totals.text += text * repeats


# ----------------------------------------------------------------------------- tag by tag


_ODS_TAG = re.compile(
    rb"<(/?)(table:table-row|table:table-cell|table:covered-table-cell|table:table|text:s)"
    rb"(?=[\s/>])((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>"
)
_ODS_VALUES = (
    b"office:value", b"office:string-value", b"office:date-value", b"office:time-value", b"office:boolean-value",
    b"table:formula",
)


class _PerTag:
    """The same expansion, tag by tag (for content the vector pass cannot place), at most PER_TAG_MAX tags."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.totals = _Totals(name, limits)
        self.name, self.limits = name, limits
        self.sheet: str | None = None
        self.open_cell: tuple[int, int, bool] | None = None
        self.cell_text = self.text_from = 0
        self.tags = 0

    def window(self, window: bytes) -> None:
        for match in _ODS_TAG.finditer(window):
            self.tags += 1
            if self.tags > PER_TAG_MAX:
                raise too_much(self.name)
            closing, tag, attrs = match.groups()
            closed = attrs.endswith(b"/")
            attrs = attrs[:-1] if closed else attrs
            if tag == b"table:table":
                if closing and self.sheet is not None:
                    self._end_table()
                elif not closing and not closed and self.sheet is None:
                    found = dict(_attributes(attrs))
                    if b"table:name" in found:
                        self._start_table(_decode(found[b"table:name"]))
            elif self.sheet is not None:
                self._event(closing, tag, attrs, closed, match)
        if self.open_cell is not None:  # text of a cell that goes on into the next window
            self.cell_text += len(window) - self.text_from
            self.text_from = 0

    def _start_table(self, sheet: str) -> None:
        self.sheet = sheet
        self.height = self.rows_seen = self.pushed = self.width = 0
        self.in_row = False
        self.open_cell = None
        self.cell_text = self.text_from = 0

    def _event(self, closing: bytes, tag: bytes, attrs: bytes, closed: bool, match: re.Match[bytes]) -> None:
        if tag == b"table:table-row":
            if closing:
                if self.in_row:
                    self._end_row()
                return
            repeats = int(_decode(dict(_attributes(attrs)).get(b"table:number-rows-repeated", b"1")))
            self.repeats = min(repeats, max(ODS_MAX_ROWS - self.rows_seen, 0))
            self.rows_seen += self.repeats
            self.in_row, self.col, self.last, self.row_text = True, 0, -1, 0
            if closed:
                self._end_row()
            return
        if tag == b"text:s":
            if self.open_cell is not None and not closing:
                self.cell_text += int(_decode(dict(_attributes(attrs)).get(b"text:c", b"1")))
                if self.cell_text > self.limits.max_sheet_text:
                    raise too_much(self.name)
            return
        if not self.in_row:
            return
        if closing:
            if self.open_cell is not None:
                self.cell_text += match.start() - self.text_from
                self._cell(*self.open_cell, self.cell_text)
                self.open_cell = None
            return
        found = dict(_attributes(attrs))
        repeats = int(_decode(found.get(b"table:number-columns-repeated", b"1")))
        repeats = min(repeats, max(ODS_MAX_COLUMNS - self.col, 0))
        value = any(key in found for key in _ODS_VALUES) or found.get(b"office:value-type") == b"string"
        text = sum(len(found[key]) for key in _ODS_VALUES if key in found)
        start = self.col
        self.col += repeats
        if closed:
            self._cell(start, repeats, value, text)
        else:
            self.open_cell, self.cell_text, self.text_from = (start, repeats, value), text, match.end()

    def _cell(self, start: int, repeats: int, value: bool, text: int) -> None:
        if value and repeats:
            self.last = start + repeats - 1
            self.row_text += text * repeats

    def _end_row(self) -> None:
        self.in_row = False
        if self.last < 0:
            return
        self.height = self.rows_seen
        self.width = max(self.width, self.last + 1)
        self.pushed += self.last + 1  # calamine pushes the row's cells once, then copies them per repeat
        self.totals.text += self.row_text * self.repeats
        self.totals.check(self.sheet, self.height, self.width, self.pushed)

    def _end_table(self) -> None:
        self.totals.cells += self.height * self.width + self.pushed
        self.sheet = None
        self.open_cell = None


def _group_max(group: Any, values: Any, groups: int) -> Any:
    """The largest value of each group (0 for a group with none); ``group`` is sorted."""
    import numpy as np

    out = np.zeros(groups, dtype=np.int64)
    if len(group):
        starts = np.flatnonzero(np.diff(group, prepend=-1))
        out[group[starts]] = np.maximum.reduceat(values, starts)
    return out


__all__ = ["check_ods"]
