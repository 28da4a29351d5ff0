"""Raw cells -> canonical values: yes/no, dates, places, case statuses, A-numbers."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.model import PartialDate
from eligibility.normalize import (
    fold,
    infer_date_order,
    normalize_a_number,
    normalize_a_numbers,
    parse_date,
    parse_yes_no,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("yes", "yes"), ("Y", "yes"), ("sí", "yes"), ("SI", "yes"), ("true", "yes"), ("1", "yes"), ("x", "yes"), (True, "yes"),
     (1, "yes"), ("no", "no"), ("N", "no"), ("false", "no"), ("0", "no"), (0, "no"), (False, "no"),
     ("no sé", "unknown"), ("No se", "unknown"), ("unknown", "unknown"), ("", "unknown"), (None, "unknown"), ("  ", "unknown")],
)
def test_yes_no_answers_in_english_and_spanish(raw, expected, ruleset):
    """Yes/no/unknown is read in English and Spanish; blank is unknown, never no."""
    answer, issue = parse_yes_no(raw, ruleset.vocabulary)
    assert answer == expected
    assert issue is None


def test_an_unreadable_yes_no_is_unknown_with_an_issue(ruleset):
    """A word that is not yes or no becomes unknown plus a data issue."""
    answer, issue = parse_yes_no("maybe later", ruleset.vocabulary, "appeal_filed")
    assert answer == "unknown"
    assert issue.code == "unreadable_yes_no" and issue.value == "maybe later"


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
    parsed, issue = parse_date(raw, order)
    assert str(parsed) == expected
    assert issue is None


@pytest.mark.parametrize("raw", ["32/13/2020", "sometime in 2019?", "2019-02-30", "hello", "13/13/2013", "1850-01-01", True])
def test_an_unreadable_date_is_unknown_with_an_issue(raw):
    """A date that cannot be read becomes unknown and a data issue with a stable code."""
    parsed, issue = parse_date(raw, None, "order_date")
    assert parsed is None
    assert issue.code == "unreadable_date"


def test_an_ambiguous_date_without_an_order_is_read_month_first_with_a_warning():
    """3/4/2020 alone is read as March 4 (U.S.) and flagged for checking."""
    parsed, issue = parse_date("3/4/2020")
    assert str(parsed) == "2020-03-04"
    assert issue.code == "date_order_assumed" and issue.severity == "warning"


def test_partial_dates_are_intervals():
    """A month is the whole month; a year is the whole year."""
    assert PartialDate.month(2020, 2) == PartialDate(dt.date(2020, 2, 1), dt.date(2020, 2, 29), "month")
    assert PartialDate.year(2021).end == dt.date(2021, 12, 31)


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["25/12/2020", "3/4/2020"], ("dmy", False)), (["12/25/2020", "3/4/2020"], ("mdy", False)),
     (["3/4/2020"], (None, True)), (["2020-01-01"], (None, False)), (["25/12/2020", "12/25/2020"], (None, True))],
)
def test_a_columns_day_month_order_is_inferred_from_values_read_one_way_only(values, expected):
    """Values like 25/12/2020 settle a column's order; a column that stays ambiguous says so."""
    assert infer_date_order(values) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [("México", "MX"), ("Mexico", "MX"), ("MX", "MX"), ("mx", "MX"), ("Mexican", "MX"), ("mexicana", "MX"),
     ("EE.UU.", "US"), ("Estados Unidos", "US"), ("USA", "US"), ("U.S.", "US"), ("United States", "US"),
     ("Houston, TX", "US"), ("New Mexico", "US"), ("Guatemala", "GT"), ("Honduran", "HN"), ("hondureño", "HN"),
     ("España", "ES"), ("Tijuana", "MX"), ("Cd. Juárez", "MX"), ("Ciudad Juárez, Chihuahua", "MX"),
     ("Matamoros", "MX"), ("Reynosa", "MX"), ("Tijuana, Mexico", "MX"), ("El Salvador", "SV"), ("Brasil", "BR")],
)
def test_countries_cities_and_nationalities_in_english_and_spanish(raw, code, normalizer):
    """Names, codes, demonyms and Mexican border cities resolve to ISO codes."""
    assert normalizer.places.resolve(raw) == (code, None)


@pytest.mark.parametrize(("raw", "issue"), [("Narnia", "unknown_place"), ("Honduras, deported from Mexico", "ambiguous_place")])
def test_unknown_or_ambiguous_places_stay_unknown(raw, issue, normalizer):
    """A place the tool cannot pin to one country is unknown plus a data issue."""
    code, problem = normalizer.places.resolve(raw, "current_country")
    assert code is None and problem.code == issue


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("IA order", "removal_order_in_absentia"),
        ("ordered removed in absentia", "removal_order_in_absentia"),
        ("Orden de deportación en ausencia", "removal_order_in_absentia"),
        ("Orden de deportación final", "removal_order_final"),
        ("orden de deportación", "removal_order"),
        ("Removal order", "removal_order"),
        ("Proceedings terminated", "terminated"),
        ("Terminado", "terminated"),
        ("This case is pending.", "pending"),
        ("Admin closed", "administratively_closed"),
        ("Cierre administrativo", "administratively_closed"),
        ("BIA appeal pending", "appeal_pending"),
        ("Apelación pendiente", "appeal_pending"),
        ("Motion to reopen pending", "motion_to_reopen_pending"),
        ("Asylum granted", "relief_granted"),
        ("Salida voluntaria", "voluntary_departure"),
        ("dismissed", "dismissed"),
        ("removal_order_in_absentia", "removal_order_in_absentia"),
        ("Petition for review pending", "petition_for_review_pending"),
        ("Case reopened", "reopened"),
        ("Removal order - appeal waived", "removal_order_final"),
    ],
)
def test_case_status_words_staff_and_eoir_use(raw, code, normalizer):
    """Status words map to the status table; the most specific phrase wins."""
    assert normalizer.statuses.resolve(raw) == (code, None)


@pytest.mark.parametrize(("raw", "issue"), [("see file", "unknown_case_status"), ("no appeal filed", "unclear_case_status")])
def test_an_unreadable_status_is_unknown_and_never_guessed(raw, issue, normalizer):
    """A status the vocabulary does not name, or one with a negation, is unknown plus an issue."""
    code, problem = normalizer.statuses.resolve(raw)
    assert code is None and problem.code == issue


@pytest.mark.parametrize(
    ("raw", "expected", "valid"),
    [("A012345678", "012345678", True), ("A-123-456-789", "123456789", True), ("12.345.678", "012345678", True),
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
    assert parse_date(str(value)) == (value, None)


@given(text=st.text(max_size=30))
def test_normalising_a_normalised_value_changes_nothing(text, normalizer):
    """For every parser, parsing the canonical result again gives the same result."""
    for field in ("current_country", "case_status", "mpp_enrolled", "a_number"):
        value, _ = normalizer.parse(field, text)
        if value is not None and value != "unknown":
            again, issue = normalizer.parse(field, value)
            assert again == value
            if field != "a_number":
                assert issue is None


@given(value=st.one_of(st.text(max_size=60), st.integers(), st.floats(allow_nan=True), st.none(), st.dates(), st.booleans()))
def test_no_parser_raises_on_any_cell(value, normalizer):
    """A bad cell never raises: each parser returns a value or unknown with an issue."""
    for field in ("date_of_birth", "nationality", "case_status", "appeal_filed", "a_number", "notes"):
        normalizer.parse(field, value)


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
