"""Raw spreadsheet cells: blank or not, and the text a person sees. Light to import on purpose:
the reader needs it before anything heavy has loaded."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any


def is_blank(value: Any) -> bool:
    """True for None, NaN and strings of only whitespace."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def cell_text(value: Any) -> str:
    """Render a raw cell as the text a person would see (``12345678.0`` -> ``"12345678"``)."""
    if type(value) is str:  # most cells: as they are
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
