"""Raw cells -> canonical values: yes/no, dates, places, case statuses, A-numbers."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.model import DateReadings, PartialDate
from eligibility.normalize import fold, normalize_a_number, normalize_a_numbers, read_date, settle_date_order


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("yes", "yes"), ("Y", "yes"), ("sí", "yes"), ("SI", "yes"), ("true", "yes"), ("1", "yes"), ("x", "yes"), (True, "yes"),
     (1, "yes"), ("no", "no"), ("N", "no"), ("false", "no"), ("0", "no"), (0, "no"), (False, "no"),
     ("no sé", "unknown"), ("No se", "unknown"), ("unknown", "unknown"), ("", "unknown"), (None, "unknown"), ("  ", "unknown")],
)
def test_yes_no_answers_in_english_and_spanish(raw, expected, normalizer):
    """Yes/no/unknown is read in English and Spanish; blank is unknown, never no."""
    read = normalizer.read("appeal_filed", raw)
    assert read.value == expected
    assert read.issue is None and read.reading is None


def test_an_unreadable_yes_no_is_unknown_with_an_issue_and_keeps_its_text(normalizer):
    """A word that is not yes or no becomes unknown plus a data issue, and its text is kept to quote."""
    read = normalizer.read("appeal_filed", "maybe later")
    assert read.value == "unknown"
    assert read.issue.code == "unreadable_yes_no" and read.issue.value == "maybe later"
    assert read.reading.text == "maybe later" and read.reading.reading is None


@pytest.mark.parametrize(
    ("raw", "order", "expected"),
    [
        ("2019-07-15", None, "2019-07-15"),
        ("2019/07/15", None, "2019-07-15"),
        ("2019-07-15 00:00:00", None, "2019-07-15"),
        ("2019-07", None, "2019-07"),
        ("2019", None, "2019"),
        (2019, None, "2019"),
        ("7/15/2019", None, "2019-07-15"),
        ("15/07/2019", None, "2019-07-15"),
        ("3/4/2020", "dmy", "2020-04-03"),
        ("3/4/2020", "mdy", "2020-03-04"),
        ("03.04.2020", "dmy", "2020-04-03"),
        ("7/2019", None, "2019-07"),
        ("julio 2019", None, "2019-07"),
        ("Jul 2019", None, "2019-07"),
        ("July 15, 2019", None, "2019-07-15"),
        ("15 de julio de 2019", None, "2019-07-15"),
        ("sept 2019", None, "2019-09"),
        ("Septiembre de 2020", None, "2020-09"),
        ("Jul-19", None, "2019-07"),
        (43831, None, "2020-01-01"),
        ("43831", None, "2020-01-01"),
        (43831.0, None, "2020-01-01"),
        (dt.date(2020, 1, 2), None, "2020-01-02"),
        (dt.datetime(2020, 1, 2, 13, 5), None, "2020-01-02"),
        ("7/15/19", None, "2019-07-15"),
    ],
)
def test_dates_in_the_forms_intake_sheets_use(raw, order, expected):
    """ISO, U.S. and day-first, serials, month names in both languages, month/year and year alone."""
    read = read_date(raw, order)
    assert str(read.value) == expected
    assert read.issue is None


@pytest.mark.parametrize("raw", ["32/13/2020", "sometime in 2019?", "2019-02-30", "hello", "13/13/2013", "1850-01-01", True])
def test_an_unreadable_date_is_unknown_with_an_issue(raw):
    """A date that cannot be read becomes unknown and a data issue with a stable code."""
    read = read_date(raw, None, "order_date")
    assert read.value is None
    assert read.issue.code == "unreadable_date"
    assert read.reading.why is None and read.reading.text  # kept, to be quoted


def test_an_ambiguous_date_without_an_order_keeps_both_readings_and_says_so():
    """3/4/2020 alone is both March 4 and April 3, quoted and flagged; nothing picks one."""
    read = read_date("3/4/2020", None, "order_date")
    assert isinstance(read.value, DateReadings)
    assert (str(read.value.first), str(read.value.second)) == ("2020-03-04", "2020-04-03")
    assert read.issue.code == "ambiguous_date" and read.issue.severity == "warning"
    assert read.reading.text == "3/4/2020"


def test_partial_dates_are_intervals():
    """A month is the whole month; a year is the whole year."""
    assert PartialDate.month(2020, 2) == PartialDate(dt.date(2020, 2, 1), dt.date(2020, 2, 29), "month")
    assert PartialDate.year(2021).end == dt.date(2021, 12, 31)


@pytest.mark.parametrize(
    ("values", "order", "source", "deciding"),
    [(["25/12/2020", "3/4/2020"], "dmy", "column", ("25/12/2020",)), (["12/25/2020", "3/4/2020"], "mdy", "column", ("12/25/2020",)),
     (["3/4/2020"], None, "none", ()), (["2020-01-01"], None, "none", ()), (["25/12/2020", "12/25/2020", "3/4/2020"], None, "conflict", ())],
)
def test_a_column_settles_its_day_month_order_only_when_its_evidence_is_unanimous(values, order, source, deciding):
    """Values like 25/12/2020 settle a column's order only when no value says the other order; the
    values that decided it are kept to show."""
    decision = settle_date_order(values)
    assert (decision.order, decision.source, decision.deciding) == (order, source, deciding)


@pytest.mark.parametrize(
    ("raw", "expected", "valid"),
    [("A012345678", "012345678", True), ("A# 219-001-223", "219001223", True), ("A-123-456-789", "123456789", True),
     ("12.345.678", "012345678", True),
     ("a 12 345 678", "012345678", True), (12345678, "012345678", True), (12345678.0, "012345678", True),
     ("A1234567", "A1234567", False), ("A12345678901", "A12345678901", False), ("ABC", "ABC", False)],
)
def test_a_numbers_are_normalised_and_invalid_ones_become_issues(raw, expected, valid):
    """Strip A, spaces, dashes and dots; 8 or 9 digits; pad 8 to 9; anything else is an issue."""
    value, issue = normalize_a_number(raw)
    assert value == expected
    assert (issue is None) == valid


@given(st.text(max_size=40))
def test_folding_twice_equals_folding_once(text):
    """fold() is idempotent."""
    assert fold(fold(text)) == fold(text)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)), st.sampled_from(["day", "month", "year"]))
def test_a_parsed_date_parses_back_to_itself(day, precision):
    """Normalising a normalised date changes nothing."""
    value = {"day": PartialDate.day(day), "month": PartialDate.month(day.year, day.month), "year": PartialDate.year(day.year)}[precision]
    assert read_date(str(value)) == (value, None, None)


@given(text=st.text(max_size=30))
def test_normalising_a_normalised_value_changes_nothing(text, normalizer):
    """For every parser, parsing the canonical result again gives the same result."""
    for field in ("current_country", "mpp_enrolled", "a_number"):
        read = normalizer.read(field, text)
        if isinstance(read.value, str) and read.value != "unknown":
            again = normalizer.read(field, read.value)
            assert again.value == read.value
            if field != "a_number":
                assert again.issue is None and again.reading is None


@given(value=st.one_of(st.text(max_size=60), st.integers(), st.floats(allow_nan=True), st.none(), st.dates(), st.booleans()))
def test_no_parser_raises_on_any_cell(value, normalizer):
    """A bad cell never raises: each parser returns a value or unknown with an issue."""
    for field in ("date_of_birth", "nationality", "current_country", "case_status", "appeal_filed", "a_number", "notes"):
        read = normalizer.read(field, value)
        if read.issue is not None and field in ("date_of_birth", "appeal_filed"):
            assert read.value in (None, "unknown") or read.issue.severity == "warning"  # unknown, or both readings kept


@given(values=st.lists(st.one_of(st.text(alphabet="Aa0123456789 .-\u00a0x#", max_size=14), st.integers(0, 10**10), st.none()), max_size=20))
def test_vectorised_a_numbers_match_the_one_value_path(values):
    """The batch's vectorised A-number normalisation gives exactly what normalize_a_number gives."""
    many_values, many_issues = normalize_a_numbers(values)
    assert len(many_values) == len(values)
    for i, (value, got) in enumerate(zip(values, many_values.to_pylist(), strict=True)):
        expected, expected_issue = normalize_a_number(value)
        assert got == expected
        assert many_issues.get(i) == expected_issue
    texts = [v for v in values if isinstance(v, str)]
    arrow_values, arrow_issues = normalize_a_numbers(pa.array(texts, type=pa.string()))
    assert arrow_values.to_pylist() == [normalize_a_number(v)[0] for v in texts]
    assert arrow_issues == {i: issue for i, v in enumerate(texts) if (issue := normalize_a_number(v)[1]) is not None}
