"""Coverage-guided fuzzing of the readers with atheris (run by hand; CI runs the hypothesis tests).

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_reader.py -max_total_time=300 [corpus-folder]

Seed it with the generated corpus: `python -m tests.corpus /tmp/seeds` then pass /tmp/seeds.
Any exception other than InputFileError is a bug; so is a table whose screening drops a row.
"""

import datetime as dt
import sys

import atheris

with atheris.instrument_imports():
    from eligibility import load_rules
    from eligibility.batch import screen_table
    from eligibility.errors import InputFileError
    from eligibility.read import read_table

RULES = load_rules()
SUFFIXES = (".csv", ".xlsx", ".xls", ".ods")


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    suffix = SUFFIXES[provider.ConsumeIntInRange(0, len(SUFFIXES) - 1)]
    payload = provider.ConsumeBytes(len(data))
    try:
        table = read_table(payload, f"fuzz{suffix}")
    except InputFileError:
        return
    result = screen_table(table, RULES, as_of=dt.date(2026, 11, 27))
    if len(result.outcome) != len(table):
        raise AssertionError("a row was dropped")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
