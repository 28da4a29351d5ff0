"""One law, one engine: element ids live in rules/ alone, the layers hold, the package installs, and
every sentence a user reads comes from the catalogues."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from eligibility import load_rules
from eligibility.batch import added_columns, screen_table
from eligibility.cli import main
from eligibility.engine import KIND_TESTS
from eligibility.read import read_table
from eligibility.rules import KINDS

from .conftest import AS_OF, ROOT, SAMPLES

SRC = ROOT / "src" / "eligibility"
RENAMED = {"subjected_to_mpp1": "returned_under_mpp1", "outside_us": "still_abroad", "case_inactive": "case_over"}
PARAGRAPHS = {"subjected_to_mpp1": "(i)", "outside_us": "(ii)", "case_inactive": "(iii)"}
FOURTH = "remains_outside_again"


def _rename(data, mapping: dict[str, str]):
    """Every key and string value that is an element id, renamed."""
    if isinstance(data, dict):
        return {mapping.get(k, k) if isinstance(k, str) else k: _rename(v, mapping) for k, v in data.items()}
    if isinstance(data, list):
        return [_rename(v, mapping) for v in data]
    return mapping.get(data, data) if isinstance(data, str) else data


@pytest.fixture(scope="module")
def renamed_rules(tmp_path_factory) -> Path:
    """A copy of rules/ with the element ids renamed, other paragraph letters, and a fourth element
    of an existing kind (a second test of "remain outside the United States")."""
    folder = tmp_path_factory.mktemp("renamed_rules")
    rules = yaml.safe_load((ROOT / "rules" / "mpp1_class.yaml").read_text(encoding="utf-8"))
    for element in rules["elements"]:
        element["paragraph"] = PARAGRAPHS[element["id"]]
    fourth = {**next(e for e in rules["elements"] if e["id"] == "outside_us"), "id": FOURTH, "paragraph": "(ii-b)",
              "words": "remain outside the United States"}
    rules["elements"].insert(2, fourth)
    rules = _rename(rules, RENAMED)
    (folder / "mpp1_class.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for name in ("vocabulary.yaml", "federal_holidays.yaml", "eoir_portal.yaml"):
        (folder / name).write_text((ROOT / "rules" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "cases").mkdir()
    for path in (ROOT / "rules" / "cases").glob("*.yaml"):
        cases = _rename(yaml.safe_load(path.read_text(encoding="utf-8")), RENAMED)
        (folder / "cases" / path.name).write_text(yaml.safe_dump(cases, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def test_renamed_ids_and_a_fourth_element_give_the_same_determinations_through_the_batch(renamed_rules, ruleset):
    """Renaming the ids, changing the letters and adding a fourth element of an existing kind changes
    nothing but the ids, letters and the extra column: same determinations on every sample."""
    renamed = load_rules(renamed_rules)
    assert renamed.element_ids == ("returned_under_mpp1", "still_abroad", FOURTH, "case_over")
    for sample in ("messy_spanish.csv", "messy_english.xlsx", "clean_sample.csv"):
        table = read_table(SAMPLES / sample)
        before = screen_table(table, ruleset, as_of=AS_OF)
        after = screen_table(table, renamed, as_of=AS_OF)
        assert after.outcome == before.outcome
        for old, new in RENAMED.items():
            assert after.statuses[new] == before.statuses[old]
        assert after.statuses[FOURTH] == before.statuses["outside_us"]
        assert tuple(after.added_columns()) == added_columns(renamed)
        assert all(r.startswith("(i) ") for r in after.reasons)
        assert "(ii-b) " in after.reasons[0] and "(iii) " in after.reasons[0]


def test_renamed_ids_work_through_the_cli_with_rules_dir_after_the_subcommand(renamed_rules, tmp_path, capsys):
    """`eligibility screen IN -o OUT --rules-dir DIR` writes the new ids as columns, the same
    determinations, and the renamed rule cases all pass."""
    out, original = tmp_path / "renamed.csv", tmp_path / "original.csv"
    assert main(["screen", str(SAMPLES / "messy_spanish.csv"), "-o", str(out), "--as-of", "2026-11-27", "--rules-dir", str(renamed_rules)]) == 0
    assert main(["screen", str(SAMPLES / "messy_spanish.csv"), "-o", str(original), "--as-of", "2026-11-27"]) == 0
    with out.open(encoding="utf-8-sig", newline="") as a, original.open(encoding="utf-8-sig", newline="") as b:
        new_rows, old_rows = list(csv.DictReader(a)), list(csv.DictReader(b))
    assert [r["determination"] for r in new_rows] == [r["determination"] for r in old_rows]
    assert [r["case_over"] for r in new_rows] == [r["case_inactive"] for r in old_rows]
    assert "subjected_to_mpp1" not in new_rows[0]
    assert main(["rules", "test", "--rules-dir", str(renamed_rules)]) == 0
    assert main(["person", "mpp_enrolled=yes", "mpp_enrollment_date=2019-07", "current_country=Tijuana", "case_status=IA order",
                 "--rules-dir", str(renamed_rules)]) == 0
    printed = capsys.readouterr().out
    assert "returned_under_mpp1: met" in printed and f"{FOURTH}: met" in printed


def test_renamed_ids_work_in_the_app(renamed_rules, monkeypatch):
    """The app reads the element ids, letters and count from the rules it is given."""
    monkeypatch.setenv("ELIGIBILITY_RULES_DIR", str(renamed_rules))
    import streamlit as st

    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        shown = " ".join(str(m.value) for m in at.markdown).replace("\\", "").replace("\u2060", "")  # as it reads
        assert "(ii-b)" in shown and "(iii)" in shown
        at.switch_page("pages/rules.py").run()
        assert not at.exception
        assert FOURTH in " ".join(str(m.value) for m in at.markdown)
    finally:
        st.cache_resource.clear()


def test_no_python_file_names_an_element_id(ruleset):
    """Element ids live in rules/ alone: no module of the package names one."""
    source = {p: p.read_text(encoding="utf-8") for p in SRC.rglob("*.py")}
    for element_id in ruleset.element_ids:
        users = [str(p.relative_to(SRC)) for p, text in source.items() if re.search(rf"\b{element_id}\b", text)]
        assert not users, f"{element_id} is named in {users}"


def test_every_element_kind_of_the_schema_has_one_test_in_the_engine():
    """Each kind the rules schema declares is implemented once in the engine, and nothing else is."""
    declared = {k.model_fields["kind"].annotation.__args__[0] for k in KINDS}
    assert declared == set(KIND_TESTS)


def test_the_engine_reads_only_the_fields_an_element_declares(ruleset, normalizer):
    """Evaluating an element touches no field outside its `facts:` (checked with a record that
    records every field read), so the batch, which groups rows by `facts:`, cannot drift."""
    from eligibility.engine import evaluate_element

    class Spy:
        def __init__(self, record, allowed):
            self._record, self._allowed = record, allowed

        def __getattr__(self, name):
            if name in ("readings", "data_issues"):
                return getattr(self._record, name)
            assert name in self._allowed, f"read {name}"
            return getattr(self._record, name)

    raw = {"mpp_enrolled": "no", "mpp_enrollment_date": "2019-07", "nationality": "mexicana", "arrived_unaccompanied": "yes",
           "current_country": "Tijuana", "entered_us_since_mpp": "sí", "case_status": "removal order", "order_date": "2018-01-02",
           "appeal_filed": "no", "other_case_pending": "yes", "full_name": "X", "notes": "y"}
    for variant in ({}, {"mpp_enrolled": "yes"}, {"case_status": "terminated"}, {"case_status": "IA order", "appeal_filed": "yes"}):
        record = normalizer.to_record({**raw, **variant})
        for element in ruleset.rules.elements:
            evaluate_element(element.id, Spy(record, set(element.facts)), ruleset, AS_OF)


# ------------------------------------------------------------------------------------- layers

LAYERS = [
    {"fields", "cells", "text", "i18n", "errors", "phrases", "runtime"},
    {"rules", "model"},
    {"engine"},
    {"normalize", "eoir", "mapping", "read", "cases", "template"},
    {"batch", "columnar", "duplicates", "caseload", "compare"},
    {"report"},
    {"cli", "ui"},
]
FORBIDDEN_BELOW_READING = {"pandas", "pyarrow", "babel", "streamlit", "numpy"}


def _module_of(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> set[str]:
    """The package modules (as "eligibility.<top module>") and third-party packages a file imports, at any depth."""
    package = ["eligibility", *path.relative_to(SRC).with_suffix("").parts][:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[list[str]] = []
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            targets = [base + node.module.split(".")] if node.module else [[*base, a.name] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            targets = [node.module.split(".")]
        elif isinstance(node, ast.Import):
            targets = [a.name.split(".") for a in node.names]
        for target in targets:
            if target[0] == "eligibility":
                if len(target) > 1:
                    found.add(f"eligibility.{target[1]}")
            else:
                found.add(target[0])
    return found


def _rank(name: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if name in layer)


MODULES = sorted(p for p in SRC.rglob("*.py") if p.name != "__init__.py" or p.parent != SRC)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_each_module_imports_only_its_own_layer_and_those_below(path):
    """fields/cells/errors/text -> rules, model -> engine -> reading -> batch -> reports -> edges; the
    engine, the model and the rules import no reader, batch, report, pandas, pyarrow, babel or streamlit."""
    own = _module_of(path)
    rank = _rank(own)
    for name in _imports(path):
        if name.startswith("eligibility."):
            other = name.split(".")[1]
            if other == own or other not in {m for layer in LAYERS for m in layer}:
                continue  # its own package, or a name the package root re-exports (``__version__``)
            assert _rank(other) <= rank, f"{own} imports {other}, a layer above it"
        elif own in ("engine", "model", "rules"):
            assert name not in FORBIDDEN_BELOW_READING, f"{own} imports {name}"


def test_importing_the_engine_loads_no_reader_report_or_heavy_library():
    """The pure engine, with the rules and the model, loads without pandas, pyarrow, babel or streamlit."""
    code = (
        "import sys, eligibility.engine, eligibility.rules, eligibility.model; "
        "heavy = sorted(m for m in ('pandas', 'pyarrow', 'babel', 'streamlit', 'numpy', 'eligibility.normalize', "
        "'eligibility.batch', 'eligibility.read', 'eligibility.report') if m in sys.modules); print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# ------------------------------------------------------------------------------------- errors

CATALOGUES = {lang: yaml.safe_load((SRC / "locales" / f"{lang}.yaml").read_text(encoding="utf-8")) for lang in ("en", "es")}


def _raised_codes() -> set[str]:
    codes = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("InputFileError", "MappingError", "UsageError", "ReportError"):
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), f"{path.name}:{node.lineno} raises without a code"
                codes.add(first.value)
    return codes


def test_every_error_code_has_a_sentence_in_english_and_spanish():
    """Every code raised anywhere has `error.<code>` in both catalogues, the rules errors too."""
    codes = _raised_codes() | {"rules_invalid", "rules_invalid_key"}
    assert len(codes) > 20
    for lang, catalogue in CATALOGUES.items():
        missing = sorted(c for c in codes if f"error.{c}" not in catalogue)
        assert not missing, f"{lang} lacks {missing}"


def test_not_found_folder_and_permission_denied_have_their_own_sentences(tmp_path):
    """A missing file, a folder and an unreadable file each say what is wrong, in both languages."""
    from eligibility.errors import InputFileError

    locked = tmp_path / "locked.csv"
    locked.write_text("a,b\n1,2\n")
    locked.chmod(0)
    cases = {"not_found": tmp_path / "nope.csv", "is_a_folder": tmp_path}
    if os.geteuid() != 0:  # root reads any file
        cases["permission_denied"] = locked
    for code, path in cases.items():
        with pytest.raises(InputFileError) as info:
            read_table(path)
        assert info.value.code == code
        assert info.value.sentence("es") != info.value.sentence("en")


_SENTENCE = re.compile(r"[A-Za-zÁÉÍÓÚáéíóúñ]{2,}[ ,;:'’]+[A-Za-zÁÉÍÓÚáéíóúñ]{2,}[ ,;:'’]+[A-Za-zÁÉÍÓÚáéíóúñ]{2,}")
_USER_FACING = {"error", "warning", "info", "success", "caption", "markdown", "write", "title", "header", "subheader", "button",
                "download_button", "radio", "selectbox", "text_input", "text_area", "number_input", "date_input", "checkbox",
                "toast", "metric", "add_argument", "add_parser", "ArgumentParser", "print"}


def test_no_python_file_holds_a_user_facing_sentence():
    """Sentences a person reads (messages, labels, help, errors, printed lines) come from the
    catalogues or the rules: no call that shows text to a person is given a literal sentence."""
    offenders = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name not in _USER_FACING:
                continue
            texts = [a for a in [*node.args, *(k.value for k in node.keywords if k.arg in ("help", "label", "description"))]]
            for arg in texts:
                parts = [arg] if isinstance(arg, ast.Constant) else [v for v in getattr(arg, "values", []) if isinstance(v, ast.Constant)]
                for part in parts:
                    if isinstance(part.value, str) and _SENTENCE.search(part.value):
                        offenders.append(f"{path.relative_to(SRC)}:{node.lineno}: {part.value[:60]!r}")
    assert not offenders, offenders


# ------------------------------------------------------------------------------------- wheel


@pytest.mark.timeout(600)
def test_a_wheel_installed_outside_the_repository_screens_a_file(tmp_path):
    """The rules and the header words ship inside the package: a wheel installed into a fresh
    virtual environment, run from another folder, screens a file with the bundled rules."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        (source / name).write_bytes((ROOT / name).read_bytes())
    subprocess.run(["cp", "-r", str(ROOT / "src"), str(ROOT / "rules"), str(source)], check=True)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(source)], check=True,
                   capture_output=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python*/site-packages"))
    # The dependencies come from this environment (no download); the package itself from the wheel.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n" + sysconfig.get_paths()["platlib"] + "\n")
    wheel = next(wheels.glob("*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(site), str(wheel)], check=True)
    python = venv / "bin" / "python"
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("ELIGIBILITY_RULES_DIR", "PYTHONPATH")}
    code = (
        "import eligibility, sys; from eligibility.rules import default_rules_dir; "
        "print(eligibility.__file__); print(default_rules_dir()); "
        "from eligibility.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    out = work / "out.csv"
    done = subprocess.run([str(python), "-c", code, "screen", str(SAMPLES / "messy_spanish.csv"), "-o", str(out), "--as-of", "2026-11-27"],
                          cwd=work, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    installed, rules_dir = done.stdout.splitlines()[:2]
    assert str(site) in installed and str(ROOT) not in installed
    assert rules_dir.endswith("rules_data") and str(site) in rules_dir
    assert "Screened 10 rows" in done.stdout and out.exists()


def test_the_renamed_fixture_is_generated_from_todays_rules(renamed_rules):
    """The fixture follows rules/ (it is built from it), so it never goes stale."""
    assert dt.date.fromisoformat(str(yaml.safe_load((renamed_rules / "mpp1_class.yaml").read_text())["effective"]))
