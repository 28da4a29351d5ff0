"""Raw cells -> canonical facts: yes/no answers, dates, places, case statuses, A-numbers.

Never guess (contract version 2). Every reader returns a :class:`Read`: the canonical value (or
unknown), a :class:`~eligibility.model.Reading` that keeps the text of a free-text cell so the
reasons can quote it, and a :class:`~eligibility.model.DataIssue` for a cell that could not be
read. A written cell is never treated as blank; nothing here raises on bad data. The words come
from ``rules/vocabulary.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, NamedTuple

from .cells import cell_text, is_blank
from .fields import COUNTRY_FIELDS, DATE_FIELDS, TEXT_FIELDS, YES_NO_FIELDS
from .i18n import CatalogText, msg
from .model import CaseStatus, DataIssue, DateReadings, Facts, IntakeRecord, PartialDate, PlaceSet, Reading
from .phrases import BOUNDARY, Phrases, fold, fold_words, words
from .rules import RuleSet, Text, Vocabulary
from .text import CountryName, country_name

DateOrder = Literal["mdy", "dmy"]

EXCEL_EPOCH = dt.date(1899, 12, 30)
MIN_YEAR, MAX_YEAR = 1900, 2100
SERIAL_MIN, SERIAL_MAX = 366, 73051  # 1901-01-01 .. 2099-12-31 as Excel serial numbers
QUOTE_CHARS = 160
"""A quoted cell is cut to this many characters (with an ellipsis): enough to check it by eye."""


class Read(NamedTuple):
    """One cell, read: its canonical value (None or "unknown" when not known), how a free-text
    cell was read (quoted by the reasons), and the data issue it raised, if any."""

    value: Any
    reading: Reading | None = None
    issue: DataIssue | None = None


def quote(text: str) -> str:
    """A cell as it is quoted: one line, at most ``QUOTE_CHARS`` characters.

    >>> quote("x" * 200)[-3:], len(quote("x" * 200))
    ('xx…', 160)
    """
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


def _issue(code: str, field: str | None, value: Any, *, severity: Literal["error", "warning"] = "error", **params: Any) -> DataIssue:
    text = cell_text(value)
    return DataIssue(code, field, text, msg(f"issue.{code}", value=quote(text)[:80], **params), severity=severity)


def _unreadable(field: str, text: str, why: Text, code: str, value: Any = None) -> Read:
    return Read(value, Reading(field, quote(text), None, why), _issue(code, field, text))


# ------------------------------------------------------------------------------------ yes/no


_FIRST_PART = re.compile(r"\s*[,;:(\[/–—-]\s*|\s+-\s+")


class AnswerReader:
    """Yes/no answers in English and Spanish: a clear answer, or a clear answer at the start."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.exact: dict[str, str] = {}
        self.starts = Phrases()
        for answer, entries in vocabulary.answers.items():
            for entry in entries:
                self.exact[entry.casefold().strip()] = answer
                self.exact[fold(entry)] = answer
                # A cell starting with one letter or digit ("t", "1", "x") is not a clear answer
                # at its start; only "y" and "n" and whole words are.
                if len(fold(entry).replace(" ", "")) > 1 or fold(entry) in ("y", "n"):
                    self.starts.add(entry, answer)
        self.hedges = Phrases()
        self.hedges.add_all(vocabulary.hedges, "hedge")
        self.why = vocabulary.why["no_clear_answer"]
        self.of_field: dict[str, dict[str, str]] = {  # answers that hold for one question only
            field: {fold(entry): answer for answer, entries in answers.items() for entry in entries}
            for field, answers in vocabulary.field_answers.items()
        }

    def read(self, value: Any, field: str) -> Read:
        """``"yes"``, ``"no"`` or ``"unknown"``; a written cell that is none of them stays unknown, quoted.

        >>> from eligibility.rules import load_rules
        >>> AnswerReader(load_rules().vocabulary).read("sí, parole 2021", "entered_us_since_mpp").value
        'yes'
        """
        if is_blank(value):
            return Read("unknown")
        if isinstance(value, bool):
            return Read("yes" if value else "no")
        text = cell_text(value).strip()
        folded = fold(text)
        answer = self.exact.get(text.casefold()) or self.exact.get(folded)
        if answer is not None:
            return Read(answer)
        tokens = folded.split()
        hedged, _ = self.hedges.scan(tokens)
        if not hedged:
            # The first part of the cell, up to a comma, dash or bracket, as a whole answer ("no, se
            # quedó": "no"), else the longest answer phrase its first words make ("no sé si entró").
            head = _FIRST_PART.split(text, maxsplit=1)[0].strip()
            answer = self.exact.get(head.casefold()) or self.exact.get(fold(head)) if head else None
            own = self.of_field.get(field, {})
            answer = answer or own.get(folded) or (own.get(fold(head)) if head else None)
            if answer is None:
                found, _ = self.starts.scan(tokens)
                answer = found[0].meanings[0] if found and found[0].start == 0 else None
            if answer is not None:
                return Read(answer, Reading(field, quote(text), CatalogText(f"answer.{answer}")))
        return _unreadable(field, text, self.why, "unreadable_yes_no", "unknown")


# ------------------------------------------------------------------------------------ A-number

_A_NUMBER_STRIP = re.compile(r"[Aa#\s.\-]")


def normalize_a_number(value: Any) -> tuple[str | None, DataIssue | None]:
    """Strip "A", "#", spaces, dashes and dots; 8 or 9 digits, 8 left-padded to 9.

    >>> normalize_a_number("A 012-345-678")
    ('012345678', None)
    >>> normalize_a_number("A# 219-001-223")
    ('219001223', None)
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
    digits = pc.replace_substring_regex(texts, pattern=r"[Aa#\s.\-]", replacement="")
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
    from babel.dates import get_month_names

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


@dataclass(frozen=True)
class OrderDecision:
    """How a column's day/month order is settled: ``order`` (None: not settled), why (``source``:
    "user", "column", "conflict" or "none"), and the values that decided it."""

    order: DateOrder | None
    source: str
    deciding: tuple[str, ...] = ()
    ambiguous: int = 0


def settle_date_order(values: Sequence[Any], chosen: DateOrder | None = None, *, show: int = 3) -> OrderDecision:
    """Settle a column's day/month order only when its evidence is unanimous.

    Values that can be read only one way (25/12/2020) are the evidence; a column with both kinds
    settles nothing, and its ambiguous values keep both readings.

    >>> settle_date_order(["25/12/2020", "3/4/2020"])
    OrderDecision(order='dmy', source='column', deciding=('25/12/2020',), ambiguous=1)
    >>> settle_date_order(["25/12/2020", "12/25/2020", "3/4/2020"]).order is None
    True
    """
    kinds = [date_order_evidence(v) for v in values]
    ambiguous = kinds.count("ambiguous")
    if chosen is not None:
        return OrderDecision(chosen, "user", (), ambiguous)
    dmy = [str(v) for v, k in zip(values, kinds, strict=True) if k == "dmy"]
    mdy = [str(v) for v, k in zip(values, kinds, strict=True) if k == "mdy"]
    if dmy and mdy:
        return OrderDecision(None, "conflict", (), ambiguous)
    if dmy or mdy:
        return OrderDecision("dmy" if dmy else "mdy", "column", tuple((dmy or mdy)[:show]), ambiguous)
    return OrderDecision(None, "none", (), ambiguous)


def read_date(value: Any, order: DateOrder | None = None, field: str = "", why: Text | None = None) -> Read:
    """Read a full, month or year date in the forms intake sheets use.

    ``order`` settles ``3/4/2020``-style values; without it such a value is both readings
    (:class:`DateReadings`), quoted, so the rules can tell whether the difference matters.

    >>> [str(read_date(v).value) for v in ("julio 2019", "15/07/2019", 43831, "03/04/2020")]
    ['2019-07', '2019-07-15', '2020-01-01', '2020-03-04 or 2020-04-03']
    """
    if is_blank(value):
        return Read(None)
    if isinstance(value, PartialDate | DateReadings):
        return Read(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.date() if isinstance(value, dt.datetime) else value
        return read_date(value.isoformat(), order, field, why)
    if isinstance(value, int | float) and not isinstance(value, bool):
        read = _read_number(float(value))
    else:
        text = str(value).strip()
        if _SERIAL.match(text) and not _YEAR.match(text):
            read = _read_number(float(text))
        else:
            read = next((r for r in (f(text, order, field) for f in (_read_iso, _read_numeric, _read_words)) if r is not None), None)
    if read is None or read is _NOT_A_DATE:  # not a date: unknown, quoted
        text = cell_text(value)
        return Read(None, Reading(field, quote(text), None, why), _issue("unreadable_date", field, text))
    return read if isinstance(read, Read) else Read(read)


def _read_number(number: float) -> PartialDate | None:
    if number.is_integer() and MIN_YEAR <= number <= MAX_YEAR:
        return PartialDate.year(int(number))
    if SERIAL_MIN <= number <= SERIAL_MAX:
        return PartialDate.day(EXCEL_EPOCH + dt.timedelta(days=int(number)))
    return None


_NOT_A_DATE = Read(None)  # a cell of the right shape that is no date (2021-02-30): unknown, quoted


def _read_iso(text: str, order: DateOrder | None, field: str) -> PartialDate | Read | None:
    if match := _ISO.match(text):
        return _make(int(match.group(1)), int(match.group(2)), int(match.group(3))) or _NOT_A_DATE
    if match := _YEAR_MONTH.match(text):
        return _make(int(match.group(1)), int(match.group(2))) or _NOT_A_DATE
    if match := _YEAR.match(text):
        return _make(int(match.group(1))) or _NOT_A_DATE
    if match := _MONTH_YEAR.match(text):
        return _make(int(match.group(2)), int(match.group(1))) or _NOT_A_DATE
    return None


def _read_numeric(text: str, order: DateOrder | None, field: str) -> PartialDate | Read | None:
    match = _NUMERIC.match(text)
    if not match:
        return None
    first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
    evidence = date_order_evidence(text)
    if evidence == "ambiguous" and order is None:
        month_first, day_first = _make(year, first, second), _make(year, second, first)
        if month_first is None or day_first is None:
            return _NOT_A_DATE
        both = DateReadings(month_first, day_first)
        return Read(both, Reading(field, quote(text), both), _issue("ambiguous_date", field, text, severity="warning"))
    chosen = order if evidence == "ambiguous" else (evidence or order or "mdy")
    month, day = (first, second) if chosen == "mdy" else (second, first)
    return _make(year, month, day) or _NOT_A_DATE


def _read_words(text: str, order: DateOrder | None, field: str) -> PartialDate | Read | None:
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
        return _make(int(years[0]), month) or _NOT_A_DATE
    if len(years) == 1 and len(days) == 1:
        return _make(int(years[0]), month, int(days[0])) or _NOT_A_DATE
    if not years and len(days) == 1 and re.search(r"[a-z][-'’/ ]?\d{2}$", fold(text).replace(" ", "-")) and re.search(r"[-'’/]", text):
        return _make(_year(days[0].zfill(2)), month) or _NOT_A_DATE  # "Jul-19"
    return None


# ---------------------------------------------------------------------------------- countries

_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


@cache
def _territories(lang: str) -> dict[str, str]:
    from babel import Locale

    return {c: n for c, n in Locale.parse(lang).territories.items() if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES}


class _Place(NamedTuple):
    codes: frozenset[str]


class _Outside(NamedTuple):
    pass


class PlaceReader:
    """Countries, cities, regions and nationalities in English and Spanish -> one ISO code, or the
    set of countries the cell may name (a :class:`PlaceSet`), or unknown, quoted.

    Every place named in a cell narrows the countries it may be ("Laredo" is the United States or
    Mexico; "Laredo, TX" the United States); "outside" or a negation before a place means every
    country but that one. One country left: that country. Several, none, or a hedge: not placed.
    """

    def __init__(self, vocabulary: Vocabulary, *, demonyms: bool) -> None:
        places = vocabulary.places
        self.phrases = Phrases()
        self.codes = set(_territories("en"))
        for lang in ("en", "es"):
            for code, name in _territories(lang).items():
                self.phrases.add(name, _Place(frozenset({code})))
        self.phrases.add_all(places.united_states, _Place(frozenset({"US"})))
        for code, aliases in places.aliases.items():
            self.phrases.add_all(aliases, _Place(frozenset({code})))
        self.phrases.add_all(places.mexican_places, _Place(frozenset({"MX"})))
        if demonyms:
            for code, names in places.demonyms.items():
                self.phrases.add_all(names, _Place(frozenset({code})))
        for region in places.regions:
            self.phrases.add_all(region.names, _Place(frozenset(region.codes)))
        # Names on both sides of the border replace any single meaning they had ("Georgia").
        self.both_sides: dict[tuple[str, ...], frozenset[str]] = {tuple(fold(b.name).split()): frozenset(b.codes) for b in places.both_sides}
        for both in places.both_sides:
            self.phrases.add(both.name, _Place(frozenset(both.codes)))
        self.phrases.add_all(places.outside_markers, _Outside())
        self.phrases.add_all(vocabulary.negations, _Outside())
        self.phrases.add_all(vocabulary.hedges, "hedge")
        self.phrases.add_all(vocabulary.answers["unknown"], "unknown")
        self.gap = {fold(w) for w in vocabulary.negation_gap}
        self.abroad = {fold(p) for p in places.abroad}
        self.state_codes = {c.casefold() for c in places.us_state_codes}
        self.exact_names = {fold(n): c for lang in ("en", "es") for c, n in _territories(lang).items()}
        self.why = vocabulary.why
        self.readings = vocabulary.readings

    def _meanings(self, tokens: list[str], start: int, end: int, meanings: tuple) -> tuple:
        key = tuple(tokens[start:end])
        return (_Place(self.both_sides[key]),) if key in self.both_sides else meanings

    def _code(self, word: str, capitals: bool, alone: bool) -> frozenset[str] | None:
        """A two-letter code, read only in capitals or alone in the cell ("in" is a word, "IN" a code)."""
        if len(word) != 2 or not (capitals or alone):
            return None
        found = set()
        if word.upper() in self.codes:
            found.add(word.upper())
        if word in self.state_codes:
            found.add("US")
        return frozenset(found) or None

    def places(self, text: str) -> tuple[PlaceSet | str | None, str | None]:
        """The place a cell names (a code, a PlaceSet, or None for a cell that says it is not
        known) and, when it is not one country, why (a key of the vocabulary's ``why``)."""
        cell = words(text)
        tokens = [w.text for w in cell]
        if not tokens:
            return None, None
        if " ".join(tokens) in self.abroad:
            return PlaceSet(frozenset({"US"}), True), None
        found, loose = self.phrases.scan(tokens)
        loose = [i for i in loose if tokens[i] != BOUNDARY]
        meanings = [(m.start, self._meanings(tokens, m.start, m.end, m.meanings)) for m in found]
        if any("hedge" in ms for _, ms in meanings):
            return PlaceSet(frozenset(), True), "hedged"
        if all("unknown" in ms for _, ms in meanings) and not loose:
            return None, None
        sets: list[PlaceSet] = []
        twin = False  # a name on both sides of the border, or a code that is a state and a country
        pending_outside = False
        last_end = -1
        for (start, ms), match in zip(meanings, found, strict=True):
            twin |= tuple(tokens[match.start : match.end]) in self.both_sides
            place = next((m for m in ms if isinstance(m, _Place)), None)
            if place is not None:
                if pending_outside and all(t in self.gap for t in tokens[last_end:start]):
                    sets.append(PlaceSet(place.codes, True))
                else:
                    sets.append(PlaceSet(place.codes))
                pending_outside = False
            elif any(isinstance(m, _Outside) for m in ms):
                pending_outside = True
            last_end = match.end
        for i in loose:
            code = self._code(cell[i].text, cell[i].capitals, len(cell) == 1)
            if code is not None:
                sets.append(PlaceSet(code))
                twin |= len(code) > 1
        if not sets:
            return PlaceSet(frozenset(), True), "unrecognised"
        combined = sets[0]
        for other in sets[1:]:
            combined = _intersect(combined, other)
        if not combined.complement and len(combined.codes) == 1:
            return next(iter(combined.codes)), None
        if not combined.complement and not combined.codes:
            return PlaceSet(frozenset(), True), "several_places"
        return combined, ("both_sides" if twin and not combined.complement else "not_one_country")

    def read(self, value: Any, field: str) -> Read:
        """Read a place cell: one country (quoted when written otherwise than its name), a set of
        countries, or unknown, quoted, with a data issue."""
        if is_blank(value):
            return Read(None)
        text = cell_text(value).strip()
        place, why = self.places(text)
        if place is None:
            return Read(None)
        if isinstance(place, str):
            plain = fold(text) in (fold(place), fold(country_name(place, "en")), fold(country_name(place, "es")))
            return Read(place, None if plain else Reading(field, quote(text), CountryName(place)))
        if why is None:  # a cell that says "outside the United States" without naming a country
            return Read(place, Reading(field, quote(text), self.readings["abroad"]))
        if why == "not_one_country" and not place.may_be("US"):
            names = _Names(place.codes) if not place.complement else None
            reading = self.readings["abroad"] if names is None else _Region(self.readings["region"], names)
            return Read(place, Reading(field, quote(text), reading))
        code = {"hedged": "hedged_place", "several_places": "several_places", "both_sides": "place_on_both_sides"}.get(why, "unknown_place")
        return Read(place, Reading(field, quote(text), None, self.why[why]), _issue(code, field, text))


def _intersect(a: PlaceSet, b: PlaceSet) -> PlaceSet:
    if a.complement and b.complement:
        return PlaceSet(a.codes | b.codes, True)
    if a.complement:
        return PlaceSet(b.codes - a.codes)
    if b.complement:
        return PlaceSet(a.codes - b.codes)
    return PlaceSet(a.codes & b.codes)


class _Names(NamedTuple):
    """Country names, listed in a language."""

    codes: frozenset[str]

    def get(self, lang: str) -> str:
        return ", ".join(sorted(country_name(c, lang) for c in self.codes))


class _Region(NamedTuple):
    template: Text
    names: _Names

    def get(self, lang: str) -> str:
        return self.template.get(lang).format(countries=self.names.get(lang))


# -------------------------------------------------------------------------------- case status


class _Status(NamedTuple):
    code: str


class _Appeal(NamedTuple):
    answer: str


_UNREAD_FLAGS = (("unknown", "unknown"), ("negated", "negated"), ("incomplete", "incomplete"), ("bare", "bare_word"), ("no_status", "no_status"))
"""What a status cell with no status phrase says instead, in the order it is reported."""
_STATUS_ISSUES = {"hedged": "hedged_case_status", "negated": "unclear_case_status", "incomplete": "unclear_case_status"}


class StatusReader:
    """Case-status cells (English, Spanish, EOIR's portal) -> the status-table codes they name.

    Every phrase in the cell is found; a status phrase after a negation is not read as that
    status; a hedge leaves the cell unknown. One status (or a plain removal order plus the phrase
    that says which kind, as the rules declare) is that status; several are all kept, so the rules
    send the person to review; none is unknown. Phrases such as "no appeal" also answer whether an
    appeal was filed.
    """

    def __init__(self, ruleset: RuleSet, extra: Iterable[tuple[str, Any]] = ()) -> None:
        """``extra``: more phrases with their meanings (``status_meaning``, ``appeal_meaning`` or a
        flag such as ``"no_status"``), read by the same rules (EOIR's portal sentences)."""
        vocabulary = ruleset.vocabulary
        words_ = vocabulary.case_status
        self.phrases = Phrases()
        for code in ruleset.status_codes:
            self.phrases.add(code.replace("_", " "), _Status(code))
        for code, phrases in words_.phrases.items():
            self.phrases.add_all(phrases, _Status(code))
        for answer, phrases in words_.appeal_answers.items():
            self.phrases.add_all(phrases, _Appeal(answer))
        self.phrases.add_all(words_.no_status, "no_status")
        self.phrases.add_all(words_.bare_words, "bare")
        self.phrases.add_all(words_.incomplete, "incomplete")
        self.phrases.add_all(vocabulary.negations, "negation")
        self.phrases.add_all(vocabulary.hedges, "hedge")
        self.phrases.add_all(words_.unknown, "unknown")
        for phrase, meaning in extra:
            self.phrases.add(phrase, meaning)
        self.gap = {fold(w) for w in vocabulary.negation_gap}
        self.unknown_cells = {fold(w) for w in words_.unknown}
        self.refinements = {plain: set(kinds) for e in ruleset.status_elements for plain, kinds in e.refinements.items()}
        self.labels = {code: ruleset.status_label(code) for code in ruleset.status_codes}
        self.why = vocabulary.why
        self.several = vocabulary.readings["several"]

    def statuses(self, text: str) -> tuple[tuple[str, ...], str | None, str | None]:
        """The status codes a cell names, in the order found (refinement applied), any appeal
        answer, and why it was not read (a key of the vocabulary's ``why``, or "unknown" for a
        cell that only says the status is not known).

        >>> from eligibility.rules import load_rules
        >>> reader = StatusReader(load_rules())
        >>> reader.statuses("IA order 2019, reopened 2021")
        (('removal_order_in_absentia', 'reopened'), None, None)
        >>> reader.statuses("removal order, no appeal")
        (('removal_order',), 'no', None)
        """
        tokens = fold_words(text)
        found, _ = self.phrases.scan(tokens)
        codes: list[str] = []
        appeal = None
        flags: set[str] = set()
        negation_end = None
        for match in found:
            statuses = [m.code for m in match.meanings if isinstance(m, _Status)]
            appeal = next((m.answer for m in match.meanings if isinstance(m, _Appeal)), appeal)
            if statuses:
                if negation_end is not None and all(t in self.gap for t in tokens[negation_end : match.start]):
                    flags.add("negated")
                else:
                    codes += [c for c in statuses if c not in codes]
            flags.update(m for m in match.meanings if isinstance(m, str))
            negation_end = match.end if "negation" in match.meanings else None
        if "hedge" in flags:
            return (), appeal, "hedged"
        if not codes:
            for flag, why in _UNREAD_FLAGS:
                if flag in flags:
                    return (), appeal, why
            return (), appeal, "unrecognised"
        if "incomplete" in flags:
            return tuple(codes), appeal, "incomplete"
        if "unknown" in flags:
            return tuple(codes), appeal, "hedged"
        return self.refine(codes), appeal, None

    def refine(self, codes: Sequence[str]) -> tuple[str, ...]:
        """A plain removal order plus the one status that says which kind it is, as the rules
        declare, is that one status; anything else stays as it is.

        >>> from eligibility.rules import load_rules
        >>> StatusReader(load_rules()).refine(["removal_order", "removal_order_in_absentia"])
        ('removal_order_in_absentia',)
        """
        codes = list(codes)
        for plain, refined in self.refinements.items():
            kinds = [c for c in codes if c in refined]
            if plain in codes and len(kinds) == 1 and len(codes) == 2:
                codes = kinds
        return tuple(codes)

    def status_read(self, codes: Sequence[str], appeal: str | None, text: str, field: str = "case_status") -> Read:
        """The read of a text that names ``codes``: one status, or several (quoted, named)."""
        codes = tuple(codes)
        reading = self.labels[codes[0]] if len(codes) == 1 else _Several(self.several, tuple(self.labels[c] for c in codes))
        return Read(CaseStatus(codes, appeal), Reading(field, quote(text), reading))

    def read(self, value: Any, field: str = "case_status") -> Read:
        """Read a case-status cell into a :class:`CaseStatus` (quoted unless it is a status code)."""
        if is_blank(value):
            return Read(None)
        if isinstance(value, CaseStatus):
            return Read(value)
        text = cell_text(value).strip()
        if fold(text) in self.unknown_cells:
            return Read(None)
        codes, appeal, why = self.statuses(text)
        if why == "unknown":
            return Read(None)
        if why is not None:
            code = _STATUS_ISSUES.get(why, "unknown_case_status")
            return Read(CaseStatus((), appeal), Reading(field, quote(text), None, self.why[why]), _issue(code, field, text))
        if len(codes) == 1 and fold(text) == fold(codes[0].replace("_", " ")):
            return Read(CaseStatus(codes, appeal))
        return self.status_read(codes, appeal, text, field)


def status_meaning(code: str) -> _Status:
    """The meaning of a phrase that names a status (for ``StatusReader(extra=...)``)."""
    return _Status(code)


def appeal_meaning(answer: str) -> _Appeal:
    """The meaning of a phrase that answers whether an appeal was filed (for ``StatusReader(extra=...)``)."""
    return _Appeal(answer)


class _Several(NamedTuple):
    template: Text
    labels: tuple[Text, ...]

    def get(self, lang: str) -> str:
        return self.template.get(lang).format(statuses="; ".join(label.get(lang) for label in self.labels))


# ------------------------------------------------------------------------- attorney decisions


class DecisionReader:
    """An attorney's decision as staff write it -> ``"member"``, ``"not_member"`` or ``"more_info"``.

    Read only when every decision phrase in the cell names the same category and nothing in it
    hedges, negates or says it is not known; anything else is kept as written, quoted, unread
    (never guessed). The rules never read a decision.
    """

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.phrases = Phrases()
        for category, entries in vocabulary.attorney_decisions.items():
            self.phrases.add_all(entries, category)
        self.phrases.add_all(vocabulary.hedges, "hedge")
        self.phrases.add_all(vocabulary.negations, "negation")
        self.phrases.add_all(vocabulary.answers["unknown"], "unknown")
        self.categories = set(vocabulary.attorney_decisions)

    def category(self, text: str) -> str | None:
        """The category a cell names, or None when it cannot be read with certainty.

        >>> from eligibility.rules import load_rules
        >>> reader = DecisionReader(load_rules().vocabulary)
        >>> [reader.category(v) for v in ("Miembro", "not a member - memo 2026-11-20", "member?", "no")]
        ['member', 'not_member', None, None]
        """
        found, _ = self.phrases.scan(fold(text).split())
        meanings = {m for match in found for m in match.meanings}
        named = meanings & self.categories
        return next(iter(named)) if len(named) == 1 and meanings == named else None

    def read(self, value: Any, field: str = "attorney_decision") -> Read:
        if is_blank(value):
            return Read(None)
        text = cell_text(value).strip()
        category = self.category(text)
        if category is None:
            return Read("unreadable", Reading(field, quote(text), None), _issue("unreadable_decision", field, text))
        return Read(category)


# ---------------------------------------------------------------------------------- records


class Normalizer:
    """All value readers for one rule set, with their lookup tables built once."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.vocabulary = ruleset.vocabulary
        self.answers = AnswerReader(ruleset.vocabulary)
        self.places = PlaceReader(ruleset.vocabulary, demonyms=False)
        self.nationalities = PlaceReader(ruleset.vocabulary, demonyms=True)
        self.statuses = StatusReader(ruleset)
        from .eoir import PortalReader  # the portal reader reads with this module's readers

        self.portal = PortalReader(ruleset, self.statuses)
        self.decisions = DecisionReader(ruleset.vocabulary)

    def read(self, field: str, value: Any, date_order: DateOrder | None = None) -> Read:
        """Read one raw value of a canonical field (or of a decision column: the rules read none of those)."""
        if field == "eoir_text":
            return self.portal.read(value)
        if field in YES_NO_FIELDS:
            return self.answers.read(value, field)
        if field in DATE_FIELDS:
            return read_date(value, date_order, field, self.vocabulary.why["unrecognised"])
        if field == "nationality":
            return self.nationalities.read(value, field)
        if field in COUNTRY_FIELDS:
            return self.places.read(value, field)
        if field == "case_status":
            return self.statuses.read(value, field)
        if field == "a_number":
            number, issue = normalize_a_number(value)
            return Read(number, None, issue)
        if field in TEXT_FIELDS or field in ("decision_note", "decided_by"):
            return Read(None if is_blank(value) else cell_text(value).strip())
        if field == "attorney_decision":
            return self.decisions.read(value, field)
        if field == "decided_on":
            return read_date(value, None, field, self.vocabulary.why["unrecognised"])
        raise KeyError(f"not a canonical field: {field}")

    def record(self, reads: Mapping[str, Read], *, light: bool = False) -> IntakeRecord | Facts:
        """The one way an intake record is built from read cells (the form, ``eligibility person``
        and the batch all use it). ``light``: the same facts as a :class:`Facts`, which the batch
        builds once per distinct combination (a pydantic model costs many times more). Text from
        EOIR's portal (``eoir_text``) is merged into the case fields first, by the one merge the
        batch uses too (``PortalReader.merge``)."""
        if "eoir_text" in reads:
            reads = self.portal.merge(reads)
        values = {f: r.value for f, r in reads.items() if r.value is not None}
        readings = tuple(r.reading for r in reads.values() if r.reading is not None)
        issues = tuple(r.issue for r in reads.values() if r.issue is not None)
        if light:
            return Facts(**values, readings=readings, data_issues=issues)
        return IntakeRecord.model_construct(**values, readings=readings, data_issues=issues)

    def to_record(self, raw: Mapping[str, Any], date_orders: Mapping[str, DateOrder | None] | None = None) -> IntakeRecord:
        """Build an ``IntakeRecord`` from raw values keyed by canonical field name.

        >>> from eligibility.rules import load_rules
        >>> record = Normalizer(load_rules()).to_record({"current_country": "fuera de EE.UU.", "case_status": "IA order, MTR denied"})
        >>> record.case_status.codes, record.current_country.may_be("US")
        (('removal_order_in_absentia',), False)
        """
        orders = date_orders or {}
        return self.record({f: self.read(f, v, orders.get(f)) for f, v in raw.items()})


def normalizer_for(ruleset: RuleSet) -> Normalizer:
    """The rule set's Normalizer, built once (its tables come from the rules, never client data)."""
    found = ruleset.compiled.get("normalizer")
    if found is None:
        found = ruleset.compiled["normalizer"] = Normalizer(ruleset)
    return found


__all__ = ["DateOrder", "Normalizer", "OrderDecision", "Read", "fold", "normalizer_for", "read_date", "settle_date_order"]
