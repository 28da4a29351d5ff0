"""How far a workbook's cells really reach, found before python-calamine reads them.

python-calamine builds a sheet as one dense block of cells, rows x columns, from A1 to its farthest
cell holding a value; it also copies a shared string into every cell that uses it, and ODS repeats a
cell or a row as often as the file says. So a workbook of a few kilobytes can ask for gigabytes
(one cell at XFD50000, one string used a million times, a row repeated a million times), and
calamine aborts the whole process when an allocation fails. Every part calamine will parse is
therefore streamed here first, in bounded memory (ZIP members are inflated a megabyte at a time,
never past the size their directory declares), and a workbook that would need more than
:class:`~eligibility.read.table.Limits` allows is refused with one sentence.

An XLSX sheet is checked in one pass of C-speed searches: the sheet's ``<dimension>`` gives a box,
and a regular expression confirms that every cell tag lies inside it. Only when a cell falls outside
(a lying dimension, a stray far-away cell, cells without references, unusual XML) is the sheet
tokenised cell by cell, exactly as calamine reads it; that pass stops as soon as the answer is known.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputFileError
from ..i18n import msg
from .table import Limits, _corrupt, column_letter

CHUNK = 1 << 20  # bytes of XML looked at a time
METADATA_MAX_BYTES = 64 * 1024 * 1024  # workbook.xml, styles.xml, relationships: a few MB even for 5,000 sheets
MAX_TAG_BYTES = 1 << 20  # a tag or a text run longer than this is not a spreadsheet's
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384  # no spreadsheet program writes a cell beyond these


@dataclass
class Reach:
    """The farthest row and column (1-based) of cells holding values, and the text they hold."""

    row: int = 0
    column: int = 0
    text: int = 0  # bytes of text calamine will build for the sheet (an upper bound)
    long_text: bool = True  # whether a cell's text could pass Limits.max_cell_chars

    @property
    def cells(self) -> int:
        return self.row * self.column

    def add(self, row: int, column: int) -> None:
        if row > self.row:
            self.row = row
        if column > self.column:
            self.column = column


def too_big(name: str, sheet: str | None, reach: Reach, limits: Limits) -> InputFileError:
    """The refusal for a sheet whose cells would make too large a block."""
    where = msg("error.where_sheet", sheet=sheet) if sheet else ""
    return InputFileError(
        "too_many_cells", name=name, where=where, row=f"{reach.row:,}", column=column_letter(max(reach.column, 1) - 1),
        limit=f"{limits.max_sheet_cells:,}",
    )


def too_much(name: str) -> InputFileError:
    return InputFileError("workbook_too_big", name=name)


# ------------------------------------------------------------------------------------ ZIP parts


class Package:
    """A workbook ZIP whose members are inflated in bounded chunks, each exactly to its declared size.

    Members are found as calamine finds them (case-insensitively, ``\\`` read as ``/``); two members
    that calamine could confuse make the file damaged. Only stored and deflated members are read.
    """

    def __init__(self, data: bytes, name: str, limits: Limits) -> None:
        self.data, self.name, self.limits = data, name, limits
        try:
            with zipfile.ZipFile(_Reader(data)) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, ValueError, EOFError, OSError):
            raise _corrupt(name) from None
        total = sum(info.file_size for info in infos)
        if total > limits.max_unzipped_bytes or total > limits.max_zip_ratio * max(len(data), 1):
            raise InputFileError("zip_bomb", name=name)
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            key = info.filename.replace("\\", "/").lower()
            if key in self.members:
                raise _corrupt(name)
            self.members[key] = info
        self.names = {info.filename for info in infos}

    def find(self, path: str) -> zipfile.ZipInfo | None:
        """The member calamine opens for ``path`` (its lookup: lower-cased, else the exact name)."""
        info = self.members.get(path.lower())
        if info is None and path in self.names:
            info = next(i for i in self.members.values() if i.filename == path)
        return info

    def has(self, path: str) -> bool:
        return self.find(path) is not None

    def chunks(self, info: zipfile.ZipInfo, size: int = CHUNK) -> Iterator[bytes]:
        """The member's bytes, ``size`` at a time; refused if they inflate past their declared size."""
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _corrupt(self.name)
        data = self.data
        start = info.header_offset
        if data[start : start + 4] != b"PK\x03\x04" or start + 30 > len(data):
            raise _corrupt(self.name)
        name_length = int.from_bytes(data[start + 26 : start + 28], "little")
        extra_length = int.from_bytes(data[start + 28 : start + 30], "little")
        start += 30 + name_length + extra_length
        end = start + info.compress_size
        if end > len(data):
            raise _corrupt(self.name)
        raw = memoryview(data)[start:end]
        if info.compress_type == zipfile.ZIP_STORED:
            if info.compress_size != info.file_size:
                raise _corrupt(self.name)
            for i in range(0, len(raw), size):
                yield bytes(raw[i : i + size])
            return
        inflate = zlib.decompressobj(-15)
        produced, position = 0, 0
        try:
            while not inflate.eof:
                if inflate.unconsumed_tail:
                    piece = inflate.decompress(inflate.unconsumed_tail, size)
                elif position < len(raw):
                    piece = inflate.decompress(raw[position : position + (1 << 16)], size)
                    position += 1 << 16
                else:
                    break
                produced += len(piece)
                if produced > info.file_size:
                    raise InputFileError("zip_bomb", name=self.name)
                if piece:
                    yield piece
        except zlib.error:
            raise _corrupt(self.name) from None
        if produced != info.file_size or not inflate.eof:
            raise _corrupt(self.name)

    def read(self, info: zipfile.ZipInfo, limit: int = METADATA_MAX_BYTES) -> bytes:
        """A small member whole (relationships, workbook.xml, styles.xml)."""
        if info.file_size > limit:
            raise too_much(self.name)
        return b"".join(self.chunks(info))


class _Reader:
    """A read-only file over bytes, so zipfile never copies a 200 MB upload."""

    def __init__(self, data: bytes) -> None:
        self.view, self.position = memoryview(data), 0

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = offset if whence == 0 else self.position + offset if whence == 1 else len(self.view) + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def read(self, n: int = -1) -> bytes:
        end = len(self.view) if n is None or n < 0 else min(len(self.view), self.position + n)
        out = bytes(self.view[self.position : end])
        self.position = end
        return out


def windows(chunks: Iterator[bytes], name: str) -> Iterator[bytes]:
    """XML cut just before a ``<``, so no tag is ever split between two windows.

    (``<`` never appears inside a tag: XML forbids it in attribute values.) A tag or a run of text
    longer than MAX_TAG_BYTES is refused: no spreadsheet writes one.
    """
    carry = b""
    for chunk in chunks:
        buffer = carry + chunk if carry else chunk
        cut = buffer.rfind(b"<")
        if cut <= 0:
            carry = buffer
        else:
            yield buffer[:cut]
            carry = buffer[cut:]
        if len(carry) > MAX_TAG_BYTES:
            raise _corrupt(name)
    if carry:
        yield carry


# ------------------------------------------------------------------------ small XML, as calamine


_TAG = re.compile(rb"<([^\s<>/!?]+)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ENTITY = re.compile(rb"&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"', b"apos": "'"}


def _attributes(raw: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(key, value) pairs as calamine's raw attribute reader yields them (keys run up to '=')."""
    position, size = 0, len(raw)
    while True:
        while position < size and raw[position] in b" \t\r\n":
            position += 1
        if position >= size or (raw[position : position + 1] == b"/" and position == size - 1):
            return
        equals = raw.find(b"=", position)
        if equals < 0:
            raise ValueError("attribute without '='")
        key = raw[position:equals].rstrip(b" \t\r\n")
        position = equals + 1
        while position < size and raw[position] in b" \t\r\n":
            position += 1
        quote = raw[position : position + 1]
        if quote not in (b'"', b"'"):
            raise ValueError("unquoted attribute")
        close = raw.find(quote, position + 1)
        close = size if close < 0 else close
        yield key, raw[position + 1 : close]
        position = close + 1


def _get_attrs(raw: bytes, *keys: bytes) -> dict[bytes, bytes]:
    """calamine's ``get_attrs!``: the last value of each key, stopping once as many matches as keys were seen."""
    found: dict[bytes, bytes] = {}
    matches = 0
    for key, value in _attributes(raw):
        if key in keys:
            found[key] = value
            matches += 1
            if matches == len(keys):
                break
    return found


def _decode(value: bytes) -> str:
    """An attribute value with XML entities resolved (an unknown entity is an error, as in calamine)."""

    def entity(match: re.Match[bytes]) -> bytes:
        body = match.group(1)
        if body.startswith(b"#x"):
            return chr(int(body[2:], 16)).encode()
        if body.startswith(b"#"):
            return chr(int(body[1:])).encode()
        return _NAMED[body].encode()

    return _ENTITY.sub(entity, value).decode("utf-8")


def _elements(xml: bytes, local: bytes) -> Iterator[bytes]:
    """The raw attributes of every start tag whose local name is ``local``."""
    for match in _TAG.finditer(xml):
        tag = match.group(1)
        if tag == local or tag.endswith(b":" + local):
            attrs = match.group(2)
            yield attrs[:-1] if attrs.endswith(b"/") else attrs


# ------------------------------------------------------------------------------------- XLSX


@dataclass
class XlsxBook:
    """Where calamine will find each sheet of an XLSX, and the shared strings' lengths."""

    package: Package
    sheets: dict[str, zipfile.ZipInfo]
    shared_lengths: Any = None  # numpy array: bytes of each shared string's XML (None: no shared strings)
    longest_shared: int = 0
    checked: dict[str, Reach] = field(default_factory=dict)


def xlsx_book(package: Package, limits: Limits) -> XlsxBook:
    """Resolve sheets as calamine does and check every part it parses when it opens the workbook."""
    name = package.name
    try:
        root = package.find("_rels/.rels")
        if root is None:
            raise _corrupt(name)
        target = None
        for attrs in _elements(package.read(root), b"Relationship"):
            found = _get_attrs(attrs, b"Type", b"Target")
            if found.get(b"Type", b"").endswith(b"/relationships/officeDocument") and b"Target" in found:
                target = _decode(found[b"Target"])
        if target is None:
            raise _corrupt(name)
        xl = target[: target.rfind("/") + 1].removeprefix("/") if "/" in target else ""
        for part in ("styles.xml",):
            info = package.find(xl + part)
            if info is not None and info.file_size > METADATA_MAX_BYTES:
                raise too_much(name)
        relationships: dict[bytes, tuple[str, str]] = {}
        rels = package.find(f"{xl}_rels/workbook.xml.rels")
        if rels is None:
            raise _corrupt(name)
        for attrs in _elements(package.read(rels), b"Relationship"):
            found = _get_attrs(attrs, b"Id", b"Type", b"Target")
            if b"Id" in found:
                relationships[found[b"Id"]] = (_decode(found.get(b"Target", b"")), _decode(found.get(b"Type", b"")))
        workbook = package.find(f"{xl}workbook.xml")
        sheets: dict[str, zipfile.ZipInfo] = {}
        if workbook is not None:
            for attrs in _elements(package.read(workbook), b"sheet"):
                sheet_name, rel_id = "", b""
                for key, value in _attributes(attrs):
                    if key == b"name":
                        sheet_name = _decode(value)
                    elif key == b"id" or key.endswith(b":id"):
                        rel_id = value
                if rel_id not in relationships or sheet_name in sheets:
                    raise _corrupt(name)
                path, kind = relationships[rel_id]
                if kind.rsplit("/", 1)[-1] not in ("worksheet", "chartsheet", "dialogsheet"):
                    raise _corrupt(name)
                info = package.find(path[1:] if path.startswith("/") else xl + path)
                if info is None:
                    raise _corrupt(name)
                sheets[sheet_name] = info
    except (ValueError, KeyError, UnicodeDecodeError, OverflowError):
        raise _corrupt(name) from None
    book = XlsxBook(package, sheets)
    shared = package.find(xl + "sharedStrings.xml")
    if shared is not None:
        _shared_strings(book, shared, limits)
    return book


_SI_PREFIXED = re.compile(rb"<[^\s<>/!?]+:si[\s>/]")
_SI_ANY = re.compile(rb"<(?:[^\s<>/!?]*:)?si[\s>/]")


def _shared_strings(book: XlsxBook, info: zipfile.ZipInfo, limits: Limits) -> None:
    """Count the shared strings calamine loads when it opens the workbook, and note how long
    each one's XML is (an upper bound on its text), found with vector operations over the bytes."""
    import numpy as np

    package = book.package
    if info.file_size > limits.max_sheet_text:
        raise too_much(package.name)
    starts: list[Any] = []
    offset = 0
    for window in windows(package.chunks(info), package.name):
        if _SI_PREFIXED.search(window):
            found = np.array([m.start() for m in _SI_ANY.finditer(window)], dtype=np.int64)
        else:
            data = np.frombuffer(window, dtype=np.uint8)
            after = data[3:]
            tag_end = (after == 62) | (after == 32) | (after == 47)
            found = np.flatnonzero((data[:-3] == 60) & (data[1:-2] == 115) & (data[2:-1] == 105) & tag_end)
        starts.append(found + offset)
        offset += len(window)
        if sum(len(f) for f in starts) > limits.max_sheet_cells:
            raise too_much(package.name)
    positions = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
    if len(positions):
        book.shared_lengths = np.diff(np.append(positions, offset))
        book.longest_shared = int(book.shared_lengths.max())


def _letters_value(letters: bytes) -> int:
    value = 0
    for byte in letters.upper():
        value = value * 26 + byte - 64
    return value


_REF = re.compile(rb"([A-Za-z]{1,3})([0-9]{1,7})")


def _ref(value: bytes, name: str) -> tuple[int, int]:
    """(row, column), 1-based, of a cell reference; anything outside Excel's grid is damage."""
    match = _REF.fullmatch(value)
    if match is None:
        raise _corrupt(name)
    row, column = int(match.group(2)), _letters_value(match.group(1))
    if not 1 <= row <= EXCEL_ROWS or column > EXCEL_COLUMNS:
        raise _corrupt(name)
    return row, column


def _le_pattern(bound: str, alphabet: str, first: str) -> str:
    """A regular expression for the strings of ``alphabet`` (first character from ``first``) that
    are, read as numbers, at most ``bound``: shorter ones, or as long and not larger."""
    n = len(bound)
    options = [f"[{first}][{alphabet}]{{0,{n - 2}}}"] if n > 1 else []
    for i, char in enumerate(bound):
        allowed = first if i == 0 else alphabet
        smaller = [c for c in allowed if c < char]
        if smaller:
            rest = f"[{alphabet}]{{{n - i - 1}}}" if n - i - 1 else ""
            options.append(re.escape(bound[:i]) + f"[{''.join(smaller)}]" + rest)
    options.append(re.escape(bound))
    return "(?:" + "|".join(options) + ")"


UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"


def _box_pattern(prefix: bytes, columns: int, rows: int, types: str) -> re.Pattern[bytes]:
    """Matches a cell tag that is NOT a canonical ``<c r="REF" s="1" t="s">`` with REF inside the box.

    A tag passes only with its reference first and then nothing but ``s`` and ``t`` attributes, so
    it cannot carry a second ``r`` (calamine would take that one instead); anything else is left to
    the exact pass. ``types`` is the pattern of the ``t`` values allowed.
    """
    cols = _le_pattern(column_letter(columns - 1), UPPER, UPPER)
    rows_re = _le_pattern(str(rows), DIGITS, DIGITS[1:])
    tag = re.escape(prefix.decode()) + "c"
    return re.compile(f'<{tag}(?=[\\s/>])(?! r="{cols}{rows_re}"(?: s="[^"]*+"| t="{types}")*+ ?/?>)'.encode())


SHORT_TYPES = '[sbned]'  # numbers, booleans, errors, dates and shared strings: short values
ANY_TYPE = '[^"]*+'  # also inline strings and formula text, which only the XML's size bounds


_ROOT = re.compile(rb"<([^\s<>/!?]+)")
_DIMENSION = re.compile(rb"<(?:[^\s<>/!?]*:)?dimension\s+ref\s*=\s*[\"']([A-Za-z]+[0-9]+(?::[A-Za-z]+[0-9]+)?)[\"']")
_SHARED_T = (b't="s"', b"t='s'")  # cells whose value is a shared string
_SHARED_INDEX = re.compile(  # a shared-string cell's string number (after its formula, if any)
    rb'<(?:[^\s<>/!?]*:)?c\s[^<>]*?\bt="s"[^<>]*>'
    rb"(?:<(?:[^\s<>/!?]*:)?f\b[^<]*(?:</(?:[^\s<>/!?]*:)?f>)?)?<(?:[^\s<>/!?]*:)?v>([0-9]{1,9})</"
)


def check_xlsx_sheet(book: XlsxBook, sheet: str, limits: Limits) -> Reach:
    """Refuse ``sheet`` if calamine's block for it would hold more than ``limits`` allow."""
    if sheet in book.checked:
        return book.checked[sheet]
    package = book.package
    info = book.sheets.get(sheet)
    if info is None:
        raise _corrupt(package.name)
    reach = _fast_reach(book, info, sheet, limits)
    if reach is None:
        reach = _exact_reach(book, info, sheet, limits)
    if reach.cells > limits.max_sheet_cells:
        raise too_big(package.name, sheet, reach, limits)
    # inline text is in the sheet's own XML, so its size bounds it; shared strings are copied per cell
    reach.text += info.file_size
    if reach.text > limits.max_sheet_text:
        raise too_much(package.name)
    book.checked[sheet] = reach
    return reach


def _fast_reach(book: XlsxBook, info: zipfile.ZipInfo, sheet: str, limits: Limits) -> Reach | None:
    """The box the sheet's ``<dimension>`` claims, if every cell tag is confirmed inside it; None if not.

    The box is cut down to the cell budget first, so a sheet too dense to read fails in the first
    window past the budget, and is refused there by its real cells. Cells are first checked to hold
    only short values (numbers, dates, shared strings); the first window with inline text switches
    to a pattern that allows it, and the reach notes that its text may be long.
    """
    package = book.package
    pattern = None
    prefix = b""
    columns = rows = 0
    long_text = False
    for window in windows(package.chunks(info), package.name):
        if pattern is None:
            root = _ROOT.search(window)
            dimension = _DIMENSION.search(window)
            if root is None or dimension is None:
                return None
            prefix = root.group(1)[: root.group(1).rfind(b":") + 1]
            rows, columns = _ref(dimension.group(1).split(b":")[-1], package.name)
            rows = min(rows, limits.max_sheet_cells // columns)
            if rows < 1:
                return None
            pattern = _box_pattern(prefix, columns, rows, SHORT_TYPES)
        if pattern.search(window) is not None:
            if not long_text:
                long_text, pattern = True, _box_pattern(prefix, columns, rows, ANY_TYPE)
            if pattern.search(window) is not None:
                _refuse_from_window(book, window, sheet, prefix, limits)
                return None
        if prefix:  # every cell tag must carry the document's prefix, which the pattern checked
            own = window.count(b"<" + prefix + b"c") + window.count(b"</" + prefix + b"c")
            if b"<c" in window or window.count(b":c") != own:
                return None
        elif b":c" in window:  # a prefixed cell tag (<x:c>) the pattern does not see
            return None
    if pattern is None:
        return Reach()
    # every cell is in the box, so at most rows x columns of them use a shared string
    reach = Reach(rows, columns, _shared_text(book, info, rows * columns))
    reach.long_text = long_text or book.longest_shared > limits.max_cell_chars
    return reach


def _refuse_from_window(book: XlsxBook, window: bytes, sheet: str, prefix: bytes, limits: Limits) -> None:
    """A window with cells outside the box: refuse now if its own referenced cells reach too far
    (that is how a dense sheet larger than the budget is refused without reading the rest)."""
    scan = _Scan(book.package.name, sheet, prefix, limits)
    scan.state_known = False  # cells without references cannot be placed from here: skip them
    scan.window(window)


def _shared_text(book: XlsxBook, info: zipfile.ZipInfo, shared_cells: int) -> int:
    """Bytes of text the sheet's shared-string cells will hold (calamine copies the string into each).

    First bounded by (cells using shared strings) x (the longest string); only when that is over
    the limit are the cells' string numbers read, to add up what they really use (a cell whose
    number cannot be read counts as the longest string).
    """
    if not shared_cells or book.shared_lengths is None:
        return 0
    limit = book.package.limits.max_sheet_text
    if shared_cells * book.longest_shared <= limit:
        return shared_cells * book.longest_shared
    shared_cells = sum(w.count(t) for w in windows(book.package.chunks(info), book.package.name) for t in _SHARED_T)
    if shared_cells * book.longest_shared <= limit:
        return shared_cells * book.longest_shared
    import numpy as np

    total = 0
    lengths = book.shared_lengths
    for window in windows(book.package.chunks(info), book.package.name):
        numbers = _SHARED_INDEX.findall(window)
        unread = sum(window.count(t) for t in _SHARED_T) - len(numbers)
        total += max(unread, 0) * book.longest_shared
        if numbers:
            indices = np.array(b" ".join(numbers).split(), dtype=np.int64)
            total += int(lengths[indices[indices < len(lengths)]].sum())
        if total > limit:
            break
    return total


_CELL_OR_ROW = re.compile(rb"<(/?)((?:[^\s<>/!?:]++:)?)(c|row)(?=[\s/>])((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>")
_CANONICAL_CELL = re.compile(rb' r="([A-Z]{1,3})([1-9][0-9]{0,6})"(?: [st]="[^"]*+")*+')
_COLUMN_VALUES = {column_letter(i).encode(): i + 1 for i in range(EXCEL_COLUMNS)}
PER_TAG_MAX = 1_000_000  # cell and row tags the slow, tag-by-tag pass may look at in one sheet
_PAD = b"\0" * 32
_TAG_FOLLOW = (32, 9, 10, 13, 47, 62)  # what may follow a tag name: whitespace, '/', '>'


def _cell_tags(window: bytes) -> Iterator[tuple[bytes, bytes, bool]]:
    """(``c`` or ``row`` or ``/row``, attributes, self-closing) for each cell and row tag, any prefix."""
    for match in _CELL_OR_ROW.finditer(window):
        closing, _, tag, attrs = match.groups()
        if closing:
            if tag == b"row":
                yield b"/row", b"", False
            continue
        closed = attrs.endswith(b"/")
        yield tag, attrs[:-1] if closed else attrs, closed


class _Scan:
    """Where calamine would put each cell of a sheet, window by window.

    A window whose cells all carry a canonical reference, or where no cell or row carries one, is
    placed with vector operations; anything else (prefixes other than the sheet's, odd attributes,
    references on some cells only) tag by tag, for at most PER_TAG_MAX tags.
    """

    def __init__(self, name: str, sheet: str, prefix: bytes, limits: Limits) -> None:
        self.name, self.sheet, self.prefix, self.limits = name, sheet, prefix, limits
        self.reach = Reach()
        self.row_index = self.col_index = 0  # calamine's counters (0-based) for cells without a reference
        self.state_known = True
        self.per_tag = False  # once a window needs tags one by one, every later one is read that way
        self.tags = 0
        self.shared_cells = 0

    def add(self, row: int, column: int) -> None:
        if row > EXCEL_ROWS or column > EXCEL_COLUMNS:
            raise _corrupt(self.name)
        self.reach.add(row, column)
        if self.reach.cells > self.limits.max_sheet_cells:
            raise too_big(self.name, self.sheet, self.reach, self.limits)

    def window(self, window: bytes) -> bool:
        """Place the window's cells; False when the scan must start again tag by tag."""
        import numpy as np

        self.shared_cells += sum(window.count(t) for t in _SHARED_T)
        if self.per_tag:
            self._per_tag(window)
            return True
        data = np.frombuffer(window + _PAD, dtype=np.uint8)
        size = len(window)
        cells = _starts(data, size, self.prefix + b"c")
        rows = _starts(data, size, self.prefix + b"row")
        closes = _starts(data, size, b"/" + self.prefix + b"row")
        if self.prefix:  # every cell tag must carry the sheet's prefix
            own = window.count(b"<" + self.prefix + b"c") + window.count(b"</" + self.prefix + b"c")
            foreign = b"<c" in window or window.count(b":c") != own
        else:
            foreign = b":c" in window
        if foreign or (b":row" in window and not self.prefix):
            return self._fallback(window)
        if not len(cells) and not len(rows) and not len(closes):
            return True
        keys = _r_keys(data, size)
        gt = np.flatnonzero(data[:size] == 62)
        if not len(keys):  # no reference anywhere: every cell takes the next column of its row
            if not self.state_known:
                return False
            self._unreferenced(data, cells, rows, closes, gt)
            return True
        if not len(cells) or b"'" in window or not len(gt):
            return self._fallback(window)
        ends = gt[np.minimum(np.searchsorted(gt, cells), len(gt) - 1)]
        quotes = np.flatnonzero(data[:size] == 34)
        if np.any(ends < cells) or np.any((np.searchsorted(quotes, ends) - np.searchsorted(quotes, cells)) & 1):
            return self._fallback(window)  # a tag cut short, or a '>' inside a quoted value
        first = len(self.prefix) + 2  # '<' + prefix + 'c'
        at = cells + first
        referenced = (data[at] == 32) & (data[at + 1] == 114) & (data[at + 2] == 61) & (data[at + 3] == 34)
        # exactly one attribute named r in each tag (calamine would take a second one instead)
        r_attributes = np.searchsorted(keys, ends) - np.searchsorted(keys, cells)
        if referenced.all() and np.all(r_attributes == 1):
            self._referenced(data, cells, ends, first + 4)
            self.state_known = False
            return True
        return self._fallback(window)

    def _fallback(self, window: bytes) -> bool:
        if not self.state_known:
            return False
        self.per_tag = True
        self._per_tag(window)
        return True

    def _referenced(self, data, cells, ends, offset: int) -> None:
        import numpy as np

        values = data[ends - 1] != 47  # <c .../> holds no value
        if not values.any():
            return
        start = cells[values] + offset
        upper = lambda x: (x >= 65) & (x <= 90)  # noqa: E731
        l1, l2, l3 = (data[start + i].astype(np.int64) for i in range(3))
        if not upper(l1).all():
            raise _corrupt(self.name)
        two = upper(l2)
        three = two & upper(l3)
        column = np.where(
            three, (l1 - 64) * 676 + (l2 - 64) * 26 + (l3 - 64), np.where(two, (l1 - 64) * 26 + (l2 - 64), l1 - 64)
        )
        digits_at = start + 1 + two + three
        grid = data[digits_at[:, None] + np.arange(8)]
        is_digit = (grid >= 48) & (grid <= 57)
        length = np.argmin(is_digit, axis=1)
        closed = grid[np.arange(len(grid)), length] == 34
        if np.any(length == 0) or np.any(length > 7) or not np.all(closed) or upper(data[digits_at]).any():
            raise _corrupt(self.name)
        powers = np.where(np.arange(8) < length[:, None], 10 ** np.clip(length[:, None] - 1 - np.arange(8), 0, None), 0)
        row = ((grid.astype(np.int64) - 48) * powers).sum(axis=1)
        if np.any(row < 1):
            raise _corrupt(self.name)
        self.add(int(row.max()), int(column.max()))

    def _unreferenced(self, data, cells, rows, closes, gt) -> None:
        """Cells without references: each takes the next column; a row's end starts the next row.
        Every cell counts as holding a value here (a cell that closes itself holds none: the
        block can only come out larger)."""
        import numpy as np

        # a row that closes itself (<row/>) ends where it starts, as calamine reads it
        if len(rows) and len(gt):
            row_ends = gt[np.minimum(np.searchsorted(gt, rows), len(gt) - 1)]
            closes = np.sort(np.concatenate([closes, rows[data[row_ends - 1] == 47]]))
        if len(cells):
            segment = np.searchsorted(closes, cells)
            rank = np.arange(len(cells)) - np.searchsorted(segment, segment)
            column = rank + np.where(segment == 0, self.col_index, 0)
            self.add(int(self.row_index + segment[-1]) + 1, int(column.max()) + 1)
            after = len(cells) - int(np.searchsorted(segment, len(closes)))
        else:
            after = 0
        self.col_index = (self.col_index if not len(closes) else 0) + after
        self.row_index += len(closes)

    def _per_tag(self, window: bytes) -> None:
        name = self.name
        canonical, letters = _CANONICAL_CELL.fullmatch, _COLUMN_VALUES
        reach = self.reach
        for tag, attrs, closed in _cell_tags(window):
            self.tags += 1
            if self.tags > PER_TAG_MAX:
                raise too_much(name)
            if tag == b"/row":
                self.row_index, self.col_index = self.row_index + 1, 0
                continue
            if tag == b"c":
                found = canonical(attrs)
                if found is not None:  # <c r="B7" s="1" t="s">: the reference, then only s and t
                    column, row = letters.get(found.group(1)), int(found.group(2))
                    if column is None or not 1 <= row <= EXCEL_ROWS:
                        raise _corrupt(name)
                    self.col_index = column
                    if not closed and (row > reach.row or column > reach.column):
                        self.add(row, column)
                    continue
            try:
                found_attrs = _get_attrs(attrs, b"r") if tag == b"row" else _get_attrs(attrs, b"r", b"s", b"t")
            except ValueError:
                raise _corrupt(name) from None
            if tag == b"row":
                if b"r" in found_attrs:
                    digits = found_attrs[b"r"].lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
                    if not digits.isdigit() or not 1 <= int(digits) <= EXCEL_ROWS:
                        raise _corrupt(name)
                    self.row_index = int(digits) - 1
                if closed:
                    self.row_index, self.col_index = self.row_index + 1, 0
                continue
            if b"r" in found_attrs:
                row, column = _ref(found_attrs[b"r"], name)
            else:
                row, column = self.row_index + 1, self.col_index + 1
            self.col_index = column
            if not closed:
                self.add(row, column)


def _starts(data, size: int, name: bytes):
    """Positions of the '<' that open a tag called ``name`` (exactly: followed by space, '/' or '>')."""
    import numpy as np

    k = len(name)
    if size <= k:
        return np.zeros(0, dtype=np.int64)
    mask = data[0 : size - k] == 60
    for i, byte in enumerate(name):
        mask &= data[i + 1 : size - k + i + 1] == byte
    found = np.flatnonzero(mask)
    follow = data[found + k + 1]
    allowed = (follow == 32) | (follow == 9) | (follow == 10) | (follow == 13) | (follow == 62)
    if not name.startswith(b"/"):
        allowed |= follow == 47
    return found[allowed]


def _r_keys(data, size: int):
    """Positions of every 'r' that could be an attribute named r (whitespace before, '=' or whitespace after)."""
    import numpy as np

    r = np.flatnonzero(data[1:size] == 114) + 1
    before, after = data[r - 1], data[r + 1]
    space = lambda x: (x == 32) | (x == 9) | (x == 10) | (x == 13)  # noqa: E731
    return r[space(before) & ((after == 61) | space(after))]


def _exact_reach(book: XlsxBook, info: zipfile.ZipInfo, sheet: str, limits: Limits) -> Reach:
    """Every cell placed as calamine places it (its reference, else the next column of its row).

    A cell holds a value unless its tag closes itself (``<c r="A1" s="3"/>``). Stops as soon as the
    block passes the limit; a sheet that needs its tags read one by one is read that way from the
    start (at most PER_TAG_MAX of them).
    """
    package = book.package
    prefix = b""
    for attempt in range(2):
        scan = None
        for window in windows(package.chunks(info), package.name):
            if scan is None:
                root = _ROOT.search(window)
                prefix = root.group(1)[: root.group(1).rfind(b":") + 1] if root else b""
                scan = _Scan(package.name, sheet, prefix, limits)
                scan.per_tag = attempt == 1
            if not scan.window(window):
                break
        else:
            reach = scan.reach if scan is not None else Reach()
            reach.text = _shared_text(book, info, scan.shared_cells if scan is not None else 0)
            return reach
    raise AssertionError("the tag-by-tag pass always finishes")


def check_zip_workbook(data: bytes, name: str, ext: str, limits: Limits) -> XlsxBook | None:
    """Check a ZIP workbook before calamine opens it: an XLSX (returns where its sheets are, to be
    checked one by one before each is read) or an ODS (all of it, now: calamine builds every table
    when it opens one). XLSB and ZIPs that could be read as two kinds are refused."""
    package = Package(data, name, limits)
    ods = "content.xml" in package.names
    xlsx = package.has("_rels/.rels")
    if any(key.endswith(".bin") and key.rsplit("/", 1)[-1] == "workbook.bin" for key in package.members):
        raise InputFileError("unsupported_type", name=name)
    if ods and xlsx:
        raise _corrupt(name)
    if ods:
        from .odsfile import check_ods

        check_ods(package, limits)
        return None
    if not xlsx:
        if {"xl/workbook.xml", "content.xml"} & set(package.members):
            raise _corrupt(name)
        raise InputFileError("zip_not_spreadsheet", name=name)
    return xlsx_book(package, limits)


__all__ = ["Package", "Reach", "XlsxBook", "check_xlsx_sheet", "check_zip_workbook", "too_big", "too_much", "windows"]
