"""Hostile and broken input: the corpus, fuzzed readers, safe exports, no client data in logs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import subprocess
import sys
import time
import zipfile

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from eligibility import EligibilityError, InputFileError, Normalizer, evaluate
from eligibility.batch import screen_table
from eligibility.cli import main
from eligibility.errors import MappingError
from eligibility.mapping import suggest_mapping
from eligibility.read import read_table
from eligibility.report import batch_csv, batch_workbook
from eligibility.report.csvfile import FORMULA_TRIGGERS

from .conftest import AS_OF, ROOT, SAMPLES
from .corpus import corpus, hostile_profiles, hostile_workbooks

CORPUS = corpus()
REFUSED = {name: code for name, _, code in hostile_workbooks() if code} | {
    "empty.csv": "empty_file", "blank-lines.csv": "empty_file", "header-only.csv": "header_only",
    "header-only.xlsx": "header_only", "empty-workbook.xlsx": "empty_sheet", "wide-16384.csv": "too_many_columns",
    "wide-16384.xlsx": "too_many_columns", "long-cell.csv": "cell_too_long", "zip-of-other.xlsx": "zip_not_spreadsheet",
    "zip-bomb.xlsx": "zip_bomb", "size-claim-2gb.xlsx": "zip_bomb", "password.xlsx": "password_protected",
    "binary-garbage.csv": "binary_csv", "pdf-renamed.xlsx": "corrupt",
    "long-cell.xlsx": "cell_too_long", "long-cell-big.csv": "cell_too_long",
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("name", "make"), CORPUS, ids=[name for name, _ in CORPUS])
def test_every_bad_file_gets_a_complete_result_or_one_plain_sentence(name, make, ruleset):
    """Each corpus file is refused with one sentence, or screened with every row and its values kept."""
    data = make()
    if name in REFUSED:
        with pytest.raises(InputFileError) as info:
            read_table(data, name)
        assert info.value.code == REFUSED[name]
        message = str(info.value)
        assert "\n" not in message and message.endswith(".") and len(message) < 300
        return
    table = read_table(data, name)
    result = screen_table(table, ruleset, as_of=AS_OF)
    assert len(result) == len(table) > 0
    for values in result.added_columns().values():
        assert len(values) == len(table)
    book = load_workbook(io.BytesIO(batch_workbook(result, ruleset)))
    results = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(results) == len(table) + 1
    assert next(iter(csv.reader(io.StringIO(batch_csv(result).decode("utf-8-sig")))))[0] == _neutral(table.headers[0])


def _neutral(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def test_the_corpus_is_read_within_bounded_memory(tmp_path):
    """Reading and screening every corpus file in one process stays under a 2 GB address-space cap."""
    script = (
        f"import resource, datetime as dt, sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))\n"
        "from tests.corpus import corpus\n"
        "from eligibility import load_rules, EligibilityError\n"
        "from eligibility.read import read_table\n"
        "from eligibility.batch import screen_table\n"
        "rules = load_rules()\n"
        "for name, make in corpus():\n"
        "    try:\n"
        "        screen_table(read_table(make(), name), rules, as_of=dt.date(2026, 11, 27))\n"
        "    except EligibilityError:\n"
        "        pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip()) < 2048, f"peak {done.stdout.strip()} MB"


def test_macros_are_never_run_and_formulas_are_read_as_values_not_evaluated(ruleset):
    """An .xlsm's VBA is ignored; a formula cell gives its cached value, and nothing is executed."""
    macro = read_table(dict(CORPUS)["macros.xlsm"](), "macros.xlsm")
    assert macro.rows == [["Corpus Person", "A012345678", "yes", "2019-07-15", "Mexico", "terminated"]]
    formulas = read_table(dict(CORPUS)["formulas.xlsx"](), "formulas.xlsx")
    assert formulas.column(6) == [2.0, 2.0]  # the cached values the file carries, never recomputed


def test_a_hidden_sheet_is_not_read_by_default(ruleset):
    """The first visible sheet is read; a hidden one only when asked for by name."""
    data = dict(CORPUS)["hidden-sheet.xlsx"]()
    assert read_table(data, "h.xlsx").column(0) == ["Corpus Person"]
    assert read_table(data, "h.xlsx", sheet="Secret").column(0) == ["Hidden Person"]


def test_a_time_budget_stops_a_batch_with_a_plain_sentence(ruleset):
    """Past its time budget a batch stops with one sentence instead of running on."""
    table = read_table(SAMPLES / "clean_sample.csv")
    with pytest.raises(InputFileError) as info:
        screen_table(table, ruleset, as_of=AS_OF, max_seconds=1e-9)
    assert info.value.code == "time_budget" and "split the file" in str(info.value)


# ---------------------------------------------------------------------------------- fuzzing

cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx", ".xls", ".ods", ".tsv"]))
def test_random_bytes_never_raise_anything_but_a_plain_error(data, suffix, ruleset):
    """Whatever the bytes, reading either fails with InputFileError or gives a table that screens fully."""
    try:
        table = read_table(data, f"fuzz{suffix}")
    except InputFileError as error:
        assert "\n" not in str(error)
        return
    result = screen_table(table, ruleset, as_of=AS_OF)
    assert len(result.outcome) == len(table)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(cell_text, min_size=4, max_size=4), min_size=1, max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig"]),
)
@example(rows=[["", "", "\x0c", "\x0c0"]], delimiter=";", encoding="utf-8")  # a form feed is not a line end
def test_csv_values_round_trip_unchanged(rows, delimiter, encoding, ruleset):
    """Any cell text written as CSV comes back unchanged, row for row; every row is screened."""
    header = ["client_id", "full_name", "case_status", "notes", "mpp_enrolled"]
    body = [[f"C-{i}", *row] for i, row in enumerate(rows)]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows([header, *body])
    table = read_table(buffer.getvalue().encode(encoding), "fuzz.csv")
    assert table.headers == header
    assert table.rows == body
    assert len(screen_table(table, ruleset, as_of=AS_OF)) == len(body)


# openpyxl (the test's writer) refuses control characters; our own writer escapes them (_x0008_).
xlsx_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(lambda s: s.strip())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(st.one_of(xlsx_text, st.integers(-10**6, 10**6),
                                        st.dates(dt.date(1950, 1, 1), dt.date(2050, 1, 1))), min_size=3, max_size=3), min_size=1, max_size=8))
def test_xlsx_values_round_trip_unchanged(rows, ruleset):
    """Text, numbers and dates written to a workbook come back as they were."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["full_name", "notes", "date_of_birth"])
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even when it starts with "="
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "fuzz.xlsx")
    assert len(table) == len(rows)
    for got_row, want_row in zip(table.rows, rows, strict=True):
        for got, want in zip(got_row, want_row, strict=True):
            if isinstance(want, dt.date):
                assert got in (want, dt.datetime(want.year, want.month, want.day))
            elif isinstance(want, int):
                assert got == want
            else:
                assert got == want


@given(headers=st.lists(cell_text, min_size=1, max_size=20))
def test_header_mapping_never_fails_and_maps_each_field_once(headers):
    """Any headers get one suggestion each, and no field is given to two columns."""
    matches = suggest_mapping(headers)
    assert [m.header for m in matches] == headers
    fields = [m.field for m in matches if m.field]
    assert len(fields) == len(set(fields))
    assert all(0.0 <= m.confidence <= 1.0 for m in matches)


# ------------------------------------------------------------------------------ safe exports


def test_every_writer_neutralises_formulas_in_every_column_and_header(ruleset):
    """Original values, headers and added columns: no XLSX formula or link, every CSV trigger prefixed."""
    table = read_table(dict(CORPUS)["formula-text.csv"](), "formula-text.csv")
    result = screen_table(table, ruleset, as_of=AS_OF)
    for redact in (False, True):
        data = batch_workbook(result, ruleset, redact=redact)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
            assert b"<f>" not in xml and b"<f " not in xml, "a cell was written as a formula"
            assert b"hyperlink" not in xml.lower() and not any("hyperlink" in n.lower() for n in archive.namelist())
        book = load_workbook(io.BytesIO(data))
        for sheet in book:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                        assert cell.data_type == "s"
        written = list(csv.reader(io.StringIO(batch_csv(result, redact=redact).decode("utf-8-sig"))))
        for row in written:
            for value in row:
                assert not value.startswith(FORMULA_TRIGGERS), value


# ------------------------------------------------------------------------------------ logs


def test_no_client_data_reaches_the_logs(tmp_path, caplog, capfd):
    """With every logger at DEBUG, a batch, a one-person screening and the app log no name, A-number or birth date."""
    from streamlit.testing.v1 import AppTest

    secrets = ["Zacarías Secretísimo", "A987654321", "987654321", "1979-03-14", "14/03/1979"]
    source = tmp_path / "clients.csv"
    source.write_text(
        "full_name,a_number,date_of_birth,mpp_enrolled,mpp_enrollment_date,current_country,case_status\n"
        "Zacarías Secretísimo,A987654321,14/03/1979,yes,2019-07,Mexico,terminated\n",
        encoding="utf-8",
    )
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.DEBUG)
    for name in ("streamlit", "eligibility", "fpdf", "fontTools", "PIL", "urllib3"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    try:
        assert main(["screen", str(source), "-o", str(tmp_path / "out.xlsx"), "--as-of", "2026-11-27"]) == 0
        assert main(["person", "full_name=Zacarías Secretísimo", "a_number=A987654321", "date_of_birth=1979-03-14",
                     "--pdf", str(tmp_path / "r.pdf")]) == 0
        record = Normalizer(__import__("eligibility").load_rules()).to_record({"full_name": "Zacarías Secretísimo", "a_number": "A987654321"})
        evaluate(record, __import__("eligibility").load_rules(), as_of=AS_OF)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        at.text_input(key="p_full_name").input("Zacarías Secretísimo").run()
        at.text_input(key="p_a_number").input("A987654321").run()
        at.switch_page("pages/batch.py").run()
        at.file_uploader(key="upload").set_value(("clients.csv", source.read_bytes(), "text/csv"))
        at.run()
        at.button(key="run").click().run()
        assert not at.exception
    finally:
        root.setLevel(previous)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    _out, err = capfd.readouterr()
    for secret in secrets:
        assert secret not in logged, f"{secret!r} reached a log record"
        assert secret not in err, f"{secret!r} reached stderr"


def test_control_characters_survive_the_workbook_report(ruleset, tmp_path):
    """Control characters from a CSV are escaped in the XLSX, not lost and not breaking the file."""
    table = read_table(b"full_name,notes\nA\x08B,x\x1fy\n", "c.csv")
    data = batch_workbook(screen_table(table, ruleset, as_of=AS_OF), ruleset)
    assert load_workbook(io.BytesIO(data)).worksheets[0]["A2"].value == "A_x0008_B"  # OOXML's own escape


def test_nothing_derived_from_client_data_uses_a_shared_cache():
    """Only the rules are cached across sessions: no st.cache_data anywhere, cache_resource only without arguments."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "eligibility" / "ui").glob("*.py"))
    assert "cache_data" not in source
    lines = source.splitlines()
    for index in [i for i, text in enumerate(lines) if "@st.cache_resource" in text]:
        assert lines[index + 1].rstrip().endswith(("() -> RuleSet:", "() -> Normalizer:"))


def test_a_mapping_profile_that_is_not_yaml_is_refused_plainly():
    """A broken mapping profile is one sentence, not a traceback."""
    from eligibility.mapping import load_profile

    with pytest.raises(EligibilityError, match="could not be read"):
        load_profile(b"\xff\xfe not yaml [")


# --------------------------------------------------------------------------- mapping profiles


PROFILES = hostile_profiles()


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("name", "make", "code"), PROFILES, ids=[name for name, _, _ in PROFILES])
def test_a_hostile_mapping_profile_is_refused_at_once_in_one_short_sentence(name, make, code):
    """Aliases, deep nesting, huge files, huge numbers, nested entries, Python tags: one short
    sentence in well under a second, before anything is built."""
    from eligibility.mapping import load_profile

    data = make()
    start = time.perf_counter()
    with pytest.raises(MappingError) as info:
        load_profile(data)
    seconds = time.perf_counter() - start
    assert info.value.code == code
    for lang in ("en", "es"):
        sentence = info.value.sentence(lang)
        assert "\n" not in sentence and len(sentence) < 250 and sentence.endswith(".")
    assert seconds < 1.0, f"{seconds:.2f} s"


def test_the_laughing_profile_is_refused_under_a_small_memory_cap():
    """The 458-byte alias bomb (10 ** 10 strings once built) is refused in a process capped at 512 MB."""
    script = (
        f"import resource, sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from tests.corpus import laughing_profile\n"
        "from eligibility.mapping import load_profile\n"
        "from eligibility.errors import MappingError\n"
        "resource.setrlimit(resource.RLIMIT_AS, (512 * 1024**2, 512 * 1024**2))\n"
        "try:\n    load_profile(laughing_profile(10, 10))\nexcept MappingError as error:\n    print(error.code)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "profile_aliases", done.stderr[-2000:]


def test_a_profile_path_larger_than_the_limit_is_not_even_read(tmp_path, monkeypatch):
    """On the command line, a profile file over the limit is refused from its size."""
    from pathlib import Path

    from eligibility.mapping import PROFILE_MAX_BYTES, load_profile

    path = tmp_path / "big.yaml"
    path.write_bytes(b"columns:\n" + b"#" * PROFILE_MAX_BYTES)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    with pytest.raises(MappingError) as info:
        load_profile(path)
    assert info.value.code == "profile_too_large"


def test_messages_never_quote_more_than_a_few_dozen_characters_of_a_header_or_field():
    """A 100,000-character header, field or --map option shows as a few dozen characters."""
    from eligibility.mapping import apply_overrides, load_profile, parse_map_options, suggest_mapping

    long = "H" * 100_000
    matches = suggest_mapping(["full_name"])
    for attempt in (
        lambda: apply_overrides(matches, {long: "full_name"}),
        lambda: apply_overrides(matches, {"full_name": long}),
        lambda: parse_map_options([long]),
        lambda: load_profile(f"columns:\n  ? {long}\n  : [full_name]\n"),
    ):
        with pytest.raises(MappingError) as info:
            attempt()
        message = str(info.value)
        assert "H" * 10 in message and "H" * 41 not in message and len(message) < 600  # the rest is the tool's own list of field names


def test_an_uploaded_profile_is_parsed_once_and_its_sentence_stays(monkeypatch):
    """In the app a profile is parsed once per upload, not on every rerun; a bad one shows its
    sentence on every rerun without being parsed again."""
    from streamlit.testing.v1 import AppTest

    import eligibility.ui.batch as batch_page

    calls = []
    real = batch_page.load_profile
    monkeypatch.setattr(batch_page, "load_profile", lambda data: (calls.append(len(data)), real(data))[1])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/batch.py").run()
    at.file_uploader(key="upload").set_value(("clients.csv", (SAMPLES / "clean_sample.csv").read_bytes(), "text/csv"))
    at.file_uploader(key="profile_upload").set_value(("laughs.yaml", hostile_profiles()[0][1](), "text/yaml"))
    at.run()
    at.run()
    at.button(key="run").click().run()
    assert not at.exception
    assert len(calls) == 1
    assert any("anchors or aliases" in e.value for e in at.error)
    assert sum(int(m.value) for m in at.metric) == 12  # the batch still runs, with the suggested mapping
