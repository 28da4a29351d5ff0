"""Rule test cases: YAML files under ``rules/cases/``, each case named as a sentence.

A case gives facts as staff would write them, an as-of date, and the expected outcome, element
statuses and (optionally) the ids of the questions, notes and data issues.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .engine import Determination, evaluate
from .errors import RulesError
from .fields import FIELDS
from .normalize import Normalizer, normalizer_for
from .rules import STATUSES, Outcome, RuleSet


class Expect(BaseModel):
    """What a case expects. Element statuses are keyed by the element ids of the rules file."""

    model_config = ConfigDict(extra="allow")

    outcome: Outcome
    questions: list[str] | None = None
    notes: list[str] | None = None
    data_issues: list[str] | None = None
    recheck_on: dt.date | None = None

    def statuses(self) -> dict[str, str]:
        """The element statuses the case expects, by element id."""
        return dict(self.model_extra or {})


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=10)
    as_of: dt.date | None = None
    facts: dict[str, Any] = {}
    expect: Expect


class Defaults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: dt.date
    facts: dict[str, Any] = {}


class CaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    element: str | None = None
    defaults: Defaults
    cases: list[Case] = Field(min_length=1)


@dataclass(frozen=True)
class LoadedCase:
    """One case with its file's defaults applied."""

    name: str
    file: str
    element: str | None
    as_of: dt.date
    facts: dict[str, Any]
    expect: Expect


@dataclass
class CaseResult:
    case: LoadedCase
    determination: Determination
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def load_cases(rules_dir: Path, element_ids: tuple[str, ...]) -> list[LoadedCase]:
    """Load every ``rules/cases/*.yaml`` file; a malformed file raises ``RulesError``."""
    loaded: list[LoadedCase] = []
    for path in sorted((rules_dir / "cases").glob("*.yaml")):
        try:
            data = CaseFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except ValidationError as exc:
            first = exc.errors()[0]
            raise RulesError(path, ".".join(str(p) for p in first["loc"]), first["msg"]) from None
        if data.element is not None and data.element not in element_ids:
            raise RulesError(path, "element", f"one of {list(element_ids)}")
        for case in data.cases:
            for key, value in case.expect.statuses().items():
                if key not in element_ids or value not in STATUSES:
                    expected = f"an element id ({', '.join(element_ids)}) with a status ({', '.join(STATUSES)})"
                    raise RulesError(path, f"{case.name}.expect.{key}", expected)
            facts = {**data.defaults.facts, **case.facts}
            unknown = set(facts) - set(FIELDS)
            if unknown:
                raise RulesError(path, f"{case.name}.facts", f"canonical field names, not {sorted(unknown)}")
            loaded.append(LoadedCase(case.name, path.name, data.element, case.as_of or data.defaults.as_of, facts, case.expect))
    return loaded


def run_case(case: LoadedCase, ruleset: RuleSet, normalizer: Normalizer | None = None) -> CaseResult:
    """Evaluate one case and compare it with what it expects."""
    normalizer = normalizer or normalizer_for(ruleset)
    raw = {k: _yaml_value(v) for k, v in case.facts.items()}
    record = normalizer.to_record(raw)
    det = evaluate(record, ruleset, as_of=case.as_of)
    result = CaseResult(case, det)
    expect = case.expect
    if det.outcome != expect.outcome:
        result.failures.append(f"outcome is {det.outcome}, expected {expect.outcome}")
    for element_id, wanted in expect.statuses().items():
        got = det.statuses[element_id]
        if got != wanted:
            result.failures.append(f"{element_id} is {got}, expected {wanted}")
    if expect.recheck_on is not None and det.recheck_on != expect.recheck_on:
        result.failures.append(f"recheck_on is {det.recheck_on}, expected {expect.recheck_on}")
    checks = (
        ("questions", [q.id for q in det.questions], expect.questions),
        ("notes", [n.id for n in det.notes], expect.notes),
        ("data_issues", [i.code for i in det.data_issues], expect.data_issues),
    )
    for label, got_ids, wanted_ids in checks:
        if wanted_ids is not None and got_ids != wanted_ids:
            result.failures.append(f"{label} are {got_ids}, expected {wanted_ids}")
    return result


def _yaml_value(value: Any) -> Any:
    """YAML reads unquoted yes/no as booleans; intake answers are words."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def run_all(ruleset: RuleSet) -> list[CaseResult]:
    """Run every case under the rule set's ``cases/`` folder."""
    normalizer = normalizer_for(ruleset)
    return [run_case(case, ruleset, normalizer) for case in load_cases(ruleset.source, ruleset.element_ids)]
