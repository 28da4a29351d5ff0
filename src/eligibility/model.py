"""The intake record and the small value types the engine reads.

Dates may be partial (a year, a month or a day) and are closed intervals. Yes/no answers are
three-valued: ``"yes"``, ``"no"`` or ``"unknown"``; a blank is ``"unknown"``, never ``"no"``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from .text import Message

YesNo = Literal["yes", "no", "unknown"]
Precision = Literal["day", "month", "year"]

from .fields import COUNTRY_FIELDS, DATE_FIELDS, FIELDS, IDENTIFYING_FIELDS, TEXT_FIELDS, YES_NO_FIELDS  # noqa: F401 (their home before fields.py)


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


class IntakeRecord(BaseModel):
    """One person's facts, in canonical form. Build it from raw cells with ``normalize.to_record``."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, extra="forbid")

    client_id: str | None = None
    full_name: str | None = None
    a_number: str | None = None
    date_of_birth: PartialDate | None = None
    nationality: str | None = None
    mpp_enrolled: YesNo = "unknown"
    mpp_enrollment_date: PartialDate | None = None
    current_country: str | None = None
    entered_us_since_mpp: YesNo = "unknown"
    case_status: str | None = None
    order_date: PartialDate | None = None
    appeal_filed: YesNo = "unknown"
    other_case_pending: YesNo = "unknown"
    notes: str | None = None
    data_issues: tuple[Any, ...] = ()
    """``DataIssue`` values found while reading this record."""

    @model_validator(mode="before")
    @classmethod
    def _normalize(cls, data: Any) -> Any:
        """Read raw values as the batch does ("United States" -> "US", "julio 2019" -> 2019-07).

        Canonical values pass through unchanged. A value that cannot be read becomes unknown and
        a data issue, never an exception; an invalid A-number never changes the determination.
        Uses the bundled vocabulary; for another rule set use ``Normalizer(rules).to_record``.
        """
        if not isinstance(data, dict):
            return data
        from .normalize import default_normalizer

        normalizer = default_normalizer()
        out: dict[str, Any] = {}
        issues = list(data.get("data_issues", ()))
        for name, value in data.items():
            if name == "data_issues" or name not in FIELDS:
                if name != "data_issues":
                    out[name] = value  # pydantic reports the unknown field
                continue
            if isinstance(value, dict) and set(value) == {"start", "end", "precision"}:
                value = PartialDate(**value)
            if isinstance(value, PartialDate):
                out[name] = value
                continue
            parsed, issue = normalizer.parse(name, value)
            if issue is not None:
                issues.append(issue)
            if parsed is not None:
                out[name] = parsed
        out["data_issues"] = tuple(issues)
        return out

    def facts(self) -> dict[str, str]:
        """The canonical facts as display strings ("" for unknown)."""
        out: dict[str, str] = {}
        for name in FIELDS:
            value = getattr(self, name)
            out[name] = "" if value is None or value == "unknown" else str(value)
        return out
