"""Raw cell values -> canonical values: yes/no, dates, countries, case statuses, A-numbers.

Every parser returns ``(value, issue)``: a value that cannot be read becomes ``None`` (unknown)
plus a :class:`DataIssue` with a stable code; nothing here raises on bad data.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from typing import Any, Literal, NamedTuple

from babel import Locale
from babel.dates import get_month_names

from .cells import cell_text, is_blank
from .i18n import msg
from .model import (
    COUNTRY_FIELDS,
    DATE_FIELDS,
    TEXT_FIELDS,
    YES_NO_FIELDS,
    DataIssue,
    IntakeRecord,
    PartialDate,
    YesNo,
)
from .rules import RuleSet, Vocabulary
from .text import CountryName, country_name  # noqa: F401 (country_name: used by the pages)

DateOrder = Literal["mdy", "dmy"]
Parsed = tuple[Any, DataIssue | None]

EXCEL_EPOCH = dt.date(1899, 12, 30)
MIN_YEAR, MAX_YEAR = 1900, 2100
SERIAL_MIN, SERIAL_MAX = 366, 73051  # 1901-01-01 .. 2099-12-31 as Excel serial numbers


def fold(value: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces.

    >>> fold("  Orden de Deportación, EN AUSENCIA. ")
    'orden de deportacion en ausencia'
    """
    if value.isascii():
        return " ".join(_NOT_WORD.sub(" ", value.lower()).split())
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    no_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", no_marks).split())


_NOT_WORD = re.compile(r"[^0-9a-z?✓✔]+")


def _issue(code: str, field: str | None, value: Any, **params: Any) -> DataIssue:
    text = cell_text(value)
    return DataIssue(code, field, text, msg(f"issue.{code}", value=text[:80], **params))


# ------------------------------------------------------------------------------------- yes/no


_YES_NO_TABLES: dict[int, dict[str, YesNo]] = {}


def _yes_no_table(vocabulary: Vocabulary) -> dict[str, YesNo]:
    cached = _YES_NO_TABLES.get(id(vocabulary))
    if cached is not None:
        return cached
    table: dict[str, YesNo] = {}
    for answer, words in vocabulary.yes_no.items():
        for word in words:
            table[word.casefold().strip()] = answer
            table[fold(word)] = answer
    _YES_NO_TABLES[id(vocabulary)] = table
    return table


def parse_yes_no(value: Any, vocabulary: Vocabulary, field: str | None = None) -> tuple[YesNo, DataIssue | None]:
    """Read yes/no/unknown in English or Spanish; blank -> ``"unknown"``.

    >>> from eligibility.rules import load_rules
    >>> parse_yes_no("Sí", load_rules().vocabulary)
    ('yes', None)
    """
    if is_blank(value):
        return "unknown", None
    if isinstance(value, bool):
        return ("yes" if value else "no"), None
    table = _yes_no_table(vocabulary)
    text = cell_text(value).strip()
    answer = table.get(text.casefold()) or table.get(fold(text))
    if answer is None:
        return "unknown", _issue("unreadable_yes_no", field, value)
    return answer, None


# ------------------------------------------------------------------------------------ A-number

_A_NUMBER_STRIP = re.compile(r"[Aa\s.\-]")


def normalize_a_number(value: Any) -> tuple[str | None, DataIssue | None]:
    """Strip "A", spaces, dashes and dots; 8 or 9 digits, 8 left-padded to 9.

    >>> normalize_a_number("A 012-345-678")
    ('012345678', None)
    >>> normalize_a_number("12.345.678")
    ('012345678', None)
    """
    if is_blank(value):
        return None, None
    text = cell_text(value)
    digits = _A_NUMBER_STRIP.sub("", text)
    if digits.isascii() and digits.isdigit() and len(digits) in (8, 9):
        return digits.zfill(9), None
    return text.strip(), _issue("invalid_a_number", "a_number", text)


def normalize_a_numbers(values: Any) -> tuple[Any, dict[int, DataIssue]]:
    """``normalize_a_number`` over a whole column at once: the values (a pyarrow string array) and
    the issues by position. Same results as the one-value path, which still decides every value
    the vectorised patterns do not settle (once per distinct value).
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array) and pa.types.is_string(values.type):
        array, raw = values, None
    else:
        raw = list(values)
        array = pa.array([v if isinstance(v, str) else None for v in raw], type=pa.string())
    # The usual shape, "A012345678" or "12345678", is settled by one pattern.
    simple = pc.fill_null(pc.match_substring_regex(array, r"^[Aa]?[0-9]{8,9}$"), False)
    out = pc.if_else(simple, pc.utf8_lpad(pc.utf8_ltrim(array, "Aa"), width=9, padding="0"), pa.scalar(None, pa.string()))
    blank = pc.fill_null(pc.equal(array, ""), raw is None)  # null: no value in Arrow; a number in a list
    rest = np.flatnonzero(~(simple.to_numpy(zero_copy_only=False) | blank.to_numpy(zero_copy_only=False)))
    if raw is not None:
        rest = rest[[raw[i] is not None for i in rest.tolist()]]
    issues: dict[int, DataIssue] = {}
    if not len(rest):
        return out, issues
    # Separators ("A 012-345-678", "12.345.678"): strip them as the one-value path does.
    texts = pc.take(array, pa.array(rest))
    digits = pc.replace_substring_regex(texts, pattern=r"[Aa\s.\-]", replacement="")
    good = pc.fill_null(pc.match_substring_regex(digits, pattern=r"^[0-9]{8,9}$"), False).to_pylist()
    padded = pc.utf8_lpad(digits, width=9, padding="0").to_pylist()
    originals = texts.to_pylist() if raw is None else [raw[i] for i in rest.tolist()]
    decided: dict[Any, tuple[str | None, DataIssue | None]] = {}
    fixed: list[str | None] = []
    for i, value, ok, pad in zip(rest.tolist(), originals, good, padded, strict=True):
        if ok:
            fixed.append(pad)
            continue
        key = (type(value), value)
        if key not in decided:
            decided[key] = normalize_a_number(value)
        result, issue = decided[key]
        fixed.append(result)
        if issue is not None:
            issues[i] = issue
    mask = np.zeros(len(array), dtype=bool)
    mask[rest] = True
    return pc.replace_with_mask(out, pa.array(mask), pa.array(fixed, type=pa.string())), issues


# --------------------------------------------------------------------------------------- dates


@cache
def _month_names() -> dict[str, int]:
    names: dict[str, int] = {}
    for locale in ("en", "es"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=locale).items():
                    names[fold(name)] = number
    names.update({"sep": 9, "set": 9, "sept": 9, "setiembre": 9})
    return names


_FILLER = {"de", "del", "of", "the", "st", "nd", "rd", "th", "el", "en", "y", "a"}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})(?:\.0)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_SERIAL = re.compile(r"^\d{3,5}(?:\.\d+)?$")


def _year(text: str) -> int:
    number = int(text)
    if len(text) == 2:
        return 2000 + number if number <= 50 else 1900 + number
    return number


def _make(year: int, month: int | None = None, day: int | None = None) -> PartialDate | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        if month is None:
            return PartialDate.year(year)
        if day is None:
            return PartialDate.month(year, month)
        return PartialDate.day(dt.date(year, month, day))
    except ValueError:
        return None


def date_order_evidence(value: Any) -> DateOrder | Literal["ambiguous"] | None:
    """For ``a/b/yyyy`` text, which order the value allows: ``"dmy"``, ``"mdy"``, ``"ambiguous"``.

    >>> date_order_evidence("25/12/2020"), date_order_evidence("12/25/2020"), date_order_evidence("3/4/2020")
    ('dmy', 'mdy', 'ambiguous')
    """
    if not isinstance(value, str):
        return None
    match = _NUMERIC.match(value.strip())
    if not match:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    if first > 12 >= second:
        return "dmy"
    if second > 12 >= first:
        return "mdy"
    if first <= 12 and second <= 12 and first != second:
        return "ambiguous"
    return None


def parse_date(value: Any, order: DateOrder | None = None, field: str | None = None) -> Parsed:
    """Read a full, month or year date in the forms intake sheets use.

    ``order`` settles ``3/4/2020``-style values; without it they are read month-first and a
    ``date_order_assumed`` warning is returned with the value.

    >>> str(parse_date("julio 2019")[0]), str(parse_date("15/07/2019")[0]), str(parse_date(43831)[0])
    ('2019-07', '2019-07-15', '2020-01-01')
    """
    if is_blank(value):
        return None, None
    if isinstance(value, dt.datetime):
        return _checked(_make(value.year, value.month, value.day), value, field)
    if isinstance(value, dt.date):
        return _checked(_make(value.year, value.month, value.day), value, field)
    if isinstance(value, bool):
        return None, _issue("unreadable_date", field, value)
    if isinstance(value, int | float):
        return _parse_number(float(value), value, field)
    text = str(value).strip()
    if _SERIAL.match(text) and not _YEAR.match(text):
        return _parse_number(float(text), value, field)
    for parser in (_parse_iso, _parse_numeric, _parse_words):
        result = parser(text, order, field, value)
        if result is not None:
            return result
    return None, _issue("unreadable_date", field, value)


def _checked(parsed: PartialDate | None, raw: Any, field: str | None) -> Parsed:
    if parsed is None:
        return None, _issue("unreadable_date", field, raw)
    return parsed, None


def _parse_number(number: float, raw: Any, field: str | None) -> Parsed:
    if number.is_integer() and MIN_YEAR <= number <= MAX_YEAR:
        return PartialDate.year(int(number)), None
    if SERIAL_MIN <= number <= SERIAL_MAX:
        return PartialDate.day(EXCEL_EPOCH + dt.timedelta(days=int(number))), None
    return None, _issue("unreadable_date", field, raw)


def _parse_iso(text: str, order: DateOrder | None, field: str | None, raw: Any) -> Parsed | None:
    if match := _ISO.match(text):
        return _checked(_make(int(match.group(1)), int(match.group(2)), int(match.group(3))), raw, field)
    if match := _YEAR_MONTH.match(text):
        return _checked(_make(int(match.group(1)), int(match.group(2))), raw, field)
    if match := _YEAR.match(text):
        return _checked(_make(int(match.group(1))), raw, field)
    if match := _MONTH_YEAR.match(text):
        return _checked(_make(int(match.group(2)), int(match.group(1))), raw, field)
    return None


def _parse_numeric(text: str, order: DateOrder | None, field: str | None, raw: Any) -> Parsed | None:
    match = _NUMERIC.match(text)
    if not match:
        return None
    first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
    evidence = date_order_evidence(text)
    issue = None
    if evidence == "ambiguous":
        if order is None:
            issue = _issue("date_order_assumed", field, raw)
            issue = DataIssue(issue.code, issue.field, issue.value, issue.message, severity="warning")
        chosen = order or "mdy"
    else:
        chosen = evidence or order or "mdy"
    month, day = (first, second) if chosen == "mdy" else (second, first)
    parsed, problem = _checked(_make(year, month, day), raw, field)
    return parsed, problem or issue


def _parse_words(text: str, order: DateOrder | None, field: str | None, raw: Any) -> Parsed | None:
    months = _month_names()
    tokens = [t for t in re.findall(r"[a-z]+|\d+", fold(text)) if t not in _FILLER]
    month_tokens = [t for t in tokens if t in months]
    if len(month_tokens) != 1:
        return None
    numbers = [t for t in tokens if t.isdigit()]
    if len(numbers) + 1 != len(tokens):
        return None  # a word that is neither a month nor filler
    month = months[month_tokens[0]]
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if len(years) == 1 and not days:
        return _checked(_make(int(years[0]), month), raw, field)
    if len(years) == 1 and len(days) == 1:
        return _checked(_make(int(years[0]), month, int(days[0])), raw, field)
    if not years and len(days) == 1 and re.search(r"[a-z][-'’/ ]?\d{2}$", fold(text).replace(" ", "-")) and re.search(r"[-'’/]", text):
        return _checked(_make(_year(days[0].zfill(2)), month), raw, field)  # "Jul-19"
    return None


def infer_date_order(values: list[Any]) -> tuple[DateOrder | None, bool]:
    """Infer a column's day/month order from values that can only be read one way.

    Returns ``(order, ambiguous)``: ``ambiguous`` is True when some values could be read
    either way and nothing in the column settles it (or the column contradicts itself).

    >>> infer_date_order(["25/12/2020", "3/4/2020"])
    ('dmy', False)
    >>> infer_date_order(["3/4/2020"])
    (None, True)
    """
    kinds = {date_order_evidence(v) for v in values}
    has_ambiguous = "ambiguous" in kinds
    if "dmy" in kinds and "mdy" not in kinds:
        return "dmy", False
    if "mdy" in kinds and "dmy" not in kinds:
        return "mdy", False
    return None, has_ambiguous or ("dmy" in kinds and "mdy" in kinds)


# ---------------------------------------------------------------------------------- countries


class PlaceResolver:
    """Countries, cities and nationalities in English and Spanish -> ISO alpha-2 codes."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        names: dict[str, str] = {}
        for locale in ("en", "es"):
            for code, name in Locale.parse(locale).territories.items():
                if len(code) == 2 and code.isalpha() and code not in {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}:
                    names[fold(name)] = code
        places = vocabulary.places
        for code, aliases in places.get("aliases", {}).items():
            for alias in aliases:
                names[fold(alias)] = code
        for city in places.get("mexican_cities", []):
            names[fold(city)] = "MX"
        for code, words in places.get("demonyms", {}).items():
            for word in words:
                names[fold(word)] = code
        self.codes = {code.casefold() for code in names.values()}
        self.exact = names
        searchable = sorted((n for n in names if len(n) >= 4 or " " in n), key=len, reverse=True)
        self.pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in searchable) + r")\b")

    def resolve(self, value: Any, field: str | None = None) -> tuple[str | None, DataIssue | None]:
        """Return the country code a cell names, or ``None`` plus a data issue.

        A cell naming two different countries ("Honduras, deported from Mexico") is ambiguous.
        """
        if is_blank(value):
            return None, None
        text = cell_text(value)
        folded = fold(text)
        if not folded or folded in {"unknown", "desconocido", "no se", "n a", "na"}:
            return None, None
        if folded in self.exact:
            return self.exact[folded], None
        if len(folded) == 2 and folded in self.codes:
            return folded.upper(), None
        found = {self.exact[m.group(0)] for m in self.pattern.finditer(folded)}
        if len(found) == 1:
            return found.pop(), None
        if len(found) > 1:
            return None, _issue("ambiguous_place", field, text)
        return None, _issue("unknown_place", field, text)


# -------------------------------------------------------------------------------- case status


class StatusResolver:
    """Case-status words (English, Spanish, EOIR's portal) -> status-table codes.

    The most specific phrase wins: the longest phrase found as whole words in the cell.
    A cell with a negation ("no appeal filed") is not guessed at: unknown plus a data issue.
    """

    NEGATIONS = frozenset({"not", "no", "never", "nunca", "sin", "denied", "negado", "negada", "without"})

    def __init__(self, vocabulary: Vocabulary) -> None:
        phrases: dict[str, str] = {}
        for code, words in vocabulary.case_status.items():
            phrases[fold(code.replace("_", " "))] = code
            for word in words:
                phrases[fold(word)] = code
        self.phrases = phrases
        ordered = sorted(phrases, key=len, reverse=True)
        self.pattern = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b")

    def resolve(self, value: Any, field: str | None = "case_status") -> tuple[str | None, DataIssue | None]:
        """Return the status code a cell names (``None`` for unknown) and any data issue."""
        if is_blank(value):
            return None, None
        text = cell_text(value)
        folded = fold(text)
        code = self.phrases.get(folded)
        if code is None:
            matches = [m.group(0) for m in self.pattern.finditer(folded)]
            if not matches:
                return None, _issue("unknown_case_status", field, text)
            if self.NEGATIONS & set(folded.split()):
                return None, _issue("unclear_case_status", field, text)
            code = self.phrases[max(matches, key=len)]
        return (None, None) if code == "unknown" else (code, None)


# ---------------------------------------------------------------------------------- records


@cache
def default_normalizer() -> Normalizer:
    """A Normalizer for the bundled rules (used when an IntakeRecord is built from raw values)."""
    from .rules import load_rules

    return Normalizer(load_rules())


class Normalizer:
    """All value parsers for one rule set, with their lookup tables built once."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.vocabulary = ruleset.vocabulary
        self.places = PlaceResolver(ruleset.vocabulary)
        self.statuses = StatusResolver(ruleset.vocabulary)

    def parse(self, field: str, value: Any, date_order: DateOrder | None = None) -> Parsed:
        """Parse one raw value of a canonical field."""
        if field in YES_NO_FIELDS:
            return parse_yes_no(value, self.vocabulary, field)
        if field in DATE_FIELDS:
            return parse_date(value, date_order, field)
        if field in COUNTRY_FIELDS:
            return self.places.resolve(value, field)
        if field == "case_status":
            return self.statuses.resolve(value, field)
        if field == "a_number":
            return normalize_a_number(value)
        if field in TEXT_FIELDS:
            return (None if is_blank(value) else cell_text(value).strip()), None
        raise KeyError(f"not a canonical field: {field}")

    def to_record(self, raw: Mapping[str, Any], date_orders: Mapping[str, DateOrder | None] | None = None) -> IntakeRecord:
        """Build an ``IntakeRecord`` from raw values keyed by canonical field name."""
        values: dict[str, Any] = {}
        issues: list[DataIssue] = []
        for field, value in raw.items():
            parsed, issue = self.parse(field, value, (date_orders or {}).get(field))
            if issue is not None:
                issues.append(issue)
            if parsed is not None:
                values[field] = parsed
        return IntakeRecord.model_construct(**values, data_issues=tuple(issues))
