"""Workbooks (XLSX, XLSM, XLS, ODS) through python-calamine, with ZIP-bomb and password checks first."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ..errors import InputFileError
from .table import CFB_MAGIC, ZIP_MAGIC, Limits, _corrupt, _password, _too_many_rows, _trim


def _check_zip(data: bytes, name: str, limits: Limits) -> None:
    """Refuse ZIP bombs before any XML is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
            names = {info.filename for info in archive.infolist()}
    except zipfile.BadZipFile:
        raise _corrupt(name) from None
    if total > limits.max_unzipped_bytes or total > limits.max_zip_ratio * max(len(data), 1):
        raise InputFileError("zip_bomb", name=name)
    if not ({"xl/workbook.xml", "content.xml", "xl/workbook.bin"} & names):
        raise InputFileError("zip_not_spreadsheet", name=name)


def _read_workbook(
    data: bytes, name: str, ext: str, sheet: str | None, limits: Limits
) -> tuple[list[list[Any]], str, list[str]]:
    import python_calamine as calamine

    if data.startswith(ZIP_MAGIC):
        _check_zip(data, name, limits)
    elif data.startswith(CFB_MAGIC):
        if ext in (".xlsx", ".xlsm") or b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data[:65536]:
            raise _password(name)
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
            book_sheet = workbook.get_sheet_by_name(candidate)
            if book_sheet.total_height > limits.max_rows + 50:
                raise _too_many_rows(name, limits)
            grid = _trim(book_sheet.to_python(skip_empty_area=False))
            if grid or sheet is not None:
                return grid, candidate, names
        return [], order[0] if order else "", names
    except calamine.PasswordError:
        raise _password(name) from None
    except InputFileError:
        raise
    except Exception:  # calamine raises several error types for damaged files
        raise _corrupt(name) from None

