"""The time a report was generated, as printed on every report (light: no pyarrow, no pandas)."""

from __future__ import annotations

import datetime as dt


def now() -> str:
    """The local time now, as reports print it ("2026-11-28 09:15 UTC")."""
    return dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
