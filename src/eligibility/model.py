"""The intake record and the small value types the engine reads. Pure: no I/O, no rules loaded.

Dates may be partial (a year, a month or a day) and are closed intervals; a day/month date that
nothing settles is both of its readings (:class:`DateReadings`). Yes/no answers are three-valued:
``"yes"``, ``"no"`` or ``"unknown"``; a blank is ``"unknown"``, never ``"no"``. A cell that was
written but could not be read with certainty keeps its text in a :class:`Reading`, so every reason
that rests on it can quote it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, model_validator

from .fields import FIELDS, YES_NO_FIELDS
from .text import Localized, Message

YesNo = Literal["yes", "no", "unknown"]
Precision = Literal["day", "month", "year"]


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to the day, the month or only the year: the closed interval [start, end].

    >>> PartialDate.month(2019, 7)
    PartialDate('2019-07')
    >>> PartialDate.month(2019, 7).end
    datetime.date(2019, 7, 31)
    """

    start: dt.date
    end: dt.date
    precision: Precision

    @classmethod
    def day(cls, value: dt.date) -> PartialDate:
        return cls(value, value, "day")

    @classmethod
    def month(cls, year: int, month: int) -> PartialDate:
        last = calendar.monthrange(year, month)[1]
        return cls(dt.date(year, month, 1), dt.date(year, month, last), "month")

    @classmethod
    def year(cls, year: int) -> PartialDate:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")

    def __str__(self) -> str:
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "month":
            return self.start.strftime("%Y-%m")
        return f"{self.start.year:04d}"

    def __repr__(self) -> str:
        return f"PartialDate({str(self)!r})"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


@dataclass(frozen=True, slots=True)
class DataIssue:
    """A value that could not be read, or a fact about the data staff should check.

    ``code`` is stable (for filters and translation); ``message`` renders in either language.
    The field the issue concerns is treated as unknown; the row still gets a determination.
    """

    code: str
    field: str | None
    value: str
    message: Message
    row: int | None = None
    column: str | None = None
    severity: Literal["error", "warning"] = "error"

    def at(self, row: int | None, column: str | None) -> DataIssue:
        """Return this issue placed at a spreadsheet row and column."""
        return DataIssue(self.code, self.field, self.value, self.message, row, column, self.severity)


class DateReadings(NamedTuple):
    """A day/month date its column does not settle ("03/04/2020"): both readings, in order.

    >>> str(DateReadings(PartialDate.day(dt.date(2020, 3, 4)), PartialDate.day(dt.date(2020, 4, 3))))
    '2020-03-04 or 2020-04-03'
    """

    first: PartialDate
    second: PartialDate

    def __str__(self) -> str:
        return f"{self.first} or {self.second}"

    def get(self, lang: str) -> str:
        return f"{self.first} {'o' if lang == 'es' else 'or'} {self.second}"


DateValue = PartialDate | DateReadings


def readings_of(value: DateValue) -> tuple[PartialDate, ...]:
    """The readings of a date value: one for a plain date, two for a day/month date."""
    return (value.first, value.second) if isinstance(value, DateReadings) else (value,)


class PlaceSet(NamedTuple):
    """The countries a place cell may name, when it does not name exactly one.

    ``complement`` means "every country except ``codes``": "fuera de EE.UU." is
    ``PlaceSet({"US"}, complement=True)``; an unreadable cell is ``PlaceSet(frozenset(), True)``
    (it may be anywhere); "Nogales" is ``PlaceSet({"US", "MX"})``.
    """

    codes: frozenset[str]
    complement: bool = False

    def may_be(self, code: str) -> bool:
        """Whether the place may be the country ``code``."""
        return (code not in self.codes) if self.complement else (code in self.codes)

    def only_within(self, codes: frozenset[str]) -> bool:
        """Whether every country the place may be is one of ``codes``."""
        return not self.complement and self.codes <= codes


Place = str | PlaceSet
"""An ISO 3166 alpha-2 code (exactly one country) or a :class:`PlaceSet`."""


class CaseStatus(NamedTuple):
    """A case-status cell, read: the status-table codes it names (one, or several for a cell
    that records several events; none when it could not be read) and any answer it gives about an
    appeal ("removal order, no appeal")."""

    codes: tuple[str, ...]
    appeal: str | None = None


class Conflict(NamedTuple):
    """Two sources of one fact that disagree (a column and the text pasted from EOIR's portal, or
    one of them could not be read): neither value is taken. Every element that reads the fact gets
    the rules' ``sources_disagree`` status, quoting both.

    >>> str(Conflict(("no", "yes")))
    'no ≠ yes'
    """

    values: tuple[Any, ...]

    def __str__(self) -> str:
        return " ≠ ".join(" + ".join(v.codes) if isinstance(v, CaseStatus) else str(v) for v in self.values)


class Reading(NamedTuple):
    """How a free-text cell was read, so a reason can quote it ("“Terminado” read as: ...").

    ``reading`` names what it was read as; ``None`` with a ``why`` when it could not be read with
    certainty. ``text`` is the cell as written (long cells are cut, with an ellipsis).
    """

    field: str
    text: str
    reading: Localized | None
    why: Localized | None = None


class IntakeRecord(BaseModel):
    """One person's facts, in canonical form (build it from raw cells with ``Normalizer.to_record``).

    Canonical values only: a yes/no is ``"yes"``/``"no"``/``"unknown"``, a country an ISO code, a
    date a :class:`PartialDate`, a case status a status-table code (or a :class:`CaseStatus`). A
    case fact whose two sources disagree is a :class:`Conflict` (only ``Normalizer.record`` builds
    one, without validation, so it is not among the annotations).
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, extra="forbid")

    client_id: str | None = None
    full_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    a_number: str | None = None
    date_of_birth: PartialDate | DateReadings | None = None
    nationality: str | PlaceSet | None = None
    mpp_enrolled: YesNo = "unknown"
    mpp_enrollment_date: PartialDate | DateReadings | None = None
    arrived_unaccompanied: YesNo = "unknown"
    current_country: str | PlaceSet | None = None
    entered_us_since_mpp: YesNo = "unknown"
    case_status: CaseStatus | None = None
    order_date: PartialDate | DateReadings | None = None
    appeal_filed: YesNo = "unknown"
    other_case_pending: YesNo = "unknown"
    eoir_text: str | None = None
    """Never set on a built record: the portal text is read into the case fields it settles."""
    notes: str | None = None
    readings: tuple[Any, ...] = ()
    """How the free-text cells among these facts were read (``Reading`` values, quoted by the reasons)."""
    data_issues: tuple[Any, ...] = ()
    """``DataIssue`` values found while reading this record."""

    @model_validator(mode="before")
    @classmethod
    def _status_code(cls, data: Any) -> Any:
        """A case status given as a status-table code is that one status (pure: nothing is read)."""
        if isinstance(data, dict) and isinstance(data.get("case_status"), str):
            data = {**data, "case_status": CaseStatus((data["case_status"],))}
        return data

    def reading(self, field: str) -> Reading | None:
        """How the cell of ``field`` was read, when it was free text."""
        return next((r for r in self.readings if r.field == field), None)

    def facts(self) -> dict[str, str]:
        """The canonical facts as display strings ("" for unknown)."""
        out: dict[str, str] = {}
        for name in FIELDS:
            value = getattr(self, name)
            if isinstance(value, CaseStatus):
                value = " + ".join(value.codes) or None
            out[name] = "" if value is None or value == "unknown" else str(value)
        return out


class Facts:
    """A person's facts as the engine reads them: the fields and defaults of :class:`IntakeRecord`,
    without pydantic. The batch builds one per distinct combination of facts, where a pydantic
    model would cost many times more; both are built by ``Normalizer.record``."""

    readings: tuple = ()
    data_issues: tuple = ()

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)  # the rest are the class's defaults, set once below

    def reading(self, field: str) -> Reading | None:
        """How the cell of ``field`` was read, when it was free text."""
        return next((r for r in self.readings if r.field == field), None)


for _name in FIELDS:  # IntakeRecord's defaults: "unknown" for a yes/no, None for the rest
    setattr(Facts, _name, "unknown" if _name in YES_NO_FIELDS else None)


__all__ = ["FIELDS", "YES_NO_FIELDS", "CaseStatus", "Conflict", "DataIssue", "DateReadings", "Facts", "IntakeRecord", "PartialDate",
           "PlaceSet", "Reading"]
