"""Workbooks (XLSX, XLSM, XLS, ODS) through python-calamine, each checked first (read/extent.py,
read/biff.py) so that no file can make calamine ask for more memory than the limits allow."""

from __future__ import annotations

import io
from collections.abc import Callable
from itertools import chain
from typing import Any

from ..errors import InputFileError
from .biff import check_xls
from .extent import check_xlsx_sheet, check_zip_workbook
from .table import CFB_MAGIC, ZIP_MAGIC, Limits, _corrupt, _password, _too_many_rows, _trim

ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


def _read_workbook(
    data: bytes, name: str, ext: str, sheet: str | None, limits: Limits, on_parse: Callable[[], None] = lambda: None
) -> tuple[list[list[Any]], str, list[str]]:
    import python_calamine as calamine

    book = None
    if data.startswith(ZIP_MAGIC):
        book = check_zip_workbook(data, name, ext, limits)
    elif data.startswith(CFB_MAGIC):
        if ext in (".xlsx", ".xlsm") or ENCRYPTION_INFO in data[:65536]:
            raise _password(name)
        check_xls(data, name, limits)
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
                raise InputFileError("no_such_sheet", name=name, sheet=sheet, sheets=", ".join(names))
            order = [sheet]
        else:
            order = [n for n in names if n in visible] or names
        for candidate in order:
            long_text = check_xlsx_sheet(book, candidate, limits).long_text if book is not None else True
            on_parse()  # checked: python-calamine parses it without holding Python's lock
            book_sheet = workbook.get_sheet_by_name(candidate)
            if book_sheet.total_height > limits.max_rows + 50:
                raise _too_many_rows(name, limits)
            grid = _trim(book_sheet.to_python(skip_empty_area=False))
            if grid or sheet is not None:
                if long_text:
                    _check_cell_length(grid, name, limits)
                return grid, candidate, names
        return [], order[0] if order else "", names
    except calamine.PasswordError:
        raise _password(name) from None
    except InputFileError:
        raise
    except Exception:  # calamine raises several error types for damaged files
        raise _corrupt(name) from None
    except BaseException as error:  # a Rust panic in calamine arrives as pyo3's PanicException
        if type(error).__name__ == "PanicException":
            raise _corrupt(name) from None
        raise


def _check_cell_length(grid: list[list[Any]], name: str, limits: Limits) -> None:
    """Refuse a sheet with a text cell longer than the limit (CSVs are held to the same)."""
    texts = filter(str.__instancecheck__, chain.from_iterable(grid))
    if max(map(len, texts), default=0) > limits.max_cell_chars:
        raise InputFileError("cell_too_long", name=name, limit=f"{limits.max_cell_chars:,}")
