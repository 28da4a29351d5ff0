"""The re-check calendar (iCalendar, written with the ``icalendar`` library): one all-day event per
row that waits for a date, on that date.

An event names the person by client ID, or by the row's reference when the row has no client ID or
shares it with another row; never by a name, an A-number or any other cell (a calendar is easily
synced and shared). Written only when staff ask for it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from .. import __version__
from ..batch import BatchResult
from ..cells import cell_text
from ..i18n import t
from .csvfile import deliver
from .rows import pseudonym

PRODUCT = "mpp1-class-screening"


def calendar_label(result: BatchResult) -> list[str]:
    """Per row, how a calendar names it: its client ID when that is present and unique, else its reference."""
    table = result.table
    refs = [pseudonym(r) for r in table.row_numbers]
    index = result.field_column("client_id")
    if index is None:
        return refs
    ids = [cell_text(v).strip() for v in table.values(index)]
    counts = Counter(ids)
    return [i if i and counts[i] == 1 else ref for i, ref in zip(ids, refs, strict=True)]


def recheck_calendar(result: BatchResult, *, target: Path | None = None) -> bytes:
    """The .ics file: one all-day VEVENT per re-check date, titled by client ID or reference."""
    from icalendar import Calendar, Event

    lang = result.lang
    calendar = Calendar()
    calendar.add("prodid", f"-//{PRODUCT}//{__version__}//{lang.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", t("calendar.name", lang))
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    labels = calendar_label(result)
    results = result.arrays["result"].to_pylist()
    for i, day in enumerate(result.recheck):
        if not day:
            continue
        date = dt.date.fromisoformat(day)
        event = Event()
        event.add("uid", f"{labels[i]}/{day}@{PRODUCT}")
        event.add("dtstamp", stamp)
        event.add("dtstart", date)
        event.add("dtend", date + dt.timedelta(days=1))
        event.add("summary", t("calendar.summary", lang, who=labels[i]))
        event.add("description", t("calendar.description", lang, result=results[i], as_of=result.as_of.isoformat(), version=result.rules_version))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return deliver(calendar.to_ical(), target)


__all__ = ["calendar_label", "recheck_calendar"]
