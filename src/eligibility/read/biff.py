"""XLS files checked before python-calamine opens them: their container, then their records.

An .xls is a Compound File (a small file system of 512-byte sectors chained by a table) holding
a "Workbook" stream of BIFF records. calamine follows the chains as the file says, trusts each
sheet's DIMENSIONS record to reserve memory, and builds every sheet when the file is opened, so
a few kilobytes with a looping chain or a lying DIMENSIONS abort the process. Here the container
is read with every chain checked (in range, no loops), and each sheet's records are walked, in
bounded time, for how far its cells reach and how much text they copy from the shared strings.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .extent import Reach, too_big, too_much
from .table import Limits, _corrupt

FREE, END_OF_CHAIN, FAT_SECTOR, DIFAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC
STREAM_NAMES = ("Workbook", "Book", "WORKBOOK", "BOOK")  # calamine's order
BIFF_ROWS, BIFF_COLUMNS = 65_536, 256
CELL_RECORDS = {0x0203, 0x0204, 0x00D6, 0x0205, 0x027E}  # Number, Label, RString, BoolErr, RK
LABEL_SST, MUL_RK, FORMULA, STRING, DIMENSIONS, BOF, EOF, CONTINUE, SST, BOUNDSHEET = (
    0x00FD, 0x00BD, 0x0006, 0x0207, 0x0200, 0x0809, 0x000A, 0x003C, 0x00FC, 0x0085,
)


class _Damaged(Exception):
    """Anything in the file that calamine could not read safely."""


def check_xls(data: bytes, name: str, limits: Limits) -> None:
    """Refuse an .xls whose container is broken or whose sheets would pass the limits."""
    try:
        stream = workbook_stream(data)
        _check_records(stream, name, limits)
    except (_Damaged, struct.error, IndexError, ValueError):
        raise _corrupt(name) from None


def workbook_stream(data: bytes) -> bytes:
    """The workbook stream, read as calamine reads it, with every chain checked first."""
    if len(data) < 512 or data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _Damaged
    shift = struct.unpack_from("<H", data, 30)[0]
    if shift not in (9, 12) or struct.unpack_from("<H", data, 32)[0] != 6:
        raise _Damaged
    size = 1 << shift
    body = memoryview(data)[size if size == 4096 else 512 :]
    sectors = len(body) // size + (1 if len(body) % size else 0)
    fat_count, dir_start = struct.unpack_from("<II", data, 44)
    mini_start, mini_count, difat_start, difat_count = struct.unpack_from("<IIII", data, 60)
    # calamine reserves memory from these counts (and from the bytes 62-66, which it reads as one)
    odd = struct.unpack_from("<I", data, 62)[0]
    if fat_count > sectors or difat_count > sectors or mini_count > sectors or odd > 16 * (sectors + 1) + 0x1FFFF:
        raise _Damaged

    def sector(index: int) -> memoryview:
        if index >= sectors:
            raise _Damaged
        return body[index * size : index * size + size]

    difat = list(struct.unpack_from("<109I", data, 76))
    seen: set[int] = set()
    index = difat_start
    while index < DIFAT_SECTOR:
        if index in seen or len(seen) > sectors:
            raise _Damaged
        seen.add(index)
        entries = struct.unpack(f"<{size // 4}I", sector(index).tobytes().ljust(size, b"\xff"))
        difat.extend(entries[:-1])
        index = entries[-1]
    fat: list[int] = []
    for index in difat:
        if index < DIFAT_SECTOR:
            fat.extend(struct.unpack(f"<{size // 4}I", sector(index).tobytes().ljust(size, b"\xff")))

    def chain(start: int, length: int | None, table: list[int], get: object) -> bytes:
        out, visited = [], set()
        index, total = start, 0
        while index != END_OF_CHAIN:
            if index in visited or index >= len(table):
                raise _Damaged
            visited.add(index)
            piece = get(index)  # type: ignore[operator]
            out.append(piece)
            total += len(piece)
            if length is not None and total >= length:
                break
            index = table[index]
        joined = b"".join(bytes(p) for p in out)
        return joined if length is None else joined[:length]

    directory = chain(dir_start, None, fat, sector)
    entries = []
    for offset in range(0, len(directory) - 127, 128):
        entry = directory[offset : offset + 128]
        raw_name = entry[:64].decode("utf-16-le", errors="replace")
        entry_name = raw_name.split("\x00", 1)[0]
        start = struct.unpack_from("<I", entry, 116)[0]
        length = struct.unpack_from("<I" if size == 512 else "<Q", entry, 120)[0]
        entries.append((entry_name, start, length))
    if not entries:
        raise _Damaged
    for wanted in STREAM_NAMES:
        match = next((e for e in entries if e[0] == wanted), None)
        if match is not None:
            break
    else:
        raise _Damaged
    _, start, length = match
    if length > len(data):
        raise _Damaged
    if length >= 4096:
        return chain(start, length, fat, sector)
    root_start, root_length = entries[0][1], entries[0][2]
    if mini_count == 0 or root_length > len(data):
        raise _Damaged
    mini_stream = chain(root_start, root_length, fat, sector)
    mini_fat_bytes = chain(mini_start, mini_count * size, fat, sector)
    mini_fat = list(struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes[: len(mini_fat_bytes) // 4 * 4]))

    def mini_sector(index: int) -> bytes:
        if index * 64 >= len(mini_stream):
            raise _Damaged
        return mini_stream[index * 64 : index * 64 + 64]

    return chain(start, length, mini_fat, mini_sector)


@dataclass
class _Record:
    kind: int
    data: bytes
    continues: list[bytes]


def _records(stream: bytes, position: int = 0):
    """BIFF records from ``position``, each with the CONTINUE records that follow it (calamine's RecordIter)."""
    size = len(stream)
    while position < size:
        if size - position < 4:
            raise _Damaged
        kind, length = struct.unpack_from("<HH", stream, position)
        if size - position < length + 4:
            raise _Damaged
        data = stream[position + 4 : position + 4 + length]
        position += 4 + length
        continues = []
        while size - position > 4 and struct.unpack_from("<H", stream, position)[0] == CONTINUE:
            extra = struct.unpack_from("<H", stream, position + 2)[0]
            if size - position < extra + 4:
                raise _Damaged
            continues.append(stream[position + 4 : position + 4 + extra])
            position += 4 + extra
        yield _Record(kind, data, continues)


def _check_records(stream: bytes, name: str, limits: Limits) -> None:
    sheets: list[tuple[int, str]] = []
    strings: list[int] = []
    for record in _records(stream):
        if record.kind == SST:
            strings = _shared_string_lengths(record, name, limits)
        elif record.kind == BOUNDSHEET:
            if len(record.data) < 6:
                raise _Damaged
            sheets.append((struct.unpack_from("<I", record.data, 0)[0], _sheet_name(record.data)))
        elif record.kind == EOF:
            break
    cells = 0
    text = 0
    for position, sheet in sheets:
        if position > len(stream):
            raise _Damaged
        reach = _sheet_reach(stream, position, strings, name, sheet, limits)
        cells += reach.cells  # calamine holds every sheet's block at once
        text += reach.text
        if cells > limits.max_sheet_cells or text > limits.max_sheet_text:
            raise too_much(name)


def _sheet_name(data: bytes) -> str | None:
    """A BIFF8 sheet name (for the refusal sentence); None when it cannot be read."""
    try:
        length, flags = data[6], data[7]
        raw = data[8 : 8 + length * (2 if flags & 1 else 1)]
        width = 2 if flags & 1 else 1
        return raw.decode("utf-16-le" if width == 2 else "latin-1") if len(raw) == length * width else None
    except IndexError:
        return None


def _shared_string_lengths(record: _Record, name: str, limits: Limits) -> list[int]:
    """Characters of each shared string, walked as calamine reads them (across CONTINUE records,
    where a string's characters go on after one byte that says how wide they are)."""
    if len(record.data) < 8:
        raise _Damaged
    pieces = [record.data[8:], *record.continues]
    if sum(len(p) for p in pieces) > limits.max_sheet_text:
        raise too_much(name)
    unpack = struct.unpack_from
    lengths: list[int] = []
    append = lengths.append
    most = limits.max_sheet_cells
    index, data, position = 0, pieces[0], 0
    while True:
        if position >= len(data):
            index += 1
            if index >= len(pieces):
                break
            data, position = pieces[index], 0
            continue
        if len(data) - position < 3:
            raise _Damaged
        cch, flags = unpack("<HB", data, position)
        position += 3
        runs = extra = 0
        if flags & 0x8:
            runs = unpack("<H", data, position)[0]
            position += 2
        if flags & 0x4:
            extra = unpack("<i", data, position)[0]
            position += 4
            if extra < 0:
                raise _Damaged
        width = 2 if flags & 0x1 else 1
        left = cch
        while left:
            take = min(left, (len(data) - position) // width)
            position += take * width
            left -= take
            if left:  # the characters go on in the next CONTINUE, after a byte giving their width
                index += 1
                if index >= len(pieces) or not pieces[index]:
                    raise _Damaged
                data = pieces[index]
                width, position = (2 if data[0] & 0x1 else 1), 1
        skip = runs * 4 + extra
        while skip:
            if position >= len(data):
                index += 1
                if index >= len(pieces):
                    raise _Damaged
                data, position = pieces[index], 0
            step = min(skip, len(data) - position)
            position += step
            skip -= step
        append(cch)
        if len(lengths) > most:
            raise too_much(name)
    return lengths


def _sheet_reach(
    stream: bytes, position: int, strings: list[int], name: str, sheet: str | None, limits: Limits
) -> Reach:
    """How far one sheet's cells reach (and the DIMENSIONS it claims), and the text its cells hold.

    One tight loop over the records (CONTINUE records count as text of the record before them).
    """
    unpack = struct.unpack_from
    size = len(stream)
    budget = limits.max_sheet_cells
    max_row = max_col = 0  # 1-based
    text = 0
    seen_bof, depth = False, 0
    formula_at = (0, 0)
    count = len(strings)
    padded = stream + b"\0" * 8  # so the first four bytes of every record's data can always be read
    cells, labels = CELL_RECORDS, (0x0204, 0x00D6)
    while position < size:
        if size - position < 4:
            raise _Damaged
        kind, length, row, column = unpack("<HHHH", padded, position)
        start = position + 4
        position = start + length
        if position > size:
            raise _Damaged
        if depth:
            depth += 1 if kind == BOF else -1 if kind == EOF else 0
            continue
        if kind == LABEL_SST:
            if length < 10:
                raise _Damaged
            index = unpack("<I", stream, start + 6)[0]
            if index >= count:
                continue
            text += strings[index]
        elif kind in cells:
            if length < 6:
                raise _Damaged
            if kind in labels:
                text += length
        if kind == LABEL_SST or kind in cells:
            if row >= max_row or column >= max_col:
                max_row, max_col = max(max_row, row + 1), max(max_col, column + 1)
                if max_row * max_col > budget:
                    raise too_big(name, sheet, Reach(max_row, max_col), limits)
            continue
        row = -1
        if kind == MUL_RK:
            if length < 6:
                raise _Damaged
            row, first = unpack("<HH", stream, start)
            column = unpack("<H", stream, position - 2)[0]
            if column < first or length != 6 + 6 * (column - first + 1):
                raise _Damaged
        elif kind == FORMULA:
            if length < 20:
                raise _Damaged
            row, column = formula_at = unpack("<HH", stream, start)
            text += length
        elif kind in (STRING, CONTINUE):
            row, column = formula_at
            text += length
        elif kind == BOF:
            if seen_bof:
                depth = 1
            seen_bof = True
        elif kind == EOF:
            break
        elif kind == DIMENSIONS:
            if length == 10:
                first_row, last_row, first_col, last_col = unpack("<HHHH", stream, start)
            elif length == 14:
                first_row, last_row, first_col, last_col = unpack("<IIHH", stream, start)
            else:
                raise _Damaged
            if first_col > 0xFF or last_col < first_col:
                first_col = 0
            if last_row > BIFF_ROWS or last_col > BIFF_COLUMNS or last_row < first_row:
                raise _Damaged
            claimed = Reach(last_row, last_col)
            if claimed.cells > budget:  # calamine reserves this much before reading a single cell
                raise too_big(name, sheet, claimed, limits)
        if row >= 0 and (row >= max_row or column >= max_col):
            max_row, max_col = max(max_row, row + 1), max(max_col, column + 1)
            if max_row * max_col > budget:
                raise too_big(name, sheet, Reach(max_row, max_col), limits)
    return Reach(max_row, max_col, text)


__all__ = ["check_xls", "workbook_stream"]
